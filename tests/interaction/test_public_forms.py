"""INT-1 / INT-6: the letter form of a channel and the status page on the public process.

A logged-in citizen writes as themselves and finds the letter in "my letters"; without an account
only where the channel allows it (with a query code shown once); a wrong check keeps what was
typed; rate limits; a wrong code tells nothing; another site's channel is not found on this host;
the script-injection corpus typed into every field comes back as text only.
"""

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.test import Client

from interaction import letters, senders
from interaction.models import Letter
from interaction.models.letters import LetterStatus
from tests.factories import SiteFactory
from tests.interaction.test_citizens import registered, text_check
from tests.interaction.test_letters_submit import make_channel
from tests.security.payloads import XSS_PAYLOADS

pytestmark = pytest.mark.django_db
LETTER = {"title": "小区门口路灯不亮", "body": "幸福路12号小区门口的路灯已经坏了两周，夜间出行不便。",
          "writer_name": "李四", "writer_phone": "13812345678", "writer_email": ""}  # fmt: skip


@pytest.fixture(autouse=True)
def fresh():
    cache.clear()
    senders.OUTBOX.clear()
    yield
    cache.clear()


def client_for(site):
    return Client(HTTP_HOST=site.primary_domain)


def write(client, channel, **data):
    path = f"/interaction/write/{channel.pk}/"
    return client.post(path, {**LETTER, **text_check(client), **data})


def code_of(page: str) -> str:
    return re.search(r"查询码</dt><dd class=\"token\">([A-Z0-9]+)<", page).group(1)


def test_int1_anonymous_letter_gets_number_and_code_once_and_status_shows_it():
    channel = make_channel(allows_anonymous=True)
    client = client_for(channel.site)
    page = client.get(f"/interaction/write/{channel.pk}/").content.decode()
    assert 'data-suggest="qa"' in page and "/search/similar.js" in page and 'name="SiteName"' in page
    response = write(client, channel)
    page = response.content.decode()
    assert response.status_code == 200 and "信件已提交" in page
    letter = Letter.objects.get()
    code = code_of(page)
    assert letter.tracking_number in page and letters.find(letter.tracking_number, code) == letter
    response = client.post("/interaction/status/", {"number": letter.tracking_number, "code": code})
    page = response.content.decode()
    assert "路灯已经坏了两周" in page and "李*" in page and "138****5678" in page
    assert "13812345678" not in page and "李四" not in page and code not in page.replace(f'value="{code}"', "")


def test_int1_anonymous_refused_where_the_channel_requires_an_account():
    channel = make_channel(allows_anonymous=False)
    client = client_for(channel.site)
    page = client.get(f"/interaction/write/{channel.pk}/").content.decode()
    assert '请先<a href="/interaction/account/login/' in page and 'name="body"' not in page
    write(client, channel)
    assert not Letter.objects.exists()


def test_int6_citizen_letter_appears_in_my_letters_and_status_without_code():
    channel = make_channel(allows_anonymous=False)
    client = client_for(channel.site)
    citizen = registered(client, "13912345678")
    page = client.get(f"/interaction/write/{channel.pk}/").content.decode()
    assert "139****5678" in page and "13912345678" not in page
    page = write(client, channel, writer_phone="", writer_name="").content.decode()
    assert "信件已提交" in page and "查询码" not in page
    letter = Letter.objects.get()
    assert letter.citizen == citizen and letter.writer_phone == "13912345678"  # the account's contact
    home = client.get("/interaction/account/").content.decode()
    assert letter.tracking_number in home and "小区门口路灯不亮" in home
    assert f'href="/interaction/write/{channel.pk}/"' in home
    page = client.post("/interaction/status/", {"mine": letter.tracking_number}).content.decode()
    assert "办理过程" in page and "路灯已经坏了两周" in page and "注册用户" in page and "139****5678" in page
    assert "13912345678" not in page
    other = client_for(channel.site)  # someone else cannot open it without the code
    assert "办理过程" not in other.post("/interaction/status/", {"mine": letter.tracking_number}).content.decode()


def test_int1_wrong_check_keeps_what_was_typed():
    channel = make_channel()
    client = client_for(channel.site)
    response = write(client, channel, check_answer="99")
    page = response.content.decode()
    assert response.status_code == 400 and "验证" in page and not Letter.objects.exists()
    assert 'value="小区门口路灯不亮"' in page and "路灯已经坏了两周，夜间出行不便。</textarea>" in page
    assert 'value="13812345678"' in page


def test_int1_length_limit_and_sanitiser():
    channel = make_channel()
    client = client_for(channel.site)
    response = write(client, channel, body="长" * 4001)
    assert response.status_code == 400 and "4000" in response.content.decode()
    write(client, channel, title="<b>路灯</b>不亮")
    assert Letter.objects.get().title == "路灯不亮"


def test_int1_rate_limit_per_address_keeps_the_text():
    channel = make_channel()
    client = client_for(channel.site)
    for _ in range(10):
        write(client, channel, check_answer="99")
    response = write(client, channel)
    page = response.content.decode()
    assert response.status_code == 429 and "分钟" in page and 'value="小区门口路灯不亮"' in page
    assert not Letter.objects.exists()


def test_int6_rate_limit_per_account(monkeypatch):
    from interaction import letter_views

    monkeypatch.setattr(letter_views, "ACCOUNT_WRITE_LIMIT", 2)
    channel = make_channel()
    client = client_for(channel.site)
    registered(client)
    assert write(client, channel).status_code == 200
    assert write(client, channel).status_code == 200
    assert write(client, channel).status_code == 429
    assert Letter.objects.count() == 2


