"""友情链接 (LINK-4): proposed by one person and approved by another site administrator, shown in
the home page's links area (non-government ones behind the external-link notice), re-checked on a
schedule against a local server (127.0.0.1), flagged or dropped when unreachable or changed."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from monitoring.friend_link_checks import check_friend_links, fetch
from monitoring.friend_links import (
    DROP_AFTER,
    Fetched,
    apply_check,
    approve_friend_link,
    confirm_friend_link,
    propose_friend_link,
)
from monitoring.lines import REGISTRY, CheckContext, State
from monitoring.models.links import FriendLink, FriendLinkCheck, FriendLinkState
from publishing.publisher import publish_site
from sites.models import Membership, Role
from tests.factories import UserFactory
from tests.monitoring.link_servers import link_server
from tests.rendering.conftest import Builder

NOW = timezone.make_aware(dt.datetime(2024, 6, 10, 4, 43))


@pytest.fixture
def build(db, settings):
    settings.LINKCHECK_FRIEND_HOST_INTERVAL = 0.0
    settings.LINKCHECK_TIMEOUT = 5
    b = Builder(Path(settings.PUBLISH_ROOT))
    b.xwzx = b.column("xwzx", "新闻中心", channel=True)
    b.article(b.xwzx, "示例市召开全市工作会议")
    b.editor = UserFactory(username="friend-editor")
    b.admin = UserFactory(username="friend-admin")
    b.other_admin = UserFactory(username="friend-admin-2")
    Membership.objects.create(user=b.editor, site=b.site, role=Role.EDITOR)
    Membership.objects.create(user=b.admin, site=b.site, role=Role.SITE_ADMIN)
    Membership.objects.create(user=b.other_admin, site=b.site, role=Role.SITE_ADMIN)
    return b


def home(build) -> str:
    return (Path(build.root) / build.site.primary_domain / "index.html").read_text("utf-8")


def approved(build, name, url):
    link = propose_friend_link(build.site, name=name, url=url, acting_user=build.editor)
    return approve_friend_link(link, acting_user=build.admin)


def test_link4_approval_by_someone_other_than_the_proposer(build):
    link = propose_friend_link(
        build.site, name="示例省人民政府", url="https://www.sheng.gov.cn/", acting_user=build.admin
    )
    with pytest.raises(PermissionDenied, match="someone other than the person who proposed"):
        approve_friend_link(link, acting_user=build.admin)
    with pytest.raises(PermissionDenied):  # an editor proposes, never approves
        approve_friend_link(link, acting_user=build.editor)
    link = approve_friend_link(link, acting_user=build.other_admin)
    assert link.state == FriendLinkState.APPROVED and link.decided_by == build.other_admin
    kinds = list(AuditEntry.objects.filter(object_id=str(link.pk)).values_list("action", flat=True))
    assert AuditEvent.FRIEND_LINK_PROPOSE in kinds and AuditEvent.FRIEND_LINK_APPROVE in kinds


def test_link4_someone_without_a_role_on_the_site_cannot_propose(build):
    with pytest.raises(PermissionDenied):
        propose_friend_link(build.site, name="某网站", url="https://www.x.gov.cn/", acting_user=UserFactory())


def test_link4_approved_links_are_shown_in_the_home_page_links_area(build):
    publish_site(build.site.pk)
    assert "友情链接" not in home(build)  # no approved link: no empty area
    approved(build, "示例省人民政府", "https://www.sheng.gov.cn/")
    approved(build, "示例报社", "https://news.example.com/")
    waiting = propose_friend_link(build.site, name="待审网站", url="https://www.wait.gov.cn/", acting_user=build.editor)
    publish_site(build.site.pk)
    page = home(build)
    assert "友情链接" in page and '<a href="https://www.sheng.gov.cn/">示例省人民政府</a>' in page
    # A non-government site opens behind the external-link notice (LINK-3).
    assert '<a href="/-/external.html?url=https%3A%2F%2Fnews.example.com%2F">示例报社</a>' in page
    assert waiting.name not in page


def test_link4_recheck_flags_a_changed_title_and_a_person_confirms_it(build):
    with link_server() as server:
        server.page("/portal", "示例省人民政府门户网站")
        link = approved(build, "示例省人民政府", f"{server.base}/portal")
        assert check_friend_links(now=NOW) == {"addresses": 1, "links": 1}
        link.refresh_from_db()
        assert link.state == FriendLinkState.APPROVED and link.expected_title == "示例省人民政府门户网站"
        server.page("/portal", "某某娱乐城")  # the domain was sold: same address, another site
        check_friend_links(now=NOW + dt.timedelta(days=1))
    link.refresh_from_db()
    assert link.state == FriendLinkState.FLAGGED and link.last_check == FriendLinkCheck.TITLE_CHANGED
    assert "某某娱乐城" in link.last_detail
    publish_site(build.site.pk)
    measurement = REGISTRY["links_wrong"].measure(build.site, CheckContext(NOW.date(), NOW))
    assert [o.label for o in measurement.offenders] == ["友情链接：示例省人民政府"]
    with pytest.raises(PermissionDenied):  # the proposer does not confirm either… nor does an editor
        confirm_friend_link(link, acting_user=build.editor)
    link = confirm_friend_link(link, acting_user=build.admin)
    assert link.state == FriendLinkState.APPROVED and link.expected_title == "某某娱乐城"


def test_link4_unreachable_is_flagged_then_dropped_and_leaves_the_links_area(build):
    with link_server() as server:
        link = approved(build, "示例县人民政府", f"{server.base}/gone")
        for day in range(DROP_AFTER):
            check_friend_links(now=NOW + dt.timedelta(days=day))
            link.refresh_from_db()
            expected = FriendLinkState.FLAGGED if day < DROP_AFTER - 1 else FriendLinkState.DROPPED
            assert link.state == expected and link.failures == day + 1, day
    assert "404" in link.last_detail
    assert AuditEntry.objects.filter(action=AuditEvent.FRIEND_LINK_DROP, object_id=str(link.pk)).exists()
    publish_site(build.site.pk)
    assert "示例县人民政府" not in home(build)


def test_link4_a_flagged_unreachable_link_that_answers_again_is_shown_normally(build):
    with link_server() as server:
        link = approved(build, "示例县人民政府", f"{server.base}/portal")
        check_friend_links(now=NOW)
        link.refresh_from_db()
        assert link.state == FriendLinkState.FLAGGED
        server.page("/portal", "示例县人民政府")
        check_friend_links(now=NOW + dt.timedelta(days=1))
    link.refresh_from_db()
    assert link.state == FriendLinkState.APPROVED and link.failures == 0


def test_link4_a_redirect_to_another_host_drops_it_at_once(build):
    with link_server() as server:
        server.redirect("/portal", "{other}/casino")  # another host name of the local server
        server.page("/casino", "娱乐")
        link = approved(build, "某协会", f"{server.base}/portal")
        check_friend_links(now=NOW)
    link.refresh_from_db()
    assert link.state == FriendLinkState.DROPPED and link.last_check == FriendLinkCheck.MOVED
    assert "localhost" in link.last_detail


def test_link4_a_government_link_leading_to_a_non_government_host_changed_character(build):
    link = approved(build, "示例省人民政府", "https://www.sheng.gov.cn/")
    link = apply_check(link, Fetched(True, "https://ads.example.com/landing", "广告"), now=NOW)
    assert link.state == FriendLinkState.DROPPED and link.last_check == FriendLinkCheck.LEFT_GOVERNMENT
    assert link.last_detail == "跳转到非政府网站 ads.example.com"


def test_link4_fetch_reads_the_title_in_the_page_charset(build):
    with link_server() as server:
        body = "<html><head><meta charset=gbk><title>示例 网站</title></head></html>".encode("gbk")
        server.routes["/gbk"] = (200, {"Content-Type": "text/html"}, body)
        assert fetch(f"{server.base}/gbk").title == "示例 网站"
        assert not fetch(f"{server.base}/none").reachable


def test_link4_only_shown_links_of_monitored_sites_are_rechecked(build):
    waiting = propose_friend_link(build.site, name="待审网站", url="http://127.0.0.1:9/", acting_user=build.editor)
    seen = []
    check_friend_links(now=NOW, fetcher=lambda url: seen.append(url) or Fetched(True, url, "x"))
    assert seen == [] and FriendLink.objects.get(pk=waiting.pk).last_checked_at is None


def test_link4_friend_links_line_state(build):
    link = approved(build, "示例县人民政府", "https://www.xian.gov.cn/")
    apply_check(link, Fetched(False, detail="无法连接"), now=NOW)
    publish_site(build.site.pk)
    measurement = REGISTRY["links_broken"].measure(build.site, CheckContext(NOW.date(), NOW))
    assert "友情链接：示例县人民政府" in [o.label for o in measurement.offenders]
    assert REGISTRY["links_broken"].state_of(measurement.value) == State.WARNING
