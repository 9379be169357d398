"""Error reports (我为政府网站找错, INT-3, G §8(一)1, T art.14(三)): forwarded within 1 working
day of receipt and answered within 3, counted in working days of the official calendar;
escalated when a deadline passes; refused steps; another site's staff never see them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from interaction import error_reports as actions
from interaction.error_report_policies import ERROR_REPORTS
from interaction.models import ErrorReport, Escalation, ReportSource, ReportStatus
from interaction.tasks import escalate_error_reports
from sites.models import Role
from tests.factories import MembershipFactory, SiteFactory, UserFactory
from workdays import days
from workdays.models import CalendarDay

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
REPORT = {"page_url": "https://www.example.gov.cn/xwzx/1.html", "kind": "typo", "description": "第二段“人民政付”应为“人民政府”。",
          "contact_name": "王小明", "contact": "13812345678"}  # fmt: skip


def at(year, month, day, hour=10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def member(site, role, username):
    return MembershipFactory(site=site, role=role, user=UserFactory(username=username)).user


@pytest.fixture
def desk():
    site, other = SiteFactory(), SiteFactory()

    class Desk:
        pass

    d = Desk()
    d.site, d.other = site, other
    d.admin = member(site, Role.SITE_ADMIN, "err-admin")
    d.reviewer = member(site, Role.REVIEWER, "err-reviewer")
    d.editor = member(site, Role.EDITOR, "err-editor")
    d.other_admin = member(other, Role.SITE_ADMIN, "err-other-admin")
    return d


def test_int3_deadlines_across_national_day_2025():
    """INT-3: received on the eve of National Day 2025 (1-8 October off, Saturday 11 October a
    make-up working day): forwarded by 9 October, answered by Saturday 11 October."""
    site = SiteFactory()
    report = actions.submit(site, REPORT, now=at(2025, 9, 30, 16))
    assert report.received_on == dt.date(2025, 9, 30)
    assert report.forward_due_on == dt.date(2025, 10, 9)
    assert report.answer_due_on == dt.date(2025, 10, 11)  # a Saturday, worked (调休上班)
    # received during the holiday: the same days
    during = actions.submit(site, REPORT, now=at(2025, 10, 3))
    assert (during.forward_due_on, during.answer_due_on) == (dt.date(2025, 10, 9), dt.date(2025, 10, 11))


def test_int3_forward_due_on_a_make_up_sunday():
    """INT-3: received Friday 26 September 2025: Sunday 28 September is a make-up working day, so
    the report is to be forwarded that Sunday and answered by Tuesday 30 September."""
    report = actions.submit(SiteFactory(), REPORT, now=at(2025, 9, 26))
    assert report.forward_due_on == dt.date(2025, 9, 28)
    assert report.answer_due_on == dt.date(2025, 9, 30)


def test_int3_unknown_year_is_not_guessed(monkeypatch):
    """INT-3: a year whose holidays nobody knows: no deadline and the year named, no crash."""

    def unknown(start, count):
        raise days.UnknownYear(2099)

    monkeypatch.setattr(days, "add_working_days", unknown)
    report = actions.submit(SiteFactory(), REPORT, now=at(2025, 9, 26))
    assert report.forward_due_on is None and report.answer_due_on is None
    assert report.deadline_unknown_year == 2099


def test_int3_administrators_table_counts(desk):
    """INT-3: a make-up working day entered by the administrators (a year the package does not
    know) counts in the deadline."""
    CalendarDay.objects.create(day=dt.date(2099, 1, 3), working=True, name="调休上班")  # a Saturday
    CalendarDay.objects.create(day=dt.date(2099, 1, 5), working=False, name="假日")
    days.forget_table()
    try:
        report = actions.submit(desk.site, REPORT, now=at(2099, 1, 2))  # Friday
        assert report.forward_due_on == dt.date(2099, 1, 3)
        assert report.answer_due_on == dt.date(2099, 1, 7)  # Sat 3, (Sun 4, Mon 5 off), Tue 6, Wed 7
    finally:
        days.forget_table()


def test_int3_forward_and_answer_with_audit(desk):
    """INT-3: received → forwarded → answered, each step audited with its kind."""
    report = actions.submit(desk.site, REPORT, now=at(2025, 9, 30))
    assert report.status == ReportStatus.RECEIVED and report.source == ReportSource.LOCAL
    report = actions.forward(report, to="市政府办公室信息科", acting_user=desk.reviewer, now=at(2025, 10, 9))
    assert report.status == ReportStatus.FORWARDED and report.forwarded_by == desk.reviewer
    report = actions.answer(report, text="已更正，感谢您的监督。", acting_user=desk.admin, now=at(2025, 10, 11))
    assert report.status == ReportStatus.ANSWERED
    kinds = list(AuditEntry.objects.filter(object_id=str(report.pk)).order_by("id").values_list("action", "details"))
    assert [k for k, _ in kinds] == [AuditEvent.ERROR_REPORT_SUBMIT, AuditEvent.ERROR_REPORT_FORWARD,
                                      AuditEvent.ERROR_REPORT_ANSWER]  # fmt: skip
    assert kinds[1][1]["late"] is False and kinds[2][1]["late"] is False
    # the contact is encrypted in the database
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM interaction_errorreport WHERE id = %s", [report.pk])
        assert "13812345678" not in cursor.fetchone()[0]


def test_int3_refusals(desk):
    """INT-3: steps out of order, empty fields and people without a role are refused."""
    with pytest.raises(ValidationError) as error:
        actions.submit(desk.site, {**REPORT, "description": " ", "kind": "nonsense"})
    assert set(error.value.message_dict) == {"description", "kind"}
    report = actions.submit(desk.site, REPORT)
    with pytest.raises(ValidationError):
        actions.answer(report, text="已更正。", acting_user=desk.admin)  # not forwarded yet
    with pytest.raises(ValidationError):
        actions.forward(report, to=" ", acting_user=desk.admin)
    with pytest.raises(PermissionDenied):
        actions.forward(report, to="信息科", acting_user=desk.editor)
    with pytest.raises(PermissionDenied):
        actions.forward(report, to="信息科", acting_user=desk.other_admin)
    report = actions.forward(report, to="信息科", acting_user=desk.admin)
    with pytest.raises(ValidationError):
        actions.forward(report, to="信息科", acting_user=desk.admin)  # twice
    report = actions.answer(report, text="已更正。", acting_user=desk.admin)
    with pytest.raises(ValidationError):
        actions.answer(report, text="再答一次。", acting_user=desk.admin)


def test_int3_national_report_entered(desk):
    """INT-3: a report forwarded by the national platform is entered with its number; its
    deadlines count from the day the platform received it; a number is entered once."""
    report = actions.enter_national(desk.site, REPORT, national_number="JC2025093000123",
                                    received_on=dt.date(2025, 9, 26), acting_user=desk.reviewer,
                                    now=at(2025, 9, 29))  # fmt: skip
    assert report.source == ReportSource.NATIONAL and report.forward_due_on == dt.date(2025, 9, 28)
    with pytest.raises(ValidationError) as error:
        actions.enter_national(desk.site, REPORT, national_number="JC2025093000123",
                               received_on=dt.date(2025, 9, 26), acting_user=desk.reviewer)  # fmt: skip
    assert "national_number" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        actions.enter_national(desk.site, REPORT, national_number="JC1", received_on=dt.date(2025, 9, 26),
                               acting_user=desk.other_admin)  # fmt: skip
    with pytest.raises(PermissionDenied):
        actions.enter_national(desk.site, REPORT, national_number="JC2", received_on=dt.date(2025, 9, 26),
                               acting_user=desk.editor)  # fmt: skip


def test_int3_escalation_when_deadlines_pass(desk):
    """INT-3: the periodic task escalates a report not forwarded by its day (once), then again when
    the answer's day passes; an answered report is never escalated."""
    late = actions.submit(desk.site, REPORT, now=at(2025, 9, 30))  # forward by 9 Oct, answer by 11 Oct
    done = actions.submit(desk.site, REPORT, now=at(2025, 9, 30))
    done = actions.forward(done, to="信息科", acting_user=desk.admin, now=at(2025, 10, 9))
    actions.answer(done, text="已更正。", acting_user=desk.admin, now=at(2025, 10, 9))
    assert actions.escalate_overdue(now=at(2025, 10, 9, 23)) == 0  # due that day: not yet late
    assert actions.escalate_overdue(now=at(2025, 10, 10)) == 1
    late.refresh_from_db()
    assert late.escalation == Escalation.FORWARD
    assert actions.escalate_overdue(now=at(2025, 10, 10, 15)) == 0  # once per deadline
    late = actions.forward(late, to="信息科", acting_user=desk.admin, now=at(2025, 10, 10))
    assert actions.escalate_overdue(now=at(2025, 10, 11, 20)) == 0  # the Saturday is worked: due that day
    assert actions.escalate_overdue(now=at(2025, 10, 12)) == 1
    late.refresh_from_db()
    assert late.escalation == Escalation.ANSWER
    entries = AuditEntry.objects.filter(action=AuditEvent.ERROR_REPORT_ESCALATE, object_id=str(late.pk))
    assert [e.details["stage"] for e in entries.order_by("id")] == ["forward", "answer"]
    assert [e.actor_name for e in entries] == ["system", "system"]


def test_int3_periodic_task_is_scheduled(settings):
    """INT-3: the escalation runs from Celery beat."""
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "interaction.escalate_error_reports" in tasks
    assert escalate_error_reports() == 0


def test_int3_another_site_cannot_see(desk):
    """INT-3: a report is visible to its own site's handlers only (not to editors, not to another site)."""
    report = actions.submit(desk.site, REPORT)
    visible = ERROR_REPORTS.filter(ErrorReport.objects.all(), desk.other_admin)
    assert report not in visible
    assert report in ERROR_REPORTS.filter(ErrorReport.objects.all(), desk.reviewer)
    assert report not in ERROR_REPORTS.filter(ErrorReport.objects.all(), desk.editor)
