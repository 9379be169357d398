"""The editorial workflow: draft → review (1 to 3 levels) → published → withdrawn (PUB-1, PUB-2, PUB-5, PUB-9).

Each action is one transaction that locks the resource, checks who may act, validates, writes
the change, a WorkflowEvent (with level and reason) and an audit entry, and leaves publishing the
pages to the change feed (core/feed.py), heard after the commit.

The states (`Resource.status` describes the working copy):

    DRAFT / RETURNED / WITHDRAWN --submit--> IN_REVIEW --approve (each level)--> ... final level:
        publish_at in the future: APPROVED --(publish_due at that time)--> PUBLISHED
        otherwise:                PUBLISHED
    IN_REVIEW --return_ (reason)--> RETURNED;  IN_REVIEW --withdraw_submission--> DRAFT
    online (published_revision set) or APPROVED --withdraw / unpublish_due--> WITHDRAWN

An approved version waiting for its time still goes online then if an editor starts a new draft
meanwhile (save_draft turns APPROVED into DRAFT and keeps `submitted_revision`); submitting the
new draft replaces the waiting version (editorial.queries.approved_waiting).

Editing published content (editorial.drafts.save_draft) makes a new draft while the published
revision stays online; approving that draft at the final level replaces `published_revision`.
Withdrawing clears `published_revision` (what citizens see); the revision that was online stays
in the history through the WITHDRAW event, see editorial.queries.

The periodic task that acts on the times set by `schedule` (`publish_due`, `unpublish_due`) is
editorial/scheduling.py.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from auditlog import audit
from auditlog.events import AuditEvent
from core import feed
from editorial import checks, dependents, placements, queries, steps
from editorial.models import ReviewFlag, WorkflowAction, WorkflowEvent
from resources.models import Disclosure, Resource, ResourceStatus
from resources.policies import RESOURCES
from sites.permissions import is_system_account

WORKFLOW_FIELDS = [
    "status",
    "current_revision",
    "submitted_revision",
    "published_revision",
    "review_level",
    "publish_at",
    "unpublish_at",
    "published_at",
]

# What must hold before the last review level puts an item online, asked of checks that the
# output layer registers in its AppConfig.ready() (publishing/readiness.py: no broken link, no
# hole, no library file the site may not publish), so that this layer never imports the
# publisher. A check returns a falsy value when ready, or problems with a `message()`.
_checks_before_online: list[Callable] = []


def check_before_online(check: Callable) -> None:
    """Register `check(resource, revision)` (once: ready() may run again)."""
    if check not in _checks_before_online:
        _checks_before_online.append(check)


# What happens when an item is disclosed (put online as 主动公开, PUB-10): hooks that a feature
# app registers in its AppConfig.ready() (disclosure/apps.py: the catalogue entry and its index
# number, DISC-2), called inside the action's transaction with (resource, revision, now, acting_user).
_when_disclosed: list[Callable] = []


def when_disclosed(hook: Callable) -> None:
    """Register `hook(resource, revision, now, acting_user)`, called by put_online (once: ready() may run again)."""
    if hook not in _when_disclosed:
        _when_disclosed.append(hook)


def decide_disclosure(disclosure, reason: str) -> tuple[str, str]:
    """The disclosure attribute a reviewer chose, checked (PUB-10): 不予公开 needs its reason."""
    reason = (reason or "").strip()
    if disclosure not in Disclosure.values:
        raise ValidationError(
            {"disclosure": _("Choose whether the content is disclosed proactively, on request or not at all.")},
            code="disclosure",
        )
    if disclosure == Disclosure.WITHHELD and not reason:
        raise ValidationError(
            {"disclosure_reason": _("Say why the content is not disclosed.")}, code="disclosure_reason_required"
        )
    return disclosure, reason[:300] if disclosure != Disclosure.PROACTIVE else ""


def _lock(resource: Resource) -> Resource:
    """Lock the resource's row and reload its workflow fields, so concurrent actions serialise."""
    list(Resource.objects.select_for_update().filter(pk=resource.pk).values_list("pk"))
    resource.refresh_from_db(fields=WORKFLOW_FIELDS + ["column", "site", "disclosure", "disclosure_reason"])
    return resource


