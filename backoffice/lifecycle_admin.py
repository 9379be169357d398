"""The lifecycle in the back office: buttons on a site's page, each with its page of confirmation
(TPL-11), the site's timeline, and the platform administrator's list of pending work (SITE-5 to SITE-9).

Each page calls one action of lifecycle/ (the steps are in sites/admin_steps.py); a refusal
is shown on the form with the input kept. When the action would refuse anyway, the page lists
why, each with a link to where it is put right when there is one, and offers no button.
"""

import dataclasses
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auditlog.events import event_label
from auditlog.models import AuditEntry
from backoffice import audit_details
from backoffice import site_forms as forms
from backoffice.filing_text import filing_value
from backoffice.lifecycle_steps import DECISIONS, PLATFORM, STEPS, Step, may
from backoffice.scoping import show_refusal
from lifecycle import migration, opening, rules
from lifecycle.models import (
    ApplicationKind,
    ApplicationStatus,
    ChangeFiling,
    RegistrationCancellation,
    SecurityCheck,
    SiteApplication,
    StatusChange,
)
from sites.models import Role, Site, SiteStatus
from sites.permissions import is_platform_admin, site_ids_for


def _change_url(site) -> str:
    return reverse("admin:sites_site_change", args=[site.pk])


def _run_form(request, form, run) -> bool:
    """Run the action of a confirmed, valid form; False (the form then shows why) otherwise."""
    if request.method != "POST" or request.POST.get("confirm") != "yes" or not form.is_valid():
        return False
    try:
        run(form)
    except (ValidationError, PermissionDenied) as error:
        show_refusal(form, error)
        return False
    return True


def _fix_url(site, gap: rules.Gap) -> str:
    """Where a gap of SITE-11 is put right, or "" when no page of the back office does it."""
    if gap.place == rules.FIX_SITE_FIELD:
        return f"{_change_url(site)}#id_{gap.target}"
    if gap.place == rules.FIX_STEP:
        return reverse("admin:sites_site_lifecycle", args=[site.pk, gap.target])
    if gap.place == rules.FIX_NEW_COLUMN:
        return reverse("admin:columns_column_add") + "?" + urlencode({"site": site.pk, "column_type": gap.target})
    if gap.place == rules.FIX_COLUMN_CONTENT:
        return reverse("admin:resources_resource_changelist") + "?" + urlencode({"site": site.pk, "column": gap.target})
    if gap.place == rules.FIX_APPLY:
        if (
            opening.may_apply_again(site)
            and not site.applications.filter(kind=ApplicationKind.OPENING, status=ApplicationStatus.PENDING).exists()
        ):
            return reverse("admin:sites_site_lifecycle", args=[site.pk, "apply_again"])
        return f"{_change_url(site)}#lifecycle-applications"  # the application waiting for its decision
    return ""


def _blockers(site, refusals) -> list[dict]:
    """The refusals of a step as the page lists them: the sentence, and where it is put right."""
    return [
        {"text": item.text, "url": _fix_url(site, item)} if isinstance(item, rules.Gap) else {"text": item, "url": ""}
        for item in refusals
    ]


def _step_page(model_admin, request, site, step: Step, target, form, done, next_url, *, subject=None, **context):
    """What every lifecycle page does once it knows its step: run it on `target` when confirmed,
    then say `done` and go to `next_url`; else show the page of confirmation with the form, or,
    when the action would refuse now, only why (asked after running: the action may have changed
    the site), so that nobody is offered a button that cannot work nor reads a refusal twice."""
    if _run_form(request, form, lambda form: step.run(target, form, request.user)):
        messages.success(request, done)
        return HttpResponseRedirect(next_url)
    context = model_admin.lifecycle_context(
        request,
        site,
        title=f"{step.label} · {site if subject is None else subject}",
        crumb=step.label,
        form=form,
        step=step,
        blockers=_blockers(site, step.refusals(target, request.user)),
        **context,
    )
    return TemplateResponse(request, "admin/sites/site/lifecycle_step.html", context)


