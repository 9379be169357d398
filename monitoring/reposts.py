"""Reposts within 12 hours (PUB-6; G §8(四)1 "对上级政府网站和本级政府门户网站发布的重要政策信息，
应在12小时内转载", T art.16(二)): marking a portal's item important, offering it to the sites that
must repost it, accepting (placing it through editorial.placements) or declining an offer, and
escalating offers missed.

Targets. The guideline binds the sites for which the portal is the superior government's site
(上级政府网站: lower portals and their department sites, every level below) or their own
government's portal (本级政府门户网站: the portal's own department sites): together, every site
under the portal (Site.parent, recursively). Portals of the same level (other portals with the same
parent) have no such duty; the marker may still offer to them by choosing them (Relation.PEER).
Only monitored sites (online or migrating, not archived) receive offers.

Deadline: 12 hours after the offer. A repost shown at the deadline itself is in time; an offer
neither reposted nor declined when the deadline has passed is missed (RepostOffer.is_late).
Fulfilment: any active placement of the item in a column of the target site, shown by the
deadline; accepting an offer places the item as a repost that the target site's reviewer then
accepts (editorial.placements), so the offer is fulfilled when the reviewer has accepted it.

Every function takes `now` so that the demo and tests can set the clock.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from editorial import placements, queries
from editorial.models import Placement, PlacementStatus
from monitoring.models.reposts import (
    OPEN_STATUSES,
    REPOST_DEADLINE,
    ImportantItem,
    OfferStatus,
    Relation,
    RepostOffer,
)
from resources.policies import EDITING_ROLES
from sites.models import Role, Site, SiteKind, SiteStatus
from sites.permissions import has_role
from sites.policies import VIEW, SitePolicy, register

MARKING_ROLES = (Role.REVIEWER, Role.SITE_ADMIN)  # the portal's reviewers and administrators
ANSWERING_ROLES = EDITING_ROLES  # the target site's editors and administrators accept or decline


class ImportantItemPolicy(SitePolicy):
    site_field = "portal_id"
    actions = {VIEW: (), "mark": MARKING_ROLES}

    def site_of(self, obj):
        return obj.portal


class RepostOfferPolicy(SitePolicy):
    """Offers are the target site's: its people see them, its editors answer them."""

    actions = {VIEW: (), "answer": ANSWERING_ROLES}


IMPORTANT_ITEMS = register(ImportantItemPolicy(ImportantItem))
REPOST_OFFERS = register(RepostOfferPolicy(RepostOffer))


def _monitored(queryset):
    return queryset.filter(status__in=(SiteStatus.ONLINE, SiteStatus.MIGRATING), archived_at__isnull=True)


def _descendant_ids(portal) -> list[tuple[int, str]]:
    """(site id, relation) of every site under the portal, level by level."""
    found, level, seen = [], [portal.pk], {portal.pk}
    while level:
        children = list(Site.objects.filter(parent_id__in=level).values_list("pk", "kind", "parent_id"))
        level = []
        for pk, kind, parent_id in children:
            if pk in seen:
                continue
            seen.add(pk)
            own_department = parent_id == portal.pk and kind == SiteKind.DEPARTMENT
            found.append((pk, Relation.OWN_GOVERNMENT if own_department else Relation.LOWER))
            level.append(pk)
    return found


def eligible_targets(portal) -> dict[int, str]:
    """{site id: relation} of the sites the portal may offer to, the duty-bound ones first."""
    targets = dict(_descendant_ids(portal))
    peers = Site.objects.filter(kind=SiteKind.PORTAL, parent_id=portal.parent_id).exclude(pk=portal.pk)
    for pk in peers.values_list("pk", flat=True):
        targets.setdefault(pk, Relation.PEER)
    monitored = set(_monitored(Site.objects.filter(pk__in=targets)).values_list("pk", flat=True))
    return {pk: relation for pk, relation in targets.items() if pk in monitored}


def default_targets(portal) -> list[int]:
    """The sites bound to repost (every monitored site under the portal)."""
    return [pk for pk, relation in eligible_targets(portal).items() if relation != Relation.PEER]