def _event(resource, action, *, actor, revision=None, level=None, reason="") -> WorkflowEvent:
    return WorkflowEvent.objects.create(
        resource=resource, revision=revision, action=action, level=level, actor=actor, reason=reason
    )


@transaction.atomic
def submit(resource: Resource, *, acting_user) -> Resource:
    """Send the working copy to review and run the confidentiality and wording check (PUB-2, PUB-3)."""
    RESOURCES.require(acting_user, "submit", resource)  # with a sub-unit editor's columns (SITE-10)
    _lock(resource)
    steps.raise_(steps.state_refusal("submit", resource))
    revision = resource.current_revision
    replaced = resource.submitted_revision if queries.approved_waiting(resource) else None
    resource.submitted_revision = revision
    resource.review_level = 0
    resource.status = ResourceStatus.IN_REVIEW
    resource.submitted_at = timezone.now()
    resource.save(update_fields=["submitted_revision", "review_level", "status", "submitted_at"])
    flags = checks.flag_revision(revision)
    _event(resource, WorkflowAction.SUBMIT, actor=acting_user, revision=revision)
    audit.record(
        AuditEvent.RESOURCE_SUBMIT,
        actor=acting_user,
        obj=resource,
        details={
            "revision": revision.number,
            "levels": queries.review_levels_for(resource),
            "flags": len(flags),
            "replaces_approved": replaced.number if replaced else None,
        },
    )
    return resource


def _confirm_flags(flags, acting_user, resource) -> int:
    flags = list(flags)
    now = timezone.now()
    for flag in flags:
        flag.confirmed_by = acting_user
        flag.confirmed_at = now
    ReviewFlag.objects.bulk_update(flags, ["confirmed_by", "confirmed_at"])
    if flags:
        audit.record(
            AuditEvent.REVIEW_FLAG_CONFIRM,
            actor=acting_user,
            obj=resource,
            details={"flags": [{"id": f.pk, "kind": f.kind, "field": f.field, "excerpt": f.excerpt} for f in flags]},
        )
    return len(flags)


@transaction.atomic
def confirm_flag(flag: ReviewFlag, *, acting_user) -> ReviewFlag:
    """A reviewer confirms one finding of the check: acceptable as it is (PUB-3)."""
    queries.require_site_reviewer(acting_user, flag.resource.site)
    resource = _lock(flag.resource)
    steps.require_in_review(resource)
    if flag.revision_id != resource.submitted_revision_id:
        raise ValidationError(_("This finding belongs to another version than the one in review."), code="stale_flag")
    queries.require_reviewer(resource, acting_user, passing_level=False)
    flag.refresh_from_db()
    if flag.confirmed_at is None:
        _confirm_flags([flag], acting_user, resource)
    return flag


