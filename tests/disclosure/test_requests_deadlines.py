"""DISC-3: the time limits of an application for disclosure in working days of the official
calendar (条例 art.30-33): 20 working days from receipt, pauses not counted, one extension."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from disclosure import deadlines
from disclosure import request_actions as actions
from disclosure.models import RequestStatus, StepKind
from tests.disclosure.requests_support import at, desk  # noqa: F401
from workdays.models import CalendarDay

D = dt.date
pytestmark = pytest.mark.django_db


def test_disc3_due_twenty_working_days_across_national_day_2025(desk):  # noqa: F811
    # Received Friday 26 September 2025: Sunday 28 September and Saturday 11 October are worked,
    # 1-8 October are off.
    request = desk.received(at(2025, 9, 26))
    assert request.received_on == D(2025, 9, 26)
    assert request.due_on == D(2025, 10, 30)
    # A completion is to be asked within 7 working days: 28, 29, 30 Sep, 9, 10, 11, 13 Oct.
    assert request.completion_request_due_on == D(2025, 10, 13)


def test_disc3_due_across_spring_festival_2026(desk):  # noqa: F811
    request = desk.received(at(2026, 2, 10))
    # 11-14 February (14th a make-up working day), then 24-28 February, then March.
    assert request.due_on == D(2026, 3, 16)


def test_disc3_submitted_on_a_holiday_is_received_on_the_next_working_day(desk):  # noqa: F811
    request = desk.received(at(2025, 10, 3), received=at(2025, 10, 3, 15))
    assert request.received_on == D(2025, 10, 9)
    assert request.due_on == deadlines.days.add_working_days(D(2025, 10, 9), 20)


def test_disc3_answer_period_starts_again_from_the_completed_application(desk):  # noqa: F811
    """条例 art.30: the answer period is counted from the receipt of the completed application."""
    request = desk.received(at(2025, 9, 26))
    request = actions.request_completion(request, what="请写明维修项目所在学校。", acting_user=desk.handler,
                                         now=at(2025, 9, 29))  # fmt: skip
    assert request.status == RequestStatus.AWAITING_COMPLETION
    assert request.due_on is None  # the clock stands still
    # Completed Tuesday 14 October: 20 working days from then; 28, 29, 30 Sep, 9, 10, 11, 13 and
    # 14 Oct (8 working days since the first receipt) are not counted.
    request = actions.complete(request, text="学校为保定市第一中学。", now=at(2025, 10, 14))
    assert request.paused_working_days == 8
    assert request.due_on == deadlines.days.add_working_days(D(2025, 10, 14), 20)
    step = request.steps.get(kind=StepKind.COMPLETE)
    assert step.paused_working_days == 8 and step.actor is None


def test_disc3_completion_is_requested_once_only(desk):  # noqa: F811
    request = desk.received(at(2025, 9, 26))
    request = actions.request_completion(request, what="补充说明", acting_user=desk.handler, now=at(2025, 9, 29))
    request = actions.complete(request, text="已补充", now=at(2025, 9, 30))
    with pytest.raises(ValidationError, match="once only"):
        actions.request_completion(request, what="再次补正", acting_user=desk.handler, now=at(2025, 10, 9))


def test_disc3_late_completion_request_is_recorded_as_late(desk):  # noqa: F811
    request = desk.received(at(2025, 9, 26))
    actions.request_completion(request, what="补充说明", acting_user=desk.handler, now=at(2025, 10, 14))
    from auditlog.models import AuditEntry

    assert AuditEntry.objects.get(action="disclosure_request.request_completion").details == {"late": True}


def test_disc3_third_party_time_is_not_counted(desk):  # noqa: F811
    request = desk.received(at(2026, 2, 10))
    request = actions.seek_third_party(request, third_party="保定市某建筑公司：是否同意公开合同金额",
                                       acting_user=desk.handler, now=at(2026, 2, 12))  # fmt: skip
    assert request.status == RequestStatus.THIRD_PARTY and request.due_on is None
    # Replied Wednesday 25 February: 13, 14, 24, 25 February are not counted.
    request = actions.third_party_replied(request, note="同意公开", acting_user=desk.handler, now=at(2026, 2, 25))
    assert request.paused_working_days == 4
    assert request.due_on == deadlines.days.add_working_days(D(2026, 2, 10), 24)


def test_disc3_extension_once_approved_by_another_site_administrator(desk):  # noqa: F811
    request = desk.received(at(2025, 9, 26))
    request = actions.propose_extension(request, working_days=15, reason="涉及多个部门", notice="因需协调多部门，答复期限延长15个工作日。",
                                        acting_user=desk.handler, now=at(2025, 10, 20))  # fmt: skip
    assert request.due_on == D(2025, 10, 30)  # not extended before the approval
    with pytest.raises(PermissionDenied):  # a reviewer cannot approve
        actions.approve_extension(request, acting_user=desk.handler, now=at(2025, 10, 21))
    request = actions.approve_extension(request, acting_user=desk.admin, now=at(2025, 10, 21))
    assert request.extension_days == 15
    assert request.due_on == deadlines.days.add_working_days(D(2025, 9, 26), 35)
    extend = request.steps.get(kind=StepKind.EXTEND)
    assert extend.shown_to_applicant and "15个工作日" in extend.public_note
    with pytest.raises(ValidationError, match="only once"):
        actions.propose_extension(request, working_days=5, reason="再延", notice="再延", acting_user=desk.handler,
                                  now=at(2025, 10, 22))  # fmt: skip


def test_disc3_the_proposer_cannot_approve_their_own_extension(desk):  # noqa: F811
    request = desk.received(at(2025, 9, 26))
    request = actions.propose_extension(request, working_days=10, reason="原因", notice="告知",
                                        acting_user=desk.admin, now=at(2025, 10, 20))  # fmt: skip
    with pytest.raises(PermissionDenied, match="other than"):
        actions.approve_extension(request, acting_user=desk.admin, now=at(2025, 10, 20))
    assert actions.approve_extension(request, acting_user=desk.second_admin, now=at(2025, 10, 20)).extension_days == 10


def test_disc3_extension_of_more_than_twenty_days_or_after_the_limit_is_refused(desk):  # noqa: F811
    request = desk.received(at(2025, 9, 26))
    with pytest.raises(ValidationError) as error:
        actions.propose_extension(request, working_days=21, reason="r", notice="n", acting_user=desk.handler,
                                  now=at(2025, 10, 20))  # fmt: skip
    assert "working_days" in error.value.error_dict
    with pytest.raises(ValidationError, match="run out"):
        actions.propose_extension(request, working_days=10, reason="r", notice="n", acting_user=desk.handler,
                                  now=at(2025, 10, 31))  # fmt: skip


def test_disc3_unknown_year_never_crashes_and_names_the_year(desk):  # noqa: F811
    # 2027 is not in chinese-calendar (as of this release): receipt in late December 2026 runs into it.
    request = desk.received(at(2026, 12, 21))
    assert request.status == RequestStatus.RECEIVED
    assert request.due_on is None and request.deadline_unknown_year == 2027
    # Once an administrator enters 2027, the next step computes the deadline.
    CalendarDay.objects.create(day=D(2027, 1, 1), working=False, name="元旦")
    request = actions.seek_third_party(request, third_party="某公司", acting_user=desk.handler, now=at(2026, 12, 22))
    request = actions.third_party_replied(request, acting_user=desk.handler, now=at(2026, 12, 23))
    assert request.deadline_unknown_year is None
    assert request.due_on == deadlines.days.add_working_days(D(2026, 12, 21), 21)


def test_disc3_working_days_left_and_due_soon():
    assert deadlines.working_days_left(D(2025, 10, 9), D(2025, 9, 30)) == 1
    assert deadlines.is_due_soon(D(2025, 10, 14), D(2025, 9, 30))  # 9, 10, 11, 13, 14 October
    assert not deadlines.is_due_soon(D(2025, 10, 15), D(2025, 9, 30))
    assert deadlines.working_days_left(D(2025, 9, 29), D(2025, 10, 9)) == -2
