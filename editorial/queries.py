"""Questions about the workflow that actions, pages and the renderer share (PUB-1, PUB-2, PUB-9).

What citizens see: a resource is online exactly when it has a `published_revision`. Withdrawing
(by hand or at the scheduled time) clears it, whatever happens to the working copy afterwards,
so a withdrawn resource stays offline while it is edited and reviewed again. The revision that
was online stays in the history: the WITHDRAW and PUBLISH workflow events point at it, and
`last_published_revision` finds it. A placement is shown when it is ACTIVE and its resource is
online (`shown_placements`); the placements of a withdrawn resource are kept, so publishing it
again brings it back where it was.

Who may pass a review level: a reviewer (Role.REVIEWER membership, active user) of the owning
site, whose ReviewerScope (if any) covers the resource's column or one of its ancestors, who has
not written the submitted revision nor any revision since the last publish (PUB-1), and who has
not passed an earlier level of the same submission (PUB-9).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from columns.models import Column
from editorial.models import Placement, PlacementStatus, ReviewerScope, WorkflowAction, WorkflowEvent
from resources.models import Disclosure, Resource, ResourceStatus, Revision
from sites.models import Membership, Role

# Events that begin or end a review cycle: approvals after the latest one belong to the current cycle.
CYCLE_BOUNDARIES = (
    WorkflowAction.SUBMIT,
    WorkflowAction.RETURN,
    WorkflowAction.RECALL,
    WorkflowAction.PUBLISH,
    WorkflowAction.WITHDRAW,
)


# --- online -----------------------------------------------------------------------------------


def is_online(resource) -> bool:
    return resource.published_revision_id is not None


def approved_waiting(resource) -> bool:
    """An approved version waits for its publishing time (PUB-5).

    Its status is APPROVED, or DRAFT when an editor has since started a new draft
    (editorial.drafts.save_draft): the approved version still goes online at its time, the
    new draft needs its own review (PUB-9). Submitting the new draft replaces the waiting one.
    """
    return resource.submitted_revision_id is not None and resource.status != ResourceStatus.IN_REVIEW


def approved_waiting_q() -> Q:
    return Q(submitted_revision__isnull=False) & ~Q(status=ResourceStatus.IN_REVIEW)


def online_resources(queryset=None):
    return (queryset if queryset is not None else Resource.objects.all()).filter(published_revision__isnull=False)


def shown_placements(column):
    """The placements a column's pages list: active, of online proactively disclosed resources
    (PUB-10), pinned first, then in order."""
    return (
        Placement.objects.filter(
            column=column,
            status=PlacementStatus.ACTIVE,
            resource__published_revision__isnull=False,
            resource__disclosure=Disclosure.PROACTIVE,
        )
        .select_related("resource__site", "resource__published_revision", "column", "site")
        .order_by("-pinned", "sort_order", "-placed_at", "-id")
    )


def require_proactive(resource: Resource) -> None:
    """Only proactively disclosed content is ever placed on a public page (PUB-10)."""
    if resource.disclosure != Disclosure.PROACTIVE:
        label = Disclosure(resource.disclosure).label if resource.disclosure else _("not decided")
        raise ValidationError(
            _(
                "“%(title)s” is not for proactive disclosure (its disclosure attribute: %(attribute)s), so it is never put on a public page."
            )
            % {"title": resource.title, "attribute": label},
            code="not_proactive",
        )


def _last_publish_event(resource_ref):
    return WorkflowEvent.objects.filter(resource=resource_ref, action=WorkflowAction.PUBLISH).order_by("-id")


def last_published_revision(resource) -> Revision | None:
    """What is online, or else what was online before it was withdrawn (None if never published)."""
    if resource.published_revision_id:
        return resource.published_revision
    event = _last_publish_event(resource).select_related("revision").first()
    return event.revision if event else None


def last_published_number(resource) -> int:
    revision = last_published_revision(resource)
    return revision.number if revision is not None else 0


# --- review rules -----------------------------------------------------------------------------


def review_levels_for(resource) -> int:
    """The levels a submission passes (PUB-9): the column's 1..3; a resource without a column: 1."""
    levels = resource.column.review_levels if resource.column_id else 1
    return min(max(levels, 1), 3)


