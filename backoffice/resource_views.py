"""Adding and editing resources in the back office (RES-1, RES-2, RES-5 to RES-8, PUB-4, PUB-9, TPL-11).

Adding starts with the choice of a kind (and of a site, for people with several); the form of the
kind follows. Saving calls `create_resource` or `save_draft` with the revision the form was opened
on: when someone saved in between, the editor sees who and what changed and keeps the text typed
(`EditConflict`); when the database fails inside the action, nothing is saved and the form comes
back with the text typed as well. Content in review is read-only; approved and published content is shown
read-only first, and editing it starts a new draft while the published version stays online.
"""

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from backoffice import resource_workflow as admin_workflow
from backoffice.chooser import type_label
from backoffice.resource_display import asset_preview, referenced_resources, relabel_diff, shown_fields
from backoffice.resource_forms import UPLOAD_FIELD, ResourceForm, initial_from_revision
from backoffice.resource_support import EDITING_ROLES, editable_site_ids
from backoffice.review_pages import problems_context
from editorial import diff as revision_diff
from editorial import drafts as actions
from editorial import queries, steps, workflow
from editorial.drafts import EditConflict, interpretations_of, policies_of
from editorial.models import WorkflowAction
from editorial.placements import usage_summary
from resources.kinds import KIND_FORMS
from resources.kinds_registry import FILE_KINDS, kind_class
from resources.models import ResourceKind, ResourceStatus, Revision
from sites.models import Site

TEMPLATE = "admin/resources/resource/change_form.html"
log = logging.getLogger(__name__)
# The class of the message of a successful save: the browser then drops its copy of the form.
SAVED_TAG = "local-draft-saved"
# Bilingual here rather than in the message catalogue: the catalogue is being reworked (TPL-11).
DATABASE_FAILED = (
    "数据库暂时无法完成保存，内容没有保存，但仍保留在下面的表单中：请稍后再次保存。"
    " / The database could not complete the save. Nothing was saved, but your text is still in the form"
    " below: save it again in a moment."
)


def _change_url(resource) -> str:
    return reverse("admin:resources_resource_change", args=[resource.pk])


# --- adding -----------------------------------------------------------------------------------


def _editable_sites(request):
    editable = editable_site_ids(request)
    sites = Site.objects.order_by("pk")
    return sites if editable is None else sites.filter(pk__in=editable)


def add_view(model_admin, request):
    sites = _editable_sites(request)
    if not model_admin.has_add_permission(request) or not sites.exists():
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    site = None
    site_param = request.GET.get("site")
    if site_param:
        site = sites.filter(pk=site_param if site_param.isdigit() else 0).first()
        if site is None:
            raise Http404("not one of your sites")
    elif sites.count() == 1:
        site = sites.first()
    if kind not in KIND_FORMS or site is None:
        return TemplateResponse(
            request,
            "admin/resources/resource/choose_kind.html",
            model_admin.page_context(
                request,
                title=_("Add to the library"),
                sites=sites,
                chosen_site=site,
                kinds=[(value, label, kind_class(value).help_text) for value, label in ResourceKind.choices],
            ),
        )
    initial = {name: request.GET[name] for name in KIND_FORMS[kind].base_fields if name in request.GET}
    form = ResourceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        kind=kind,
        site=site,
        user=request.user,
        initial=initial,
    )
    if request.method == "POST":
        resource = save(request, form, site=site, kind=kind)
        if resource is not None:
            messages.success(request, _("“%(title)s” was saved to the library as a draft.") % {"title": resource.title},
                             extra_tags=SAVED_TAG)  # fmt: skip
            submit_if_asked(request, resource)
            if "_addanother" in request.POST:
                return HttpResponseRedirect(request.get_full_path())
            return HttpResponseRedirect(_change_url(resource))
    return render_form(model_admin, request, form, site=site, kind=kind, resource=None)


# --- saving -----------------------------------------------------------------------------------


