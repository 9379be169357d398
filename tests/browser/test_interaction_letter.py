"""INT-1, INT-2, INT-5, INT-6 in Chromium: a citizen registers (the code read from the console
sender's kept messages), writes a letter on a channel while the suggestion box offers the matching
entry of the knowledge base, the back office answers (a reviewer) and approves it for publishing
(the site's administrator), the citizen reads the answer from "my letters", and the letter is in
the channel's published listing and on its reply page (published through the real change feed).
axe (WCAG 2.1 AA) finds no serious problem on the public pages visited."""

import re
import secrets

import pytest

from columns.models import Column
from core import humancheck
from editorial import drafts, workflow
from interaction import channels as channel_actions
from interaction import senders
from interaction.models import ChannelKind, Letter
from resources.models import ResourceKind, ResourceStatus
from search import query, text, vocabulary
from sites.models import Role
from tests.browser.conftest import site_url
from tests.browser.test_accessibility import axe_script, serious_violations  # noqa: F401 (fixture)
from tests.factories import ColumnFactory, MembershipFactory, UserFactory
from tests.helpers import admin_url, browser_log_in

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PHRASE = secrets.token_urlsafe(12) + "-Qy"  # the citizens' password, made per run: none is written in the repository
PHONE = "13912345678"
ANSWER = "社保卡丢失后请先拨打12333挂失，再携带身份证到任一社保卡服务网点补办，当场可取。"


@pytest.fixture(autouse=True)
def fresh_search_state(settings):
    """This process's segmenter, vocabulary and synonyms reloaded around the test."""
    settings.SEARCH_VOCABULARY_CHECK_SECONDS = 0
    text._current.update(version=None, segmenter=None)
    vocabulary.forget()
    query.forget_synonyms()
    senders.OUTBOX.clear()
    yield
    text._current.update(version=None, segmenter=None)
    vocabulary.forget()
    query.forget_synonyms()


def answer_text_check(page) -> None:
    page.get_by_role("button", name="看不清图片？改用文字题").click()
    label = page.locator("label[for=check-answer]").inner_text()
    found = re.search(r"(.)加(.)等于几", label)
    numbers = humancheck.CHINESE_NUMBERS
    page.fill("#check-answer", str(numbers.index(found.group(1)) + numbers.index(found.group(2))))


def letters_desk(site):
    """The site's 互动交流 column with a 咨询投诉 column (its channel) and a knowledge base holding
    one published entry, made through the actions."""
    admin = MembershipFactory(site=site, role=Role.SITE_ADMIN, user=UserFactory(username="letters-admin")).user
    handler = MembershipFactory(site=site, role=Role.REVIEWER, user=UserFactory(username="letters-handler")).user
    editor = MembershipFactory(site=site, role=Role.EDITOR, user=UserFactory(username="qa-editor")).user
    parent = Column.objects.get(site=site, slug="hdjl", parent=None)  # the sample's empty 互动交流 column
    letters = ColumnFactory(site=site, parent=parent, slug="zxts", name="咨询投诉", column_type="咨询投诉")
    knowledge = ColumnFactory(
        site=site, parent=parent, slug="zsk", name="答问知识库", column_type="知识库", review_levels=1
    )
    channel = channel_actions.create_channel(
        site, acting_user=admin, name="咨询", kind=ChannelKind.CONSULTATION, column=letters, allows_anonymous=False
    )
    entry = drafts.create_resource(
        site, ResourceKind.QA, title="社会保障卡丢失了如何补办？", column=knowledge, acting_user=editor,
        data={"question": "我的社会保障卡不慎丢失，应当怎样挂失和补办？", "answer": ANSWER},
    )  # fmt: skip
    workflow.submit(entry, acting_user=editor)
    workflow.approve(entry, acting_user=handler)
    entry.refresh_from_db()
    assert entry.status == ResourceStatus.PUBLISHED
    return channel, entry, handler, admin


