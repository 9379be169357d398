"""A site's monthly monitoring report and its management ledger (管理台账, OPS-7), printable pages.

The numbers come from monitoring/site_records.py; the words from backoffice/monitoring_display.py.
Who reads them: as the dashboard (backoffice/monitoring_views.py): the site's administrators and
platform administrators; another site answers 404.
"""

from __future__ import annotations

import datetime
import re

from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from backoffice import monitoring_display as display
from backoffice.filing_text import filing_value
from backoffice.monitoring_views import admin_view, page, site_or_404
from monitoring import site_records
from monitoring.lines import State
from monitoring.models import RectificationStatus
from sites.models import SiteStatus

MONTHS_OFFERED = 12
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def urls(admin_site) -> list:
    view = admin_view(admin_site)
    return [
        path("monitoring/<int:site_id>/monthly/", view(monthly_report), name="monitoring_monthly"),
        path("monitoring/<int:site_id>/ledger/", view(management_ledger), name="monitoring_ledger"),
    ]


def _month_asked(text: str, today: datetime.date) -> tuple[int, int]:
    """The month of `?month=YYYY-MM` when it is not in the future; this month otherwise."""
    match = MONTH.match(text or "")
    if match:
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and 2000 <= year and (year, month) <= (today.year, today.month):
            return year, month
    return today.year, today.month


def _months_before(today: datetime.date, count: int) -> list[tuple[int, int]]:
    year, month, months = today.year, today.month, []
    for _step in range(count):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _person(user) -> str:
    return (user.real_name or user.get_username()) if user is not None else ""


def _examples(problem: site_records.Problem) -> str:
    """The first offenders by name, and how many more."""
    more = max(problem.offender_count - len(problem.examples), 0)
    text = "、".join(problem.examples)
    if text and more:
        text += ngettext(" and %(counter)s more", " and %(counter)s more", more) % {"counter": more}
    return text


def _problem_row(problem: site_records.Problem) -> dict:
    if problem.rectified_on is not None:
        outcome = _("put right: passed on %(day)s") % {"day": problem.rectified_on.isoformat()}
    else:
        outcome = _("not put right by the end of the period")
    return {
        "label": problem.label,
        "state": problem.state,
        "state_word": display.state_word(problem.state),
        "first_day": problem.first_day,
        "last_day": problem.last_day,
        "days": problem.days,
        "worst": display.with_unit(problem.worst_value, problem.unit),
        "outcome": outcome,
        "rectified": problem.rectified_on is not None,
        "examples": _examples(problem),
    }


def _order_url(order) -> str:
    """The order's own page (part F's backoffice/monitoring_rectification_views.py), when wired."""
    try:
        return reverse("admin:monitoring_rectification_order", args=[order.pk])
    except NoReverseMatch:
        return ""


def _order_row(order) -> dict:
    return {
        "number": order.number,
        "url": _order_url(order),
        "label": order.line_label,
        "problem": order.problem,
        "issued": _when(order.issued_at),
        "issued_by": _person(order.issued_by),
        "due": _when(order.due_at),
        "status": order.get_status_display(),
        "closed": order.status == RectificationStatus.CLOSED,
        "answer": order.answer,
        "answered": _when(order.answered_at),
        "late": bool(order.answered_at and order.answered_at > order.due_at),
        "closed_at": _when(order.closed_at),
    }


def _day_counts(counts, without: int | None = None) -> list:
    rows = display.count_rows(counts, with_unchecked=False)
    if without is not None:
        rows.append(display.CountView("none", _("not checked"), without))
    return rows