def step_view(model_admin, request, object_id, step_name):
    site = model_admin.get_object(request, object_id)
    step = STEPS.get(step_name)
    if step is None:
        raise Http404("no such step")
    if not may(request.user, site, step.who):
        raise PermissionDenied
    form = step.form(request.POST or None, request.FILES or None, site=site, **step.form_arguments(site))
    return _step_page(model_admin, request, site, step, site, form, step.done, _change_url(site))


def decision_view(model_admin, request, object_id, application_id, decision):
    site = model_admin.get_object(request, object_id)
    application = get_object_or_404(SiteApplication, pk=application_id, site=site)
    step = DECISIONS.get(decision)
    if step is None:
        raise Http404("no such decision")
    if not may(request.user, site, step.who):
        raise PermissionDenied
    form = step.form(request.POST or None, site=site, application=application)
    done = _("%(label)s: done.") % {"label": step.label}
    next_url = _work_url() if request.GET.get("next") == "work" else _change_url(site)
    return _step_page(model_admin, request, site, step, application, form, done, next_url, application=application)


# Confirming that a registration (ID code, ICP or PSB filing …) of a closed site was cancelled.
_CANCELLATION = Step(
    gettext_lazy("The registration is cancelled"),
    forms.ConfirmForm,
    lambda item, form, user: migration.confirm_cancellation(item, acting_user=user),
    who=PLATFORM,
    irreversible=True,
)


def cancellation_view(model_admin, request, object_id, item_id):
    site = model_admin.get_object(request, object_id)
    item = get_object_or_404(RegistrationCancellation, pk=item_id, site=site)
    if not may(request.user, site, _CANCELLATION.who):
        raise PermissionDenied
    form = _CANCELLATION.form(request.POST or None, site=site)
    step = dataclasses.replace(_CANCELLATION, explanation=str(item))
    done = _("The cancellation of %(item)s is recorded.") % {"item": item}
    return _step_page(model_admin, request, site, step, item, form, done, _work_url(), subject=item)


# --- the timeline and the list of work ---------------------------------------------------------


@dataclass
class Event:
    time: object
    kind: str
    text: str
    actor: str = ""
    detail: str = ""


def _name(user) -> str:
    return str(user) if user is not None else _("the system")


def timeline(site: Site, *, audit_limit: int = 300) -> list[Event]:
    """The site's history, newest first: applications, decisions, status changes, checks, filings, audit log."""
    events = []
    for application in site.applications.select_related("applied_by", "decided_by", "target_site"):
        kind = application.get_kind_display()
        events.append(Event(application.applied_at, _("application"), _("Application: %(kind)s") % {"kind": kind},
                            _name(application.applied_by), application.reason))  # fmt: skip
        if application.decided_at:
            events.append(
                Event(
                    application.decided_at,
                    _("decision"),
                    _("%(kind)s: %(status)s") % {"kind": kind, "status": application.get_status_display()},
                    _name(application.decided_by),
                    application.decision_note,
                )  # fmt: skip
            )
        if application.completed_at:
            events.append(Event(application.completed_at, _("decision"), _("%(kind)s: done") % {"kind": kind}))
    for change in StatusChange.objects.filter(site=site).select_related("actor"):
        labels = dict(SiteStatus.choices)
        events.append(
            Event(
                change.time,
                _("status"),
                _("Status: %(before)s → %(after)s")
                % {"before": labels.get(change.before, "-"), "after": labels.get(change.after, change.after)},
                _name(change.actor),
                change.note,
            )  # fmt: skip
        )
    for check in SecurityCheck.objects.filter(site=site).select_related("checked_by"):
        text = _("Security check passed") if check.passed else _("Security check not passed")
        events.append(Event(check.checked_at, _("security check"), text, _name(check.checked_by), check.note))
    for filing in ChangeFiling.objects.filter(site=site).select_related("filed_by"):
        events.append(
            Event(
                filing.filed_at,
                _("change filing"),
                _("Change filing: %(kind)s") % {"kind": filing.get_kind_display()},
                _name(filing.filed_by),
                f"{filing.subject}：{filing_value(filing.before)} → {filing_value(filing.after)}",
            )  # fmt: skip
        )
    for entry in AuditEntry.objects.filter(site=site).order_by("-time", "-id")[:audit_limit]:
        detail = "；".join(part for part in (entry.object_repr, audit_details.describe(entry.details)) if part)
        events.append(Event(entry.time, _("audit log"), event_label(entry.action), entry.actor_label, detail))
    events.sort(key=lambda event: event.time, reverse=True)
    return events