def test_int1_int6_citizen_registers_writes_is_answered_and_finds_the_letter_published(
    sample_platform,
    live_server,
    new_page,
    axe_script,  # noqa: F811
    settings,
):
    site = sample_platform.build.site
    domain = sample_platform.domain
    channel, entry, handler, admin = letters_desk(site)
    citizen = new_page()
    citizen.context.add_init_script(axe_script)

    # Registration, with the code the console sender kept (INT-6).
    citizen.goto(site_url(live_server, domain, "/interaction/account/register/"))
    assert citizen.locator("h1").inner_text() == "用户注册"
    assert serious_violations(citizen) == []
    answer_text_check(citizen)
    citizen.fill("#id_contact", PHONE)
    citizen.fill("#id_password", PHRASE)
    citizen.fill("#id_password2", PHRASE)
    citizen.get_by_role("button", name="注册并获取验证码").click()
    assert "验证码已发送" in citizen.content()
    assert serious_violations(citizen) == []
    kind, address, message = senders.OUTBOX[-1]
    assert (kind, address) == ("phone", PHONE)
    if not citizen.locator("#id_contact").input_value():
        citizen.fill("#id_contact", PHONE)
    citizen.fill("#id_code", re.search(r"\d{6}", message).group(0))
    citizen.get_by_role("button", name="验证并登录").click()
    assert citizen.locator("h1").inner_text() == "用户中心"
    assert "139****5678" in citizen.locator("main").inner_text()
    assert serious_violations(citizen) == []

    # The letter form: the suggestion box offers the matching entry while the citizen types (INT-5).
    citizen.goto(site_url(live_server, domain, f"/interaction/write/{channel.pk}/"))
    assert citizen.locator("h1").inner_text() == "咨询"
    citizen.fill("#id_title", "社保卡丢了怎么办")
    citizen.locator("#id_body").press_sequentially("我的社保卡找不到了，要去哪里重新办一张", delay=20)
    suggestions = citizen.locator("[data-knowledge-suggestions=qa]")
    suggestions.wait_for(state="visible")
    offered = suggestions.get_by_role("link", name=re.compile("社会保障卡丢失了如何补办"))
    assert offered.count() >= 1 and offered.first.get_attribute("href").endswith(f"/{entry.pk}.html")
    assert "条" in citizen.locator("[data-knowledge-status=qa]").inner_text()  # announced (aria-live)
    assert serious_violations(citizen) == []
    answer_text_check(citizen)
    citizen.get_by_role("button", name="提交", exact=True).click()
    assert citizen.locator("h1").inner_text() == "信件已提交"
    number = citizen.locator("dd.token").first.inner_text()
    assert serious_violations(citizen) == []
    letter = Letter.objects.get(tracking_number=number)
    assert letter.citizen is not None and letter.channel == channel

    # The back office: a reviewer answers, the site's administrator approves and publishes (INT-2).
    office = new_page()
    browser_log_in(office, live_server.url, handler)
    office.goto(live_server.url + admin_url("interaction_letter_step", letter.pk, "answer"))
    office.fill("#id_text", ANSWER)
    office.fill("#id_replying_department", "市人力资源和社会保障局")
    office.locator("input[type=submit].default").click()
    letter.refresh_from_db()
    assert letter.status == "answered"
    approver = new_page()
    browser_log_in(approver, live_server.url, admin)
    approver.goto(live_server.url + admin_url("interaction_letter_step", letter.pk, "publish"))
    approver.locator("input[type=submit].default").click()
    letter.refresh_from_db()
    assert letter.status == "published" and letter.published

    # The citizen reads the answer from "my letters".
    citizen.goto(site_url(live_server, domain, "/interaction/account/"))
    row = citizen.locator("table.my-letters tr", has_text=number)
    assert "已办结" in row.inner_text()
    row.get_by_role("button", name=re.compile("查看")).click()
    assert ANSWER in citizen.locator(".answer").inner_text()
    assert "市人力资源和社会保障局" in citizen.locator(".answer").inner_text()
    assert serious_violations(citizen) == []

    # Published through the change feed: the channel's listing and the reply page.
    reply_path = f"/hdjl/zxts/_letters/{letter.pk}.html"
    assert ANSWER in (settings.PUBLISH_ROOT / domain / reply_path.lstrip("/")).read_text(encoding="utf-8")
    citizen.goto(site_url(live_server, domain, "/hdjl/zxts/"))
    listed = citizen.get_by_role("link", name="社保卡丢了怎么办")
    assert listed.count() == 1
    assert serious_violations(citizen) == []
    listed.click()
    assert ANSWER in citizen.locator("main").inner_text()
    assert PHONE not in citizen.content()
    assert serious_violations(citizen) == []
    assert citizen.problems == [] and office.problems == [] and approver.problems == []
