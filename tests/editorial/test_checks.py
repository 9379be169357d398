"""The confidentiality and wording check, and the rule that every finding is confirmed (PUB-3)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from auditlog.models import AuditEntry
from editorial import checks, workflow
from editorial.checks import WordMatcher, check_text
from editorial.models import CheckedWord, FlagKind, ReviewFlag, WordList
from resources.models import ResourceKind, ResourceStatus
from tests.editorial.factories import edit, make_asset, make_resource

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"  # the check digit X is right
VALID_ID_2 = "130622198503151238"
WRONG_CHECK_DIGIT = "110105194912310021"
IMPOSSIBLE_BIRTH_DATE = "110105194913310021"  # check digit right, month 13
FUTURE_BIRTH_DATE = "110105209901010017"
CARD_19 = "6222021234567890128"  # passes Luhn
CARD_16 = "6222021234567894"
ORDER_NUMBER = "6222021234567890127"  # fails Luhn
MOBILE = "13812345678"


def kinds(text, **kwargs):
    return [finding.kind for finding in check_text(text, "data.body", **kwargs)]


# --- ID-card numbers --------------------------------------------------------------------------


@pytest.mark.parametrize("number", [VALID_ID, VALID_ID.lower(), VALID_ID_2])
def test_id_card_numbers_are_found(number):  # PUB-3
    assert kinds(f"申请人身份证号{number}，请核对。") == [FlagKind.ID_CARD]


@pytest.mark.parametrize("number", [WRONG_CHECK_DIGIT, IMPOSSIBLE_BIRTH_DATE, FUTURE_BIRTH_DATE])
def test_numbers_that_only_look_like_id_cards_are_not_flagged(number):  # PUB-3
    assert checks.id_check_char(IMPOSSIBLE_BIRTH_DATE[:17]) == IMPOSSIBLE_BIRTH_DATE[17]
    assert kinds(f"编号{number}") == []


def test_old_fifteen_digit_id_card_numbers_are_found():  # PUB-3
    assert kinds("身份证130622850315123") == [FlagKind.ID_CARD]
    assert kinds("编号130622851315123") == []  # month 13


def test_id_card_numbers_are_masked_in_the_finding():  # PUB-3
    [finding] = check_text(f"张三，身份证号{VALID_ID}，住保定市。", "data.body")
    assert VALID_ID not in finding.excerpt
    assert "1101**********002X" in finding.excerpt
    assert "身份证号" in finding.excerpt  # with a little context
    assert finding.field == "data.body"


# --- mobile numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", [f"联系电话{MOBILE}。", "手机：138-1234-5678", "手机 138 1234 5678", "电话１３８１２３４５６７８"]
)
def test_mobile_numbers_are_found(text):  # PUB-3
    [finding] = check_text(text, "title")
    assert finding.kind == FlagKind.MOBILE
    assert "5678" in finding.excerpt and "1234" not in finding.excerpt.replace("5678", "")


@pytest.mark.parametrize(
    "text",
    [
        "订单号2013812345678901已受理",  # inside a longer run of digits
        "编号913812345678",
        "流水号1381234567800",
        "咨询电话0312-3000000",  # a landline
        "文号12345678901",  # 11 digits, but no mobile prefix
    ],
)
def test_numbers_that_are_not_mobile_numbers(text):  # PUB-3
    assert kinds(text) == []


def test_mobile_masking_keeps_prefix_and_last_four():  # PUB-3
    [finding] = check_text(f"电话{MOBILE}", "title")
    assert "138****5678" in finding.excerpt


# --- bank-card numbers ------------------------------------------------------------------------


@pytest.mark.parametrize("number", [CARD_19, CARD_16, "6222 0212 3456 7890 128"])
def test_bank_card_numbers_are_found(number):  # PUB-3
    [finding] = check_text(f"补贴打入账户{number}。", "data.body")
    assert finding.kind == FlagKind.BANK_CARD
    assert "6222" in finding.excerpt and "3456" not in finding.excerpt


def test_order_numbers_failing_luhn_are_not_bank_cards():  # PUB-3
    assert not checks.passes_luhn(ORDER_NUMBER)
    assert kinds(f"订单号{ORDER_NUMBER}") == []


def test_a_valid_id_card_is_reported_as_id_card_not_bank_card():  # PUB-3
    assert kinds(VALID_ID_2) == [FlagKind.ID_CARD]


def test_several_findings_are_reported_in_order_and_each_masked():  # PUB-3
    text = f"户主{VALID_ID}，电话{MOBILE}，账号{CARD_16}"
    findings = check_text(text, "data.body")
    assert [f.kind for f in findings] == [FlagKind.ID_CARD, FlagKind.MOBILE, FlagKind.BANK_CARD]
    for finding in findings:
        for secret in (VALID_ID, MOBILE, CARD_16):
            assert secret not in finding.excerpt


# --- word lists -------------------------------------------------------------------------------


@pytest.fixture
def word_lists(db):
    CheckedWord.objects.create(list=WordList.SENSITIVE, text="绝密")
    CheckedWord.objects.create(list=WordList.WRONG_WORDING, text="一带一路战略", suggestion="“一带一路”倡议")
    CheckedWord.objects.create(list=WordList.WRONG_WORDING, text="十九大", suggestion="党的十九大")
    return WordMatcher.from_lists()


def test_sensitive_words_are_flagged(word_lists):  # PUB-3
    [finding] = check_text("本文件属绝密级", "data.body", words=word_lists)
    assert (finding.kind, finding.suggestion) == (FlagKind.SENSITIVE, "")
    assert "绝密" in finding.excerpt


def test_wrong_wordings_are_flagged_with_the_correct_wording(word_lists):  # PUB-3
    [finding] = check_text("积极参与一带一路战略建设", "title", words=word_lists)
    assert (finding.kind, finding.suggestion) == (FlagKind.WRONG_WORDING, "“一带一路”倡议")


def test_the_correct_wording_is_not_flagged(word_lists):  # PUB-3
    assert check_text("深入学习贯彻党的十九大精神", "data.body", words=word_lists) == []
    [finding] = check_text("深入学习十九大精神", "data.body", words=word_lists)
    assert finding.suggestion == "党的十九大"


def test_text_without_findings(word_lists):  # PUB-3
    assert (
        check_text("各乡镇人民政府：请做好春季森林防火工作。咨询电话0312-3000000。", "data.body", words=word_lists)
        == []
    )


# --- a whole revision -------------------------------------------------------------------------


def test_revision_fields_html_and_attachments_are_checked(team, word_lists):  # PUB-3
    attachment = make_resource(
        team.site,
        author=team.editor,
        kind=ResourceKind.ATTACHMENT,
        title="名单",
        data={},
        asset=make_asset(text=f"附件名单：王五 {MOBILE}", uploaded_by=team.editor),
    )
    resource = team.resource(
        title="关于一带一路战略的通知",
        metadata={"source": "绝密办公室", "author": "李四"},
        data={
            # the number is split by inline markup; it is found in the text
            "body": f"<p>身份证<b>{VALID_ID[:6]}</b>{VALID_ID[6:]}</p><script>var x='{CARD_16}';</script>",
            "attachments": [attachment.pk],
        },
    )
    findings = checks.check_revision(resource.current_revision)
    assert [(f.kind, f.field) for f in findings] == [
        (FlagKind.WRONG_WORDING, "title"),
        (FlagKind.SENSITIVE, "metadata.source"),
        (FlagKind.ID_CARD, "data.body"),
        (FlagKind.MOBILE, f"attachment:{attachment.pk}"),
    ]


def test_the_resources_own_file_is_checked(team):  # PUB-3
    resource = team.resource(data={}, asset=make_asset(text=f"账户{CARD_19}", uploaded_by=team.editor))
    assert [(f.kind, f.field) for f in checks.check_revision(resource.current_revision)] == [
        (FlagKind.BANK_CARD, "asset")
    ]


def test_birth_dates_are_checked_against_today():  # PUB-3
    assert checks.is_id_card_number(VALID_ID_2, today=datetime.date(2026, 1, 1))
    assert not checks.is_id_card_number(VALID_ID_2, today=datetime.date(1980, 1, 1))


# --- flags in the workflow --------------------------------------------------------------------


def submitted_with_personal_data(team):
    resource = team.resource(data={"body": f"<p>联系人：张三，电话{MOBILE}，身份证{VALID_ID}</p>"})
    workflow.submit(resource, acting_user=team.editor)
    return resource


def test_submit_stores_the_findings_as_flags(team):  # PUB-3
    resource = submitted_with_personal_data(team)
    flags = list(ReviewFlag.objects.filter(resource=resource))
    assert [(f.kind, f.revision_id) for f in flags] == [
        (FlagKind.MOBILE, resource.submitted_revision_id),
        (FlagKind.ID_CARD, resource.submitted_revision_id),
    ]
    assert AuditEntry.objects.get(action="resource.submit").details["flags"] == 2


def test_flags_must_be_confirmed_before_approving(team):  # PUB-3
    resource = submitted_with_personal_data(team)
    reviewer = team.reviewers[0]
    with pytest.raises(ValidationError, match="2 things to confirm"):
        workflow.approve(resource, acting_user=reviewer)
    first, second = ReviewFlag.objects.filter(resource=resource)
    workflow.confirm_flag(first, acting_user=reviewer)
    with pytest.raises(ValidationError, match="1 thing to confirm"):
        workflow.approve(resource, acting_user=reviewer)
    workflow.confirm_flag(second, acting_user=reviewer)
    workflow.approve(resource, acting_user=reviewer)
    assert resource.status == ResourceStatus.PUBLISHED
    second.refresh_from_db()
    assert (second.confirmed_by, second.confirmed_at is not None) == (reviewer, True)


def test_approve_can_confirm_all_flags_at_once_and_records_it(team):  # PUB-3
    resource = submitted_with_personal_data(team)
    workflow.approve(resource, acting_user=team.reviewers[0], confirm_flags=True)
    assert resource.status == ResourceStatus.PUBLISHED
    assert not ReviewFlag.objects.filter(resource=resource, confirmed_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action="review_flag.confirm")
    assert entry.actor == team.reviewers[0]
    assert len(entry.details["flags"]) == 2
    assert all(VALID_ID not in flag["excerpt"] for flag in entry.details["flags"])


@pytest.mark.parametrize("who", ["editor", "other_reviewer"])
def test_only_a_reviewer_who_may_review_confirms_flags(team, who):  # PUB-1, PUB-3
    resource = submitted_with_personal_data(team)
    flag = ReviewFlag.objects.filter(resource=resource).first()
    with pytest.raises(PermissionDenied):
        workflow.confirm_flag(flag, acting_user=getattr(team, who))
    flag.refresh_from_db()
    assert flag.confirmed_at is None


def test_a_new_submission_is_checked_again(team):  # PUB-3
    resource = submitted_with_personal_data(team)
    workflow.approve(resource, acting_user=team.reviewers[0], confirm_flags=True)
    edit(resource, author=team.editor, data={"body": f"<p>新的电话{MOBILE}</p>"})
    workflow.submit(resource, acting_user=team.editor)
    resource.refresh_from_db()
    pending = ReviewFlag.objects.filter(revision=resource.submitted_revision, confirmed_at__isnull=True)
    assert [flag.kind for flag in pending] == [FlagKind.MOBILE]
    old_flag = ReviewFlag.objects.exclude(revision=resource.submitted_revision).first()
    with pytest.raises(ValidationError, match="another version"):
        workflow.confirm_flag(old_flag, acting_user=team.reviewers[1])