@transaction.atomic
def mark_important(resource, *, acting_user, now: datetime.datetime | None = None, target_ids=None, note: str = ""):
    """Mark a portal's published item important and offer it to the target sites (PUB-6).

    `target_ids`: a choice among `eligible_targets` (default: the duty-bound ones). Refused for a
    department site's item, an item not online, or an item already marked."""
    now = now or timezone.now()
    portal = resource.site
    if portal.kind != SiteKind.PORTAL:
        raise ValidationError(_("Only a government portal's items are marked important for reposting."), code="not_portal")
    IMPORTANT_ITEMS.require(acting_user, "mark", ImportantItem(portal=portal, resource=resource))
    if not queries.is_online(resource):
        raise ValidationError(_("Only published items can be offered for reposting."), code="not_online")
    queries.require_proactive(resource)  # PUB-10: what is not 主动公开 is not reposted either
    if ImportantItem.objects.filter(resource=resource).exists():
        raise ValidationError(_("“%(title)s” is already marked important.") % {"title": resource.title}, code="marked")
    eligible = eligible_targets(portal)
    chosen = default_targets(portal) if target_ids is None else [int(pk) for pk in target_ids]
    strangers = [pk for pk in chosen if pk not in eligible]
    if strangers:
        raise ValidationError(_("Items can be offered only to the sites under the portal and portals of the same level."),
                              code="not_eligible")  # fmt: skip
    if not chosen:
        raise ValidationError(_("Choose at least one site to offer the item to."), code="no_targets")
    item = ImportantItem.objects.create(resource=resource, portal=portal, note=note.strip(), marked_by=acting_user,
                                        marked_at=now)  # fmt: skip
    RepostOffer.objects.bulk_create(
        RepostOffer(item=item, site_id=pk, relation=eligible[pk], offered_at=now, deadline=now + REPOST_DEADLINE)
        for pk in sorted(set(chosen))
    )
    # Detail keys the audit pages name in words (backoffice/audit_details.py): the item's title is the entry's object.
    audit.record(AuditEvent.IMPORTANT_ITEM_MARK, actor=acting_user, obj=item, site=portal,
                 details={"resource": resource.pk, "count": len(set(chosen)),
                          "until": (now + REPOST_DEADLINE).isoformat()})  # fmt: skip
    return item


def open_offers(site_ids):
    """Offers of these target sites still waiting for them, the nearest deadline first."""
    return (
        RepostOffer.objects.filter(site_id__in=site_ids, status__in=OPEN_STATUSES)
        .select_related("item__resource", "item__portal", "site", "placement__column")
        .order_by("deadline", "id")
    )


def _lock(offer) -> RepostOffer:
    return RepostOffer.objects.select_for_update().select_related("item__resource__site", "site").get(pk=offer.pk)


def _require_open(offer) -> None:
    if offer.status not in OPEN_STATUSES:
        raise ValidationError(_("This offer is already answered (%(status)s).") % {"status": offer.get_status_display()},
                              code="answered")  # fmt: skip


@transaction.atomic
def accept_offer(offer, column, *, acting_user, now: datetime.datetime | None = None) -> RepostOffer:
    """Take the item into one of the target site's columns: a repost placement that the site's
    reviewer accepts (editorial.placements.place checks the editor and the column)."""
    now = now or timezone.now()
    offer = _lock(offer)
    REPOST_OFFERS.require(acting_user, "answer", offer)
    _require_open(offer)
    if column.site_id != offer.site_id:
        raise ValidationError(_("Choose a column of %(site)s.") % {"site": offer.site}, code="other_site")
    if column.archived_at is not None:
        raise ValidationError(_("The column %(column)s is archived.") % {"column": column}, code="archived_column")
    placement = placements.place(offer.item.resource, column, acting_user=acting_user)
    offer.placement = placement
    offer.status = OfferStatus.PLACED
    offer.decided_by = acting_user
    offer.decided_at = now
    offer.save(update_fields=["placement", "status", "decided_by", "decided_at"])
    audit.record(AuditEvent.REPOST_OFFER_ACCEPT, actor=acting_user, obj=offer, site=offer.site,
                 details={"resource": offer.item.resource_id, "column": column.pk, "column_name": column.name,
                          "late": offer.is_late(now)})  # fmt: skip
    return offer


@transaction.atomic
def decline_offer(offer, *, reason: str, acting_user, now: datetime.datetime | None = None) -> RepostOffer:
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the item is not reposted."), code="reason_required")
    offer = _lock(offer)
    REPOST_OFFERS.require(acting_user, "answer", offer)
    _require_open(offer)
    offer.status = OfferStatus.DECLINED
    offer.decided_by = acting_user
    offer.decided_at = now
    offer.decline_reason = reason
    offer.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
    audit.record(AuditEvent.REPOST_OFFER_DECLINE, actor=acting_user, obj=offer, site=offer.site,
                 details={"resource": offer.item.resource_id, "reason": reason, "late": offer.is_late(now)})  # fmt: skip
    return offer


