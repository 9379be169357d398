"""The monitoring pages' words (OPS-1): states, numbers with their units, margins to the next
level, offenders with the person responsible, and the charts with their text beside them.

Every state is a word and a colour (the class state-<state>, backoffice/static/backoffice/
monitoring.css), never a colour alone, and never the stored code.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from backoffice import svg_charts
from backoffice.svg_charts import number
from monitoring.lines import State
from monitoring.models import Trigger
from monitoring.summaries import LineRow, LineTrend, SiteState, SiteTrend, margin

OFFENDERS_SHOWN = 10  # on the dashboard before "show all"
STATE_ORDER = (State.VETO, State.WARNING, State.UNKNOWN, State.OK)


def state_words() -> dict[str, str]:
    """Each state's word in the active language (read once per language: pages name hundreds)."""
    language = get_language()
    words = _STATE_WORDS.get(language)
    if words is None:
        words = {state.value: str(state.label) for state in State} | {"": _("not checked yet")}
        _STATE_WORDS[language] = words
    return words


_STATE_WORDS: dict[str, dict[str, str]] = {}


def state_word(state: str) -> str:
    words = state_words()
    return words.get(state, words[""])


def state_badges() -> dict[str, SafeString]:
    """Each state as a word in its colour (the pages' <span class="monitoring-state state-…">), made
    once for a page that shows hundreds."""
    return {
        state: format_html('<span class="monitoring-state state-{}">{}</span>', state or "none", word)
        for state, word in state_words().items()
    }


def with_unit(value: float | None, unit: str) -> str:
    if value is None:
        return _("cannot be computed")
    return f"{number(value)} {unit}".strip() if unit != "%" else f"{number(value)}%"


def level_text(level: float | None, unit: str) -> str:
    return with_unit(level, unit) if level is not None else _("none")


def margin_text(value, warning, veto, unit: str, note: str = "") -> str:
    """How far the number is from the next level, in words."""
    if value is None:
        return note or _("cannot be computed")
    kind, amount = margin(value, warning, veto)
    names = {"amount": with_unit(amount, unit)}
    if kind == "warning":
        return _("%(amount)s below the warning level") % names
    if kind == "veto":
        return _("%(amount)s below the veto level") % names
    if kind == "past":
        return _("at the veto level") % names if amount == 0 else _("%(amount)s past the veto level") % names
    if warning is not None:  # a line with a warning level only, reached
        return _("at or past the warning level")
    return ""


# --- offenders ----------------------------------------------------------------------------------

# Back-office pages of the objects a line names (Offender.object_kind).
OBJECT_PAGES = {
    "column": "columns_column_change",
    "resource": "resources_resource_change",
    "letter": "interaction_letter_change",
}


@dataclass
class OffenderView:
    label: str
    public_url: str
    backoffice_url: str
    detail: str
    responsible: str


def offender_items(offenders: list[OffenderView]) -> SafeString:
    """The offenders as list items: the name (linked on the public site), a link to its back-office
    page, why it counts and the person responsible (or that none is named). Built here, not in the
    template: a run may name a few thousand."""
    open_label = escape(_("open in the back office"))
    responsible, nobody = escape(_("Responsible:")), escape(_("No person responsible named"))
    items = []
    for item in offenders:  # every value escaped here (format_html per item cost more than the page)
        label = escape(item.label)
        name = f'<a href="{escape(item.public_url)}">{label}</a>' if item.public_url else label
        edit = f' <a class="monitoring-edit" href="{escape(item.backoffice_url)}">{open_label}</a>' \
            if item.backoffice_url else ""
        detail = f'<span class="monitoring-detail">{escape(item.detail)}</span>' if item.detail else ""
        person = f"{responsible}{escape(item.responsible)}" if item.responsible else nobody
        items.append(f'<li>{name}{edit}{detail}<span class="monitoring-responsible">{person}</span></li>')
    return mark_safe("".join(items))