@transaction.atomic
def approve(
    resource: Resource,
    *,
    acting_user,
    confirm_flags: bool = False,
    with_dependents: bool = False,
    together_with=None,
    disclosure: str = Disclosure.PROACTIVE,
    disclosure_reason: str = "",
) -> Resource:
    """Pass the next review level; at the last level publish, or wait for `publish_at` (PUB-9).

    The last level decides the disclosure attribute (PUB-10): 主动公开 goes online as before;
    依申请公开 and 不予公开 (with its reason) end the review without putting anything on a public
    page (see `_file_undisclosed`). Callers that do not say disclose proactively.

    Every finding of the check must be confirmed first, one by one (`confirm_flag`) or all at
    once here with `confirm_flags=True`, which is recorded as well. The last level is refused
    while a library resource of the site that the item shows is not online (editorial/dependents.py),
    unless `with_dependents`: then the reviewer approves each of them first, in this transaction
    and through this same action (own work, scope and levels checked for each, each recorded).
    """
    queries.require_site_reviewer(acting_user, resource.site)
    _lock(resource)
    steps.require_in_review(resource)
    queries.require_reviewer(resource, acting_user, passing_level=True)
    revision = resource.submitted_revision
    pending = checks.unconfirmed_flags(revision)
    if pending.exists():
        if not confirm_flags:
            count = pending.count()
            raise ValidationError(
                ngettext(  # PUB-3
                    "The check found %(count)d thing to confirm before approving.",
                    "The check found %(count)d things to confirm before approving.",
                    count,
                )
                % {"count": count},
                code="unconfirmed_flags",
            )
        _confirm_flags(pending, acting_user, resource)
    levels = queries.review_levels_for(resource)
    level = resource.review_level + 1
    problems = None
    if level >= levels:
        disclosure, disclosure_reason = decide_disclosure(disclosure, disclosure_reason)
    if level >= levels and disclosure != Disclosure.PROACTIVE:
        return _file_undisclosed(
            resource, revision, acting_user=acting_user, level=level, levels=levels, disclosure=disclosure,
            reason=disclosure_reason,
        )  # fmt: skip
    if level >= levels:  # the last level puts it online: never with a broken link or a hole
        waiting = dependents.assess(resource, revision, acting_user)
        steps.raise_(dependents.refusal(resource, waiting, with_dependents=with_dependents))
        for dependent in waiting:  # issue 14 item 5: approved together, never silently left out
            approve(dependent.resource, acting_user=acting_user, together_with=resource)
        for check in _checks_before_online:
            problems = check(resource, revision)
            if problems:
                break
        if problems:
            raise ValidationError(
                _(
                    "“%(title)s” cannot be published yet. %(problems)s Return it to the editor, or approve what it shows first."
                )
                % {"title": resource.title, "problems": problems.message()},
                code="not_ready",
            )
    resource.review_level = level
    _event(resource, WorkflowAction.APPROVE, actor=acting_user, revision=revision, level=level)
    final = {"disclosure": Disclosure.PROACTIVE} if level >= levels else {}
    audit.record(
        AuditEvent.RESOURCE_APPROVE,
        actor=acting_user,
        obj=resource,
        details={"revision": revision.number, "level": level, "levels": levels}
        | final
        | ({"together_with": together_with.pk} if together_with is not None else {}),
    )
    now = timezone.now()
    if level < levels:
        resource.save(update_fields=["review_level"])
        return resource
    resource.disclosure, resource.disclosure_reason = Disclosure.PROACTIVE, ""
    if resource.publish_at is not None and resource.publish_at > now:
        resource.status = ResourceStatus.APPROVED
        resource.save(update_fields=["review_level", "status", "disclosure", "disclosure_reason"])
    else:
        resource.save(update_fields=["review_level", "disclosure", "disclosure_reason"])
        put_online(resource, acting_user=acting_user, now=now)
    return resource


def _file_undisclosed(resource, revision, *, acting_user, level, levels, disclosure, reason) -> Resource:
    """The last level decided 依申请公开 or 不予公开 (PUB-10): the review ends, the approved version
    is kept in the history, and nothing is on a public page. A version that was online goes
    offline (the attribute now says it must not be there). The item is then offline (WITHDRAWN):
    editors may change it and submit it again, and a later review may disclose it proactively."""
    was_online = resource.published_revision_id
    resource.disclosure, resource.disclosure_reason = disclosure, reason
    resource.status = ResourceStatus.WITHDRAWN
    resource.submitted_revision = None
    resource.published_revision = None
    resource.review_level = 0
    resource.save(
        update_fields=[
            "review_level", "disclosure", "disclosure_reason", "status", "submitted_revision", "published_revision",
        ]
    )  # fmt: skip
    label = str(Disclosure(disclosure).label)
    _event(
        resource, WorkflowAction.APPROVE, actor=acting_user, revision=revision, level=level,
        reason=f"{label}：{reason}" if reason else label,
    )  # fmt: skip
    audit.record(
        AuditEvent.RESOURCE_APPROVE,
        actor=acting_user,
        obj=resource,
        details={"revision": revision.number, "level": level, "levels": levels, "disclosure": disclosure}
        | ({"disclosure_reason": reason} if reason else {}),
    )
    if was_online:
        _event(resource, WorkflowAction.WITHDRAW, actor=acting_user, revision=revision, reason=label)
        feed.changed(resources=[resource.pk])  # offline now: its pages go, its lists change
    return resource


