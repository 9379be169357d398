"""The site's annual work report (政府网站年度工作报表, OPS-3), counted from the records, completed by
hand, reviewed, and published on the site by 31 January (指引 §8(二)5; Tianjin art.14(六)).

Counted for the calendar year (`compute`), in the layout of monitoring/annual_layout.py:
- items published: the items shown on the site's pages now whose time of going live in their
  column (max(placed, first published), as publishing/sitedata.py orders them) falls in the year;
  in total (each item once) and per column (each placement), and for the layout's kinds by column
  type: 概况类 (概况信息, 机构职能, 负责人信息), 政务动态 (工作动态, 通知公告), 解读 (政策解读) and
  回应 (回应关切); 信息公开目录 from the disclosure catalogue's entries disclosed in the year.
  Items withdrawn since are not counted (what citizens can see is what is counted);
- topics (专栏专题): columns of the type 专题专栏 not under another of that type, existing at
  the year's end and not archived before it began (维护), created in the year (新开设);
- visits: the web server's statistics (OPS-4, monitoring/visits_queries.py), offered; left to be
  entered when the statistics have no day of the year;
- letters (interaction): received in the year; done (answered and published or closed) in the year,
  their average time in calendar days from receipt to answer, those published;
- rectification orders of the year as the problems found and rectified (offered, editable).

The steps, each an action with an audit entry: `generate_report` (a new draft, or the numbers
counted again on a draft: what was entered is kept), `save_entries` (the fields filled in by hand),
`submit_report` (the submitter signs as 填报人), `review_report` by another administrator or reviewer
of the site (approve: signed as 审核人 and published at once; or return with a reason).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from columns.models import Column
from core import feed
from disclosure.models import CatalogueEntry
from editorial.models import Placement, PlacementStatus
from interaction.models.letters import Letter, LetterStatus
from monitoring import annual_layout, rectification, report_columns
from monitoring.annual_layout import ENTERED, FIELDS, OFFERED, YES_NO
from monitoring.models import ReportStatus, SiteAnnualReport
from monitoring.report_policies import SITE_ANNUAL_REPORTS
from monitoring.visits_queries import year_totals
from resources.models import Disclosure
from sites.models import Site, SiteKind, SiteStatus

DUE_MONTH, DUE_DAY = 1, 31  # published by 31 January of the next year
TOPIC_TYPE = "专题专栏"
OVERVIEW_TYPES = {"概况信息", "机构职能", "负责人信息"}
NEWS_TYPES = {"工作动态", "通知公告"}
INTERPRETATION_TYPES = {"政策解读"}
RESPONSE_TYPES = {"回应关切"}
DONE = (LetterStatus.PUBLISHED, LetterStatus.CLOSED)
REPORTING = (SiteStatus.ONLINE, SiteStatus.OFFLINE, SiteStatus.MIGRATING)  # sites that ran during a year


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone()
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


def due_on(year: int) -> dt.date:
    return dt.date(year + 1, DUE_MONTH, DUE_DAY)


# --- counting --------------------------------------------------------------------------------


def visit_totals(site: Site, year: int) -> tuple[int | None, int | None]:
    """(unique visitors, page views) of the year from the web server's logs (OPS-4), or
    (None, None) when the statistics have no day of that year (then they are entered by hand)."""
    totals = year_totals(site, year)
    if not totals.days_counted:
        return None, None
    return totals.unique_visitors, totals.page_views


def _column_names(columns: dict[int, dict]) -> dict[int, str]:
    names = {}
    for cid, column in columns.items():
        parts, node, seen = [], column, set()
        while node is not None and node["id"] not in seen:
            seen.add(node["id"])
            parts.append(node["name"])
            node = columns.get(node["parent_id"])
        names[cid] = " > ".join(reversed(parts))
    return names


def item_counts(site: Site, year: int) -> tuple[dict, list[dict]]:
    """The layout's counts of items published in the year, and the counts per column."""
    start, end = year_bounds(year)
    columns = {
        c["id"]: c
        for c in Column.objects.filter(site=site).values("id", "name", "parent_id", "column_type", "tree_id", "lft")
    }
    shown = (
        Placement.objects.filter(
            column__site=site, status=PlacementStatus.ACTIVE, resource__published_revision__isnull=False,
            resource__disclosure=Disclosure.PROACTIVE,
        )
        .annotate(live_at=Greatest("placed_at", Coalesce("resource__published_at", "placed_at")))
        .filter(live_at__gte=start, live_at__lt=end)
    )  # fmt: skip
    per_column = dict(shown.values_list("column_id").annotate(n=Count("id")).order_by())
    total = shown.values("resource_id").distinct().count()

    def of_types(types) -> int:
        return sum(n for cid, n in per_column.items() if columns[cid]["column_type"] in types)

    names = _column_names(columns)
    listed = sorted(per_column, key=lambda cid: (columns[cid]["tree_id"], columns[cid]["lft"]))
    catalogue = CatalogueEntry.objects.filter(organisation__site=site, disclosed_at__gte=start, disclosed_at__lt=end)
    interpretations = of_types(INTERPRETATION_TYPES)
    counts = {
        "items_total": total,
        "items_overview": of_types(OVERVIEW_TYPES),
        "items_news": of_types(NEWS_TYPES),
        "items_catalogue": catalogue.count(),
        "interpretations_total": interpretations,
        "interpretation_materials": interpretations,
        "responses": of_types(RESPONSE_TYPES),
    }
    return counts, [{"name": names[cid], "count": per_column[cid]} for cid in listed]