class OffenderLinks:
    """Addresses of offenders, reversed once per kind of object and per site (a page lists hundreds)."""

    def __init__(self, site):
        self.site = site
        self.domain = site.primary_domain
        self.scheme = getattr(settings, "PUBLIC_URL_SCHEME", "https")
        self.patterns: dict[str, str] = {}

    def public(self, url: str) -> str:
        if url.startswith(("http://", "https://")):
            return url
        return f"{self.scheme}://{self.domain}{url}" if url.startswith("/") and self.domain else ""

    def backoffice(self, kind: str, object_id) -> str:
        page = OBJECT_PAGES.get(kind or "")
        if not page or not isinstance(object_id, int):
            return ""
        if page not in self.patterns:
            try:
                self.patterns[page] = reverse(f"admin:{page}", args=[0]).replace("/0/", "/{}/")
            except NoReverseMatch:
                self.patterns[page] = ""
        pattern = self.patterns[page]
        return pattern.format(object_id) if pattern else ""


def offender_view(offender: dict, links: OffenderLinks) -> OffenderView:
    return OffenderView(
        label=str(offender.get("label") or ""),
        public_url=links.public(str(offender.get("url") or "")),
        backoffice_url=links.backoffice(offender.get("object_kind") or "", offender.get("object_id")),
        detail=str(offender.get("detail") or ""),
        responsible=str(offender.get("responsible") or ""),
    )


# --- the latest run -----------------------------------------------------------------------------


@dataclass
class LineView:
    key: str
    label: str
    state: str
    state_word: str
    value: str
    warning: str
    veto: str
    margin: str
    note: str
    offenders: str  # the first OFFENDERS_SHOWN as list items
    more_offenders: str  # the rest, folded
    more_count: int
    offender_count: int
    offenders_dropped: int  # counted but not kept (at most LineResult.MAX_OFFENDERS are kept)


def line_row(row: LineRow, links: OffenderLinks) -> LineView:
    """A line of the run in words. An offender's public address is absolute as stored or a path
    under the site's primary domain (none when it cannot be made: the page shows the text only)."""
    offenders = [offender_view(item, links) for item in row.offenders]
    return LineView(
        key=row.key,
        label=row.label,
        state=row.state,
        state_word=state_word(row.state),
        value=with_unit(row.value, row.unit),
        warning=level_text(row.warning, row.unit),
        veto=level_text(row.veto, row.unit),
        margin=margin_text(row.value, row.warning, row.veto, row.unit, row.note),
        note=row.note,
        offenders=offender_items(offenders[:OFFENDERS_SHOWN]),
        more_offenders=offender_items(offenders[OFFENDERS_SHOWN:]),
        more_count=max(len(offenders) - OFFENDERS_SHOWN, 0),
        offender_count=row.offender_count,
        offenders_dropped=max(row.offender_count - len(offenders), 0),
    )


@dataclass
class RunFacts:
    day: datetime.date
    state: str
    state_word: str
    trigger: str
    by: str
    finished: str
    old: bool  # not today's


def run_facts(run, today: datetime.date) -> RunFacts:
    by = ""
    if run.triggered_by is not None:
        by = run.triggered_by.real_name or run.triggered_by.get_username()
    finished = timezone.localtime(run.finished_at).strftime("%Y-%m-%d %H:%M") if run.finished_at else ""
    return RunFacts(
        run.day, run.state, state_word(run.state), str(Trigger(run.trigger).label) if run.trigger in Trigger.values
        else "", by, finished, run.day < today,
    )  # fmt: skip


def line_counts(lines: list[LineView]) -> Counter:
    return Counter(line.state for line in lines)


@dataclass
class CountView:
    state: str
    word: str
    count: int


def count_rows(counts, *, with_unchecked: bool = True) -> list[CountView]:
    rows = [CountView(state, state_word(state), counts.get(state, 0)) for state in STATE_ORDER]
    if with_unchecked:
        rows.append(CountView("none", _("not checked yet"), counts.get("", 0)))
    return rows


# --- the overview -------------------------------------------------------------------------------


@dataclass
class OverviewRow:
    site: object
    url: str
    monthly_url: str
    ledger_url: str
    state: str
    state_word: str
    day: datetime.date | None
    worst: str  # the worst line in words: its label, value and margin
    worst_state: str
    problems: int


def _site_address(name: str) -> str:
    """A monitoring page's address with "{}" for the site (reversed once for a page of many sites)."""
    return reverse(f"admin:{name}", args=[0]).replace("/0/", "/{}/")


def overview_rows(states: list[SiteState]) -> list[OverviewRow]:
    site_url, monthly, ledger = (_site_address(name) for name in
                                 ("monitoring_site", "monitoring_monthly", "monitoring_ledger"))  # fmt: skip
    return [overview_row(item, site_url, monthly, ledger) for item in states]


