"""The steps of an error report (我为政府网站找错, INT-3, G §8(一)1, T art.14(三)), one action each.

Every action checks who may act (interaction/error_report_policies.py) and the state the report
must be in, changes it in one transaction with its audit entry. Each takes `now` (default: the
present) so that a report entered late counts from its own day.

- submit: a citizen's report through the site's form (public process: no user).
- enter_national: a handler enters a report forwarded by the national platform, with its number
  and the day the platform received it.
- forward: to the department responsible, within 1 working day of receipt.
- answer: within 3 working days of receipt.
- escalate_overdue: the periodic task (interaction/tasks.py): every open report whose deadline has
  passed is marked escalated (once per deadline) and listed on the site administrators' work page.

Deadlines count in working days of the official calendar (workdays/days.py). A year whose holidays
are not known yet makes the deadline "cannot be computed" with the year named, never a guess.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from interaction.error_report_policies import ERROR_REPORTS
from interaction.models.error_reports import (
    ANSWER_WORKING_DAYS,
    FORWARD_WORKING_DAYS,
    ErrorKind,
    ErrorReport,
    Escalation,
    ReportSource,
    ReportStatus,
)
from resources.sanitize import clean_text
from workdays import days

OPEN_STATUSES = (ReportStatus.RECEIVED, ReportStatus.FORWARDED)


def _present(now):
    return now or timezone.now()


def _refuse(message: str) -> None:
    raise ValidationError(message, code="state")


def _locked(report: ErrorReport) -> ErrorReport:
    return ErrorReport.objects.select_for_update().get(pk=report.pk)


def set_deadlines(report: ErrorReport) -> None:
    """Both deadlines from the day of receipt (the day itself not counted)."""
    try:
        report.forward_due_on = days.add_working_days(report.received_on, FORWARD_WORKING_DAYS)
        report.answer_due_on = days.add_working_days(report.received_on, ANSWER_WORKING_DAYS)
        report.deadline_unknown_year = None
    except days.UnknownYear as error:
        report.forward_due_on = report.answer_due_on = None
        report.deadline_unknown_year = error.year


def working_days_left(due_on: dt.date | None, today: dt.date) -> int | None:
    """Working days from `today` to `due_on` (0: due today; negative: overdue); None when unknown."""
    if due_on is None:
        return None
    try:
        if due_on >= today:
            return days.working_days_between(today, due_on)
        return -days.working_days_between(due_on, today)
    except days.UnknownYear:
        return None


def _clean(data: dict) -> dict:
    # Every text through the sanitiser (plain text only, as the letters' fields): whatever a form
    # or a caller passes, the stored report never holds anything that reads as a tag.
    fields = {
        "page_url": clean_text(data.get("page_url") or ""),
        "kind": data.get("kind") or "",
        "description": clean_text(data.get("description") or "", multiline=True),
        "contact_name": clean_text(data.get("contact_name") or ""),
        "contact": clean_text(data.get("contact") or ""),
    }
    errors = {}
    if fields["kind"] not in ErrorKind.values:
        errors["kind"] = _("Choose the kind of error.")
    if not fields["description"]:
        errors["description"] = _("Describe the error.")
    elif len(fields["description"]) > 2000:
        errors["description"] = _("Keep the description under 2,000 characters.")
    if len(fields["page_url"]) > 500:
        errors["page_url"] = _("The page address is too long.")
    if errors:
        raise ValidationError(errors)
    return fields


def _create(site, fields, *, source, national_number, received_at, actor, event) -> ErrorReport:
    with transaction.atomic():
        report = ErrorReport(
            site=site,
            source=source,
            national_number=national_number,
            received_at=received_at,
            received_on=timezone.localdate(received_at),
            **fields,
        )
        set_deadlines(report)
        report.save()
        audit.record(event, actor=actor, obj=report, site=site, details={"kind": report.kind})
    return report


def submit(site, data: dict, *, now: dt.datetime | None = None) -> ErrorReport:
    """A citizen's report through the site's own form (the caller has checked CSRF, the rate
    limit and the human check)."""
    fields = _clean(data)
    return _create(site, fields, source=ReportSource.LOCAL, national_number="", received_at=_present(now),
                   actor=None, event=AuditEvent.ERROR_REPORT_SUBMIT)  # fmt: skip


def enter_national(site, data: dict, *, national_number: str, received_on: dt.date, acting_user,
                   now: dt.datetime | None = None) -> ErrorReport:  # fmt: skip
    """A report the national platform forwarded, entered by a handler of the site; its deadlines
    count from the day the platform received it."""
    ERROR_REPORTS.require(acting_user, "enter", ErrorReport(site=site))
    now = _present(now)
    fields = _clean(data)
    national_number = (national_number or "").strip()
    if not national_number:
        raise ValidationError({"national_number": _("Give the national platform's number of the report.")})
    if received_on is None or received_on > timezone.localdate(now):
        raise ValidationError({"received_on": _("Give the day the national platform received it (not in the future).")})
    if ErrorReport.objects.filter(site=site, national_number=national_number).exists():
        raise ValidationError({"national_number": _("A report with this national number has been entered already.")})
    received_at = timezone.make_aware(dt.datetime.combine(received_on, dt.time(9, 0)))
    return _create(site, fields, source=ReportSource.NATIONAL, national_number=national_number,
                   received_at=received_at, actor=acting_user, event=AuditEvent.ERROR_REPORT_ENTER)  # fmt: skip


def forward(
    report: ErrorReport, *, to: str, note: str = "", acting_user, now: dt.datetime | None = None
) -> ErrorReport:
    """Forward the report to the department (or unit) responsible for the page."""
    ERROR_REPORTS.require(acting_user, "forward", report)
    now = _present(now)
    to = (to or "").strip()
    if not to:
        raise ValidationError({"to": _("Name the department the report is forwarded to.")})
    with transaction.atomic():
        report = _locked(report)
        if report.status != ReportStatus.RECEIVED:
            _refuse(_("This report has been forwarded already."))
        report.status = ReportStatus.FORWARDED
        report.forwarded_to = to[:200]
        report.forward_note = (note or "").strip()[:2000]
        report.forwarded_at = now
        report.forwarded_by = acting_user
        report.save()
        late = report.forward_due_on is not None and timezone.localdate(now) > report.forward_due_on
        audit.record(AuditEvent.ERROR_REPORT_FORWARD, actor=acting_user, obj=report, site=report.site,
                     details={"forwarded_to": report.forwarded_to, "late": late})  # fmt: skip
    return report


def answer(report: ErrorReport, *, text: str, acting_user, now: dt.datetime | None = None) -> ErrorReport:
    """The answer to the reporter (and, for a national report, to the national platform)."""
    ERROR_REPORTS.require(acting_user, "answer", report)
    now = _present(now)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the answer.")})
    with transaction.atomic():
        report = _locked(report)
        if report.status == ReportStatus.ANSWERED:
            _refuse(_("This report has been answered already."))
        if report.status != ReportStatus.FORWARDED:
            _refuse(_("Forward the report to the department responsible before answering it."))
        report.status = ReportStatus.ANSWERED
        report.answer = text[:4000]
        report.answered_at = now
        report.answered_by = acting_user
        report.save()
        late = report.answer_due_on is not None and timezone.localdate(now) > report.answer_due_on
        audit.record(AuditEvent.ERROR_REPORT_ANSWER, actor=acting_user, obj=report, site=report.site,
                     details={"late": late})  # fmt: skip
    return report


def overdue(queryset, today: dt.date):
    """The open reports of `queryset` whose forwarding or answer deadline has passed."""
    return queryset.filter(
        Q(status=ReportStatus.RECEIVED, forward_due_on__lt=today) | Q(status__in=OPEN_STATUSES, answer_due_on__lt=today)
    )


def escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Mark every report whose deadline has passed as escalated, once per deadline (the answer's
    escalation follows the forwarding's); returns how many were escalated now."""
    now = _present(now)
    today = timezone.localdate(now)
    count = 0
    for report_id in overdue(ErrorReport.objects.all(), today).values_list("pk", flat=True):
        with transaction.atomic():
            report = ErrorReport.objects.select_for_update().get(pk=report_id)
            if report.status not in OPEN_STATUSES:
                continue
            if report.answer_due_on is not None and report.answer_due_on < today:
                stage = Escalation.ANSWER
            elif report.status == ReportStatus.RECEIVED and report.forward_due_on and report.forward_due_on < today:
                stage = Escalation.FORWARD
            else:
                continue
            if report.escalation == stage:
                continue
            report.escalation = stage
            report.escalated_at = now
            report.save(update_fields=["escalation", "escalated_at"])
            audit.record(AuditEvent.ERROR_REPORT_ESCALATE, actor=None, obj=report, site=report.site,
                         details={"stage": stage})  # fmt: skip
            count += 1
    return count