@transaction.atomic
def publish_platform_notice(resource: Resource, *, acting_user, decision: str) -> Resource:
    """Publish a notice the platform wrote itself: a lifecycle announcement (SITE-5 to SITE-8).

    Only the system account (sites.permissions.SYSTEM_USERNAME), only for content in review
    that nobody else wrote: the decision to publish it was a person's (an approved application or
    a recorded change, named by `decision`), and it stands for the review. Every level is passed
    in one recorded approval; findings of the check are confirmed and recorded (PUB-3).
    """
    if not is_system_account(acting_user):
        raise PermissionDenied(_("Only the platform itself publishes its own notices without a reviewer."))
    _lock(resource)
    steps.require_in_review(resource)
    if queries.authors_since_last_publish(resource) - {acting_user.pk}:
        raise PermissionDenied(_("Content that people wrote or edited needs a reviewer."))  # PUB-1
    revision = resource.submitted_revision
    pending = checks.unconfirmed_flags(revision)
    if pending.exists():
        _confirm_flags(pending, acting_user, resource)
    levels = queries.review_levels_for(resource)
    resource.review_level = levels
    resource.disclosure, resource.disclosure_reason = Disclosure.PROACTIVE, ""  # a public notice (PUB-10)
    resource.save(update_fields=["review_level", "disclosure", "disclosure_reason"])
    _event(resource, WorkflowAction.APPROVE, actor=acting_user, revision=revision, level=levels, reason=decision)
    audit.record(
        AuditEvent.RESOURCE_APPROVE,
        actor=acting_user,
        obj=resource,
        details={"revision": revision.number, "level": levels, "levels": levels, "decision": decision},
    )
    put_online(resource, acting_user=acting_user, now=timezone.now())
    return resource


def put_online(resource: Resource, *, acting_user, now) -> None:
    """Put the approved revision online (inside an action's transaction, resource locked).

    Only proactively disclosed content (PUB-10); the disclosure hooks run here (DISC-2: the
    catalogue entry and its index number, given when the item is first disclosed)."""
    queries.require_proactive(resource)
    revision = resource.submitted_revision
    resource.published_revision = revision
    resource.submitted_revision = None
    # The working copy may have moved on while the approved version waited for its time.
    is_current = resource.current_revision_id in (None, revision.pk)
    resource.status = ResourceStatus.PUBLISHED if is_current else ResourceStatus.DRAFT
    if resource.published_at is None:
        resource.published_at = now
    resource.save(update_fields=["published_revision", "submitted_revision", "status", "published_at"])
    placements.ensure_home_placement(resource, acting_user=acting_user)
    for hook in _when_disclosed:
        hook(resource, revision, now, acting_user)
    _event(resource, WorkflowAction.PUBLISH, actor=acting_user, revision=revision)
    audit.record(AuditEvent.RESOURCE_PUBLISH, actor=acting_user, obj=resource, details={"revision": revision.number})
    feed.changed(resources=[resource.pk])  # online now: its pages, lists and search document


