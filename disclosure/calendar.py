"""The administrators' table of holidays and make-up working days (workdays.models.CalendarDay):
its permission policy and its actions (DISC-3 deadlines in working days).

chinese-calendar knows the State Council's holiday arrangement (节假日安排) up to its release; the
arrangement of a later year is announced each November and entered here by platform
administrators, one day at a time or by pasting the year's arrangement as lines:

    2027-01-01 休 元旦
    2027-02-06至2027-02-12 休 春节
    2027-02-07 班 春节调休

Why here: `workdays` sits in the core layer and may not import `sites`, where permission policies
live; the statutory deadlines that need the table are the disclosure app's (DISC-3), and the back
office, which shows the page, must call actions rather than hold them. So the policy (platform
administrators only) is registered and asked by these actions, imported from DisclosureConfig.ready().
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from sites.policies import CHANGE, PermissionPolicy, register
from workdays import days
from workdays.models import CalendarDay

CALENDAR = register(PermissionPolicy(CalendarDay))  # platform administrators (and the system) only

OFF_WORDS = ("放假", "休息", "休", "假")
WORK_WORDS = ("调休上班", "上班", "补班", "班")
MAX_RANGE_DAYS = 31
MAX_LINES = 400
_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
LINE_RE = re.compile(
    rf"^{_DATE}(?:\s*(?:至|到|~|～|—|－－|--)\s*{_DATE})?\s*"
    rf"(?P<mark>{'|'.join(WORK_WORDS + OFF_WORDS)})\s*(?P<name>.*)$"
)


@dataclass(frozen=True)
class Entry:
    day: dt.date
    working: bool
    name: str


def _date(year, month, day) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_arrangement(text: str) -> list[Entry]:
    """The days of a pasted arrangement, in order; ValidationError naming every line it cannot read."""
    entries: dict[dt.date, Entry] = {}
    errors = []
    lines = (text or "").splitlines()
    if len(lines) > MAX_LINES:
        raise ValidationError(_("At most %(max)d lines at a time.") % {"max": MAX_LINES}, code="too_many")
    for number, raw in enumerate(lines, 1):
        line = raw.strip().replace("\u3000", " ")
        if not line or line.startswith("#"):
            continue
        match = LINE_RE.match(line)
        if match is None:
            errors.append(
                _(
                    "Line %(line)d: write a date, then 休 (day off) or 班 (working day), then the name, e.g. “2027-01-01 休 元旦”."
                )
                % {"line": number}
            )
            continue
        groups = match.groups()
        first = _date(*groups[0:3])
        last = _date(*groups[3:6]) if groups[3] else first
        if first is None or last is None:
            errors.append(_("Line %(line)d: there is no such date.") % {"line": number})
            continue
        if last < first or (last - first).days >= MAX_RANGE_DAYS:
            errors.append(
                _("Line %(line)d: a range runs forwards and covers at most %(max)d days.")
                % {"line": number, "max": MAX_RANGE_DAYS}
            )
            continue
        name = match["name"].strip()[: CalendarDay._meta.get_field("name").max_length]
        working = match["mark"] in WORK_WORDS
        day = first
        while day <= last:
            previous = entries.get(day)
            if previous is not None and previous.working != working:
                errors.append(
                    _("Line %(line)d: %(day)s is already entered above as the other kind of day.")
                    % {"line": number, "day": day.isoformat()}
                )
                break
            entries[day] = Entry(day, working, name)
            day += dt.timedelta(days=1)
    if errors:
        raise ValidationError(errors, code="arrangement")
    if not entries:
        raise ValidationError(_("Paste at least one line."), code="empty")
    return sorted(entries.values(), key=lambda entry: entry.day)


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if len(name) > CalendarDay._meta.get_field("name").max_length:
        raise ValidationError({"name": _("The name is too long.")}, code="name")
    return name


@transaction.atomic
def enter_arrangement(text: str, *, acting_user) -> list[CalendarDay]:
    """Enter (or correct) the days of a pasted arrangement; returns the rows, in date order."""
    CALENDAR.require(acting_user, CHANGE)
    entries = parse_arrangement(text)
    existing = {
        row.day: row for row in CalendarDay.objects.select_for_update().filter(day__in=[e.day for e in entries])
    }
    rows = []
    for entry in entries:
        row = existing.get(entry.day) or CalendarDay(day=entry.day)
        row.working, row.name = entry.working, entry.name
        row.save()
        rows.append(row)
    years = sorted({entry.day.year for entry in entries})
    audit.record(
        AuditEvent.CALENDAR_ENTER,
        actor=acting_user,
        details={
            "years": years,
            "days_off": sum(not e.working for e in entries),
            "working_days": sum(e.working for e in entries),
            "from": entries[0].day.isoformat(),
            "until": entries[-1].day.isoformat(),
        },
    )
    transaction.on_commit(days.forget_table)
    return rows


@transaction.atomic
def add_day(day: dt.date, *, working: bool, name: str = "", acting_user) -> CalendarDay:
    CALENDAR.require(acting_user, CHANGE)
    if CalendarDay.objects.filter(day=day).exists():
        raise ValidationError(
            {"day": _("%(day)s is already in the table: change it there.") % {"day": day.isoformat()}}
        )
    row = CalendarDay.objects.create(day=day, working=working, name=_check_name(name))
    audit.record(AuditEvent.CALENDAR_DAY_ADD, actor=acting_user, obj=row, details=_details(row))
    transaction.on_commit(days.forget_table)
    return row


@transaction.atomic
def change_day(row: CalendarDay, *, working: bool, name: str = "", acting_user) -> CalendarDay:
    CALENDAR.require(acting_user, CHANGE, row)
    locked = CalendarDay.objects.select_for_update().get(pk=row.pk)
    before = _details(locked)
    locked.working, locked.name = working, _check_name(name)
    locked.save(update_fields=["working", "name"])
    audit.record(
        AuditEvent.CALENDAR_DAY_CHANGE, actor=acting_user, obj=locked, details={"before": before, **_details(locked)}
    )
    transaction.on_commit(days.forget_table)
    return locked


@transaction.atomic
def delete_day(row: CalendarDay, *, acting_user) -> None:
    CALENDAR.require(acting_user, CHANGE, row)
    audit.record(AuditEvent.CALENDAR_DAY_DELETE, actor=acting_user, obj=row, details=_details(row))
    CalendarDay.objects.filter(pk=row.pk).delete()
    transaction.on_commit(days.forget_table)


def _details(row: CalendarDay) -> dict:
    return {"day": row.day.isoformat(), "working": row.working, "name": row.name}
