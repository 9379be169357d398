"""Working days of the official Chinese calendar, for statutory deadlines (DISC-3, INT-3).

A day is a working day when the State Council's holiday arrangement (节假日安排) says so: public
holidays are off even on weekdays, and make-up working days (调休上班日) are worked even on
weekends. The arrangement comes from two places, the administrators' table first:

- `workdays.models.CalendarDay`: days entered by platform administrators, for years the package
  does not know yet (the announcement comes each November) or to correct a day;
- the `chinese-calendar` package, which knows the years up to its release.

A year that neither knows raises `UnknownYear`: a deadline is never guessed silently. The table
is read once per year and kept for a minute per process (so that an administrator's correction
reaches every process within a minute); saving a row clears this process's copy at once.
"""

from __future__ import annotations

import datetime as dt
import time

import chinese_calendar
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from workdays.models import CalendarDay

# The longest run of days off in the calendar is 9 (Spring Festival); a loop that finds no working
# day in this many days has met a broken table, not a holiday.
MAX_DAYS_OFF = 40


class UnknownYear(LookupError):
    """Neither chinese-calendar nor the administrators' table knows the holidays of `year`."""

    def __init__(self, year: int):
        super().__init__(year)
        self.year = year


TABLE_SECONDS = 60
_tables: dict[int, tuple[float, dict[dt.date, bool]]] = {}


def _table(year: int) -> dict[dt.date, bool]:
    now = time.monotonic()
    kept = _tables.get(year)
    if kept is None or now - kept[0] > TABLE_SECONDS:
        kept = _tables[year] = (now, dict(CalendarDay.objects.filter(day__year=year).values_list("day", "working")))
    return kept[1]


def forget_table() -> None:
    """Read the administrators' table again at the next question (after a change, and in tests)."""
    _tables.clear()


def package_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def year_known(year: int) -> bool:
    """Whether the holidays of `year` are known: from the package, or entered in the table."""
    return package_knows(year) or bool(_table(year))


def is_working_day(day: dt.date) -> bool:
    table = _table(day.year)
    if day in table:
        return table[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if table:  # the year is entered: days not listed follow the week
            return day.weekday() < 5
        raise UnknownYear(day.year) from None


def next_working_day(day: dt.date) -> dt.date:
    """The first working day on or after `day`."""
    for _ in range(MAX_DAYS_OFF):
        if is_working_day(day):
            return day
        day += dt.timedelta(days=1)
    raise UnknownYear(day.year)


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `start` (`start` itself is not counted).

    A deadline of "20 working days from receipt" received on a Friday before the National Day
    holiday ends twenty working days later, skipping the holiday and counting its make-up days.
    """
    day = start
    remaining = count
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """The number of working days in (start, end]: 0 when `end` is not after `start`."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def missing_years(today: dt.date) -> list[int]:
    """The years whose holidays must be entered now: this year when unknown, and from
    1 November (the announcement usually comes then) next year when unknown."""
    wanted = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    return [year for year in wanted if not year_known(year)]


@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
def _forget_table(**kwargs):
    forget_table()