def topic_counts(site: Site, year: int) -> dict:
    start, end = year_bounds(year)
    topics = Column.objects.filter(site=site, column_type=TOPIC_TYPE).exclude(parent__column_type=TOPIC_TYPE)
    maintained = topics.filter(created_at__lt=end).exclude(archived_at__lt=start)
    return {"topics_maintained": maintained.count(), "topics_new": topics.filter(created_at__gte=start,
                                                                                    created_at__lt=end).count()}  # fmt: skip


def letter_counts(site: Site, year: int) -> dict:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    letters = Letter.objects.filter(site=site)
    done = list(
        letters.filter(status__in=DONE, answered_on__gte=first, answered_on__lte=last).values_list(
            "received_on", "answered_on", "published"
        )
    )
    days = [(answered - received).days for received, answered, _published in done]
    return {
        "letters_received": letters.filter(received_on__gte=first, received_on__lte=last).count(),
        "letters_done": len(done),
        "letters_average_days": round(sum(days) / len(days), 1) if days else None,
        "letters_public": sum(1 for *_dates, published in done if published),
    }


def compute(site: Site, year: int) -> tuple[dict, list[dict]]:
    """The counted and offered values of the layout, and the items per column."""
    visitors, views = visit_totals(site, year)
    orders = rectification.year_counts(year, [site.pk])
    counts, per_column = item_counts(site, year)
    data = {
        "site_name": site.name,
        "home_url": f"https://{site.primary_domain}/" if site.primary_domain else "",
        "organiser": site.organiser,
        "site_type": "政府门户网站" if site.kind == SiteKind.PORTAL else "部门网站",
        "id_code": site.id_code,
        "icp_number": site.icp_number,
        "psb_number": site.psb_number,
        "visitors": visitors,
        "views": views,
        **counts,
        **topic_counts(site, year),
        "unified_platform": True,  # the site's letters are handled on this platform's channels
        **letter_counts(site, year),
        "problems_found": orders["issued"],
        "problems_rectified": orders["closed"],
        "monitoring_mechanism": True,  # the platform's daily checks and alerts (OPS-1)
        "filing_unit": site.organiser,
        "head": site.person_in_charge,
        "phone": site.contact_phone,
    }
    return data, per_column


# --- actions ---------------------------------------------------------------------------------


def _locked(report: SiteAnnualReport) -> SiteAnnualReport:
    return SiteAnnualReport.objects.select_for_update().select_related("site").get(pk=report.pk)


@transaction.atomic
def generate_report(site: Site, year: int, *, acting_user, today: dt.date | None = None) -> SiteAnnualReport:
    """Count the report on `year` (a year that has ended): a new draft, or the numbers counted again
    on a draft or returned report, keeping what was entered by hand (the site's administrators)."""
    SITE_ANNUAL_REPORTS.require(acting_user, "generate", SiteAnnualReport(site=site))
    today = today or timezone.localdate()
    if year >= today.year:
        raise ValidationError(_("A report is made for a year that has ended."), code="year")
    counted, per_column = compute(site, year)
    report = SiteAnnualReport.objects.select_for_update().filter(site=site, year=year).first()
    if report is None:
        report = SiteAnnualReport(site=site, year=year, data={})
    elif report.status != ReportStatus.DRAFT:
        raise ValidationError(_("This report is in review or published: it is not counted again."), code="state")
    kept = {key: value for key, value in report.data.items() if key in FIELDS and FIELDS[key].source == ENTERED}
    offered_kept = {key: report.data[key] for key in report.data.get("_changed", []) if key in FIELDS}
    report.data = {**counted, **kept, **offered_kept, "_changed": list(offered_kept)}
    report.columns = per_column
    report.generated_at = timezone.now()
    report.generated_by = acting_user
    report.save()
    audit.record(AuditEvent.SITE_ANNUAL_REPORT_GENERATE, actor=acting_user, obj=report, details={"year": year})
    return report


def clean_value(key: str, raw):
    """A value of an editable field from the form (None for an empty one)."""
    field = FIELDS[key]
    if field.kind == YES_NO:
        return None if raw in (None, "") else raw in (True, "1", "true", "yes", "on")
    if raw in (None, ""):
        return None
    if field.kind in (annual_layout.INT, annual_layout.DECIMAL):
        try:
            number = int(raw) if field.kind == annual_layout.INT else float(raw)
        except (TypeError, ValueError):
            raise ValidationError(_("“%(label)s” is a number.") % {"label": field.label}, code="number") from None
        if number < 0:
            raise ValidationError(_("“%(label)s” cannot be negative.") % {"label": field.label}, code="number")
        return number
    return str(raw).strip()[:200]


