"""Statistics for the dashboard, the monthly and annual reports (OPS-3, OPS-4, OPS-7): plain queries.

Every function takes the site and explicit dates (inclusive), so demo code and reports can ask
for any period; none of them reads "now". Page views are people's; robots are counted apart.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from columns.models import Column
from editorial.models import UsageRecord
from monitoring.models.visits import PageVisitDay, SiteVisitDay
from monitoring.visits_parse import empty_sketch, estimate, merge_sketches
from publishing.models import PublishedFile


@dataclass
class DayVisits:
    day: datetime.date
    page_views: int
    bot_views: int
    unique_visitors: int


@dataclass
class PageVisits:
    path: str
    column_id: int | None
    column_name: str
    page_views: int


@dataclass
class YearVisits:
    year: int
    page_views: int  # 网站总访问量
    unique_visitors: int  # 独立用户访问总量: distinct visitors over the whole year, not a sum of days
    bot_views: int
    days_counted: int  # days with any statistics (the year is incomplete when this is short)


def visits_by_day(site, start: datetime.date, end: datetime.date) -> list[DayVisits]:
    """Every day from start to end, zero on days without visits (so a chart has no holes)."""
    rows = {
        day: (views, bots, visitors)
        for day, views, bots, visitors in SiteVisitDay.objects.filter(site=site, day__range=(start, end)).values_list(
            "day", "page_views", "bot_views", "unique_visitors"
        )
    }
    result = []
    day = start
    while day <= end:
        views, bots, visitors = rows.get(day, (0, 0, 0))
        result.append(DayVisits(day, views, bots, visitors))
        day += datetime.timedelta(days=1)
    return result


def top_pages(site, start: datetime.date, end: datetime.date, n: int = 10) -> list[PageVisits]:
    """The `n` pages people viewed most over the period, with their column."""
    rows = (
        PageVisitDay.objects.filter(site=site, day__range=(start, end))
        .values("path", "column_id", "column__name")
        .annotate(views=Sum("page_views"))
        .filter(views__gt=0)
        .order_by("-views", "path")[:n]
    )
    return [PageVisits(r["path"], r["column_id"], r["column__name"] or "", r["views"]) for r in rows]


def column_visits(site, start: datetime.date, end: datetime.date) -> list[tuple[Column, int]]:
    """Page views per column over the period (pages outside any column, such as the home page, left out)."""
    totals = dict(
        PageVisitDay.objects.filter(site=site, day__range=(start, end), column__isnull=False)
        .values_list("column_id")
        .annotate(views=Sum("page_views"))
        .values_list("column_id", "views")
    )
    columns = Column.objects.filter(pk__in=totals)
    return sorted(((c, totals[c.pk]) for c in columns), key=lambda pair: (-pair[1], pair[0].name))


def year_totals(site, year: int) -> YearVisits:
    """A year's page views and unique visitors, for the site's annual report (OPS-3)."""
    rows = SiteVisitDay.objects.filter(site=site, day__year=year)
    sketch = empty_sketch()
    views = bots = days = 0
    for row_views, row_bots, row_sketch in rows.values_list("page_views", "bot_views", "visitor_sketch").iterator():
        views += row_views
        bots += row_bots
        days += 1
        merge_sketches(sketch, bytes(row_sketch))
    return YearVisits(year, views, estimate(sketch), bots, days)


def column_update_counts(site, start: datetime.date, end: datetime.date) -> list[tuple[Column, int]]:
    """How many items each column of the site received over the period (placed, or reposts accepted).

    Counted from the usage records (RES-4), so an item placed and later removed still counts as
    an update made in the period. Every column of the site is listed, those without updates at 0.
    """
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, zone)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, zone)
    counts = dict(
        UsageRecord.objects.filter(
            site=site,
            time__gte=since,
            time__lt=until,
            action__in=(UsageRecord.Action.PLACE, UsageRecord.Action.ACCEPT),
            column__isnull=False,
        )
        .values_list("column_id")
        .annotate(n=Count("pk"))
        .values_list("column_id", "n")
    )
    columns = Column.objects.filter(site=site).order_by("tree_id", "lft")
    return [(column, counts.get(column.pk, 0)) for column in columns]


def resource_usage(site) -> dict:
    """What the site occupies on the web server: published files and bytes, pages and attachments."""
    files = PublishedFile.objects.filter(site=site).aggregate(
        files=Count("pk"),
        bytes=Sum("size"),
        pages=Count("pk", filter=Q(path__endswith=".html")),
        page_bytes=Sum("size", filter=Q(path__endswith=".html")),
    )
    return {
        "files": files["files"],
        "bytes": files["bytes"] or 0,
        "pages": files["pages"],
        "page_bytes": files["page_bytes"] or 0,
        "other_files": files["files"] - files["pages"],
        "other_bytes": (files["bytes"] or 0) - (files["page_bytes"] or 0),
    }