def reviewer_membership(user, site) -> Membership | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    site_id = site if isinstance(site, int) else site.pk
    return (
        Membership.objects.filter(user=user, site_id=site_id, role=Role.REVIEWER).select_related("review_scope").first()
    )


def _scope_of(membership) -> ReviewerScope | None:
    try:
        return membership.review_scope
    except ReviewerScope.DoesNotExist:
        return None


def scope_column_ids(membership) -> set[int] | None:
    """None: the reviewer reviews every column; else the columns in scope and their descendants."""
    scope = _scope_of(membership)
    if scope is None:
        return None
    return _with_descendants(scope.columns.values_list("pk", flat=True))


def _with_descendants(column_ids) -> set[int]:
    roots = Column.objects.filter(pk__in=list(column_ids))
    if not roots:
        return set()
    return set(Column.objects.get_queryset_descendants(roots, include_self=True).values_list("pk", flat=True))


def column_in_scope(membership, column) -> bool:
    allowed = scope_column_ids(membership)
    return allowed is None or (column is not None and column.pk in allowed)


def authors_since_last_publish(resource) -> set[int]:
    """Users who wrote the submitted revision or any revision after the last published one (PUB-1)."""
    authors = set(
        Revision.objects.filter(resource=resource, number__gt=last_published_number(resource)).values_list(
            "created_by_id", flat=True
        )
    )
    if resource.submitted_revision_id:
        authors.add(resource.submitted_revision.created_by_id)
    return authors


