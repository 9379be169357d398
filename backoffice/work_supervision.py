"""The work page's supervision section (OPS-3, OPS-5, OPS-7), shown only when something waits:

- rectification orders not closed (整改督办单, due within a day), overdue ones flagged: for a
  platform administrator every site's, the earliest deadline first; for a site's administrators
  and reviewers one row per site, with its earliest deadline and how many are open;
- from 1 January, last year's annual work report of each site the user administers that existed
  before the year ended and has not published it (late after 31 January), and for platform
  administrators the supervision annual report.

A site's staff cost one query (their sites, with the orders and the report as subqueries);
platform administrators two.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.work import SHOWN, Panel, Row, Section, site_list, url, when
from monitoring import annual_reports, rectification, supervision_report
from monitoring.models import RectificationOrder, RectificationStatus, ReportStatus, SiteAnnualReport
from monitoring.report_policies import RECTIFICATION_ORDERS
from sites.models import Role, Site
from sites.permissions import is_platform_admin, site_ids_for

STAFF = (Role.SITE_ADMIN, Role.REVIEWER)


def _order_row(order, now, *notes) -> Row:
    warning = _("overdue") if rectification.is_overdue(order, now) else ""
    extra = [_("answered, awaiting confirmation")] if order.status == RectificationStatus.ANSWERED else []
    return Row(f"{order.number} {order.problem[:40]}", url("monitoring_rectification_order", order.pk),
               [order.site.name, _("due by %(date)s") % {"date": when(order.due_at)}, *extra, *notes], warning)  # fmt: skip


def _orders_panel(count: int, rows: list[Row]) -> Panel:
    return Panel("rectification", _("Rectification orders not closed"), count, rows, url("monitoring_rectification"),
                 count_text=_("not closed"))  # fmt: skip


def _report_row(site_name: str, year: int, report_id, status, today) -> Row:
    states = {None: _("not generated yet"), ReportStatus.DRAFT: _("draft, not yet submitted"),
              ReportStatus.IN_REVIEW: _("in review")}  # fmt: skip
    deadline = annual_reports.due_on(year)
    target = url("monitoring_annual_report", report_id) if report_id else url("monitoring_annual_reports")
    return Row(_("%(site)s: the annual work report on %(year)s") % {"site": site_name, "year": year}, target,
               [states.get(status, ""), _("due by %(date)s") % {"date": deadline.isoformat()}],
               _("late") if today > deadline else "")  # fmt: skip


def _reports_panel(rows: list[Row]) -> Panel:
    return Panel("website_reports", _("Annual reports on the websites to publish by 31 January"), len(rows), rows,
                 url("monitoring_annual_reports"), count_text=_("not yet published"))  # fmt: skip


def _platform(request, today) -> Section | None:
    now = timezone.now()
    pending = rectification.pending_orders()
    orders = list(pending[:SHOWN])
    panels = []
    if orders:
        total = pending.count() if len(orders) == SHOWN else len(orders)
        panels.append(_orders_panel(total, [_order_row(order, now) for order in orders]))
    due = supervision_report.is_due(today)
    if due is not None:
        year, deadline, late = due
        row = Row(_("The supervision annual report on %(year)s") % {"year": year}, url("monitoring_annual_reports"),
                  [_("due by %(date)s") % {"date": deadline.isoformat()}], _("late") if late else "")  # fmt: skip
        panels.append(_reports_panel([row]))
    return Section("supervision", _("Supervision of the websites"), [_("all sites")], panels) if panels else None


def _site_staff(request, today, site_ids, admin_ids) -> Section | None:
    year = today.year - 1
    _start, end = annual_reports.year_bounds(year)
    pending = RectificationOrder.objects.filter(site=OuterRef("pk"), status__in=rectification.PENDING)
    first = pending.order_by("due_at", "id")
    report = SiteAnnualReport.objects.filter(site=OuterRef("pk"), year=year)
    reporting = Q(pk__in=admin_ids, archived_at__isnull=True, status__in=annual_reports.REPORTING, created_at__lt=end)
    sites = (
        Site.objects.filter(pk__in=site_ids)
        .annotate(
            open_orders=Coalesce(Subquery(pending.order_by().values("site").annotate(n=Count("pk")).values("n"),
                                          output_field=IntegerField()), 0),
            first_order=Subquery(first.values("pk")[:1]),
            report_id=Subquery(report.values("pk")[:1]),
            report_status=Subquery(report.values("status")[:1]),
        )
        .filter(Q(open_orders__gt=0) | (reporting & (Q(report_status__isnull=True)
                                                     | ~Q(report_status=ReportStatus.PUBLISHED))))
        .order_by("name")
    )  # fmt: skip
    sites = list(sites)
    if not sites:
        return None
    panels = []
    with_orders = [site for site in sites if site.open_orders]
    if with_orders:
        orders = RectificationOrder.objects.in_bulk([site.first_order for site in with_orders])  # only when some wait
        now, rows = timezone.now(), []
        for site in with_orders:
            order = orders[site.first_order]
            order.site = site
            more = [_("%(n)s not closed on this site") % {"n": site.open_orders}] if site.open_orders > 1 else []
            rows.append(_order_row(order, now, *more))
        panels.append(_orders_panel(sum(site.open_orders for site in with_orders), rows[:SHOWN]))
    owing = [site for site in sites if site.pk in admin_ids and site.report_status != ReportStatus.PUBLISHED
             and site.status in annual_reports.REPORTING and site.archived_at is None and site.created_at < end]  # fmt: skip
    if owing:
        panels.append(_reports_panel([_report_row(s.name, year, s.report_id, s.report_status, today) for s in owing]))
    return Section("supervision", _("Supervision of the websites"), site_list(request, site_ids), panels)


def supervision_section(request) -> Section | None:
    user, today = request.user, timezone.localdate()
    if is_platform_admin(user):
        return _platform(request, today)
    site_ids = sorted(site_ids_for(user, *STAFF))
    if not site_ids or not RECTIFICATION_ORDERS.user_can(user, "view"):
        return None
    return _site_staff(request, today, site_ids, set(site_ids_for(user, Role.SITE_ADMIN)))
