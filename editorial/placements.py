"""Using library resources in columns: placements and reposts (转载) (RES-3, RES-4).

A placement puts one resource in one column, never a copy. In a column of its own site it is
active at once; in another site's column it is a repost that waits for a reviewer of that site.
Every placement, acceptance, refusal and removal writes a UsageRecord (who, where, when) and an
audit entry; pinning and ordering write audit entries (they change how, not where, it is used).
Pages show a placement while it is active and its resource is online (editorial.queries).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from columns.permissions import require_editor_column
from core import feed
from editorial import queries
from editorial.models import Placement, PlacementStatus, UsageRecord
from resources.models import Resource
from resources.policies import EDITING_ROLES
from sites.permissions import has_role, require_role


def _record_usage(placement: Placement, action: str, acting_user) -> UsageRecord:
    return UsageRecord.objects.create(
        resource_id=placement.resource_id,
        column=placement.column,
        column_name=placement.column.name[:50],
        site_id=placement.site_id,
        action=action,
        actor=acting_user,
    )


def _changed(placement: Placement) -> None:
    # placed, moved, pinned, removed: the item's pages and the lists that show it (PUB-8)
    feed.changed(resources=[placement.resource_id])


def _details(placement: Placement, **extra) -> dict:
    return {
        "resource": placement.resource_id,
        "column": placement.column_id,
        "column_name": placement.column.name,
        "repost": placement.is_repost,
        **extra,
    }


def is_usable(resource: Resource) -> bool:
    """Published content, or approved content waiting for its publishing time, may be placed."""
    return queries.is_online(resource) or queries.approved_waiting(resource)


def _require_editor_of(acting_user, *sites) -> None:
    if acting_user is None:
        return
    if not any(has_role(acting_user, site, *EDITING_ROLES) for site in sites):
        raise PermissionDenied(
            _("You need to be an editor or site administrator of %(site)s to do this.")
            % {"site": "、".join(str(site) for site in sites)}
        )


@transaction.atomic
def place(resource: Resource, column, *, acting_user, pinned: bool = False) -> Placement:
    """Use a resource in a column: of its own site at once, of another site as a repost request.

    A repost is asked for by an editor of the target site, or offered by an editor of the owning
    site; a reviewer of the target site accepts or refuses it.
    """
    is_repost = column.site_id != resource.site_id
    if is_repost:
        _require_editor_of(acting_user, column.site, resource.site)
    else:
        require_role(acting_user, column.site, *EDITING_ROLES)
    require_editor_column(acting_user, column.site, column)  # a sub-unit's editor: its columns only (SITE-10)
    resource = Resource.objects.select_for_update().select_related("site").get(pk=resource.pk)
    if not is_usable(resource):
        raise ValidationError(
            _("Only published content, or approved content waiting for its publishing time, can be used in a column."),
            code="not_usable",
        )
    queries.require_proactive(resource)  # PUB-10
    placement = Placement.objects.select_for_update().filter(resource=resource, column=column).first()
    if placement is not None and placement.status != PlacementStatus.REFUSED:
        raise ValidationError(
            _("“%(title)s” is already used in the column %(column)s.") % {"title": resource.title, "column": column},
            code="already_placed",
        )
    if placement is None:
        placement = Placement(resource=resource, column=column)
    placement.site_id = column.site_id
    placement.is_repost = is_repost
    placement.status = PlacementStatus.PENDING if is_repost else PlacementStatus.ACTIVE
    placement.pinned = pinned
    placement.placed_by = acting_user or resource.creator
    placement.placed_at = timezone.now()
    placement.decided_by = None
    placement.decided_at = None
    placement.save()
    _record_usage(placement, UsageRecord.Action.PLACE, acting_user)
    audit.record(
        AuditEvent.PLACEMENT_REQUEST_REPOST if is_repost else AuditEvent.PLACEMENT_PLACE,
        actor=acting_user,
        obj=placement,
        details=_details(placement, owning_site=resource.site.name, pinned=pinned),
    )
    if placement.status == PlacementStatus.ACTIVE:
        _changed(placement)
    return placement


def ensure_home_placement(resource: Resource, *, acting_user) -> Placement | None:
    """The active placement of a resource in its own column, created when missing (on publish)."""
    if resource.column_id is None or resource.column.site_id != resource.site_id:
        return None
    placement = Placement.objects.select_for_update().filter(resource=resource, column_id=resource.column_id).first()
    if placement is not None and placement.status == PlacementStatus.ACTIVE:
        return placement
    if placement is None:
        placement = Placement(resource=resource, column=resource.column, site_id=resource.site_id)
    placement.status = PlacementStatus.ACTIVE
    placement.is_repost = False
    placement.placed_by = acting_user or resource.creator
    placement.placed_at = timezone.now()
    placement.save()
    _record_usage(placement, UsageRecord.Action.PLACE, acting_user)
    audit.record(AuditEvent.PLACEMENT_PLACE, actor=acting_user, obj=placement, details=_details(placement, home=True))
    return placement


def _lock(placement: Placement) -> Placement:
    return Placement.objects.select_for_update().select_related("resource__site", "column", "site").get(pk=placement.pk)


def _require_repost_reviewer(placement: Placement, acting_user) -> None:
    if acting_user is None:
        raise PermissionDenied(_("A reviewer of the target site must decide on a repost."))
    membership = queries.reviewer_membership(acting_user, placement.site_id)
    if membership is None:
        raise PermissionDenied(_("You are not a reviewer of the site %(site)s.") % {"site": placement.site})
    if not queries.column_in_scope(membership, placement.column):
        raise PermissionDenied(
            _("You review only some columns of %(site)s, and %(column)s is not one of them.")
            % {"site": placement.site, "column": placement.column}
        )
    if placement.placed_by_id == acting_user.pk:
        # PUB-1
        raise PermissionDenied(
            _("You asked for this repost yourself, so another reviewer must decide on it (separation of duties).")
        )


def _require_pending_repost(placement: Placement) -> None:
    if not placement.is_repost or placement.status != PlacementStatus.PENDING:
        raise ValidationError(
            _("This is not a repost waiting for a decision (it is %(status)s).")
            % {"status": placement.get_status_display()},
            code="not_pending",
        )


@transaction.atomic
def accept_repost(placement: Placement, *, acting_user) -> Placement:
    placement = _lock(placement)
    _require_pending_repost(placement)
    _require_repost_reviewer(placement, acting_user)
    if not is_usable(placement.resource):
        raise ValidationError(_("The content was withdrawn by its site and can no longer be reposted."))
    queries.require_proactive(placement.resource)  # PUB-10
    placement.status = PlacementStatus.ACTIVE
    placement.decided_by = acting_user
    placement.decided_at = timezone.now()
    placement.save(update_fields=["status", "decided_by", "decided_at"])
    _record_usage(placement, UsageRecord.Action.ACCEPT, acting_user)
    audit.record(AuditEvent.PLACEMENT_ACCEPT_REPOST, actor=acting_user, obj=placement, details=_details(placement))
    _changed(placement)
    return placement


@transaction.atomic
def refuse_repost(placement: Placement, *, reason: str, acting_user) -> Placement:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the repost is refused."), code="reason_required")
    placement = _lock(placement)
    _require_pending_repost(placement)
    _require_repost_reviewer(placement, acting_user)
    placement.status = PlacementStatus.REFUSED
    placement.decided_by = acting_user
    placement.decided_at = timezone.now()
    placement.save(update_fields=["status", "decided_by", "decided_at"])
    _record_usage(placement, UsageRecord.Action.REFUSE, acting_user)
    audit.record(
        AuditEvent.PLACEMENT_REFUSE_REPOST, actor=acting_user, obj=placement, details=_details(placement, reason=reason)
    )
    return placement


@transaction.atomic
def remove_placement(placement: Placement, *, acting_user) -> None:
    """Stop using a resource in a column. The owning site may also take back a repost it offered."""
    placement = _lock(placement)
    if placement.is_repost and placement.status == PlacementStatus.PENDING:
        _require_editor_of(acting_user, placement.site, placement.resource.site)
    else:
        require_role(acting_user, placement.site, *EDITING_ROLES)
    was_shown = placement.status == PlacementStatus.ACTIVE
    _record_usage(placement, UsageRecord.Action.REMOVE, acting_user)
    audit.record(AuditEvent.PLACEMENT_REMOVE, actor=acting_user, obj=placement, details=_details(placement))
    if was_shown:
        _changed(placement)
    placement.delete()


def _set_pinned(placement: Placement, pinned: bool, acting_user) -> Placement:
    placement = _lock(placement)
    require_role(acting_user, placement.site, *EDITING_ROLES)
    if placement.status != PlacementStatus.ACTIVE:
        raise ValidationError(_("Only content in use in the column can be pinned."), code="not_active")
    if placement.pinned != pinned:
        placement.pinned = pinned
        placement.save(update_fields=["pinned"])
        audit.record(AuditEvent.PLACEMENT_PIN if pinned else AuditEvent.PLACEMENT_UNPIN, actor=acting_user, obj=placement,
                     details=_details(placement))  # fmt: skip
        _changed(placement)
    return placement


@transaction.atomic
def pin(placement: Placement, *, acting_user) -> Placement:
    return _set_pinned(placement, True, acting_user)


@transaction.atomic
def unpin(placement: Placement, *, acting_user) -> Placement:
    return _set_pinned(placement, False, acting_user)


@transaction.atomic
def reorder(column, ordered_placement_ids, *, acting_user) -> list[Placement]:
    """Put the listed placements of a column first, in this order; the others follow as they were.

    Pinned placements stay above the rest (the order applies within pinned and within unpinned).
    """
    require_role(acting_user, column.site, *EDITING_ROLES)
    ordered_ids = [int(pk) for pk in ordered_placement_ids]
    if len(set(ordered_ids)) != len(ordered_ids):
        raise ValidationError(_("A placement is listed twice."), code="duplicate")
    placements = list(
        Placement.objects.select_for_update()
        .filter(column=column)
        .order_by("-pinned", "sort_order", "-placed_at", "-id")
    )
    by_id = {placement.pk: placement for placement in placements}
    strangers = [pk for pk in ordered_ids if pk not in by_id]
    if strangers:
        raise ValidationError(
            _("These placements are not in the column %(column)s: %(ids)s.")
            % {"column": column, "ids": ", ".join(map(str, strangers))},
            code="not_in_column",
        )
    listed = set(ordered_ids)
    new_order = [by_id[pk] for pk in ordered_ids] + [p for p in placements if p.pk not in listed]
    for position, placement in enumerate(new_order):
        placement.sort_order = position
    Placement.objects.bulk_update(new_order, ["sort_order"])
    audit.record(
        AuditEvent.PLACEMENT_REORDER,
        actor=acting_user,
        obj=column,
        site=column.site,
        details={"column": column.pk, "order": [placement.pk for placement in new_order]},
    )
    feed.changed(column_lists=[column.pk])  # the column's lists, not its items' pages (nothing to index)
    return sorted(new_order, key=lambda p: (not p.pinned, p.sort_order))


# --- usage and source -------------------------------------------------------------------------


def usage_summary(resource: Resource) -> dict:
    """Where a resource is used and how often (资源使用情况, RES-4).

    `places`: every placement (active and waiting) with site, column, since when and whether it is
    a repost; counts of active uses, sites and reposts; and the counts of every usage action ever
    recorded (placed, accepted, refused, removed) with the time of the last one.
    """
    placements = (
        Placement.objects.filter(resource=resource, status__in=[PlacementStatus.ACTIVE, PlacementStatus.PENDING])
        .select_related("site", "column")
        .order_by("site_id", "column__tree_id", "column__lft")
    )
    places = [
        {
            "site": placement.site,
            "site_name": placement.site.name,
            "column": placement.column,
            "column_name": placement.column.name,
            "since": placement.decided_at if placement.is_repost and placement.decided_at else placement.placed_at,
            "is_repost": placement.is_repost,
            "status": placement.status,
            "placed_by": placement.placed_by_id,
        }
        for placement in placements
    ]
    active = [place for place in places if place["status"] == PlacementStatus.ACTIVE]
    history = UsageRecord.objects.filter(resource=resource)
    counts = dict(history.values_list("action").annotate(n=Count("id")).values_list("action", "n"))
    return {
        "places": places,
        "active_count": len(active),
        "pending_count": len(places) - len(active),
        "site_count": len({place["site"].pk for place in active}),
        "repost_count": sum(1 for place in active if place["is_repost"]),
        "history": {action: counts.get(action, 0) for action in UsageRecord.Action.values},
        "last_used": history.aggregate(last=Max("time"))["last"],
    }


def display_source(placement: Placement) -> str:
    """The source a page shows (PUB-7, RES-3): the resource's source or its owning site's name;
    a repost says which site it comes from (转载自 …)."""
    resource = placement.resource
    if placement.is_repost:
        return _("Reposted from %(site)s") % {"site": resource.site.name}
    return resource.source or resource.site.name