@transaction.atomic
def return_(resource: Resource, *, reason: str, acting_user) -> Resource:
    """Send the submission back to the editors with the reason, at any level (PUB-2)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Say why the content is returned: the editor needs the reason."), code="reason_required"
        )
    queries.require_site_reviewer(acting_user, resource.site)
    _lock(resource)
    steps.require_in_review(resource)
    queries.require_reviewer(resource, acting_user, passing_level=False)
    revision = resource.submitted_revision
    level = resource.review_level + 1
    resource.status = ResourceStatus.RETURNED
    resource.submitted_revision = None
    resource.review_level = 0
    resource.save(update_fields=["status", "submitted_revision", "review_level"])
    _event(resource, WorkflowAction.RETURN, actor=acting_user, revision=revision, level=level, reason=reason)
    audit.record(
        AuditEvent.RESOURCE_RETURN,
        actor=acting_user,
        obj=resource,
        details={"revision": revision.number, "level": level, "reason": reason},
    )
    return resource


@transaction.atomic
def withdraw_submission(resource: Resource, *, acting_user) -> Resource:
    """The editor takes a submission back to edit it again: IN_REVIEW → DRAFT."""
    RESOURCES.require(acting_user, "recall", resource)
    _lock(resource)
    steps.raise_(steps.state_refusal("recall", resource))
    revision = resource.submitted_revision
    resource.status = ResourceStatus.DRAFT
    resource.submitted_revision = None
    resource.review_level = 0
    resource.save(update_fields=["status", "submitted_revision", "review_level"])
    _event(resource, WorkflowAction.RECALL, actor=acting_user, revision=revision)
    audit.record(AuditEvent.RESOURCE_RECALL, actor=acting_user, obj=resource, details={"revision": revision.number})
    return resource


@transaction.atomic
def withdraw(resource: Resource, *, acting_user, reason: str = "") -> Resource:
    """Take content offline everywhere (its own columns and reposts): → WITHDRAWN (PUB-2).

    Also ends a review in progress and the schedule. Content approved and waiting for its time
    can be withdrawn too (it then never goes online). Publishing it again needs a new review.
    """
    RESOURCES.require(acting_user, "withdraw", resource)
    _lock(resource)
    steps.raise_(steps.state_refusal("withdraw", resource))
    revision = resource.published_revision or resource.submitted_revision
    was_online = resource.published_revision_id
    resource.status = ResourceStatus.WITHDRAWN
    resource.published_revision = None
    resource.submitted_revision = None
    resource.review_level = 0
    resource.publish_at = None
    resource.unpublish_at = None
    resource.save(
        update_fields=[
            "status",
            "published_revision",
            "submitted_revision",
            "review_level",
            "publish_at",
            "unpublish_at",
        ]
    )
    _event(resource, WorkflowAction.WITHDRAW, actor=acting_user, revision=revision, reason=(reason or "").strip())
    audit.record(
        AuditEvent.RESOURCE_WITHDRAW,
        actor=acting_user,
        obj=resource,
        details={"revision": revision.number if revision else None, "reason": (reason or "").strip()},
    )
    if was_online:
        feed.changed(resources=[resource.pk])  # offline now: its pages go, its lists change
    return resource


@transaction.atomic
def schedule(resource: Resource, *, publish_at=None, unpublish_at=None, acting_user) -> Resource:
    """Set (or clear, with None) the publishing and unpublishing times (PUB-5).

    Approved content goes online when `publish_at` has come (the periodic task); content approved
    at its last level before then waits as APPROVED. Published content goes offline at
    `unpublish_at`. Clearing or moving `publish_at` of waiting content to now publishes it at once.
    """
    RESOURCES.require(acting_user, "schedule", resource)
    for value in (publish_at, unpublish_at):
        if value is not None and timezone.is_naive(value):
            raise ValidationError(_("Give the time with its time zone."), code="naive_time")
    _lock(resource)
    now = timezone.now()
    errors = {}
    if unpublish_at is not None and unpublish_at <= now:
        errors["unpublish_at"] = _("The unpublishing time must be in the future.")
    elif publish_at is not None and unpublish_at is not None and unpublish_at <= publish_at:
        errors["unpublish_at"] = _("The unpublishing time must be after the publishing time.")
    if errors:
        raise ValidationError(errors)
    resource.publish_at = publish_at
    resource.unpublish_at = unpublish_at
    resource.save(update_fields=["publish_at", "unpublish_at"])
    _event(
        resource,
        WorkflowAction.SCHEDULE,
        actor=acting_user,
        revision=resource.submitted_revision or resource.published_revision or resource.current_revision,
    )
    audit.record(
        AuditEvent.RESOURCE_SCHEDULE,
        actor=acting_user,
        obj=resource,
        details={
            "publish_at": publish_at.isoformat() if publish_at else None,
            "unpublish_at": unpublish_at.isoformat() if unpublish_at else None,
        },
    )
    if queries.approved_waiting(resource) and (publish_at is None or publish_at <= now):
        put_online(resource, acting_user=acting_user, now=now)
    return resource
