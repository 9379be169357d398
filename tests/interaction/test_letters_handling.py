"""Handling letters (INT-2): forwarded to the responsible site or sub-unit, answered, reviewed by
someone else (published, kept private with the reason, or sent back with a reason), withdrawn,
merged; every step audited and its refusals; the listing told through the change feed; the
writer told; another site's staff never see a letter."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from columns.models import SubUnit, SubUnitKind
from interaction import letter_deadlines, letters
from interaction.letter_notices import step_message
from interaction.models import Letter, LetterStatus, LetterStepKind, PrivateReason
from interaction.policies import LETTERS
from sites.models import Role
from tests.factories import DepartmentSiteFactory, MembershipFactory, SiteFactory, UserFactory
from tests.interaction.test_letters_submit import LETTER, at, make_channel

pytestmark = pytest.mark.django_db


def member(site, role, username):
    return MembershipFactory(site=site, role=role, user=UserFactory(username=username)).user


@pytest.fixture
def desk():
    class Desk:
        pass

    d = Desk()
    d.site = SiteFactory()
    d.other = SiteFactory()
    d.channel = make_channel(d.site)
    d.admin = member(d.site, Role.SITE_ADMIN, "l-admin")
    d.reviewer = member(d.site, Role.REVIEWER, "l-reviewer")
    d.editor = member(d.site, Role.EDITOR, "l-editor")
    d.other_admin = member(d.other, Role.SITE_ADMIN, "l-other-admin")
    d.letter, d.code = letters.submit(d.channel, LETTER, now=at(2025, 9, 29))
    return d


def test_int2_answer_review_publish_tells_the_listing_and_the_writer(desk, django_capture_on_commit_callbacks):
    """INT-2: answered by one handler, approved by another: published, the channel's column list
    republished through the feed, the writer told by e-mail with the answer."""
    letter = letters.answer(
        desk.letter, text="已安排维修，三日内修复。", replying_department="城市管理局", acting_user=desk.reviewer,
        now=at(2025, 10, 9),
    )  # fmt: skip
    assert letter.status == LetterStatus.ANSWERED
    # received Monday 29 September; 10 working days: 30 Sep, 9, 10, 11 (make-up day), 13-17, 20 Oct
    assert letter.due_on is None and letter.answered_on_time is True and letter.answer_working_days == 2
    with pytest.raises(ValidationError):  # the answerer does not review their own answer
        letters.review(letter, decision=letters.PUBLISH, acting_user=desk.reviewer)
    mail.outbox.clear()
    with mock.patch("core.feed.changed") as changed, django_capture_on_commit_callbacks(execute=True):
        letter = letters.review(letter, decision=letters.PUBLISH, acting_user=desk.admin, now=at(2025, 10, 10))
    changed.assert_called_once_with(column_lists=[desk.channel.column_id])
    assert letter.status == LetterStatus.PUBLISHED and letter.published
    assert len(mail.outbox) == 1 and "已安排维修" in mail.outbox[0].body
    assert "您的来信已答复" in mail.outbox[0].body
    kinds = [entry.action for entry in AuditEntry.objects.order_by("id")]
    assert kinds[-3:] == [AuditEvent.LETTER_SUBMIT, AuditEvent.LETTER_ANSWER, AuditEvent.LETTER_PUBLISH]
    with mock.patch("core.feed.changed") as changed:
        letter = letters.unpublish(letter, private_reason=PrivateReason.PRIVACY, acting_user=desk.admin)
    changed.assert_called_once_with(column_lists=[desk.channel.column_id])
    assert letter.status == LetterStatus.CLOSED and not letter.published
    with pytest.raises(ValidationError):
        letters.unpublish(letter, private_reason=PrivateReason.PRIVACY, acting_user=desk.admin)


def test_int2_send_back_needs_a_reason_and_reopens(desk):
    """INT-2: a poor answer goes back with a reason; the deadline is the first one still."""
    letter = letters.answer(desk.letter, text="已阅。", acting_user=desk.reviewer, now=at(2025, 9, 30))
    with pytest.raises(ValidationError) as error:
        letters.review(letter, decision=letters.SEND_BACK, reason=" ", acting_user=desk.admin)
    assert "reason" in error.value.message_dict
    letter = letters.review(letter, decision=letters.SEND_BACK, reason="答复过于简单", acting_user=desk.admin)
    assert letter.status == LetterStatus.RECEIVED
    assert letter.due_on == dt.date(2025, 10, 20)
    assert letter.steps.get(kind=LetterStepKind.SEND_BACK).note == "答复过于简单"
    assert not letter.steps.get(kind=LetterStepKind.SEND_BACK).shown


def test_int2_keep_private_needs_a_reason_and_writer_wish_is_kept(desk):
    """INT-2: kept private with the reason (反映情况不属实); a writer who asked for privacy is
    never published."""
    letter = letters.answer(desk.letter, text="经核查，反映情况不属实。", acting_user=desk.reviewer)
    with pytest.raises(ValidationError):
        letters.review(letter, decision=letters.KEEP_PRIVATE, acting_user=desk.admin)
    letter = letters.review(
        letter, decision=letters.KEEP_PRIVATE, private_reason=PrivateReason.UNTRUE, acting_user=desk.admin
    )
    with translation.override("zh-hans"):
        assert letter.status == LetterStatus.CLOSED and letter.get_private_reason_display() == "反映情况不属实"
    private, _code = letters.submit(desk.channel, {**LETTER, "writer_wants_private": True})
    private = letters.answer(private, text="答复", acting_user=desk.reviewer)
    with pytest.raises(ValidationError):
        letters.review(private, decision=letters.PUBLISH, acting_user=desk.admin)


def test_int2_state_refusals(desk):
    """INT-2: no review before an answer, no second answer, no forward of an answered letter."""
    with pytest.raises(ValidationError):
        letters.review(desk.letter, decision=letters.PUBLISH, acting_user=desk.admin)
    with pytest.raises(ValidationError):
        letters.answer(desk.letter, text="", acting_user=desk.admin)
    letter = letters.answer(desk.letter, text="答复", acting_user=desk.admin)
    with pytest.raises(ValidationError):
        letters.answer(letter, text="再答复", acting_user=desk.admin)
    with pytest.raises(ValidationError):
        letters.forward(letter, to_site=desk.site, to_sub_unit=None, acting_user=desk.admin)


def test_int2_forward_to_a_sub_unit_and_a_department_site(desk):
    """INT-2, SITE-10: forwarded to a sub-unit of the portal, then to a department site of it;
    the department's handlers see it, the portal's no longer; the deadline stands."""
    town = SubUnit.objects.create(portal=desk.site, name="幸福街道", kind=SubUnitKind.TOWNSHIP)
    letter = letters.forward(desk.letter, to_site=desk.site, to_sub_unit=town, acting_user=desk.admin)
    assert letter.handling_unit == "幸福街道"
    assert "幸福街道" in step_message(letter.steps.get(kind=LetterStepKind.FORWARD))
    with pytest.raises(ValidationError):  # the other site is not of this portal
        letters.forward(letter, to_site=desk.other, acting_user=desk.admin)
    department = DepartmentSiteFactory(parent=desk.site)
    dept_reviewer = member(department, Role.REVIEWER, "dept-reviewer")
    due = letter.due_on
    letter = letters.forward(letter, to_site=department, acting_user=desk.admin)
    assert letter.site == department and letter.due_on == due
    assert LETTERS.user_can(dept_reviewer, "answer", letter)
    assert not LETTERS.user_can(desk.admin, "view", letter)
    assert AuditEntry.objects.filter(action=AuditEvent.LETTER_FORWARD).count() == 2


def test_int2_merge_duplicates(desk):
    """INT-2: a duplicate merged into the letter on the same matter; its writer reads that answer."""
    duplicate, _code = letters.submit(desk.channel, LETTER, now=at(2025, 9, 30))
    with pytest.raises(ValidationError):
        letters.merge(duplicate, into=duplicate, acting_user=desk.admin)
    duplicate = letters.merge(duplicate, into=desk.letter, acting_user=desk.admin)
    assert duplicate.status == LetterStatus.MERGED and duplicate.due_on is None
    with pytest.raises(ValidationError):  # merged already
        letters.merge(duplicate, into=desk.letter, acting_user=desk.admin)
    third, _code = letters.submit(desk.channel, LETTER)
    with pytest.raises(ValidationError):  # not into a merged letter
        letters.merge(third, into=duplicate, acting_user=desk.admin)
    main = letters.answer(desk.letter, text="统一答复", acting_user=desk.reviewer)
    letters.review(main, decision=letters.PUBLISH, acting_user=desk.admin)
    duplicate.refresh_from_db()
    assert letters.answer_for_writer(duplicate).answer == "统一答复"
    assert duplicate.steps.filter(kind=LetterStepKind.PUBLISH, shown=True).exists()


def test_int2_only_the_sites_handlers_act(desk):
    """INT-2: editors and another site's administrators may neither see nor handle a letter."""
    for user in (desk.editor, desk.other_admin):
        assert not LETTERS.filter(Letter.objects.all(), user).exists()
        with pytest.raises(PermissionDenied):
            letters.answer(desk.letter, text="答复", acting_user=user)
        with pytest.raises(PermissionDenied):
            letters.forward(desk.letter, to_site=desk.site, acting_user=user)
    assert list(LETTERS.filter(Letter.objects.all(), desk.reviewer)) == [desk.letter]


def test_int2_unknown_year_is_named_not_guessed(desk):
    """INT-2: a deadline crossing a year whose holidays are unknown is not computed; the year is named."""
    from workdays import days

    letter = desk.letter
    with mock.patch.object(days, "add_working_days", side_effect=days.UnknownYear(2099)):
        letter_deadlines.refresh(letter)
    assert letter.due_on is None and letter.deadline_unknown_year == 2099
    assert letter_deadlines.is_due_soon(dt.date(2025, 10, 13), dt.date(2025, 10, 10))  # 11 (make-up), 13
    assert not letter_deadlines.is_due_soon(dt.date(2025, 10, 13), dt.date(2025, 10, 9))
    assert letter_deadlines.working_days_left(dt.date(2025, 10, 9), dt.date(2025, 10, 13)) == -3  # 10, 11 (make-up), 13