def timeline_view(model_admin, request, object_id):
    site = model_admin.get_object(request, object_id)
    context = model_admin.lifecycle_context(
        request, site, title=_("History of %(site)s") % {"site": site}, crumb=_("Site history"), events=timeline(site)
    )
    return TemplateResponse(request, "admin/sites/site/timeline.html", context)


def _work_url() -> str:
    return reverse("admin:sites_site_lifecycle_work")


def with_decision_refusals(applications, user) -> list:
    """The applications, each with `decision_refusal`: why this user may not decide it (their own), or None."""
    applications = list(applications)
    for application in applications:
        application.decision_refusal = rules.decision_refusal(application, user)
    return applications


def work_view(model_admin, request):
    """The platform administrator's list: applications to decide, work in progress with its dates."""
    if not is_platform_admin(request.user):
        raise PermissionDenied
    now = timezone.now()
    applications = SiteApplication.objects.select_related("site", "target_site", "applied_by")
    in_progress = applications.filter(status__in=(ApplicationStatus.APPROVED, ApplicationStatus.FILED,
                                                  ApplicationStatus.IN_EFFECT)).order_by("due_at", "ends_at", "starts_at")  # fmt: skip
    rows = []
    for application in in_progress:
        due = application.due_at or (
            application.ends_at if application.kind == ApplicationKind.OFFLINE else application.starts_at
        )
        rows.append({"application": application, "due": due, "overdue": bool(due and due < now)})
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Site lifecycle: pending work"),
        "pending": with_decision_refusals(
            applications.filter(status=ApplicationStatus.PENDING).order_by("applied_at"), request.user
        ),
        "in_progress": rows,
        "cancellations": RegistrationCancellation.objects.filter(done_at__isnull=True).select_related("site"),
        "now": now,
    }
    return TemplateResponse(request, "admin/sites/site/lifecycle_work.html", context)


def apply_view(model_admin, request):
    """A unit applies for a new site (SITE-5): platform administrators, or a portal's administrators."""
    user = request.user
    parents = Site.objects.filter(kind="portal").exclude(status=SiteStatus.CLOSED)
    if not is_platform_admin(user):
        parents = parents.filter(pk__in=site_ids_for(user, Role.SITE_ADMIN))
        if not parents.exists():
            raise PermissionDenied
    form = forms.SiteApplicationForm(request.POST or None, parents=parents.order_by("name"))
    if request.method == "POST" and form.is_valid():
        try:
            application = opening.apply_for_site(
                form.instance, primary_domain=form.cleaned_data["primary_domain"],
                reason=form.cleaned_data["reason"], acting_user=user,
            )  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("The application for %(site)s was sent.") % {"site": application.site})
            return HttpResponseRedirect(_change_url(application.site))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Apply for a site"),
        "form": form,
        "step": Step(
            _("Apply for a site"),
            forms.SiteApplicationForm,
            None,
            explanation=_("A platform administrator other than the applicant approves or refuses the application."),
        ),  # fmt: skip
        "crumb": _("Apply for a site"),
        "new_site": True,
    }
    return TemplateResponse(request, "admin/sites/site/lifecycle_step.html", context)