def overview_row(item: SiteState, site_url: str, monthly: str, ledger: str) -> OverviewRow:
    worst, worst_state = "", ""
    if item.worst is not None:
        result = item.worst
        worst_state = result.state
        value = with_unit(result.value, result.unit)
        remark = margin_text(result.value, result.warning, result.veto, result.unit, result.note)
        worst = f"{result.label}：{value}" + (f"（{remark}）" if remark and result.value is not None else "")
    return OverviewRow(
        item.site, site_url.format(item.site.pk), monthly.format(item.site.pk), ledger.format(item.site.pk),
        item.state or "none",
        state_word(item.state), item.run.day if item.run else None, worst, worst_state, item.problems,
    )  # fmt: skip


# --- the trend ----------------------------------------------------------------------------------


@dataclass
class ChartView:
    key: str
    label: str
    svg: str
    description: str
    table: str  # the same numbers as a table: day, value, state in words


def _days(trend: SiteTrend) -> list[datetime.date]:
    return [trend.first + datetime.timedelta(days=n) for n in range((trend.last - trend.first).days + 1)]


def _summary(counts: Counter, total_days: int) -> str:
    missing = total_days - sum(counts.values())
    return _(
        "passed on %(ok)d days, warning on %(warning)d, past the veto line on %(veto)d, "
        "cannot be computed on %(unknown)d, not checked on %(missing)d"
    ) % {
        "ok": counts.get(State.OK, 0), "warning": counts.get(State.WARNING, 0), "veto": counts.get(State.VETO, 0),
        "unknown": counts.get(State.UNKNOWN, 0), "missing": missing,
    }  # fmt: skip


def _line_chart(line: LineTrend, trend: SiteTrend, total_days: int) -> ChartView:
    measured = {day: (value, state) for day, value, state in line.days}
    points = [svg_charts.Point(day, *measured.get(day, (None, ""))) for day in _days(trend)]
    levels = []
    if line.warning is not None:
        levels.append(svg_charts.Level(line.warning, _("warning %(level)s") % {"level": number(line.warning)}, "warning"))
    if line.veto is not None:
        levels.append(svg_charts.Level(line.veto, _("veto %(level)s") % {"level": number(line.veto)}, "veto"))
    latest = with_unit(line.days[-1][1], line.unit) if line.days else _("cannot be computed")
    description = _("%(label)s over the last %(days)d days: %(summary)s; latest value %(value)s.") % {
        "label": line.label, "days": total_days, "summary": _summary(line.counts, total_days), "value": latest,
    }  # fmt: skip
    svg = svg_charts.trend_chart(
        points, chart_id=f"trend-{line.key}", title=line.label, description=description, levels=levels
    )
    badges = state_badges()
    rows = [[day.isoformat(), with_unit(value, line.unit), badges.get(state, badges[""])]
            for day, value, state in line.days]  # fmt: skip
    table = svg_charts.text_table([_("Day"), _("Value"), _("State")], rows)
    return ChartView(line.key, line.label, svg, description, table)


@dataclass
class TrendView:
    days: int
    first: datetime.date
    last: datetime.date
    strip: str
    description: str
    checked: bool  # any check in these days
    runs: str  # each day's state as a table
    charts: list[ChartView]


def trend_view(trend: SiteTrend) -> TrendView:
    total_days = (trend.last - trend.first).days + 1
    by_day = dict(trend.runs)
    description = _("The site's state over the last %(days)d days: %(summary)s.") % {
        "days": total_days, "summary": _summary(trend.counts, total_days),
    }  # fmt: skip
    strip = svg_charts.state_strip(
        [svg_charts.Point(day, None, by_day.get(day, "")) for day in _days(trend)],
        chart_id="trend-site", title=_("The site's state by day"), description=description,
    )  # fmt: skip
    badges = state_badges()
    runs = svg_charts.text_table([_("Day"), _("State")], [[day.isoformat(), badges.get(state, badges[""])]
                                                          for day, state in trend.runs])  # fmt: skip
    charts = [_line_chart(line, trend, total_days) for line in trend.lines]
    return TrendView(total_days, trend.first, trend.last, strip, description, bool(trend.runs), runs, charts)
