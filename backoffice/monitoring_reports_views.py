"""Supervision reports in the back office: quarterly spot checks (OPS-2: platform administrators draw
the sites and publish the results), the site's annual work report (OPS-3: its administrators count
and fill it in and submit it, another administrator or reviewer approves and publishes it) and the
platform's supervision annual report (OPS-7: platform administrators). The work page's warning
until last year's reports are published is backoffice/work_supervision.py.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.scoping import refusal_text, show_refusal
from backoffice.work import url
from monitoring import annual_layout, annual_reports, spot_checks, supervision_report
from monitoring.annual_layout import YES_NO
from monitoring.models import ReportStatus, SiteAnnualReport, SpotCheck, SupervisionReport
from monitoring.report_pages import RESULT_TEXT
from monitoring.report_policies import SITE_ANNUAL_REPORTS, SPOT_CHECKS
from sites.models import Role, Site
from sites.permissions import is_platform_admin, site_ids_for

TEMPLATES = "admin/monitoring/reports/"


def urls(admin_site) -> list:
    def view(function):
        return admin_site.admin_view(lambda request, **kwargs: function(request, admin_site, **kwargs))

    return [
        path("monitoring/spot-checks/", view(spot_check_list), name="monitoring_spot_checks"),
        path("monitoring/spot-checks/<int:pk>/", view(spot_check_page), name="monitoring_spot_check"),
        path("monitoring/annual-reports/", view(annual_report_list), name="monitoring_annual_reports"),
        path("monitoring/annual-reports/<int:pk>/", view(annual_report_page), name="monitoring_annual_report"),
        path("monitoring/supervision-reports/<int:pk>/", view(supervision_page), name="monitoring_supervision_report"),
    ]


def _render(request, admin_site, template: str, title: str, **extra):
    request.current_app = admin_site.name
    context = {**admin_site.each_context(request), "title": title, **extra}
    return TemplateResponse(request, TEMPLATES + template, context)


def _year_choices(today) -> list[tuple[int, str]]:
    return [(year, f"{year}") for year in range(today.year - 1, today.year - 6, -1)]


# --- spot checks (OPS-2) ----------------------------------------------------------------------


class DrawForm(forms.Form):
    share_percent = forms.IntegerField(label=gettext_lazy("share drawn (%)"), min_value=30, max_value=100,
                                       initial=spot_checks.SHARE_PERCENT)  # fmt: skip


class PublishForm(forms.Form):
    summary = forms.CharField(label=gettext_lazy("summary of the findings"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip


def spot_check_list(request, admin_site):
    if not SPOT_CHECKS.user_can(request.user, "view"):
        raise PermissionDenied
    form = DrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            spot_check = spot_checks.draw_spot_check(today=timezone.localdate(), acting_user=request.user,
                                                     share_percent=form.cleaned_data["share_percent"])  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("%(count)s sites were drawn.") % {"count": spot_check.entries.count()})
            return redirect(url("monitoring_spot_check", spot_check.pk))
    checks = SpotCheck.objects.all()[:40]
    return _render(request, admin_site, "spot_checks.html", _("Spot checks"), form=form, checks=checks)


def spot_check_page(request, admin_site, pk: int):
    if not SPOT_CHECKS.user_can(request.user, "view"):
        raise PermissionDenied
    spot_check = get_object_or_404(SpotCheck, pk=pk)
    form = PublishForm(request.POST or None) if spot_check.published_at is None else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                spot_checks.publish_spot_check(spot_check, summary=form.cleaned_data["summary"],
                                               acting_user=request.user)  # fmt: skip
            except (ValidationError, PermissionDenied) as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("The results were published on the portal."))
                return redirect(url("monitoring_spot_check", spot_check.pk))
    entries = [{"entry": e, "result": RESULT_TEXT.get(e.state, "")} for e in spot_check.entries.all()]
    return _render(request, admin_site, "spot_check.html", str(spot_check), spot_check=spot_check, entries=entries,
                   form=form, population=len(spot_check.population))  # fmt: skip


# --- annual reports (OPS-3, OPS-7) -------------------------------------------------------------


def report_site_ids(user) -> set[int] | None:
    """The sites whose annual reports the user sees: None for every site (platform administrators)."""
    if is_platform_admin(user):
        return None
    return site_ids_for(user, Role.SITE_ADMIN, Role.REVIEWER)


class GenerateForm(forms.Form):
    site = forms.ModelChoiceField(label=gettext_lazy("site"), queryset=Site.objects.none())
    year = forms.TypedChoiceField(label=gettext_lazy("year reported on"), coerce=int)

    def __init__(self, *args, site_ids, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(pk__in=site_ids).order_by("name")
        self.fields["year"].choices = _year_choices(today)
        self.fields["year"].initial = today.year - 1


class SupervisionForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("year reported on"), coerce=int)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices(today)


def annual_report_list(request, admin_site):
    user, today = request.user, timezone.localdate()
    visible = report_site_ids(user)
    platform = visible is None
    if not platform and not visible:
        raise PermissionDenied
    admin_sites = sorted(site_ids_for(user, Role.SITE_ADMIN)) if not platform else []
    generate = GenerateForm(request.POST if request.POST.get("form") == "site" else None, site_ids=admin_sites,
                            today=today, prefix="site") if admin_sites else None  # fmt: skip
    supervision = SupervisionForm(request.POST if request.POST.get("form") == "supervision" else None, today=today,
                                  prefix="supervision") if platform else None  # fmt: skip
    if request.method == "POST":
        form = generate if request.POST.get("form") == "site" else supervision
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                if form is generate:
                    report = annual_reports.generate_report(form.cleaned_data["site"], form.cleaned_data["year"],
                                                            acting_user=user, today=today)  # fmt: skip
                    target = url("monitoring_annual_report", report.pk)
                else:
                    report = supervision_report.generate_report(form.cleaned_data["year"], acting_user=user,
                                                                today=today)  # fmt: skip
                    target = url("monitoring_supervision_report", report.pk)
            except (ValidationError, PermissionDenied) as error:
                show_refusal(form, error)
            else:
                messages.success(request, _("“%(title)s” was counted from the records.") % {"title": str(report)})
                return redirect(target)
    reports = SiteAnnualReport.objects.select_related("site").order_by("-year", "site__name")
    if not platform:
        reports = reports.filter(site_id__in=visible)
    return _render(
        request, admin_site, "annual_reports.html", _("Annual reports on the websites"), generate=generate,
        supervision=supervision, reports=reports[:200], supervision_reports=SupervisionReport.objects.all()[:10],
        due=annual_reports.reports_due(admin_sites, today) if admin_sites else [],
    )  # fmt: skip


def _entry_field(field) -> forms.Field:
    label = f"{field.label}（{field.unit}）" if field.unit else field.label
    if field.kind == YES_NO:
        return forms.TypedChoiceField(label=label, required=False, choices=[("", "—"), ("1", "是"), ("0", "否")])
    if field.kind == annual_layout.TEXT:
        return forms.CharField(label=label, required=False, max_length=200)
    return forms.DecimalField(label=label, required=False, min_value=0, decimal_places=1 if field.kind ==
                              annual_layout.DECIMAL else 0)  # fmt: skip


def _initial(field, value):
    if field.kind == YES_NO:
        return "" if value is None else ("1" if value else "0")
    return value


class EntriesForm(forms.Form):
    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        for section in annual_layout.SECTIONS:
            for field in section.fields:
                if field.editable:
                    self.fields[field.key] = _entry_field(field)
                    self.fields[field.key].initial = _initial(field, report.data.get(field.key))
                    self.fields[field.key].section = section.title


class ReviewForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("returned because"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


def annual_report_page(request, admin_site, pk: int):
    user = request.user
    report = get_object_or_404(SITE_ANNUAL_REPORTS.filter(SiteAnnualReport.objects.select_related("site"), user),
                               pk=pk)  # fmt: skip
    draft = report.status == ReportStatus.DRAFT
    may_change = draft and SITE_ANNUAL_REPORTS.user_can(user, "change", report)
    may_review = (report.status == ReportStatus.IN_REVIEW and report.submitted_by_id != user.pk
                  and SITE_ANNUAL_REPORTS.user_can(user, "review", report))  # fmt: skip
    entries = EntriesForm(request.POST if request.POST.get("step") in ("save", "submit") else None, report=report)
    review = ReviewForm(request.POST if request.POST.get("step") in ("approve", "return") else None)
    if request.method == "POST":
        step = request.POST.get("step", "")
        if not ({"save": may_change, "submit": may_change, "approve": may_review, "return": may_review}.get(step)):
            raise PermissionDenied
        form = entries if step in ("save", "submit") else review
        if form.is_valid():
            try:
                if step in ("save", "submit"):
                    values = {k: (None if v is None else str(v)) for k, v in entries.cleaned_data.items()}
                    report = annual_reports.save_entries(report, values, acting_user=user)
                    if step == "submit":
                        annual_reports.submit_report(report, acting_user=user)
                else:
                    annual_reports.review_report(report, approve=step == "approve", acting_user=user,
                                                 reason=review.cleaned_data["reason"])  # fmt: skip
            except (ValidationError, PermissionDenied) as error:
                if step in ("save", "submit"):
                    show_refusal(form, error)
                else:
                    messages.error(request, refusal_text(error))
                    return redirect(url("monitoring_annual_report", report.pk))
            else:
                done = {"save": _("Saved."), "submit": _("Submitted for review."),
                        "approve": _("Approved and published on the site."), "return": _("Returned for changes.")}
                messages.success(request, done[step])
                return redirect(url("monitoring_annual_report", report.pk))
    return _render(
        request, admin_site, "annual_report.html", str(report), report=report,
        sections=annual_layout.rows(report.data), entries=entries if may_change else None,
        review=review if may_review else None, due=annual_reports.due_on(report.year),
    )  # fmt: skip


def supervision_page(request, admin_site, pk: int):
    if not is_platform_admin(request.user):
        raise PermissionDenied
    report = get_object_or_404(SupervisionReport, pk=pk)
    if request.method == "POST":
        try:
            supervision_report.publish_report(report, acting_user=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, _("The report was published on the portal."))
        return redirect(url("monitoring_supervision_report", report.pk))
    return _render(request, admin_site, "supervision_report.html", str(report), report=report,
                   rows=supervision_report.rows(report.data))  # fmt: skip