def _file(request, form, kind):
    """The file of the form: a new upload (checked now), or the one uploaded with an earlier try."""
    upload = form.cleaned_data.get(UPLOAD_FIELD) if UPLOAD_FIELD not in form.errors else None
    if not upload:
        return form.kept_asset()
    try:
        asset = actions.upload_asset(upload, kind=kind, acting_user=request.user)
    except ValidationError as error:
        form.add_error(UPLOAD_FIELD, error)
        return None
    except PermissionDenied as error:
        form.add_error(UPLOAD_FIELD, str(error))
        return None
    form.remember_asset(asset)
    return asset


def save(request, form, *, site, kind, resource=None):
    """Create or save through the actions; on refusal the form carries the errors. Returns the resource."""
    valid = form.is_valid()
    asset = _file(request, form, kind) if kind in FILE_KINDS and hasattr(form, "cleaned_data") else None
    if not valid or form.errors:
        return None
    values = form.values()
    try:
        if resource is None:
            return actions.create_resource(
                site, kind, column=form.cleaned_data.get("column"), asset=asset, acting_user=request.user, **values
            )
        base = form.cleaned_data.get("base_revision_id")
        if "_overwrite" in request.POST and form.cleaned_data.get("seen_revision_id"):
            base = form.cleaned_data["seen_revision_id"]
        form.revision = actions.save_draft(
            resource,
            base_revision_id=base,
            asset=asset,
            note=form.cleaned_data.get("note") or "",
            acting_user=request.user,
            **values,
        )
        return resource
    except EditConflict as conflict:
        form.add_error(None, conflict)
        form.conflict = conflict
        if conflict.current_revision is not None:
            form.remember_conflict(conflict.current_revision.pk)
    except ValidationError as error:
        form.add_action_errors(error)
    except PermissionDenied as error:
        form.add_error(None, str(error))
    except DatabaseError:
        # The action's transaction rolled back: nothing was written. The form goes back to the
        # editor with everything typed (TPL-11); if the database is still away, rendering it fails
        # too and the outage page answers (govplatform/errors.py).
        log.error("saving %s failed in the database", f"resource {resource.pk}" if resource else "a new resource",
                  exc_info=True)  # fmt: skip
        form.add_error(None, DATABASE_FAILED)
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()  # a broken connection is opened anew for the page
    return None


def submit_if_asked(request, resource) -> None:
    if "_submit" not in request.POST:
        return
    try:
        workflow.submit(resource, acting_user=request.user)
    except (ValidationError, PermissionDenied) as error:
        text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, _("Saved, but not submitted: %(reason)s") % {"reason": text})
    else:
        messages.success(request, _("“%(title)s” was submitted for review.") % {"title": resource.title})
        admin_workflow.warn_before_review(request, resource)


# --- changing ---------------------------------------------------------------------------------


def change_view(model_admin, request, object_id):
    resource = model_admin.scoped_object(
        request, object_id, "current_revision__created_by", "current_revision__asset", "published_revision"
    )
    can_edit = model_admin.can_edit(request, resource)
    editable = can_edit and resource.status != ResourceStatus.IN_REVIEW
    shown_first = resource.status in (ResourceStatus.PUBLISHED, ResourceStatus.APPROVED) or (
        queries.approved_waiting(resource)
    )
    editing = editable and (request.method == "POST" or "edit" in request.GET or not shown_first)
    form = None
    if request.method == "POST":
        if not editable:
            messages.error(request, _("You cannot edit this content now."))
            return HttpResponseRedirect(_change_url(resource))
        form = ResourceForm(
            request.POST, request.FILES, kind=resource.kind, site=resource.site, user=request.user, resource=resource
        )
        if save(request, form, site=resource.site, kind=resource.kind, resource=resource) is not None:
            revision = form.revision
            text = _("Version %(number)d of “%(title)s” was saved.") % {"number": revision.number,
                                                                        "title": resource.title}  # fmt: skip
            if resource.published_revision_id:
                text += " " + _("The published version stays online until this draft is approved.")
            messages.success(request, text, extra_tags=SAVED_TAG)
            submit_if_asked(request, resource)
            return HttpResponseRedirect(_change_url(resource))
    elif editing:
        form = ResourceForm(
            initial=initial_from_revision(resource.current_revision),
            kind=resource.kind,
            site=resource.site,
            user=request.user,
            resource=resource,
        )
    return render_form(model_admin, request, form, site=resource.site, kind=resource.kind, resource=resource,
                       can_edit=can_edit, editable=editable)  # fmt: skip


