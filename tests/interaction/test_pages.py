"""The public listings of letters (INT-2): each channel's column lists its published letters newest
first with their dates, replying department and question; one reply page per published letter (a
normal page: meta tags, footer, the writer masked); the site's statistics; republished through the
change feed by the letters' actions, so that a full rebuild afterwards has nothing to write."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from interaction import letters
from interaction.models.letters import Channel, ChannelKind, Letter, LetterStatus
from publishing.publisher import publish_site
from sites.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.rendering.conftest import Builder, parse

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
LETTER = {"title": "小区门口路灯不亮", "body": "幸福路12号小区门口的路灯已经坏了两周，夜间出行不便。",
          "writer_name": "李四", "writer_phone": "13812345678", "writer_email": "lisi@example.cn"}  # fmt: skip


def at(year, month, day, hour=10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def assert_up_to_date(b):
    """A full rebuild after the incremental publishes finds nothing to write or delete (PUB-8)."""
    report = publish_site(b.site.pk)
    assert report.written == [] and report.deleted == [], (report.written, report.deleted)


@pytest.fixture
def mailbox(settings, tmp_path, monkeypatch):
    """A portal with 互动交流 > 咨询投诉 holding the consultation channel, and a news column."""
    monkeypatch.setattr("publishing.site_publisher.PARTIAL_FALLBACK", False)  # partial loads must be complete
    settings.PUBLISH_ROOT = tmp_path / "publish"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_URL_SCHEME = "https"
    b = Builder(Path(settings.PUBLISH_ROOT))
    b.hdjl = b.column("hdjl", "互动交流", channel=True, column_type="互动交流")
    b.zxts = b.column("zxts", "咨询投诉", parent=b.hdjl, column_type="咨询投诉")
    b.xwzx = b.column("xwzx", "新闻中心", channel=True)
    b.article(b.xwzx, "工作动态一则")
    b.channel = Channel.objects.create(site=b.site, column=b.zxts, name="市长信箱", kind=ChannelKind.LEADER_MAILBOX,
                                       leader_name="王市长", allows_anonymous=True)  # fmt: skip
    b.answerer = MembershipFactory(site=b.site, role=Role.REVIEWER, user=UserFactory(username="p-answer")).user
    b.reviewer = MembershipFactory(site=b.site, role=Role.SITE_ADMIN, user=UserFactory(username="p-review")).user
    return b


def published_rows(b, count: int) -> list[Letter]:
    """Letters answered and published long ago, as the actions leave them (oldest first)."""
    start = dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC)
    out = []
    for n in range(count):
        when = start + dt.timedelta(days=n)
        out.append(Letter.objects.create(
            channel=b.channel, site=b.site, tracking_number=f"2024{n:08d}", query_code_hash="!", title=f"旧来信{n:02d}",
            body=f"第{n}封来信的内容。", received_on=when.date(), answered_on=when.date() + dt.timedelta(days=3),
            answered_at=when, answer=f"第{n}封来信的答复。", replying_department="市政府办公室",
            answered_on_time=True, answer_working_days=3, status=LetterStatus.PUBLISHED, published=True,
            published_at=when,
        ))  # fmt: skip
    return out


def test_int2_channel_column_shown_without_letters_with_write_link(mailbox):
    """INT-2: a channel's column is published with no letter yet: its 写信 link to the form of the
    public process, the statistics link; the statistics page exists."""
    b = mailbox
    publish_site(b.site.pk)
    column = b.read("hdjl/zxts/index.html")
    page = parse(column)
    assert f"/interaction/write/{b.channel.pk}/" in page.links and "写信" in column
    assert "市长信箱（王市长）" in column and "暂无公开的来信" in column
    assert "/_letters/stats.html" in page.links
    assert "/hdjl/zxts/" in parse(b.read("hdjl/index.html")).links  # visible in its channel (COL-4)
    stats = b.read("_letters/stats.html")
    assert "来信办理情况统计" in stats and "暂无来信" in stats
    assert parse(stats).meta["SiteIDCode"] == ["1399000001"]


def test_int2_answer_published_listed_with_its_reply_page_then_withdrawn(mailbox, django_capture_on_commit_callbacks):
    """INT-2: the actions republish the listing through the change feed: a letter answered and
    published appears (received and reply dates, department, question) with its reply page (meta
    tags, footer, writer masked); one kept private never does; the statistics count both; an
    unpublished answer's page is deleted. After each step a full rebuild writes nothing."""
    b = mailbox
    publish_site(b.site.pk)
    with django_capture_on_commit_callbacks(execute=True):
        shown, _code = letters.submit(b.channel, LETTER, now=at(2025, 9, 29))
        private, _code = letters.submit(b.channel, dict(LETTER, title="不公开的来信", writer_name=""),
                                        now=at(2025, 9, 29, 11))  # fmt: skip
    assert_up_to_date(b)
    assert "2025年9月" in b.read("_letters/stats.html")
    with django_capture_on_commit_callbacks(execute=True):
        letters.answer(shown, text="已安排维修，三日内修复。\n感谢来信。", replying_department="城市管理局",
                       acting_user=b.answerer, now=at(2025, 10, 9))  # fmt: skip
        letters.answer(private, text="已处理。", acting_user=b.answerer, now=at(2025, 10, 9))
    assert_up_to_date(b)
    assert "暂无公开的来信" in b.read("hdjl/zxts/index.html")  # answered, not reviewed yet
    with django_capture_on_commit_callbacks(execute=True):
        letters.review(shown, decision=letters.PUBLISH, acting_user=b.reviewer, now=at(2025, 10, 10))
        letters.review(private, decision=letters.KEEP_PRIVATE, private_reason="privacy", acting_user=b.reviewer,
                       now=at(2025, 10, 10))  # fmt: skip
    column = b.read("hdjl/zxts/index.html")
    reply_url = f"/hdjl/zxts/_letters/{shown.pk}.html"
    assert reply_url in parse(column).links
    for text in ("小区门口路灯不亮", "2025-09-29", "2025-10-09", "城市管理局", "幸福路12号"):
        assert text in column, text
    assert "不公开的来信" not in column and not b.file(f"hdjl/zxts/_letters/{private.pk}.html").exists()
    reply = b.read(reply_url[1:])
    page = parse(reply)
    assert page.meta["ArticleTitle"] == ["小区门口路灯不亮"] and page.meta["ColumnName"] == ["咨询投诉"]
    assert page.meta["SiteIDCode"] == ["1399000001"] and page.meta["ContentSource"] == ["城市管理局"]
    assert "已安排维修，三日内修复。" in reply and "感谢来信。" in reply and "<footer" in reply
    assert "李*" in reply and "李四" not in reply and "13812345678" not in reply and "lisi@" not in reply
    stats = b.read("_letters/stats.html")
    assert "<td>2</td><td>2</td><td>2（100%）</td>" in stats, stats  # received, answered, on time
    assert_up_to_date(b)

    with django_capture_on_commit_callbacks(execute=True):
        letters.unpublish(Letter.objects.get(pk=shown.pk), private_reason="privacy", acting_user=b.reviewer)
    assert not b.file(reply_url[1:]).exists()
    assert "小区门口路灯不亮" not in b.read("hdjl/zxts/index.html")
    assert_up_to_date(b)


