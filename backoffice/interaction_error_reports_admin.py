"""Error reports in the back office (我为政府网站找错, INT-3): the list, the page of one report
with its step buttons (forward, answer), one page per step, and the form that enters a report
forwarded by the national platform (with the platform's number).

Each button is shown only when its action would accept it: the policy says who may act
(interaction/error_report_policies.py) and `available` whether the report is in a state for it.
Reports are changed only through the actions (interaction/error_reports.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.scoping import ReadOnlyAdminMixin, ScopedAdmin, show_refusal
from backoffice.site import backoffice
from interaction import error_reports as actions
from interaction.error_report_forms import NationalReportForm
from interaction.error_report_policies import ERROR_REPORTS, HANDLER_ROLES
from interaction.models.error_reports import ErrorReport, ReportStatus
from sites.models import Site
from sites.permissions import is_platform_admin, site_ids_for
from sites.policies import VIEW


class ForwardForm(forms.Form):
    to = forms.CharField(label=gettext_lazy("Department responsible"), max_length=200)
    note = forms.CharField(
        label=gettext_lazy("Note to the department"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class AnswerForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Answer"), widget=forms.Textarea(attrs={"rows": 6}), max_length=4000)


@dataclass
class Step:
    label: str
    form: type
    policy_action: str
    available: Callable  # available(report) -> bool
    run: Callable  # run(report, cleaned_data, user)
    explanation: str = ""
    done: str = ""


STEPS = {
    "forward": Step(
        gettext_lazy("Forward"),
        ForwardForm,
        "forward",
        lambda r: r.status == ReportStatus.RECEIVED,
        lambda r, data, user: actions.forward(r, to=data["to"], note=data["note"], acting_user=user),
        gettext_lazy("Within 1 working day of receipt, to the department responsible for the page."),
        gettext_lazy("The report was forwarded."),
    ),
    "answer": Step(
        gettext_lazy("Answer"),
        AnswerForm,
        "answer",
        lambda r: r.status == ReportStatus.FORWARDED,
        lambda r, data, user: actions.answer(r, text=data["text"], acting_user=user),
        gettext_lazy("Within 3 working days of receipt."),
        gettext_lazy("The report was answered."),
    ),
}


def deadline_text(report: ErrorReport, due_on) -> str:
    if report.deadline_unknown_year:
        return _("cannot be computed: the holidays of %(year)s are not entered") % {
            "year": report.deadline_unknown_year
        }
    return due_on.isoformat() if due_on else "—"


def handler_sites(user):
    if is_platform_admin(user):
        return Site.objects.order_by("name")
    return Site.objects.filter(pk__in=site_ids_for(user, *HANDLER_ROLES)).order_by("name")


class EnterForm(NationalReportForm):
    site = forms.ModelChoiceField(label=gettext_lazy("Site"), queryset=Site.objects.none())
    field_order = ["site", "national_number", "received_on"]

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.order_fields(self.field_order)


@admin.register(ErrorReport, site=backoffice)
class ErrorReportAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("__str__", "site", "kind", "source", "status", "forward_due_on", "answer_due_on", "escalation")
    list_filter = ("status", "source", "escalation")
    search_fields = ("national_number", "page_url")
    list_select_related = ("site",)
    ordering = ("-received_at", "-id")

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request) and ERROR_REPORTS.user_can(request.user, VIEW)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (obj is None or ERROR_REPORTS.user_can(request.user, VIEW, obj))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("national/", view(self.enter_view), name="interaction_errorreport_enter"),
            path("<path:object_id>/step/<str:step_name>/", view(self.step_view), name="interaction_errorreport_step"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"enter_url": reverse("admin:interaction_errorreport_enter")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def _context(self, request, obj, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "report": obj,
            "app_label": self.model._meta.app_label,
            **extra,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404("no such report")
        today = timezone.localdate()
        context = self._context(
            request,
            obj,
            title=str(obj),
            forward_deadline=deadline_text(obj, obj.forward_due_on),
            answer_deadline=deadline_text(obj, obj.answer_due_on),
            forward_late=obj.status == ReportStatus.RECEIVED and obj.forward_due_on and obj.forward_due_on < today,
            answer_late=obj.status != ReportStatus.ANSWERED and obj.answer_due_on and obj.answer_due_on < today,
            buttons=[
                (step.label, reverse("admin:interaction_errorreport_step", args=[obj.pk, name]))
                for name, step in STEPS.items()
                if ERROR_REPORTS.user_can(request.user, step.policy_action, obj) and step.available(obj)
            ],
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/interaction/errorreport/detail.html", context)

    def step_view(self, request, object_id, step_name):
        obj = self.get_object(request, object_id)
        step = STEPS.get(step_name)
        if obj is None or step is None:
            raise Http404("no such step")
        back = reverse("admin:interaction_errorreport_change", args=[obj.pk])
        posted = request.method == "POST"
        form = step.form(request.POST if posted else None)
        refusal = ""
        if not ERROR_REPORTS.user_can(request.user, step.policy_action, obj):
            refusal = _("You may not do this.")
        elif not step.available(obj):
            refusal = _("This step does not apply to the report in its present state.")
        elif posted and form.is_valid():
            try:
                step.run(obj, form.cleaned_data, request.user)
            except (ValidationError, PermissionDenied) as error:
                show_refusal(form, error)
            else:
                messages.success(request, step.done)
                return HttpResponseRedirect(back)
        context = self._context(request, obj, title=f"{step.label} · {obj}", heading=step.label,
                                explanation=step.explanation, form=form, refusal=refusal, back=back,
                                submit=step.label)  # fmt: skip
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/interaction/errorreport/step.html", context)

    def enter_view(self, request):
        if not ERROR_REPORTS.user_can(request.user, "enter"):
            raise PermissionDenied
        back = reverse("admin:interaction_errorreport_changelist")
        sites = handler_sites(request.user)
        posted = request.method == "POST"
        form = EnterForm(request.POST if posted else None, sites=sites)
        if posted and form.is_valid():
            data = form.cleaned_data
            try:
                report = actions.enter_national(data["site"], data, national_number=data["national_number"],
                                                received_on=data["received_on"], acting_user=request.user)  # fmt: skip
            except (ValidationError, PermissionDenied) as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("The report from the national platform was entered."))
                return HttpResponseRedirect(reverse("admin:interaction_errorreport_change", args=[report.pk]))
        heading = _("Enter a report from the national platform")
        context = self._context(request, None, title=heading, heading=heading, form=form, refusal="", back=back,
                                explanation=_("Its deadlines count from the day the national platform received it."),
                                submit=_("Enter"))  # fmt: skip
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/interaction/errorreport/step.html", context)
