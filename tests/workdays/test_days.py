"""Working days of the official Chinese calendar (DISC-3, INT-3): holidays, make-up days and the
administrators' table for years chinese-calendar does not know."""

import datetime as dt

import pytest

from workdays import days
from workdays.models import CalendarDay

D = dt.date
pytestmark = pytest.mark.django_db


def test_national_day_2025_is_skipped_and_its_make_up_day_counts():
    # 2025: 1-8 October off; Sunday 28 September and Saturday 11 October are worked.
    assert not days.is_working_day(D(2025, 10, 1))
    assert not days.is_working_day(D(2025, 10, 8))
    assert days.is_working_day(D(2025, 9, 28))
    assert days.is_working_day(D(2025, 10, 11))
    # Received Friday 26 September: Sunday 28, Monday 29 and Tuesday 30 count, then the holiday is skipped.
    assert days.add_working_days(D(2025, 9, 26), 3) == D(2025, 9, 30)
    assert days.add_working_days(D(2025, 9, 26), 4) == D(2025, 10, 9)
    assert days.working_days_between(D(2025, 9, 26), D(2025, 10, 10)) == 5


def test_spring_festival_2026_twenty_working_days():
    # 2026: 15-23 February off (Sunday 14 February and Saturday 28 February are worked).
    assert days.is_working_day(D(2026, 2, 14))
    assert not days.is_working_day(D(2026, 2, 16))
    assert days.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert days.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert days.working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2


def test_next_working_day_skips_weekend_and_holiday():
    assert days.next_working_day(D(2025, 10, 1)) == D(2025, 10, 9)
    assert days.next_working_day(D(2025, 10, 9)) == D(2025, 10, 9)


def test_unknown_year_raises_until_the_table_holds_it():
    year = dt.date.today().year + 5
    with pytest.raises(days.UnknownYear) as raised:
        days.add_working_days(D(year, 1, 5), 3)
    assert raised.value.year == year
    assert year in days.missing_years(D(year, 3, 1))

    CalendarDay.objects.create(day=D(year, 1, 1), working=False, name="元旦")
    CalendarDay.objects.create(day=D(year, 1, 4), working=True, name="元旦调休")  # a make-up working day
    assert days.year_known(year)
    assert not days.is_working_day(D(year, 1, 1))
    first_sunday = next(D(year, 1, d) for d in range(1, 8) if D(year, 1, d).weekday() == 6)
    assert days.is_working_day(first_sunday) == (first_sunday == D(year, 1, 4))
    assert year not in days.missing_years(D(year, 3, 1))


def test_next_year_is_asked_for_from_november():
    year = 2026
    if days.package_knows(year + 1):
        pytest.skip("this chinese-calendar release already knows next year")
    assert days.missing_years(D(year, 10, 31)) == []
    assert days.missing_years(D(year, 11, 1)) == [year + 1]


def test_the_table_overrides_the_package():
    CalendarDay.objects.create(day=D(2026, 6, 1), working=False, name="临时休假")
    assert not days.is_working_day(D(2026, 6, 1))