@transaction.atomic
def save_entries(report: SiteAnnualReport, values: dict, *, acting_user) -> SiteAnnualReport:
    """The fields filled in by hand (and the offered values corrected), on a draft."""
    report = _locked(report)
    SITE_ANNUAL_REPORTS.require(acting_user, "change", report)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(_("Only a draft is filled in."), code="state")
    data = dict(report.data)
    changed = set(data.get("_changed", []))
    for key, raw in values.items():
        field = FIELDS.get(key)
        if field is None or not field.editable:
            continue
        value = clean_value(key, raw)
        if field.source == OFFERED and value != data.get(key):
            changed.add(key)
        data[key] = value
    data["_changed"] = sorted(changed)
    report.data = data
    report.save(update_fields=["data"])
    audit.record(AuditEvent.SITE_ANNUAL_REPORT_SAVE, actor=acting_user, obj=report, details={"year": report.year})
    return report


@transaction.atomic
def submit_report(report: SiteAnnualReport, *, acting_user, today: dt.date | None = None) -> SiteAnnualReport:
    report = _locked(report)
    SITE_ANNUAL_REPORTS.require(acting_user, "submit", report)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(_("Only a draft is submitted."), code="state")
    report.status = ReportStatus.IN_REVIEW
    report.submitted_by = acting_user
    report.submitted_at = timezone.now()
    report.return_reason = ""
    report.data = {**report.data, "filler": _person(acting_user),
                   "filled_on": (today or timezone.localdate()).isoformat()}  # fmt: skip
    report.save(update_fields=["status", "submitted_by", "submitted_at", "return_reason", "data"])
    audit.record(AuditEvent.SITE_ANNUAL_REPORT_SUBMIT, actor=acting_user, obj=report, details={"year": report.year})
    return report


def _person(user) -> str:
    return (getattr(user, "real_name", "") or user.get_username()).strip()


@transaction.atomic
def review_report(
    report: SiteAnnualReport, *, approve: bool, reason: str = "", acting_user
) -> SiteAnnualReport:
    """Approve (then it is published at once in the site's 网站年度报表 column) or return it."""
    report = _locked(report)
    SITE_ANNUAL_REPORTS.require(acting_user, "review", report)
    if report.status != ReportStatus.IN_REVIEW:
        raise ValidationError(_("This report is not in review."), code="state")
    if acting_user is not None and report.submitted_by_id == acting_user.pk:
        raise PermissionDenied(_("The report is reviewed by someone other than the person who filled it in."))
    if not approve:
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError(_("Say why the report is returned."), code="reason")
        report.status, report.return_reason = ReportStatus.DRAFT, reason
        report.save(update_fields=["status", "return_reason"])
        audit.record(AuditEvent.SITE_ANNUAL_REPORT_RETURN, actor=acting_user, obj=report,
                     details={"year": report.year, "reason": reason})  # fmt: skip
        return report
    column = report_columns.annual_report_column(report.site)
    if column is None:
        raise ValidationError(report_columns.missing_annual_report_column(), code="column")
    report.status = ReportStatus.PUBLISHED
    report.reviewed_by = acting_user
    report.published_at = timezone.now()
    report.data = {**report.data, "reviewer": _person(acting_user) if acting_user else ""}
    report.save(update_fields=["status", "reviewed_by", "published_at", "data"])
    audit.record(AuditEvent.SITE_ANNUAL_REPORT_PUBLISH, actor=acting_user, obj=report, details={"year": report.year})
    feed.changed(column_lists=[column.pk])
    return report


# --- the deadline ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportDue:
    site: Site
    year: int
    due_on: dt.date
    late: bool
    report_id: int | None  # the draft or report in review, if there is one
    report_status: str | None

    @property
    def state(self) -> str:
        return self.report_status or "missing"


def reports_due(site_ids, today: dt.date) -> list[ReportDue]:
    """From 1 January: the sites (of these) that existed before last year ended and whose report on
    last year is not published, late after 31 January. One query."""
    year = today.year - 1
    _start, end = year_bounds(year)
    report = SiteAnnualReport.objects.filter(site=OuterRef("pk"), year=year)
    sites = (
        Site.objects.filter(pk__in=list(site_ids), archived_at__isnull=True, status__in=REPORTING, created_at__lt=end)
        .annotate(report_id=Subquery(report.values("pk")[:1]), report_status=Subquery(report.values("status")[:1]))
        .filter(Q(report_status__isnull=True) | ~Q(report_status=ReportStatus.PUBLISHED))  # NULL: not counted yet
        .order_by("name")
    )
    deadline = due_on(year)
    return [ReportDue(site, year, deadline, today > deadline, site.report_id, site.report_status) for site in sites]


def published_reports(site_id: int):
    return SiteAnnualReport.objects.filter(site_id=site_id, status=ReportStatus.PUBLISHED).order_by("-year")

