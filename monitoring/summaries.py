"""What the monitoring dashboard shows (OPS-1, OPS-7), read from the stored check runs: a site's
latest run line by line, its trend over the last days, and the platform's overview.

Plain functions over explicit days (no "now" inside), so that the back office, the demo and the
reports call them alike. Each reads a bounded number of rows with a fixed number of queries: the
dashboard's budget is 100 ms at the 95th percentile with 30 days of results for 100 sites
(benchmarks/monitoring_dashboard_bench.py).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from monitoring.lines import SEVERITY, State
from monitoring.models import CheckRun, LineResult

TREND_DAYS = 30


def margin(value: float | None, warning: float | None, veto: float | None) -> tuple[str, float | None]:
    """How far a value is from the next level, from the levels stored with the result (a line's
    levels may have changed since): ("warning", 3) = 3 below the warning level; ("veto", 1) = 1
    below the veto level; ("past", 2) = 2 past the veto level; ("", None) when nothing applies."""
    if value is None:
        return "", None
    if warning is not None and value < warning:
        return "warning", warning - value
    if veto is not None and value < veto:
        return "veto", veto - value
    if veto is not None:
        return "past", value - veto
    return "", None


def worse(state_a: str, state_b: str) -> str:
    return state_a if SEVERITY.get(state_a, 0) >= SEVERITY.get(state_b, 0) else state_b


# --- one site: the latest run -------------------------------------------------------------------


@dataclass
class LineRow:
    """One line of a run as the dashboard shows it."""

    key: str
    label: str
    unit: str
    value: float | None
    warning: float | None
    veto: float | None
    state: str
    note: str
    offenders: list[dict]
    offender_count: int

    @property
    def margin(self) -> tuple[str, float | None]:
        return margin(self.value, self.warning, self.veto)


def latest_run(site, *, on_or_before: datetime.date | None = None) -> CheckRun | None:
    runs = CheckRun.objects.filter(site=site)
    if on_or_before is not None:
        runs = runs.filter(day__lte=on_or_before)
    return runs.select_related("triggered_by").order_by("-day").first()


def run_lines(run: CheckRun) -> list[LineRow]:
    """The run's results, worst first, then in the order the lines were stored."""
    rows = [
        LineRow(
            result.line_key, result.label, result.unit, result.value, result.warning, result.veto,
            result.state, result.note, list(result.offenders or []), result.offender_count,
        )  # fmt: skip
        for result in run.results.order_by("pk")
    ]
    rows.sort(key=lambda row: -SEVERITY.get(row.state, 0))
    return rows


# --- one site: the trend ------------------------------------------------------------------------


@dataclass
class LineTrend:
    key: str
    label: str
    unit: str
    warning: float | None  # the levels of the latest day (what the chart draws)
    veto: float | None
    days: list[tuple[datetime.date, float | None, str]]  # (day, value, state) of each day with a run
    counts: Counter = field(default_factory=Counter)  # days in each state


@dataclass
class SiteTrend:
    first: datetime.date
    last: datetime.date
    runs: list[tuple[datetime.date, str]]  # (day, the site's state) of each day with a run
    lines: list[LineTrend]

    @property
    def counts(self) -> Counter:
        return Counter(state for _day, state in self.runs)

    @property
    def days_without_run(self) -> int:
        return (self.last - self.first).days + 1 - len(self.runs)


def site_trend(site, last: datetime.date, days: int = TREND_DAYS) -> SiteTrend:
    """The `days` days up to `last`: the site's state of each day and each line's values. Two
    queries, no offenders read."""
    first = last - datetime.timedelta(days=days - 1)
    runs = list(
        CheckRun.objects.filter(site=site, day__gte=first, day__lte=last).order_by("day").values_list("day", "state")
    )
    rows = (
        LineResult.objects.filter(run__site=site, run__day__gte=first, run__day__lte=last)
        .order_by("run__day", "pk")
        .values_list("run__day", "line_key", "label", "unit", "value", "warning", "veto", "state")
    )
    lines: dict[str, LineTrend] = {}
    for day, key, label, unit, value, warning, veto, state in rows:
        trend = lines.get(key)
        if trend is None:
            trend = lines[key] = LineTrend(key, label, unit, warning, veto, [])
        # The latest day's label and levels win: the chart shows today's rule.
        trend.label, trend.unit, trend.warning, trend.veto = label, unit, warning, veto
        trend.days.append((day, value, state))
        trend.counts[state] += 1
    return SiteTrend(first, last, runs, list(lines.values()))


# --- the platform: every site's latest state --------------------------------------------------


@dataclass(frozen=True)
class ResultSummary:
    """A line result without its offenders: what the overview needs."""

    line_key: str
    label: str
    unit: str
    value: float | None
    warning: float | None
    veto: float | None
    state: str
    note: str


@dataclass
class SiteState:
    site: object
    run: CheckRun | None
    worst: ResultSummary | None  # the worst line of the latest run
    problems: int = 0  # lines at a warning or past a veto line

    @property
    def state(self) -> str:
        return self.run.state if self.run is not None else ""


def _badness(result: ResultSummary) -> tuple:
    """Worst first: by state, then by how far the value is past (or near) its strictest level."""
    level = result.veto if result.veto else result.warning
    ratio = (result.value / level) if (result.value is not None and level) else 0.0
    return (SEVERITY.get(result.state, 0), ratio)


def site_states(sites) -> list[SiteState]:
    """The latest run of each site in `sites` (a queryset) with its worst line, worst sites first.
    Three queries whatever the number of sites; results are read as tuples (no offenders)."""
    latest = CheckRun.objects.filter(site=OuterRef("pk")).order_by("-day").values("pk")[:1]
    pairs = list(sites.annotate(latest_run_id=Subquery(latest)))
    run_ids = [site.latest_run_id for site in pairs if site.latest_run_id]
    runs = {run.pk: run for run in CheckRun.objects.filter(pk__in=run_ids)}
    results = defaultdict(list)
    rows = LineResult.objects.filter(run_id__in=run_ids).values_list(
        "run_id", "line_key", "label", "unit", "value", "warning", "veto", "state", "note"
    )
    for run_id, *fields in rows:
        results[run_id].append(ResultSummary(*fields))
    states = []
    for site in pairs:
        run = runs.get(site.latest_run_id)
        lines = results.get(site.latest_run_id, [])
        worst = max(lines, key=_badness) if lines else None
        problems = sum(1 for line in lines if line.state in (State.WARNING, State.VETO))
        states.append(SiteState(site, run, worst, problems))
    states.sort(key=lambda item: (-SEVERITY.get(item.state, 0) if item.run else 1, -item.problems, item.site.name))
    return states


def state_counts(states: list[SiteState]) -> dict[str, int]:
    """How many sites are in each state, and how many have no run yet (key "")."""
    counts = Counter(item.state for item in states)
    return {state: counts.get(state, 0) for state in (State.VETO, State.WARNING, State.UNKNOWN, State.OK, "")}
