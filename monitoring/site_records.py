"""A site's monitoring records over a period (OPS-7): the monthly monitoring report and the
management ledger (管理台账) read their numbers from here.

- `problems(site, first, last)`: each stretch of days on which a line stood at a warning or past
  its veto line, with the day it was put right (the next check that passed it) or still open.
- `month_report(site, year, month, today=...)`: the month's checks summarised per line, the days
  the site spent in each state, the problems and the rectification orders issued.
- `ledger(site, year, today=...)`: the site's facts, people in charge, filings, status changes,
  security checks, the year's checks month by month and the spot checks, problems and orders.

Plain functions of explicit days, for the back office, the demo and the annual reports alike.
"""

from __future__ import annotations

import calendar
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from columns.models import Column
from lifecycle.models import ChangeFiling, SecurityCheck, StatusChange
from monitoring.lines import SEVERITY, State
from monitoring.models import CheckRun, LineResult, RectificationOrder, SpotCheckEntry, Trigger
from sites.models import Membership, Role

BAD = (State.WARNING, State.VETO)
EXAMPLES = 5  # offenders named with a problem


@dataclass
class Problem:
    """A stretch of checks on which one line stood at a warning or past its veto line."""

    key: str
    label: str
    unit: str
    state: str  # the worst state of the stretch
    first_day: datetime.date
    last_day: datetime.date  # the last day it was seen
    days: int  # checks that found it
    worst_value: float | None
    rectified_on: datetime.date | None  # the first later check that passed the line
    examples: list[str] = field(default_factory=list)  # offenders of the last check that found it
    offender_count: int = 0
    _last_result: int = 0


def problems(site, first: datetime.date, last: datetime.date) -> list[Problem]:
    """The problems found between `first` and `last`, earliest first. A check that cannot compute
    the line neither ends a problem nor extends it. Two queries."""
    rows = (
        LineResult.objects.filter(run__site=site, run__day__gte=first, run__day__lte=last)
        .order_by("run__day", "pk")
        .values_list("pk", "run__day", "line_key", "label", "unit", "value", "state")
    )
    open_problems: dict[str, Problem] = {}
    found: list[Problem] = []
    for pk, day, key, label, unit, value, state in rows:
        current = open_problems.get(key)
        if state in BAD:
            if current is None:
                current = open_problems[key] = Problem(key, label, unit, state, day, day, 0, value, None)
                found.append(current)
            current.days += 1
            current.last_day, current._last_result = day, pk
            if SEVERITY[state] > SEVERITY[current.state]:
                current.state = state
            if value is not None and (current.worst_value is None or value > current.worst_value):
                current.worst_value = value
        elif state == State.OK and current is not None:
            current.rectified_on = day
            del open_problems[key]
    # The first offenders' labels only, picked by the database: a result keeps up to 200 offenders,
    # and decoding them all for five names cost more than the rest of the page.
    last_results = {problem._last_result: problem for problem in found}
    labels = [f"offenders__{n}__label" for n in range(EXAMPLES)]
    for pk, count, *names in LineResult.objects.filter(pk__in=list(last_results)).values_list(
        "pk", "offender_count", *labels
    ):
        problem = last_results[pk]
        problem.examples = [str(name) for name in names if name]
        problem.offender_count = count
    return found


def _orders(site, first: datetime.date, last: datetime.date):
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return list(
        RectificationOrder.objects.filter(site=site, issued_at__gte=start, issued_at__lt=end)
        .select_related("issued_by", "answered_by", "closed_by")
        .order_by("issued_at", "pk")
    )


# --- the monthly report -------------------------------------------------------------------------


@dataclass
class LineMonth:
    key: str
    label: str
    unit: str
    warning: float | None
    veto: float | None
    counts: Counter = field(default_factory=Counter)  # checks in each state
    highest: float | None = None
    highest_day: datetime.date | None = None
    last_value: float | None = None
    last_state: str = ""


@dataclass
class MonthReport:
    site: object
    year: int
    month: int
    first: datetime.date
    last: datetime.date  # the month's last day, or today in the running month
    complete: bool  # the month is over
    runs: int
    demand_runs: int
    state_days: Counter  # days the site spent in each state (one check a day)
    days_without_run: int
    lines: list[LineMonth]
    problems: list[Problem]
    orders: list


def month_bounds(year: int, month: int, today: datetime.date) -> tuple[datetime.date, datetime.date, bool]:
    first = datetime.date(year, month, 1)
    end = datetime.date(year, month, calendar.monthrange(year, month)[1])
    return first, min(end, today), end < today


