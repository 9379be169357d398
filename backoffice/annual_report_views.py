"""The annual report in the back office (DISC-4): the page where site administrators generate it,
and the work page's warning from 1 January until last year's report is online (late after 31
January, 条例 art.50).

Generating calls the action disclosure.annual_report.generate_report and opens the draft's page,
where the text sections and the hand-entered tables are written; the report then goes through the
normal review and is published in the 信息公开年报 column.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from backoffice.work import Panel, Row, Section, site_list, url
from disclosure import annual_report
from disclosure.models import Organisation
from sites.models import Role
from sites.permissions import is_platform_admin, site_ids_for


def report_site_ids(user) -> list[int]:
    if is_platform_admin(user):
        return list(Organisation.objects.values_list("site_id", flat=True).distinct())
    return sorted(site_ids_for(user, Role.SITE_ADMIN))


class GenerateForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("disclosing organisation"),
        queryset=Organisation.objects.none(),
        error_messages={"required": gettext_lazy("Choose the organisation this report is for.")},
    )
    year = forms.TypedChoiceField(label=gettext_lazy("year reported on"), coerce=int)

    def __init__(self, *args, site_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            Organisation.objects.filter(site_id__in=site_ids).select_related("site").order_by("site_id", "pk")
        )
        self.fields["organisation"].label_from_instance = lambda org: f"{org.site.name} · {org.name}"
        last = timezone.localdate().year - 1
        self.fields["year"].choices = [(year, f"{year}") for year in range(last, last - 5, -1)]
        self.fields["year"].initial = last


@require_http_methods(["GET", "POST"])
def generate_view(request, admin_site):
    site_ids = report_site_ids(request.user)
    if not site_ids:
        raise PermissionDenied
    initial = {}
    if request.GET.get("organisation", "").isdigit():
        initial["organisation"] = int(request.GET["organisation"])
    form = GenerateForm(request.POST or None, site_ids=site_ids, initial=initial)
    if request.method == "POST" and form.is_valid():
        organisation, year = form.cleaned_data["organisation"], form.cleaned_data["year"]
        try:
            report = annual_report.generate_report(organisation, year, acting_user=request.user)
        except PermissionDenied:
            form.add_error("organisation", _("Only the site's administrators generate its annual report."))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                _("“%(title)s” was counted from the records. Write its text sections, then submit it for review.")
                % {"title": report.title},
            )
            return redirect(url("resources_resource_change", report.pk))
    reports = annual_report.reports_due(site_ids)
    context = {
        **admin_site.each_context(request),
        "title": _("Generate the annual report"),
        "form": form,
        "due": reports,
    }
    request.current_app = admin_site.name
    return TemplateResponse(request, "admin/disclosure/annual_report_generate.html", context)


def _row(item: annual_report.ReportDue, many: bool) -> Row:
    states = {
        "missing": _("not generated yet"),
        "draft": _("draft, not yet submitted"),
        "in_review": _("in review"),
    }
    notes = [str(item.organisation.site)] if many else []
    notes += [states[item.state], _("due by %(date)s") % {"date": item.due_on.isoformat()}]
    if item.report is not None:
        target = url("resources_resource_change", item.report.pk)
    else:
        target = url("disclosure_annual_report", query={"organisation": item.organisation.pk})
    title = _("%(organisation)s: the annual report on %(year)s") % {
        "organisation": item.organisation.name,
        "year": item.year,
    }
    return Row(title, target, notes, _("late") if item.late else "")


def work_section(request) -> Section | None:
    """Site administrators, from 1 January until last year's reports of their organisations are
    online: which are missing, with their state and the deadline; late after 31 January."""
    site_ids = sorted(site_ids_for(request.user, Role.SITE_ADMIN))
    if not site_ids:
        return None
    due = annual_report.reports_due(site_ids)
    if not due:
        return None
    late = any(item.late for item in due)
    title = (
        _("Annual reports on disclosure overdue")
        if late
        else _("Annual reports on disclosure to publish by 31 January")
    )
    panel = Panel(
        "annual_reports", title, len(due), [_row(item, len(site_ids) > 1) for item in due],
        url("disclosure_annual_report"),
        count_text=_("not yet published"),
    )  # fmt: skip
    return Section("annual_reports", _("Annual report on disclosure"), site_list(request, site_ids), [panel])
