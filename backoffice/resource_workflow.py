"""Workflow, history and usage pages of a resource in the back office (PUB-2, PUB-4, PUB-5, RES-3, RES-4, TPL-11).

Buttons post here; each calls one action and reports its refusal as a message. Irreversible
steps (taking content offline) ask for confirmation on a page of their own first.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.resource_display import asset_preview, referenced_resources, relabel_diff, shown_fields
from backoffice.resource_forms import ReasonForm, ScheduleForm
from backoffice.resource_support import editable_site_ids
from backoffice.scoping import refusal_text
from columns.models import Column
from editorial import diff as revision_diff
from editorial import drafts as actions
from editorial import placements, queries, workflow
from editorial.models import Placement, PlacementStatus, UsageRecord
from publishing import readiness
from resources.models import ResourceStatus
from resources.policies import RESOURCES
from sites.permissions import is_platform_admin
from sites.policies import CHANGE

STEPS = ("submit", "recall", "withdraw", "schedule")


def _change_url(resource) -> str:
    return reverse("admin:resources_resource_change", args=[resource.pk])


def _run(request, action, *args, **kwargs) -> bool:
    try:
        action(*args, acting_user=request.user, **kwargs)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_text(error))
        return False
    return True


def warn_before_review(request, resource) -> None:
    """Just submitted: say what would stop it going online (broken links, unpublished resources)."""
    problems = readiness.check(resource, resource.submitted_revision)
    if problems:
        messages.warning(
            request,
            _("The reviewer cannot publish it as it is: %(problems)s") % {"problems": problems.message()},
        )


# --- workflow steps ---------------------------------------------------------------------------


def workflow_view(model_admin, request, object_id, step):
    if step not in STEPS:
        raise Http404("no such step")
    resource = model_admin.scoped_object(request, object_id)
    if step == "withdraw":
        return _withdraw(model_admin, request, resource)
    if step == "schedule":
        return _schedule(model_admin, request, resource)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if step == "submit" and _run(request, workflow.submit, resource):
        messages.success(request, _("“%(title)s” was submitted for review.") % {"title": resource.title})
        warn_before_review(request, resource)
    elif step == "recall" and _run(request, workflow.withdraw_submission, resource):
        messages.success(
            request, _("The submission of “%(title)s” was taken back; it is a draft again.") % {"title": resource.title}
        )
    return HttpResponseRedirect(_change_url(resource))


def _withdraw(model_admin, request, resource):
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and request.POST.get("confirm") == "yes" and form.is_valid():
        if _run(request, workflow.withdraw, resource, reason=form.cleaned_data["reason"]):
            messages.success(request, _("“%(title)s” was taken offline.") % {"title": resource.title})
        return HttpResponseRedirect(_change_url(resource))
    return TemplateResponse(
        request,
        "admin/resources/resource/confirm_withdraw.html",
        model_admin.page_context(
            request,
            title=_("Take “%(title)s” offline?") % {"title": resource.title},
            resource=resource,
            form=form,
            usage=placements.usage_summary(resource),
            online=queries.is_online(resource),
        ),
    )


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _schedule(model_admin, request, resource):
    if request.method == "POST":
        form = ScheduleForm(request.POST)
        if form.is_valid():
            try:
                workflow.schedule(
                    resource,
                    publish_at=form.cleaned_data["publish_at"],
                    unpublish_at=form.cleaned_data["unpublish_at"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for name, errors in error.error_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The times of “%(title)s” were saved.") % {"title": resource.title})
                return HttpResponseRedirect(_change_url(resource))
    else:
        form = ScheduleForm(
            initial={"publish_at": _local(resource.publish_at), "unpublish_at": _local(resource.unpublish_at)}
        )
    return TemplateResponse(
        request,
        "admin/resources/resource/schedule.html",
        model_admin.page_context(
            request,
            title=_("Publishing times of “%(title)s”") % {"title": resource.title},
            resource=resource,
            form=form,
        ),
    )


# --- history and restore ----------------------------------------------------------------------


def history_view(model_admin, request, object_id):
    resource = model_admin.scoped_object(request, object_id)
    revisions = list(resource.revisions.select_related("created_by", "restored_from").order_by("-number"))
    events = list(resource.events.select_related("actor", "revision").order_by("-time", "-id"))
    usage = list(UsageRecord.objects.filter(resource=resource).select_related("actor", "site").order_by("-time")[:200])
    return TemplateResponse(
        request,
        "admin/resources/resource/history.html",
        model_admin.page_context(
            request,
            title=_("History of “%(title)s”") % {"title": resource.title},
            resource=resource,
            revisions=revisions,
            events=events,
            usage_records=usage,
            last_published=queries.last_published_number(resource),
            can_restore=model_admin.can_edit(request, resource) and resource.status != ResourceStatus.IN_REVIEW,
        ),
    )


def revision_view(model_admin, request, object_id, revision_id):
    resource = model_admin.scoped_object(request, object_id, "current_revision")
    revision = resource.revisions.select_related("created_by", "asset").filter(pk=revision_id).first()
    if revision is None:
        raise Http404("no such revision")
    can_restore = (
        model_admin.can_edit(request, resource)
        and resource.status != ResourceStatus.IN_REVIEW
        and revision.pk != resource.current_revision_id
    )
    if request.method == "POST":
        if not can_restore:
            messages.error(request, _("This version cannot be restored now."))
            return HttpResponseRedirect(request.path)
        try:
            base = int(request.POST.get("base_revision_id", ""))
        except ValueError:
            base = None
        try:
            new = actions.restore_revision(resource, revision, base_revision_id=base, acting_user=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, refusal_text(error))
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            _("Version %(old)d was restored as the new version %(new)d.") % {"old": revision.number, "new": new.number},
        )
        return HttpResponseRedirect(_change_url(resource))
    current = resource.current_revision
    references = referenced_resources(resource.kind, [revision], model_admin.get_queryset(request))
    changes = relabel_diff(revision_diff.diff_revisions(current, revision), resource.kind)
    return TemplateResponse(
        request,
        "admin/resources/resource/revision.html",
        model_admin.page_context(
            request,
            title=_("Version %(number)d of “%(title)s”") % {"number": revision.number, "title": resource.title},
            resource=resource,
            revision=revision,
            shown=shown_fields(resource, revision, references),
            asset=asset_preview(revision),
            diff=revision_diff.render_html(changes),
            is_current=revision.pk == resource.current_revision_id,
            can_restore=can_restore,
            history_url=reverse("admin:resources_resource_history", args=[resource.pk]),
        ),
    )


# --- using the resource in columns (RES-3, RES-4) ----------------------------------------------


def place_targets(request, resource):
    """Columns where the user may use the resource: of sites they edit, and (for the owning site's
    editors) of its subordinate sites, as an offered repost (PUB-6). Columns it is in are left out."""
    columns = Column.objects.select_related("site").order_by("site_id", "tree_id", "lft")
    if not is_platform_admin(request.user):
        editable = editable_site_ids(request) or set()
        sites = set(editable)
        if resource.site_id in editable:
            sites |= set(resource.site.children.values_list("pk", flat=True))
        columns = columns.filter(site_id__in=sites)
    taken = Placement.objects.filter(resource=resource).exclude(status=PlacementStatus.REFUSED).values("column_id")
    return columns.exclude(pk__in=taken)


def place_view(model_admin, request, object_id):
    resource = model_admin.scoped_object(request, object_id)
    if request.method != "POST":
        return HttpResponseRedirect(_change_url(resource))
    column = place_targets(request, resource).filter(pk=request.POST.get("column") or 0).first()
    if column is None:
        messages.error(request, _("Choose a column where you may use this content."))
        return HttpResponseRedirect(_change_url(resource))
    try:
        placement = placements.place(resource, column, acting_user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_text(error))
    else:
        if placement.status == PlacementStatus.PENDING:
            text = _("“%(title)s” was offered to %(site)s; a reviewer of that site decides on the repost.")
        else:
            text = _("“%(title)s” is now used in the column %(column)s.")
        messages.success(request, text % {"title": resource.title, "site": column.site, "column": column})
    return HttpResponseRedirect(_change_url(resource))


def may_place(request, resource) -> bool:
    return (queries.is_online(resource) or queries.approved_waiting(resource)) and (
        RESOURCES.user_can(request.user, CHANGE, resource) or bool(editable_site_ids(request))
    )
