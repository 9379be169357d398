"""The review page of one submission (PUB-2 to PUB-4, PUB-9).

It shows what changed since the last published version (editorial.diff, with <ins>/<del>),
the version in review in full, and the findings of the confidentiality and wording check, each
with a box the reviewer must tick before approving. Approving passes the next level; returning
needs a reason. The page names the version it shows: if the editor took the submission back or
submitted another version meanwhile, nothing is approved and the reviewer is told.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from backoffice.disclosure_admin import DisclosureDecisionForm, approval_notice
from backoffice.resource_display import asset_preview, referenced_resources, relabel_diff, shown_fields, where_label
from backoffice.resource_forms import RequiredReasonForm
from editorial import dependents, queries, workflow
from editorial import diff as revision_diff
from editorial.models import ReviewFlag, ReviewLevel
from publishing import held_back, readiness
from resources.models import Disclosure, Resource, ResourceStatus


class StaleReview(Exception):
    pass


def _queue_url() -> str:
    return reverse("admin:resources_resource_review_queue")


def _change_url(resource) -> str:
    return reverse("admin:resources_resource_change", args=[resource.pk])


def _error_text(error) -> str:
    return "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def _checked_flags(request) -> set[int]:
    return {int(value) for value in request.POST.getlist("flag") if value.isdigit()}


def _approve(request, resource, revision, flags, checked, decision=None) -> str | None:
    """Confirm the ticked findings and pass the level, in one transaction. Returns an error text.

    With `with_dependents` the library resources the item shows that are not approved yet are
    approved in the same transaction (editorial/dependents.py); the action checks each again.
    """
    missing = [flag for flag in flags if flag.confirmed_at is None and flag.pk not in checked]
    if missing:
        return _("Confirm every finding of the check before approving (%(count)d not confirmed).") % {
            "count": len(missing)
        }
    chosen = {}
    if decision is not None:  # the last level decides the disclosure attribute (PUB-10)
        if not decision.is_valid():
            return _("Choose the disclosure attribute (and say why, for content not disclosed).")
        chosen = {
            "disclosure": decision.cleaned_data["disclosure"],
            "disclosure_reason": decision.cleaned_data["disclosure_reason"],
        }
    try:
        with transaction.atomic():
            locked = Resource.objects.select_for_update().filter(pk=resource.pk).values("submitted_revision_id").first()
            if locked is None or locked["submitted_revision_id"] != revision.pk:
                raise StaleReview
            for flag in flags:
                if flag.confirmed_at is None and flag.pk in checked:
                    workflow.confirm_flag(flag, acting_user=request.user)
            workflow.approve(
                resource,
                acting_user=request.user,
                with_dependents=request.POST.get("with_dependents") == "1",
                **chosen,
            )
    except StaleReview:
        return _("The content in review changed since this page was opened; look at it again.")
    except (ValidationError, PermissionDenied) as error:
        return _error_text(error)
    return None


def _decision_data(request):
    """The posted decision (PUB-10); the choice starts checked at 主动公开, so a post without it means that."""
    if "_approve" not in request.POST:
        return None
    data = request.POST.copy()
    data.setdefault("disclosure", Disclosure.PROACTIVE)
    return data


def _approved_message(resource, level, is_final=False) -> str:
    notice = approval_notice(resource) if is_final else ""
    text = _approved_text(resource, level)
    return f"{text} {notice}" if notice else text


def _approved_text(resource, level) -> str:
    if resource.status == ResourceStatus.WITHDRAWN:  # decided not to disclose proactively (PUB-10)
        return _("“%(title)s” was approved.") % {"title": resource.title}
    if resource.status == ResourceStatus.PUBLISHED:
        held = held_back.for_resources([resource.pk]).get(resource.pk)
        if held:  # the publisher could not put it online (with an eager publish, known by now)
            return _("“%(title)s” was approved, but is not online yet: %(reason)s") % {
                "title": resource.title,
                "reason": " ".join(held_back.reason_text(row) for row in held),
            }
        return _("“%(title)s” was approved and published.") % {"title": resource.title}
    if resource.status == ResourceStatus.APPROVED:
        return _("“%(title)s” was approved; it goes online at %(time)s.") % {
            "title": resource.title,
            "time": timezone.localtime(resource.publish_at).strftime("%Y-%m-%d %H:%M"),
        }
    return _("%(level)s of “%(title)s” passed; it now waits for the next level.") % {
        "level": ReviewLevel(level).label,
        "title": resource.title,
    }


def _flags(resource, revision) -> list[ReviewFlag]:
    flags = list(ReviewFlag.objects.filter(revision=revision).select_related("confirmed_by").order_by("id"))
    for flag in flags:
        flag.where = where_label(resource.kind, flag.field)
    return flags


def problems_context(resource, revision) -> dict:
    """What stands in the way of this version going online, and what the publisher held back (LINK-2).

    Shown beside the item on its review page and its own page (admin/publishing/_readiness.html).
    """
    ready = readiness.check(resource, revision)
    rows = held_back.for_resources([resource.pk]).get(resource.pk, [])
    titles = {}
    if rows:
        ids = {pk for row in rows for pk in row.unpublished}
        titles = dict(Resource.objects.filter(pk__in=ids).values_list("pk", "title")) if ids else {}
    return {
        "readiness": ready,
        "unpublished_links": [(r, _change_url(r)) for r in ready.unpublished],
        "unusable_files": ready.unusable_files,
        "held_back": [held_back.reason_text(row, titles) for row in rows],
        "held_label": held_back.status_label(rows) if rows else "",
    }


def dependents_context(resource, revision, user, context: dict) -> dict:
    """The last level: the library resources the item shows that are not approved, with what each
    needs, and whether the approve button is offered (only when the action would accept it).

    They are listed here instead of among the readiness panel's unpublished resources.
    """
    items = dependents.assess(resource, revision, user)
    ids = {item.resource.pk for item in items}
    files = dependents.files_of(items)
    ready = context["readiness"]
    others = [pair for pair in context["unpublished_links"] if pair[0].pk not in ids]
    unusable = [src for src in ready.unusable_files if src not in files]
    refused = dependents.refusal(resource, items, with_dependents=True)
    return {
        "dependents": [
            (
                item,
                _change_url(item.resource),
                reverse("admin:resources_resource_review", args=[item.resource.pk])
                if item.resource.status == ResourceStatus.IN_REVIEW
                else "",
            )
            for item in items
        ],
        "approve_together": bool(items) and refused is None,
        "dependents_refusal": _error_text(refused) if refused else "",
        "unpublished_links": others,
        "unusable_files": unusable,
        "approve_blocked": bool(refused or ready.broken_links or others or unusable),
    }


def review_view(resource_admin, request, object_id):
    resource = resource_admin.scoped_object(
        request, object_id, "submitted_revision__created_by", "submitted_revision__asset", "published_revision"
    )
    revision = resource.submitted_revision
    if resource.status != ResourceStatus.IN_REVIEW or revision is None:
        messages.info(request, _("“%(title)s” is not in review.") % {"title": resource.title})
        return HttpResponseRedirect(_change_url(resource))
    flags = _flags(resource, revision)
    return_form = RequiredReasonForm(request.POST if "_return" in request.POST else None)
    is_final = resource.review_level + 1 >= queries.review_levels_for(resource)
    decision = DisclosureDecisionForm(_decision_data(request)) if is_final else None
    checked = _checked_flags(request) if request.method == "POST" else set()
    error = None
    if request.method == "POST":
        if request.POST.get("revision_id") != str(revision.pk):
            messages.error(request, _("The content in review changed since this page was opened; look at it again."))
            return HttpResponseRedirect(request.path)
        level = resource.review_level + 1
        if "_approve" in request.POST:
            error = _approve(request, resource, revision, flags, checked, decision)
            if error is None:
                resource.refresh_from_db()
                messages.success(request, _approved_message(resource, level, is_final))
                return HttpResponseRedirect(_queue_url())
        elif "_return" in request.POST and return_form.is_valid():
            try:
                workflow.return_(resource, reason=return_form.cleaned_data["reason"], acting_user=request.user)
            except (ValidationError, PermissionDenied) as refusal:
                error = _error_text(refusal)
            else:
                messages.success(
                    request, _("“%(title)s” was returned to the editors with your reason.") % {"title": resource.title}
                )
                return HttpResponseRedirect(_queue_url())
        flags = _flags(resource, revision)

    show_all = "all" in request.GET
    diff = relabel_diff(revision_diff.review_diff(resource), resource.kind)
    references = referenced_resources(resource.kind, [revision], resource_admin.get_queryset(request))
    levels = queries.review_levels_for(resource)
    level = resource.review_level + 1
    approvals = queries.current_cycle_approvals(resource)
    approvers = User.objects.in_bulk(list(approvals))
    context = {
        "title": _("Review “%(title)s”") % {"title": resource.title},
        "resource": resource,
        "revision": revision,
        "baseline": diff.old,
        # Never published: everything is new, and the version below shows it all.
        "diff": revision_diff.render_html(diff, changed_only=not show_all) if diff.old is not None else "",
        "show_all": show_all,
        "shown": shown_fields(resource, revision, references),
        "asset": asset_preview(revision),
        "flags": flags,
        "checked": checked,
        "open_flags": sum(1 for flag in flags if flag.confirmed_at is None),
        "error": error,
        "return_form": return_form,
        "decision": decision,
        "level": level,
        "levels": levels,
        "level_label": ReviewLevel(min(level, 3)).label,
        "is_final": level >= levels,
        "approvals": sorted(((lvl, approvers.get(uid)) for uid, lvl in approvals.items()), key=lambda a: a[0]),
        "refusal": queries.review_refusal(resource, request.user, passing_level=True),
        **problems_context(resource, revision),
        "may_return": queries.review_refusal(resource, request.user, passing_level=False) is None,
        "approve_blocked": False,
        "queue_url": _queue_url(),
        "change_url": _change_url(resource),
    }
    if context["is_final"]:  # issue 14 item 5
        context.update(dependents_context(resource, revision, request.user, context))
    return TemplateResponse(request, "admin/publishing/review.html", resource_admin.page_context(request, **context))
