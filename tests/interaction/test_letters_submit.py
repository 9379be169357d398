"""Letters to the government (INT-1): a citizen writes to a channel and gets a tracking number and a
query code; the deadline is counted in working days of the official calendar from receipt."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from interaction import letters
from interaction.models import Channel, ChannelKind, Letter, LetterStatus
from tests.factories import ColumnFactory, SiteFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
LETTER = {"title": "小区门口路灯不亮", "body": "幸福路12号小区门口的路灯已经坏了两周，夜间出行不便。",
          "writer_name": "李四", "writer_phone": "13812345678", "writer_email": "lisi@example.cn"}  # fmt: skip


def at(year, month, day, hour=10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def make_channel(site=None, **kwargs) -> Channel:
    site = site or SiteFactory()
    column = ColumnFactory(site=site, column_type="咨询投诉", name="咨询投诉", slug=f"zxts{Channel.objects.count()}")
    values = {"name": "咨询", "kind": ChannelKind.CONSULTATION, "allows_anonymous": True, **kwargs}
    channel = Channel(site=site, column=column, **values)
    channel.full_clean()
    channel.save()
    return channel


def test_int1_submit_gives_tracking_number_and_query_code(django_capture_on_commit_callbacks):
    """INT-1: the letter is received, numbered by day, its code stored hashed, its writer told."""
    channel = make_channel()
    with django_capture_on_commit_callbacks(execute=True):
        letter, code = letters.submit(channel, LETTER, now=at(2026, 3, 2))
    assert letter.tracking_number == "202603020001"
    assert letter.status == LetterStatus.RECEIVED
    assert letter.received_on == dt.date(2026, 3, 2)
    assert letter.due_on == dt.date(2026, 3, 16)  # 10 working days
    assert code not in letter.query_code_hash
    assert letters.find("202603020001", code.lower()) == letter
    assert letters.find("202603020001", "WRONGCODE2") is None
    assert AuditEntry.objects.filter(action=AuditEvent.LETTER_SUBMIT).count() == 1
    assert len(mail.outbox) == 1 and "202603020001" in mail.outbox[0].body
    assert code not in mail.outbox[0].body
    second, _code = letters.submit(channel, LETTER, now=at(2026, 3, 2, 15))
    assert second.tracking_number == "202603020002"
    stored = Letter.objects.values_list("writer_phone", flat=True).get(pk=letter.pk)
    assert stored == "13812345678"  # read back decrypted; the column holds ciphertext


def test_int1_submit_refusals():
    """INT-1: empty title or body, an anonymous letter to a channel that wants an account, a
    closed channel: refused with a message, nothing stored."""
    channel = make_channel(allows_anonymous=False)
    with pytest.raises(ValidationError) as error:
        letters.submit(channel, LETTER)
    assert error.value.code == "account_required"
    open_channel = make_channel(site=channel.site, name="建议", kind=ChannelKind.SUGGESTION)
    with pytest.raises(ValidationError) as error:
        letters.submit(open_channel, {**LETTER, "title": " ", "body": ""})
    assert set(error.value.message_dict) == {"title", "body"}
    with pytest.raises(ValidationError):
        letters.submit(open_channel, {**LETTER, "body": "长" * 4001})
    open_channel.is_open = False
    open_channel.save()
    with pytest.raises(ValidationError):
        letters.submit(open_channel, LETTER)
    assert not Letter.objects.exists()


def test_int2_written_on_a_holiday_counts_from_the_next_working_day():
    """INT-2: written on 1 October 2025 (National Day), received on Thursday 9 October; 3 working
    days for a simple channel: 10, Saturday 11 (make-up day) and 13 October."""
    channel = make_channel(answer_working_days=3)
    letter, _code = letters.submit(channel, LETTER, now=at(2025, 10, 1))
    assert letter.received_on == dt.date(2025, 10, 9)
    assert letter.due_on == dt.date(2025, 10, 13)


def test_int1_channel_checks_its_column_and_leader():
    """INT-1: a channel sits in a column of the interaction kind of its own site; a leader's
    mailbox names the leader."""
    site = SiteFactory()
    news = ColumnFactory(site=site, column_type="工作动态")
    channel = Channel(site=site, column=news, name="市长信箱", kind=ChannelKind.LEADER_MAILBOX)
    with pytest.raises(ValidationError) as error:
        channel.full_clean()
    assert {"column", "leader_name"} <= set(error.value.message_dict)
