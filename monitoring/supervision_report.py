"""The platform's supervision annual report (政府网站监管年度报表, OPS-7; 指引 §8(一)1 "编制政府网站
监管年度报表，每年1月31日前向社会公开"), counted from the records of the year and published by
platform administrators in the top-level portal's 政府网站监管 column.

Counted (`compute`): the sites monitored at the year's end (portals and department sites), sites
that went online or were retired in the year (their audit entries), the daily checks (runs, sites
checked, site-days at a veto line, sites that reached one), the spot checks (checks, sites drawn,
those not at a veto line: 合格), the rectification orders (issued, closed, overdue, answered late)
and the error reports of 我为政府网站找错 (received, answered).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from core import feed
from interaction.models.error_reports import ErrorReport
from monitoring import rectification, report_columns
from monitoring.annual_reports import due_on, year_bounds
from monitoring.lines import State
from monitoring.models import CheckRun, SpotCheckEntry, SupervisionReport
from sites.models import Site, SiteKind, SiteStatus
from sites.permissions import require_platform_admin

MONITORED = (SiteStatus.ONLINE, SiteStatus.MIGRATING)

# (key, label, unit) in the order of the published table
ROWS = (
    ("sites_total", "监管的政府网站总数", "个"),
    ("portals", "其中：政府门户网站", "个"),
    ("departments", "其中：部门网站", "个"),
    ("sites_opened", "本年度新开设网站", "个"),
    ("sites_retired", "本年度关停注销网站", "个"),
    ("check_runs", "日常监测次数", "站次"),
    ("sites_checked", "日常监测覆盖网站", "个"),
    ("veto_days", "触及单项否决指标", "站次"),
    ("veto_sites", "曾触及单项否决指标的网站", "个"),
    ("spot_checks", "抽查次数", "次"),
    ("spot_sites", "抽查网站", "个次"),
    ("spot_passed", "抽查合格", "个次"),
    ("spot_pass_rate", "抽查合格率", "%"),
    ("orders_issued", "发出整改督办单", "份"),
    ("orders_closed", "整改办结", "份"),
    ("orders_overdue", "逾期未整改", "份"),
    ("orders_late", "超过时限反馈", "份"),
    ("error_reports", "收到网民纠错", "条"),
    ("error_reports_answered", "答复网民纠错", "条"),
)


def compute(year: int) -> dict:
    start, end = year_bounds(year)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    sites = Site.objects.filter(status__in=MONITORED, archived_at__isnull=True)
    runs = CheckRun.objects.filter(day__gte=first, day__lte=last)
    vetoed = runs.filter(state=State.VETO)
    entries = SpotCheckEntry.objects.filter(spot_check__year=year)
    drawn = entries.count()
    passed = entries.exclude(state__in=(State.VETO, State.UNKNOWN)).count()
    events = AuditEntry.objects.filter(time__gte=start, time__lt=end)
    orders = rectification.year_counts(year)
    errors = ErrorReport.objects.filter(received_on__gte=first, received_on__lte=last)
    return {
        "sites_total": sites.count(),
        "portals": sites.filter(kind=SiteKind.PORTAL).count(),
        "departments": sites.filter(kind=SiteKind.DEPARTMENT).count(),
        "sites_opened": events.filter(action=AuditEvent.SITE_GO_ONLINE).count(),
        "sites_retired": events.filter(action=AuditEvent.SITE_REGISTRATION_CANCELLED).count(),
        "check_runs": runs.count(),
        "sites_checked": runs.values("site_id").distinct().count(),
        "veto_days": vetoed.count(),
        "veto_sites": vetoed.values("site_id").distinct().count(),
        "spot_checks": entries.values("spot_check_id").distinct().count(),
        "spot_sites": drawn,
        "spot_passed": passed,
        "spot_pass_rate": round(100 * passed / drawn, 1) if drawn else None,
        "orders_issued": orders["issued"],
        "orders_closed": orders["closed"],
        "orders_overdue": orders["overdue"],
        "orders_late": orders["late"],
        "error_reports": errors.count(),
        "error_reports_answered": errors.filter(answered_at__isnull=False).count(),
    }


def rows(data: dict) -> list[dict]:
    return [
        {"label": label, "unit": unit, "value": "—" if data.get(key) is None else data[key]}
        for key, label, unit in ROWS
    ]


@transaction.atomic
def generate_report(year: int, *, acting_user, today: dt.date | None = None) -> SupervisionReport:
    """Count the report on `year` (ended), or count it again while it is not published."""
    require_platform_admin(acting_user)
    if year >= (today or timezone.localdate()).year:
        raise ValidationError(_("A report is made for a year that has ended."), code="year")
    report = SupervisionReport.objects.select_for_update().filter(year=year).first()
    if report is not None and report.published_at is not None:
        raise ValidationError(_("This report is published: it is not counted again."), code="published")
    report = report or SupervisionReport(year=year)
    report.data = compute(year)
    report.generated_at = timezone.now()
    report.generated_by = acting_user
    report.save()
    audit.record(AuditEvent.SUPERVISION_REPORT_GENERATE, actor=acting_user, obj=report, details={"year": year})
    return report


@transaction.atomic
def publish_report(report: SupervisionReport, *, acting_user) -> SupervisionReport:
    require_platform_admin(acting_user)
    report = SupervisionReport.objects.select_for_update().get(pk=report.pk)
    if report.published_at is not None:
        raise ValidationError(_("This report is published already."), code="published")
    columns = report_columns.supervision_columns()
    if not columns:
        raise ValidationError(report_columns.missing_supervision_column(), code="column")
    report.published_at = timezone.now()
    report.published_by = acting_user
    report.save(update_fields=["published_at", "published_by"])
    audit.record(AuditEvent.SUPERVISION_REPORT_PUBLISH, actor=acting_user, obj=report, details={"year": report.year})
    feed.changed(column_lists=[column.pk for column in columns])
    return report


def is_due(today: dt.date) -> tuple[int, dt.date, bool] | None:
    """From 1 January: (last year, its deadline, late) while last year's report is not published,
    when some site existed before last year ended. One query."""
    year = today.year - 1
    _start, end = year_bounds(year)
    published = SupervisionReport.objects.filter(year=year, published_at__isnull=False)
    if not Site.objects.filter(created_at__lt=end).exclude(Exists(published)).exists():
        return None
    deadline = due_on(year)
    return year, deadline, today > deadline