def shown_at_field():
    """When a placement was shown: a repost when its reviewer accepted it, an own placement at once."""
    return Coalesce("decided_at", "placed_at")


def sync(offers, now: datetime.datetime) -> list[RepostOffer]:
    """Bring open offers up to date with the placements: shown on the target site -> reposted (at
    the time it was shown); a placement the target's reviewer refused -> open again. Answers the
    offers changed."""
    offers = [o for o in offers if o.status in OPEN_STATUSES]
    if not offers:
        return []
    shown = {}
    active = (
        Placement.objects.filter(status=PlacementStatus.ACTIVE)
        .filter(Q(*[Q(resource_id=o.item.resource_id, site_id=o.site_id) for o in offers], _connector=Q.OR))
        .annotate(shown_at=shown_at_field())
        .values_list("resource_id", "site_id", "shown_at", "pk")
    )
    for resource_id, site_id, shown_at, pk in active:
        key = (resource_id, site_id)
        if shown_at <= now and (key not in shown or shown_at < shown[key][0]):
            shown[key] = (shown_at, pk)
    changed = []
    for offer in offers:
        found = shown.get((offer.item.resource_id, offer.site_id))
        if found:
            offer.status, offer.reposted_at, offer.placement_id = OfferStatus.REPOSTED, found[0], found[1]
        elif offer.status == OfferStatus.PLACED and (
            offer.placement_id is None
            or not Placement.objects.filter(pk=offer.placement_id, status=PlacementStatus.PENDING).exists()
        ):
            offer.status = OfferStatus.OPEN  # refused or removed: the target site must choose again
        else:
            continue
        offer.save(update_fields=["status", "reposted_at", "placement"])
        changed.append(offer)
    return changed


def missed_q(now: datetime.datetime) -> Q:
    """Offers whose deadline has passed without a repost shown or an answer by then."""
    return (
        Q(deadline__lt=now)
        & ~Q(status=OfferStatus.DECLINED, decided_at__lte=F("deadline"))
        & ~Q(reposted_at__isnull=False, reposted_at__lte=F("deadline"))
    )


def escalate_missed(now: datetime.datetime | None = None) -> list[RepostOffer]:
    """The periodic task's work: offers past their deadline, not reposted nor declined in time, are
    escalated once: an audit entry, and an alert to the target site's administrators and the
    portal's (monitoring.alerts.alert_missed_repost). Reposts shown in time are recorded first."""
    from monitoring import alerts

    now = now or timezone.now()
    # Offers still within their 12 hours whose repost is already shown leave the work pages now.
    sync(list(RepostOffer.objects.filter(deadline__gte=now, status__in=OPEN_STATUSES).select_related("item")), now)
    due = list(
        RepostOffer.objects.filter(deadline__lt=now, escalated_at__isnull=True)
        .exclude(status=OfferStatus.DECLINED, decided_at__lte=F("deadline"))
        .select_related("item__resource", "item__portal", "site")
    )
    sync(due, now)
    escalated = []
    for offer in due:
        if offer.reposted_at is not None and offer.reposted_at <= offer.deadline:
            continue
        with transaction.atomic():
            updated = RepostOffer.objects.filter(pk=offer.pk, escalated_at__isnull=True).update(escalated_at=now)
            if not updated:
                continue  # another worker escalated it
            offer.escalated_at = now
            audit.record(AuditEvent.REPOST_OFFER_MISS, obj=offer, site=offer.site,
                         details={"resource": offer.item.resource_id, "portal": offer.item.portal.name,
                                  "until": offer.deadline.isoformat()})  # fmt: skip
            transaction.on_commit(lambda offer=offer: alerts.alert_missed_repost(offer, now))
        escalated.append(offer)
    return escalated


def can_answer(user, offer) -> bool:
    return REPOST_OFFERS.user_can(user, "answer", offer)


def can_mark(user, resource) -> bool:
    return resource.site.kind == SiteKind.PORTAL and has_role(user, resource.site, *MARKING_ROLES)



@shared_task(name="monitoring.escalate_missed_reposts")
def escalate_missed_reposts_task() -> int:
    """The beat task (every 5 minutes): a missed offer is escalated at most 5 minutes late."""
    return len(escalate_missed())