def test_int2_anonymous_writer_shown_as_such_and_text_never_markup(mailbox):
    """INT-2: a letter written without a name shows 匿名 on its reply page; what citizens and
    handlers typed is shown as text on the list and the reply page (never markup)."""
    b = mailbox
    row = published_rows(b, 1)[0]
    row.writer_name = ""
    row.title = "<script>alert(1)</script>路灯"
    row.body = '<img src=x onerror="alert(2)">坏了'
    row.answer = "<b>已修复</b>"
    row.save()
    publish_site(b.site.pk)
    reply = b.read(f"hdjl/zxts/_letters/{row.pk}.html")
    assert "匿名" in reply
    for page in (reply, b.read("hdjl/zxts/index.html")):
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>已修复" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;路灯" in page


def test_int2_numbered_pages_from_the_oldest_stay_when_a_letter_is_published(mailbox, django_capture_on_commit_callbacks,
                                                                            django_assert_max_num_queries):  # fmt: skip
    """INT-2: 45 published letters: the column shows the 20 newest, page-1 the 20 oldest, page-2
    the next; publishing one more changes neither numbered page; a full rebuild reads the letters
    in a fixed number of queries."""
    b = mailbox
    rows = published_rows(b, 45)
    publish_site(b.site.pk)
    newest = [
        link for link in parse(b.read("hdjl/zxts/index.html")).links if "/_letters/" in link and "page" not in link
    ]
    listed = [link for link in newest if link != "/_letters/stats.html"]
    assert len(listed) == 20 and listed[0] == f"/hdjl/zxts/_letters/{rows[-1].pk}.html"
    first = parse(b.read("hdjl/zxts/_letters/page-1.html"))
    assert f"/hdjl/zxts/_letters/{rows[0].pk}.html" in first.links
    assert f"/hdjl/zxts/_letters/{rows[19].pk}.html" in first.links
    assert f"/hdjl/zxts/_letters/{rows[20].pk}.html" not in first.links
    assert b.file("hdjl/zxts/_letters/page-2.html").exists() and not b.file("hdjl/zxts/_letters/page-3.html").exists()
    before = {n: b.read(f"hdjl/zxts/_letters/page-{n}.html") for n in (1, 2)}
    stats = b.read("_letters/stats.html")
    assert "<td>45</td><td>45</td><td>45（100%）</td><td>3.0</td>" in stats

    with django_capture_on_commit_callbacks(execute=True):
        new, _code = letters.submit(b.channel, LETTER, now=at(2025, 9, 29))
    with django_capture_on_commit_callbacks(execute=True):
        letters.answer(new, text="已答复。", acting_user=b.answerer, now=at(2025, 9, 30))
    with django_capture_on_commit_callbacks(execute=True):
        letters.review(new, decision=letters.PUBLISH, acting_user=b.reviewer, now=at(2025, 9, 30))
    assert f"/hdjl/zxts/_letters/{new.pk}.html" in parse(b.read("hdjl/zxts/index.html")).links
    assert {n: b.read(f"hdjl/zxts/_letters/{n and f'page-{n}'}.html") for n in (1, 2)} == before
    assert_up_to_date(b)
    with django_assert_max_num_queries(60):  # the rows of the site in bulk: no query per letter
        publish_site(b.site.pk)