@require_GET
def monthly_report(request, admin_site, site_id):
    """The month's checks per line, the days in each state, the problems and their rectification."""
    site = site_or_404(request, site_id)
    today = timezone.localdate()
    year, month = _month_asked(request.GET.get("month", ""), today)
    report = site_records.month_report(site, year, month, today=today)
    lines = [
        {
            "label": line.label,
            "warning": display.level_text(line.warning, line.unit),
            "veto": display.level_text(line.veto, line.unit),
            "counts": [line.counts.get(state, 0) for state in display.STATE_ORDER],
            "highest": display.with_unit(line.highest, line.unit) if line.highest is not None else "—",
            "highest_day": line.highest_day,
            "last": display.with_unit(line.last_value, line.unit),
            "last_state": line.last_state,
            "last_state_word": display.state_word(line.last_state),
        }
        for line in report.lines
    ]
    return page(
        request, admin_site, "admin/monitoring/monthly.html",
        _("Monthly monitoring report of %(site)s, %(year)d-%(month)02d") % {"site": site.name, "year": year,
                                                                          "month": month},
        site=site,
        report=report,
        state_days=_day_counts(report.state_days, report.days_without_run),
        state_headers=[display.state_word(state) for state in display.STATE_ORDER],
        lines=lines,
        problems=[_problem_row(problem) for problem in report.problems],
        orders=[_order_row(order) for order in report.orders],
        months=[(f"{y}-{m:02d}", (y, m) == (year, month)) for y, m in _months_before(today, MONTHS_OFFERED)],
        printed=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    )  # fmt: skip


def _year_asked(text: str, site, today: datetime.date) -> int:
    first = timezone.localtime(site.created_at).year if site.created_at else today.year
    if text.isdigit() and first <= int(text) <= today.year:
        return int(text)
    return today.year


@require_GET
def management_ledger(request, admin_site, site_id):
    """管理台账: the site's facts, filings, people in charge, inspections (the daily checks, the
    checks run on demand, spot checks, security checks), problems and their rectification."""
    site = site_or_404(request, site_id)
    today = timezone.localdate()
    year = _year_asked(request.GET.get("year", ""), site, today)
    record = site_records.ledger(site, year, today=today)
    statuses = dict(SiteStatus.choices)
    first_year = timezone.localtime(site.created_at).year if site.created_at else today.year
    return page(
        request, admin_site, "admin/monitoring/ledger.html",
        _("Management ledger of %(site)s, %(year)d") % {"site": site.name, "year": year},
        site=site,
        record=record,
        domains=sorted(site.domains.all(), key=lambda domain: (not domain.is_primary, domain.name)),
        site_status=site.get_status_display(),
        archived=_when(site.archived_at),
        filings=[
            {"when": _when(f.filed_at), "kind": f.get_kind_display(), "subject": f.subject,
             "before": filing_value(f.before), "after": filing_value(f.after), "by": _person(f.filed_by)}
            for f in record.filings
        ],
        status_changes=[
            {"when": _when(c.time), "before": statuses.get(c.before, "—"), "after": statuses.get(c.after, "—"),
             "by": _person(c.actor), "note": c.note}
            for c in record.status_changes
        ],
        security_checks=[
            {"when": _when(c.checked_at), "passed": c.passed, "by": _person(c.checked_by), "note": c.note}
            for c in record.security_checks
        ],
        state_headers=[display.state_word(state) for state in display.STATE_ORDER],
        months=[
            {"month": f"{year}-{m.month:02d}", "runs": m.runs,
             "counts": [m.counts.get(state, 0) for state in display.STATE_ORDER]}
            for m in record.months
        ],
        demand_runs=[
            {"day": run.day, "state": run.state, "state_word": display.state_word(run.state),
             "by": _person(run.triggered_by)}
            for run in record.demand_runs
        ],
        spot_checks=[
            {"name": str(entry.spot_check), "checked_on": entry.checked_on, "state": entry.state,
             "state_word": display.state_word(entry.state),
             "findings": [str(finding.get("label") or "") for finding in entry.findings or []]}
            for entry in record.spot_checks
        ],
        problems=[_problem_row(problem) for problem in record.problems],
        orders=[_order_row(order) for order in record.orders],
        years=[(y, y == year) for y in range(today.year, first_year - 1, -1)],
        veto_state=State.VETO,
        printed=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    )  # fmt: skip