def _conflict_context(form, resource):
    conflict = getattr(form, "conflict", None)
    if conflict is None or conflict.current_revision is None:
        return None
    base = Revision.objects.filter(pk=form.cleaned_data.get("base_revision_id") or 0, resource=resource).first()
    diff = relabel_diff(revision_diff.diff_revisions(base, conflict.current_revision), resource.kind)
    return {"revision": conflict.current_revision, "saved_by": conflict.saved_by, "saved_at": conflict.saved_at,
            "diff": revision_diff.render_html(diff)}  # fmt: skip


def _problems(resource) -> dict:
    """What stands in the way of its version in review or draft going online, and what is held back."""
    revision = resource.submitted_revision
    if revision is None and resource.current_revision_id != resource.published_revision_id:
        revision = resource.current_revision
    return problems_context(resource, revision)


def workflow_buttons(request, resource, *, can_edit) -> dict:
    """The steps offered on the resource's page: exactly those its workflow action would accept."""
    offered = steps.available_steps(resource, request.user)
    return {
        **{step: step in offered for step in steps.STEPS},
        "review": resource.status == ResourceStatus.IN_REVIEW,
        "new_draft": can_edit and resource.status != ResourceStatus.IN_REVIEW,
    }


def render_form(model_admin, request, form, *, site, kind, resource, can_edit=True, editable=True):
    context = {
        "title": (_("Add %(kind)s") % {"kind": ResourceKind(kind).label}) if resource is None else resource.title,
        "resource": resource,
        "site": site,
        "kind": kind,
        "kind_label": ResourceKind(kind).label,
        "form": form,
        "fieldsets": form.fieldsets() if form is not None else [],
        "kept_asset": getattr(form, "uploaded_asset", None) or (form.kept_asset() if form is not None and
                                                                  hasattr(form, "cleaned_data") else None),
        "conflict": _conflict_context(form, resource) if form is not None and resource is not None else None,
        "media": model_admin.media + (form.media if form is not None else model_admin.media),
    }  # fmt: skip
    if resource is not None:
        context.update(_resource_context(model_admin, request, resource, can_edit=can_edit, editable=editable))
    return TemplateResponse(request, TEMPLATE, model_admin.page_context(request, **context))


def _resource_context(model_admin, request, resource, *, can_edit, editable) -> dict:
    current = resource.current_revision
    visible = model_admin.get_queryset(request)
    references = referenced_resources(resource.kind, [current] if current else [], visible)
    returned = None
    if resource.status == ResourceStatus.RETURNED:
        returned = resource.events.filter(action=WorkflowAction.RETURN).select_related("actor").first()
    links, kind = [], kind_class(resource.kind)
    if kind.interpreted:
        links = list(interpretations_of(resource).filter(pk__in=visible.values("pk")).select_related("site"))
    elif kind.links_policies:
        links = list(policies_of(resource).filter(pk__in=visible.values("pk")).select_related("site"))
    return {
        "shown": shown_fields(resource, current, references),
        "asset": asset_preview(current),
        "asset_type": type_label(current.asset) if current is not None and current.asset_id else "",
        "can_edit": can_edit,
        "editable": editable,
        "buttons": workflow_buttons(request, resource, can_edit=can_edit),
        "returned": returned,
        "usage": usage_summary(resource),
        "links": links,
        "place_columns": (
            list(admin_workflow.place_targets(request, resource)) if admin_workflow.may_place(request, resource) else []
        ),
        "online": queries.is_online(resource),
        "waiting": queries.approved_waiting(resource),
        **_problems(resource),
        "levels": queries.review_levels_for(resource),
        "editing_roles": EDITING_ROLES,
        "history_url": reverse("admin:resources_resource_history", args=[resource.pk]),
        "interpretation_add_url": (
            reverse("admin:resources_resource_add") + f"?kind=interpretation&site={resource.site_id}"
            f"&policies={resource.pk}"
            if kind.interpreted and can_edit
            else ""
        ),
    }
