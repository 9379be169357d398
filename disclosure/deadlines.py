"""The time limits of an application in working days (DISC-3, 条例 art.30-33).

- The answer is due 20 working days after receipt (`received_on`, art.31), plus the working days
  paused while a third party gives its opinion (art.32), plus the one extension of at most 20
  working days (art.33). After a completion (补正) the 20 days start again from the day the
  completed application is received (art.30): every working day from the first receipt to the
  completion is then not counted.
- A completion (补正) is to be asked for within 7 working days of receipt.

Working days come from workdays.days. A year whose holidays nobody knows yet raises UnknownYear
there; here it never escapes: the deadline is then "cannot be computed" with the year named
(`Deadline.unknown_year`), shown to the handler and listed for the administrator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from disclosure.models.requests import (
    ANSWER_WORKING_DAYS,
    COMPLETION_REQUEST_WORKING_DAYS,
    DUE_SOON_WORKING_DAYS,
    InformationRequest,
    RequestStatus,
)
from workdays import days


@dataclass(frozen=True)
class Deadline:
    due_on: dt.date | None = None
    unknown_year: int | None = None

    @property
    def computed(self) -> bool:
        return self.due_on is not None


def _safely(compute) -> Deadline:
    try:
        return Deadline(due_on=compute())
    except days.UnknownYear as error:
        return Deadline(unknown_year=error.year)


def answer_deadline(request: InformationRequest) -> Deadline:
    """The day the answer is due by, from the request's receipt, pauses and extension.

    None (with no unknown year) before receipt, while paused (the clock stands still) and once
    answered."""
    if request.received_on is None or request.status in (RequestStatus.SUBMITTED, RequestStatus.ANSWERED):
        return Deadline()
    if request.paused_since is not None:
        return Deadline()
    total = ANSWER_WORKING_DAYS + request.paused_working_days + request.extension_days
    return _safely(lambda: days.add_working_days(request.received_on, total))


def completion_request_deadline(received_on: dt.date) -> Deadline:
    """The last day a completion (补正) may be asked for: 7 working days after receipt."""
    return _safely(lambda: days.add_working_days(received_on, COMPLETION_REQUEST_WORKING_DAYS))


def paused_working_days(since: dt.date, until: dt.date) -> int:
    """The working days of a pause from `since` (the day it was asked for, still counted) to
    `until` (the day it ended: not counted, the clock runs again from the next working day)."""
    return days.working_days_between(since, until)


def receipt_day(day: dt.date) -> dt.date:
    """条例 art.31: a day off → the next working day (raises UnknownYear)."""
    return days.next_working_day(day)


def refresh(request: InformationRequest) -> Deadline:
    """Store the request's deadline fields from its current state; returns the answer deadline."""
    deadline = answer_deadline(request)
    request.due_on = deadline.due_on
    request.deadline_unknown_year = deadline.unknown_year
    return deadline


def working_days_left(due_on: dt.date, today: dt.date) -> int | None:
    """Working days from `today` to `due_on` (0: due today; negative: overdue by that many);
    None when the calendar of a year between them is not known."""
    try:
        if due_on >= today:
            return days.working_days_between(today, due_on)
        return -days.working_days_between(due_on, today)
    except days.UnknownYear:
        return None


def is_due_soon(due_on: dt.date, today: dt.date) -> bool:
    left = working_days_left(due_on, today)
    return left is not None and 0 <= left <= DUE_SOON_WORKING_DAYS