def test_int1_status_with_a_wrong_code_tells_nothing():
    channel = make_channel()
    letter, code = letters.submit(channel, LETTER)
    client = client_for(channel.site)
    wrong = client.post("/interaction/status/", {"number": letter.tracking_number, "code": "ABCDEFGHJK"})
    unknown = client.post("/interaction/status/", {"number": "209901010001", "code": code})
    for response in (wrong, unknown):
        page = response.content.decode()
        assert response.status_code == 200 and "小区门口路灯不亮" not in page and "办理过程" not in page
        assert "没有与该信件编号和查询码相符的信件" in page
    assert wrong.content.decode().count("信件编号和查询码") == unknown.content.decode().count("信件编号和查询码")
    other = client_for(SiteFactory())  # the right code on another site's host
    assert "小区门口" not in other.post("/interaction/status/", {"number": letter.tracking_number,
                                                              "code": code}).content.decode()  # fmt: skip


def test_int1_answer_shown_after_review_only():
    channel = make_channel()
    letter, code = letters.submit(channel, LETTER)
    Letter.objects.filter(pk=letter.pk).update(answer="已安排维修。", replying_department="市城管局",
                                               status=LetterStatus.ANSWERED)  # fmt: skip
    client = client_for(channel.site)
    page = client.post("/interaction/status/", {"number": letter.tracking_number, "code": code}).content.decode()
    assert "已安排维修" not in page
    Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.PUBLISHED)
    page = client.post("/interaction/status/", {"number": letter.tracking_number, "code": code}).content.decode()
    assert "已安排维修" in page and "市城管局" in page


def test_int1_another_sites_channel_is_not_found_on_this_host():
    channel = make_channel()
    other = SiteFactory()
    assert client_for(other).get(f"/interaction/write/{channel.pk}/").status_code == 404
    assert client_for(channel.site).get(f"/interaction/write/{channel.pk}/").status_code == 200


def test_int1_closed_channel_takes_no_letters():
    channel = make_channel(is_open=False)
    client = client_for(channel.site)
    assert client.get(f"/interaction/write/{channel.pk}/").status_code == 404
    write(client, channel)
    assert not Letter.objects.exists()


class _Active(HTMLParser):
    """What of a page could run or load something: handlers, script addresses, scripts."""

    def __init__(self):
        super().__init__()
        self.found, self.in_script = [], False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "value":  # an input's text: shown as typed, never run
                continue
            value = (value or "").strip().lower()
            if name.startswith("on") or value.startswith(("javascript:", "data:text/html")) or "xss.example" in value:
                self.found.append((tag, name, value))
        self.in_script = tag == "script"
        if tag in ("iframe", "object", "embed", "svg", "base"):
            self.found.append((tag,))

    def handle_endtag(self, tag):
        self.in_script = False if tag == "script" else self.in_script

    def handle_data(self, data):
        if self.in_script and "alert" in data:
            self.found.append(("inline", data))


def active_parts(html: str) -> list:
    parser = _Active()
    parser.feed(html)
    return parser.found


def test_int1_injection_corpus_in_every_field_is_shown_as_text(monkeypatch):
    """INT-1, SEC-7: every payload of the corpus in every field, on the refused form (kept input),
    the receipt and the status page: no tag of it reaches the page."""
    from interaction import letter_views

    monkeypatch.setattr(letter_views, "WRITE_LIMIT", 10_000)
    monkeypatch.setattr(letter_views, "LOOKUP_LIMIT", 10_000)
    channel = make_channel()
    client = client_for(channel.site)
    fields = ("title", "body", "writer_name", "writer_phone", "writer_email")
    for payload in XSS_PAYLOADS:
        typed = {name: payload for name in fields}
        kept = write(client, channel, check_answer="99", **typed).content.decode()
        sent = write(client, channel, **{**typed, "title": "路灯" + payload[:80], "writer_phone": "",
                                         "writer_email": ""}).content.decode()  # fmt: skip
        for html in (kept, sent):
            assert active_parts(html) == [], payload
        match = re.search(r"查询码</dt><dd class=\"token\">([A-Z0-9]+)<", sent)
        if match:
            letter = Letter.objects.order_by("-id").first()
            status = client.post("/interaction/status/", {"number": letter.tracking_number, "code": match.group(1)})
            assert "办理过程" in status.content.decode()
            assert active_parts(status.content.decode()) == [], payload
    assert Letter.objects.exists()
    for letter in Letter.objects.all():
        assert not re.search(r"<[a-z]+[\s/>]", letter.title + letter.body + letter.writer_name, re.I)  # no tag stored


def test_int1_refusals_are_in_chinese():
    """INT-1: every message of a refused letter is Chinese (no English, no raw code)."""
    channel = make_channel()
    client = client_for(channel.site)
    page = write(client, channel, title="", body="长" * 4001, writer_phone="abc", writer_email="bad").content.decode()
    main = re.sub(r"<[^>]+>", " ", page[page.index("<main") : page.index("</main>")])
    assert "请填写正确的电子邮箱地址" in main and "4000" in main
    assert re.findall(r"[A-Za-z]{4,}", main.replace("name@example.com", "")) == []


def test_int1_form_needs_the_csrf_token():
    channel = make_channel()
    client = Client(HTTP_HOST=channel.site.primary_domain, enforce_csrf_checks=True)
    response = client.post(f"/interaction/write/{channel.pk}/", {**LETTER, **text_check(client)})
    assert response.status_code == 403 and not Letter.objects.exists()
