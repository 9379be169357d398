"""The answer time of a letter in working days (INT-2).

A letter is received the day it is written; written on a day off, it counts from the next working
day (the same rule as 条例 art.31 for applications). The answer is due the channel's number of
working days after receipt (`Channel.answer_working_days`: 3 for simple matters, 10 otherwise).

Working days come from workdays.days. A year whose holidays nobody knows yet raises UnknownYear
there; here it never escapes: the deadline is then "cannot be computed" with the year named
(`Letter.deadline_unknown_year`), shown to the handler, never guessed.
"""

from __future__ import annotations

import datetime as dt

from interaction.models.letters import DUE_SOON_WORKING_DAYS, Letter, LetterStatus
from workdays import days


def receipt_day(day: dt.date) -> tuple[dt.date, int | None]:
    """The day a letter written on `day` is received, and the unknown year (if any)."""
    try:
        return days.next_working_day(day), None
    except days.UnknownYear as error:
        return day, error.year


def refresh(letter: Letter) -> None:
    """Store the letter's deadline fields from its current state."""
    letter.due_on = None
    letter.deadline_unknown_year = None
    if letter.status != LetterStatus.RECEIVED:
        return
    try:
        letter.due_on = days.add_working_days(letter.received_on, letter.channel.answer_working_days)
    except days.UnknownYear as error:
        letter.deadline_unknown_year = error.year


def working_days_taken(received_on: dt.date, answered_on: dt.date) -> int | None:
    """Working days from receipt to the answer (None when a year between is unknown)."""
    try:
        return days.working_days_between(received_on, answered_on)
    except days.UnknownYear:
        return None


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
