"""Content lines of the daily check (OPS-1, COL-3, COL-8): home page and columns as citizens see them.

Everything here is read from what the publisher shows, never from what an editor set up: the
site's SiteData (publishing/site_loading.py, less the resources the publisher holds back) and the
renderer's own choices (publishing/render.py: which columns are on the home page, which items
each block lists). So an outside crawl of the published site finds the same numbers:

- a column is shown when it has pages (`visible`: it or a sub-column shows something, COL-4);
  archived columns (SITE-9, COL-7) are marked 已归档 and expected never to change: not counted;
- the date of an item is the one its lists print (`pub_date`, the `day` filter in China time);
- "updated" is the newest date a column's list pages show: its own items (index.html and the
  numbered pages list all of them) and the blocks of its current sub-columns; the home page's is
  the newest date of its blocks;
- a column drawn by a feature app (letters, the disclosure catalogue, 依申请公开) shows a form or a
  catalogue rather than dated items: it is neither empty nor dated here (letters have their own line).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from columns.checks import missing_required_kinds_for
from columns.models import Column
from columns.types import REQUIRED_COLUMN_KINDS
from lifecycle.rules import add_months
from monitoring.lines import CheckContext, Line, Measurement, Offender, register
from publishing import extensions, held_back
from publishing.jinja import to_china
from publishing.render import HOME_BLOCK, SECTION_BLOCK, Renderer
from publishing.site_loading import load_site
from publishing.sitedata import ColumnInfo

# 动态、要闻类栏目: nothing new in 2 weeks is stale (2019 indicators).
NEWS_DAYS = 14
NEWS_TYPES = {"工作动态"}
NEWS_WORDS = ("要闻", "动态", "新闻")
# 通知公告、政策文件类 first-level columns: nothing new in 6 months.
NOTICE_MONTHS = 6
NOTICE_TYPES = {"通知公告", "政策文件"}
# Columns that should update and have not for a long time: a year without anything new.
LONG_DAYS = 365
# Column types that describe rather than report (no rhythm expected unless the column sets one).
STATIC_TYPES = {"首页", "概况信息", "机构职能", "负责人信息", "信息公开指南", "依申请公开", "办事服务"}


@dataclass
class ColumnView:
    column: ColumnInfo
    current: bool  # shown and not archived (nor inside an archived column)
    drawn_by_feature: bool
    newest: dt.date | None  # the newest date its list pages show
    empty: bool  # shown, yet its page lists nothing and links to no current sub-column
    responsible: str = ""
    update_interval_days: int | None = None

    @property
    def url(self) -> str:
        return self.column.url


@dataclass
class SiteView:
    home_newest: dt.date | None
    columns: list[ColumnView] = field(default_factory=list)


def _day(item) -> dt.date:
    return to_china(item.pub_date).date()


def _newest(items) -> dt.date | None:
    return max((_day(i) for i in items), default=None)


def _archived(col: ColumnInfo) -> bool:
    return any(node.archived_at for node in col.ancestors)


def site_view(site, context: CheckContext) -> SiteView:
    """The site as published, computed once per run (the lines of this module share it)."""
    key = ("content_lines.site_view", site.pk)
    if key not in context.cache:
        context.cache[key] = _build_view(site)
    return context.cache[key]


def _build_view(site) -> SiteView:
    data = load_site(site.pk, frozenset(held_back.resources_of(site.pk)))
    renderer = Renderer(data, {})
    home_roots = renderer.channels or [c for c in data.roots if c.visible and not c.archived_at]
    home_items = [i for col in home_roots for i in renderer.newest_in_subtree(col, HOME_BLOCK, current_only=True)]
    featured = extensions.visible_columns(data)
    people = {
        row[0]: row[1:]
        for row in Column.objects.filter(site=site).values_list(
            "pk", "responsible_person", "responsible_phone", "update_interval_days"
        )
    }
    view = SiteView(home_newest=_newest(home_items))
    for col in data.ordered_columns:
        if not col.visible:
            continue  # no pages: citizens cannot reach it (COL-4)
        current = not _archived(col)
        sections = [child for child in col.visible_children if not _archived(child)]
        shown = list(col.items)
        for child in sections:
            shown.extend(renderer.newest_in_subtree(child, SECTION_BLOCK, current_only=True))
        drawn = col.id in featured
        person, phone, interval = people.get(col.id, ("", "", None))
        view.columns.append(
            ColumnView(
                column=col,
                current=current,
                drawn_by_feature=drawn,
                newest=None if drawn else _newest(shown),
                empty=not drawn and not col.items and not sections,
                responsible=f"{person} {phone}".strip(),
                update_interval_days=interval,
            )
        )
    return view


def _offender(view: ColumnView, detail: str) -> Offender:
    return Offender(
        label=view.column.name,
        url=view.url,
        detail=detail,
        responsible=view.responsible,
        object_kind="column",
        object_id=view.column.id,
    )


def _since(newest: dt.date, today: dt.date) -> int:
    return (today - newest).days


@register
class HomePageNotUpdated(Line):
    key = "home_not_updated"
    label = _("Home page not updated")
    unit = "天"
    warning = 10
    veto = 14  # "监测时间点前2周内无更新": 14 days or more without a new date on the home page
    order = 10

    def measure(self, site, context):
        view = site_view(site, context)
        if view.home_newest is None:
            return Measurement(None, note="首页没有列出任何带日期的信息，无法计算更新时间")
        days = _since(view.home_newest, context.today)
        return Measurement(days, note=f"首页最新信息日期 {view.home_newest:%Y-%m-%d}")


def stale_reason(view: ColumnView, today: dt.date) -> str | None:
    """Why a dated current column is stale by the 2019 indicators' rule, in words, or None (OPS-1).

    Only the national rule counts towards this veto line, so that an inspection crawl of the
    published site, which knows nothing of the platform's own update intervals, finds the same
    number; a column past its own interval (COL-8) is the separate line below.
    """
    if not view.current or view.newest is None:
        return None
    col, days = view.column, _since(view.newest, today)
    newest = f"最近更新 {view.newest:%Y-%m-%d}，已 {days} 天"
    if (col.column_type in NEWS_TYPES or any(w in col.name for w in NEWS_WORDS)) and days >= NEWS_DAYS:
        return f"动态、要闻类栏目超过2周未更新（{newest}）"
    first_level_notice = col.level == 0 and (
        col.column_type in NOTICE_TYPES or any(t in col.name for t in NOTICE_TYPES)
    )
    if first_level_notice and view.newest <= add_months(today, -NOTICE_MONTHS):
        return f"一级栏目通知公告、政策文件超过6个月未更新（{newest}）"
    return None


def overdue_reason(view: ColumnView, today: dt.date) -> str | None:
    """Why a dated current column is past its own expected update interval (COL-8), or None."""
    interval = view.update_interval_days
    if not view.current or view.newest is None or not interval:
        return None
    days = _since(view.newest, today)
    # The due day itself is still in time.
    if days > interval:
        return f"超过栏目更新周期 {interval} 天（最近更新 {view.newest:%Y-%m-%d}，已 {days} 天）"
    return None


@register
class StaleColumns(Line):
    key = "stale_columns"
    label = _("Columns not updated in time")
    unit = "个栏目"
    warning = 3
    veto = 5  # "累计超过5个" read as the official OPS-1 text: 5 or more
    order = 20

    def measure(self, site, context):
        offenders = []
        for view in site_view(site, context).columns:
            reason = stale_reason(view, context.today)
            if reason:
                offenders.append(_offender(view, reason))
        return Measurement(len(offenders), offenders)


@register
class ColumnsPastInterval(Line):
    """COL-8: the site's own expected update intervals, told to the person responsible before
    the national rule's two weeks or six months are reached. Warning only: the interval is the
    site's own promise, not a national veto rule (the issue's stale-columns levels, 3 and 5, stay
    on the national rule above, which an inspection can check from outside)."""

    key = "columns_past_interval"
    label = _("Columns past their own update interval")
    unit = "个栏目"
    warning = 3
    veto = None
    order = 25

    def measure(self, site, context):
        offenders = []
        for view in site_view(site, context).columns:
            reason = overdue_reason(view, context.today)
            if reason:
                offenders.append(_offender(view, reason))
        return Measurement(len(offenders), offenders, note="按各栏目设定的更新周期计算")


def should_update(view: ColumnView) -> bool:
    return bool(view.update_interval_days) or view.column.column_type not in STATIC_TYPES


@register
class LongUnupdatedColumns(Line):
    key = "long_unupdated_columns"
    label = _("Columns that should update and have not for a long time")
    unit = "个栏目"
    warning = 7  # told before the veto line, as commercial monitors do
    veto = 10
    order = 30

    def measure(self, site, context):
        offenders = []
        for view in site_view(site, context).columns:
            if view.current and view.newest is not None and should_update(view):
                days = _since(view.newest, context.today)
                if days >= LONG_DAYS:
                    detail = f"超过一年未更新（最近更新 {view.newest:%Y-%m-%d}，已 {days} 天）"
                    offenders.append(_offender(view, detail))
        return Measurement(len(offenders), offenders)


@register
class EmptyColumns(Line):
    key = "empty_columns"
    label = _("Empty columns")
    unit = "个栏目"
    warning = 2
    veto = 5
    order = 40

    def measure(self, site, context):
        offenders = [
            _offender(view, "栏目页面可以访问，但没有列出任何信息")
            for view in site_view(site, context).columns
            if view.current and view.empty
        ]
        return Measurement(len(offenders), offenders, note="只计公众能访问到的栏目页面")


@register
class MissingMandatoryKinds(Line):
    key = "mandatory_kinds"
    label = _("Mandatory column kinds missing or empty")
    unit = "类"
    warning = 1
    veto = None  # scored by the 2019 indicators, not a veto line
    order = 50

    def measure(self, site, context):
        shown = {v.column.id for v in site_view(site, context).columns if v.current}
        missing = missing_required_kinds_for(site, shown)
        set_up = set(
            Column.objects.filter(site=site, archived_at__isnull=True).values_list("column_type", flat=True)
        )
        offenders = []
        for kind in missing:
            if set_up & REQUIRED_COLUMN_KINDS[kind]:
                detail = "有此类栏目，但没有公众能看到的内容"
            else:
                detail = "没有此类栏目"
            offenders.append(Offender(label=kind, detail=detail, object_kind="column_kind"))
        return Measurement(len(missing), offenders)
