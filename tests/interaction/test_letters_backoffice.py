"""INT-1, INT-2 in the back office: the letter's page with only the buttons whose actions would
accept, the steps run from their pages, the writer's data masked until asked for (audited), the
overdue and due-soon panels on the work page only when something waits, the 互动交流 entry of the
navigation, another site's handlers and editors kept out, channels administered with an audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from interaction import letters
from interaction.models import Channel, Letter, LetterStatus
from tests.helpers import admin_url, log_in
from tests.interaction.test_letters_handling import desk  # noqa: F401
from tests.interaction.test_letters_submit import LETTER

pytestmark = pytest.mark.django_db


def page_of(client, letter):
    return client.get(admin_url("interaction_letter_change", letter.pk))


def tools_of(page: str) -> str:
    return page.split('class="object-tools"')[1].split("</ul>")[0] if 'class="object-tools"' in page else ""


def test_int2_handler_page_masks_and_offers_fitting_buttons(desk, backoffice_client):  # noqa: F811
    client = log_in(backoffice_client, desk.reviewer)
    page = page_of(client, desk.letter).content.decode()
    assert "李*" in page and "李四" not in page and "138****5678" in page
    tools = tools_of(page)
    assert "转交" in tools and "答复" in tools and "审核通过" not in tools
    client.post(admin_url("interaction_letter_step", desk.letter.pk, "answer"),
                {"text": "已安排维修。", "replying_department": "城管局"})  # fmt: skip
    desk.letter.refresh_from_db()
    assert desk.letter.status == LetterStatus.ANSWERED
    tools = tools_of(page_of(client, desk.letter).content.decode())
    assert "审核通过" not in tools  # not by the one who answered
    admin = log_in(backoffice_client, desk.admin)
    tools = tools_of(page_of(admin, desk.letter).content.decode())
    assert "审核通过并公开" in tools and "退回" in tools
    response = admin.post(admin_url("interaction_letter_step", desk.letter.pk, "send_back"), {"reason": ""})
    assert "这个字段是必填项" in response.content.decode()  # the reason is required
    admin.post(admin_url("interaction_letter_step", desk.letter.pk, "publish"), {})
    desk.letter.refresh_from_db()
    assert desk.letter.published
    assert AuditEntry.objects.filter(action=AuditEvent.LETTER_PUBLISH, actor=desk.admin).exists()


def test_int2_reveal_is_audited(desk, backoffice_client):  # noqa: F811
    client = log_in(backoffice_client, desk.admin)
    page = client.post(admin_url("interaction_letter_reveal", desk.letter.pk)).content.decode()
    assert "李四" in page and "13812345678" in page
    assert AuditEntry.objects.get(action=AuditEvent.LETTER_REVEAL).actor == desk.admin


def test_int2_another_sites_staff_and_editors_cannot_see(desk, backoffice_client):  # noqa: F811
    other = log_in(backoffice_client, desk.other_admin)
    assert page_of(other, desk.letter).status_code == 404
    assert desk.letter.tracking_number not in other.get(admin_url("interaction_letter_changelist")).content.decode()
    assert other.post(admin_url("interaction_letter_step", desk.letter.pk, "answer"), {"text": "x"}).status_code == 404
    editor = log_in(backoffice_client, desk.editor)
    assert page_of(editor, desk.letter).status_code in (403, 404)
    desk.letter.refresh_from_db()
    assert desk.letter.status == LetterStatus.RECEIVED


def test_int2_work_page_lists_overdue_and_due_soon_only_when_waiting(desk, backoffice_client):  # noqa: F811
    client = log_in(backoffice_client, desk.reviewer)
    today = timezone.localdate()
    Letter.objects.filter(pk=desk.letter.pk).update(due_on=today - dt.timedelta(days=30))
    page = client.get(admin_url("index")).content.decode()
    assert "超期未答复的来信" in page and desk.letter.tracking_number in page
    assert "互动交流" in page and "群众来信" in page  # the navigation's entry
    Letter.objects.filter(pk=desk.letter.pk).update(due_on=today + dt.timedelta(days=30))
    page = client.get(admin_url("index")).content.decode()
    assert "超期未答复的来信" not in page and "2个工作日内到期的来信" not in page
    soon, _code = letters.submit(desk.channel, LETTER)
    Letter.objects.filter(pk=soon.pk).update(due_on=today)
    page = client.get(admin_url("index")).content.decode()
    assert "2个工作日内到期的来信" in page and soon.tracking_number in page
    editor_page = log_in(backoffice_client, desk.editor).get(admin_url("index")).content.decode()
    assert "群众来信" not in editor_page


def test_int1_site_administrator_configures_a_channel(desk, backoffice_client):  # noqa: F811
    client = log_in(backoffice_client, desk.admin)
    column = desk.channel.column
    body = {"site": desk.site.pk, "name": "市长信箱", "kind": "leader_mailbox", "leader_name": "",
            "column": column.pk, "answer_working_days": 10, "is_open": "on"}  # fmt: skip
    response = client.post(admin_url("interaction_channel_add"), body)
    assert "请填写该信箱所属领导的姓名" in response.content.decode()
    client.post(admin_url("interaction_channel_add"), {**body, "leader_name": "王市长"})
    channel = Channel.objects.get(name="市长信箱")
    assert channel.leader_name == "王市长"
    assert AuditEntry.objects.filter(action=AuditEvent.LETTER_CHANNEL_CREATE).exists()
    other = log_in(backoffice_client, desk.other_admin)
    assert other.get(admin_url("interaction_channel_change", channel.pk)).status_code == 404
    reviewer = log_in(backoffice_client, desk.reviewer)
    assert reviewer.post(admin_url("interaction_channel_delete", channel.pk), {"post": "yes"}).status_code in (403, 404)
    assert Channel.objects.filter(pk=channel.pk).exists()