def month_report(site, year: int, month: int, *, today: datetime.date) -> MonthReport:
    first, last, complete = month_bounds(year, month, today)
    runs = list(CheckRun.objects.filter(site=site, day__gte=first, day__lte=last).values_list("day", "state", "trigger"))
    lines: dict[str, LineMonth] = {}
    rows = (
        LineResult.objects.filter(run__site=site, run__day__gte=first, run__day__lte=last)
        .order_by("run__day", "pk")
        .values_list("run__day", "line_key", "label", "unit", "value", "warning", "veto", "state")
    )
    for day, key, label, unit, value, warning, veto, state in rows:
        line = lines.get(key)
        if line is None:
            line = lines[key] = LineMonth(key, label, unit, warning, veto)
        line.label, line.unit, line.warning, line.veto = label, unit, warning, veto
        line.counts[state] += 1
        if value is not None and (line.highest is None or value > line.highest):
            line.highest, line.highest_day = value, day
        line.last_value, line.last_state = value, state
    total_days = (last - first).days + 1 if last >= first else 0
    return MonthReport(
        site, year, month, first, last, complete,
        runs=len(runs),
        demand_runs=sum(1 for _day, _state, trigger in runs if trigger == Trigger.DEMAND),
        state_days=Counter(state for _day, state, _trigger in runs),
        days_without_run=max(total_days - len(runs), 0),
        lines=list(lines.values()),
        problems=problems(site, first, last) if last >= first else [],
        orders=_orders(site, first, last) if last >= first else [],
    )  # fmt: skip


# --- the management ledger ----------------------------------------------------------------------


@dataclass
class MonthOfChecks:
    month: int
    runs: int
    counts: Counter


@dataclass
class Ledger:
    site: object
    year: int
    first: datetime.date
    last: datetime.date
    administrators: list  # users
    column_people: list[tuple[str, str, list[str]]]  # (person, phone, [column names])
    filings: list
    status_changes: list
    security_checks: list
    months: list[MonthOfChecks]
    demand_runs: list  # CheckRun
    spot_checks: list  # SpotCheckEntry
    problems: list[Problem]
    orders: list


def _column_people(site) -> list[tuple[str, str, list[str]]]:
    """The columns' responsible people (COL-8), each with the columns they answer for."""
    people: dict[tuple[str, str], list[str]] = defaultdict(list)
    columns = Column.objects.filter(site=site).order_by("tree_id", "lft").values_list(
        "responsible_person", "responsible_phone", "name"
    )
    for person, phone, name in columns:
        people[(person or "", phone or "")].append(name)
    return [(person, phone, names) for (person, phone), names in people.items()]


def ledger(site, year: int, *, today: datetime.date) -> Ledger:
    first = datetime.date(year, 1, 1)
    last = min(datetime.date(year, 12, 31), today)
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    runs = CheckRun.objects.filter(site=site, day__gte=first, day__lte=last)
    months: dict[int, MonthOfChecks] = {}
    for day, state in runs.order_by("day").values_list("day", "state"):  # a year of runs: tuples, not models
        month = months.setdefault(day.month, MonthOfChecks(day.month, 0, Counter()))
        month.runs += 1
        month.counts[state] += 1
    administrators = [
        membership.user
        for membership in Membership.objects.filter(site=site, role=Role.SITE_ADMIN, user__is_active=True)
        .select_related("user")
        .order_by("user__real_name", "user__username")
    ]
    return Ledger(
        site, year, first, last,
        administrators=administrators,
        column_people=_column_people(site),
        filings=list(
            ChangeFiling.objects.filter(site=site, filed_at__gte=start, filed_at__lt=end)
            .select_related("filed_by").order_by("filed_at", "pk")
        ),
        status_changes=list(
            StatusChange.objects.filter(site=site, time__gte=start, time__lt=end)
            .select_related("actor").order_by("time", "pk")
        ),
        security_checks=list(
            SecurityCheck.objects.filter(site=site, checked_at__gte=start, checked_at__lt=end)
            .select_related("checked_by").order_by("checked_at", "pk")
        ),
        months=[months[number] for number in sorted(months)],
        demand_runs=list(runs.filter(trigger=Trigger.DEMAND).select_related("triggered_by").order_by("day")),
        spot_checks=list(
            SpotCheckEntry.objects.filter(site=site, spot_check__year=year)
            .select_related("spot_check").order_by("spot_check__quarter", "pk")
        ),
        problems=problems(site, first, last),
        orders=_orders(site, first, last),
    )  # fmt: skip