def current_cycle_approvals(resource) -> dict[int, int]:
    """{reviewer's user ID: level} of the levels already passed in the current submission."""
    start = (
        WorkflowEvent.objects.filter(resource=resource, action__in=CYCLE_BOUNDARIES)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    approvals = WorkflowEvent.objects.filter(resource=resource, action=WorkflowAction.APPROVE, id__gt=start or 0)
    return {actor_id: level for actor_id, level in approvals.values_list("actor_id", "level") if actor_id}


def review_refusal(resource, user, *, passing_level: bool) -> str | None:
    """Why `user` may not review `resource` now, or None when they may.

    `passing_level`: approving a level (also bars the reviewers of earlier levels, PUB-9);
    otherwise returning it or confirming its flags.
    """
    if user is None:
        return _("A person must review content; the system cannot.")
    membership = reviewer_membership(user, resource.site_id)
    if membership is None:
        return _("You are not a reviewer of the site %(site)s.") % {"site": resource.site}
    if not column_in_scope(membership, resource.column if resource.column_id else None):
        return _("You review only some columns of %(site)s, and this content is not in one of them.") % {
            "site": resource.site
        }
    if user.pk in authors_since_last_publish(resource):
        return _(  # PUB-1
            "You wrote or edited this content since it was last published, so someone else must review it "
            "(separation of duties)."
        )
    if passing_level:
        earlier = current_cycle_approvals(resource).get(user.pk)
        if earlier is not None:
            return _(  # PUB-9
                "You already passed review level %(level)d of this submission; each level needs a different reviewer."
            ) % {"level": earlier}
    return None


def require_site_reviewer(user, site) -> None:
    """The first question, asked before the resource's state is looked at."""
    if user is None:
        raise PermissionDenied(_("A person must review content; the system cannot."))
    if reviewer_membership(user, site) is None:
        raise PermissionDenied(_("You are not a reviewer of the site %(site)s.") % {"site": site})


def require_reviewer(resource, user, *, passing_level: bool) -> None:
    refusal = review_refusal(resource, user, passing_level=passing_level)
    if refusal:
        raise PermissionDenied(refusal)


def can_review(resource, user) -> bool:
    """Whether `user` may pass the next review level of `resource` now (for buttons and lists)."""
    return resource.status == ResourceStatus.IN_REVIEW and review_refusal(resource, user, passing_level=True) is None


# --- the review queue -------------------------------------------------------------------------


def _reviewable_filter(user) -> Q | None:
    """Q over resources of the sites (and columns, where scoped) the user reviews; None: nothing."""
    memberships = list(
        Membership.objects.filter(user=user, role=Role.REVIEWER)
        .select_related("review_scope")
        .prefetch_related("review_scope__columns")
    )
    if not memberships:
        return None
    unscoped, scoped = [], {}
    for membership in memberships:
        scope = _scope_of(membership)
        if scope is None:
            unscoped.append(membership.site_id)
        else:
            scoped[membership.site_id] = [column.pk for column in scope.columns.all()]
    condition = Q(site_id__in=unscoped)
    if scoped:
        allowed = _with_descendants(pk for ids in scoped.values() for pk in ids)
        for site_id in scoped:
            condition |= Q(site_id=site_id, column_id__in=allowed)
    return condition


def _passed_or_written_by(user, queue):
    """Items of `queue` the user may not pass now: they wrote or edited them since the last publish
    (PUB-1), or already passed them at an earlier level of this submission (PUB-9).

    Read from the user's own revisions and approvals (indexed by author and actor), so the cost
    follows what this user touched, not the length of the queue; the exact conditions are then
    asked only of those few items.
    """
    # Driven by the user's rows: their revisions' and approvals' resources (a union, by index),
    # not by the queue (the planner would otherwise test every item in review against both sets).
    mine = (
        Revision.objects.filter(created_by=user)
        .order_by()
        .values("resource_id")
        .union(WorkflowEvent.objects.filter(actor=user, action=WorkflowAction.APPROVE).order_by().values("resource_id"))
    )
    touched = queue.filter(pk__in=mine)
    last_publish = _last_publish_event(OuterRef("pk")).values("revision__number")[:1]
    cycle_start = (
        WorkflowEvent.objects.filter(resource=OuterRef("pk"), action__in=CYCLE_BOUNDARIES)
        .order_by("-id")
        .values("id")[:1]
    )
    excluded = touched.annotate(
        baseline_number=Coalesce(
            F("published_revision__number"), Subquery(last_publish), Value(0), output_field=models.IntegerField()
        ),
        cycle_start=Coalesce(Subquery(cycle_start), Value(0), output_field=models.BigIntegerField()),
    ).filter(
        Exists(
            Revision.objects.filter(resource=OuterRef("pk"), created_by=user, number__gt=OuterRef("baseline_number"))
        )
        | Exists(
            WorkflowEvent.objects.filter(
                resource=OuterRef("pk"), action=WorkflowAction.APPROVE, actor=user, id__gt=OuterRef("cycle_start")
            )
        )
    )
    return excluded.values("pk")


def review_queue(user):
    """One queue over every site and column the user reviews: what they can pass next, newest first.

    Leaves out what the user wrote or edited since the last publish (PUB-1) and what they already
    passed at an earlier level of the same submission (PUB-9). The query count does not depend on
    the number of items, and neither does the cost of a page of it: the queue is the items in review
    on the user's sites (an index: status, site, submission time) minus the few the user touched.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return Resource.objects.none()
    condition = _reviewable_filter(user)
    if condition is None:
        return Resource.objects.none()
    in_review = Resource.objects.filter(condition, status=ResourceStatus.IN_REVIEW)
    # One query: the exclusion is a subquery the database runs once (it names no outer row).
    # Subqueries driven by the user's own revisions and approvals (indexes by author and actor),
    # never a join of the whole queue with every revision.
    own_revisions = Revision.objects.filter(created_by=user).values("pk")
    queue = in_review.exclude(submitted_revision__in=own_revisions).exclude(
        pk__in=_passed_or_written_by(user, in_review)
    )
    return queue.select_related("site", "column", "submitted_revision__created_by", "creator").order_by(
        F("submitted_at").desc(nulls_last=True), "-id"
    )


def pending_reposts(user):
    """Repost requests waiting for this reviewer: reviewers of the target site, within their columns (RES-3)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Placement.objects.none()
    condition = _reviewable_filter(user)
    if condition is None:
        return Placement.objects.none()
    # Placements have site_id and column_id too: the condition applies to the target column.
    placements = Placement.objects.filter(condition, status=PlacementStatus.PENDING, is_repost=True)
    placements = placements.exclude(placed_by=user)
    return placements.select_related("resource__site", "column", "site", "placed_by").order_by("-placed_at", "-id")
