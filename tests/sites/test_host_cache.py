"""The public process's host cache (sites/host_cache.py): a known host costs no query, and every
change of a site, its domains or its redirects is seen by the very next request (PUB-8, SITE-3).

Changes are made through the real actions (lifecycle.site_settings, lifecycle). The first request of
each test loads the host; the request after the change must not answer from what was loaded.
"""

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from columns.models import Column
from lifecycle import column_changes as column_actions
from lifecycle import decisions, migration, offline
from lifecycle import site_settings as site_actions
from sites import host_cache
from sites.models import Domain, Redirect, SiteStatus
from tests.factories import SiteFactory
from tests.lifecycle.conftest import committed, platform, publish_article, soon  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def publish_file(domain: str, text: str = "首页", path: str = "index.html") -> None:
    target = Path(settings.PUBLISH_ROOT) / domain / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"<p>{text}</p>", encoding="utf-8")


def get(host: str, path: str = "/"):
    return Client(HTTP_HOST=host).get(path)


def text(response) -> str:
    return b"".join(response.streaming_content).decode()


# --- no query for a known host --------------------------------------------------------------------


def test_the_second_lookup_of_a_host_costs_no_query(django_assert_num_queries):  # SITE-3, PUB-8
    site = SiteFactory()
    host = site.primary_domain

    with django_assert_num_queries(2):  # the site with `may_redirect`, its domains
        first = host_cache.site_for_host(host)
    with django_assert_num_queries(0):
        again = host_cache.site_for_host(f"{host.upper()}.localhost:8000")  # the same host, normalised
        assert again == first == site
        assert again.primary_domain == host and again.may_redirect is False


def test_a_published_page_costs_no_query_on_a_warm_cache(django_assert_num_queries):  # PUB-8
    site = SiteFactory(status=SiteStatus.ONLINE)
    publish_file(site.primary_domain, "首页")
    client = Client(HTTP_HOST=site.primary_domain)
    assert client.get("/").status_code == 200

    with django_assert_num_queries(0):
        response = client.get("/")

    assert response.status_code == 200 and "首页" in text(response)


def test_each_caller_gets_its_own_copy_of_the_site():  # PUB-8
    site = SiteFactory()
    first = host_cache.site_for_host(site.primary_domain)
    first.name = "改过的名称"

    assert host_cache.site_for_host(site.primary_domain).name == site.name


def test_unknown_hosts_get_404_and_are_remembered(django_assert_num_queries):  # SITE-3, PUB-8
    SiteFactory()
    client = Client(HTTP_HOST="www.nosuch.gov.cn")
    assert client.get("/").status_code == 404

    with django_assert_num_queries(0):
        assert client.get("/").status_code == 404
        assert client.get("/zwgk/index.html").status_code == 404


# --- every change is seen by the next request -----------------------------------------------------


def test_a_new_domain_drops_the_remembered_unknown_host(platform_admin):  # SITE-3, PUB-8
    site = SiteFactory()
    publish_file(site.primary_domain, "首页")
    assert get("bd.gov.cn").status_code == 404

    site_actions.add_domain(site, "bd.gov.cn", acting_user=platform_admin)

    response = get("bd.gov.cn")
    assert response.status_code == 200 and "首页" in text(response)


def test_a_removed_alias_is_unknown_at_once(platform_admin):  # SITE-3, PUB-8
    site = SiteFactory()
    publish_file(site.primary_domain)
    alias = site_actions.add_domain(site, "bd.gov.cn", acting_user=platform_admin)
    assert get("bd.gov.cn").status_code == 200

    site_actions.remove_domain(alias, acting_user=platform_admin)

    assert get("bd.gov.cn").status_code == 404
    assert get(site.primary_domain).status_code == 200


def test_a_new_primary_domain_is_served_at_once(platform_admin):  # SITE-3, PUB-8
    site = SiteFactory(status=SiteStatus.APPROVED)  # not open yet: the change is not filed, no redirect
    old, new = site.primary_domain, "www.baoding.gov.cn"
    publish_file(old, "旧域名")
    publish_file(new, "新域名")
    domain = site_actions.add_domain(site, new, acting_user=platform_admin)
    assert "旧域名" in text(get(new))  # an alias serves the primary domain's files

    site_actions.set_primary_domain(domain, acting_user=platform_admin)

    assert "新域名" in text(get(new))
    assert "新域名" in text(get(old))  # the old primary is an alias now
    assert host_cache.site_for_host(old).primary_domain == new


def test_taking_a_site_offline_and_back_online_is_seen_at_once(platform, committed):  # noqa: F811 (SITE-6, PUB-8)
    site, staff = platform.dept, platform.dept_staff
    host = site.primary_domain
    publish_file(host)
    assert get(host).status_code == 200
    application = offline.apply_for_offline(site, starts_at=soon(days=0, hours=-1), ends_at=soon(days=20),
                                            reason="网站系统升级改造", acting_user=staff.admin)  # fmt: skip
    decisions.approve(application, acting_user=platform.platform_admin)

    with committed():
        offline.take_offline(application, acting_user=staff.admin)

    assert get(host).status_code == 503
    planned = soon(days=7, hours=1)
    back = offline.apply_for_return(site, planned_at=planned, reason="升级完成", acting_user=staff.admin)
    decisions.approve(back, acting_user=platform.platform_admin)
    assert get(host).status_code == 503

    with committed():
        offline.return_online(back, acting_user=staff.admin, now=planned)

    assert get(host).status_code == 200


def test_a_new_redirect_answers_at_once(platform):  # noqa: F811 (SITE-8, PUB-8)
    host = platform.dept.primary_domain
    assert get(host, "/gzdt/").status_code == 404  # loaded: no redirect for this host or site
    news = Column.objects.get(pk=platform.dept_news.pk)
    news.slug = "zwdt"

    column_actions.update_column(news, acting_user=platform.dept_staff.admin)

    assert get(host, "/gzdt/")["Location"] == "/zwdt/"


def test_moved_content_is_redirected_at_once(platform, committed):  # noqa: F811 (SITE-7, PUB-8)
    with committed():
        article = publish_article(platform.dept, platform.dept_news, "水务局召开防汛工作会议", platform.dept_staff)
    # Applied for by the site's administrator: the platform administrator decides, never their own (SITE-11).
    application = migration.apply_for_migration(platform.dept, target_site=platform.city, reason="机构改革",
                                                acting_user=platform.dept_staff.admin)  # fmt: skip
    decisions.approve(application, acting_user=platform.platform_admin)
    host = platform.dept.primary_domain
    assert get(host, f"/gzdt/{article.pk}.html").status_code == 200
    assert not Redirect.objects.filter(site=platform.dept).exists()

    # The redirects are written with bulk_create, which sends no signal.
    migration.migrate_content(application, default_column=platform.city_news, column_map={},
                              acting_user=platform.platform_admin)  # fmt: skip

    response = get(host, f"/gzdt/{article.pk}.html")
    assert response.status_code == 301
    assert response["Location"] == f"https://{platform.city.primary_domain}/xwzx/{article.pk}.html"


@pytest.mark.django_db(transaction=True)
def test_another_process_sees_a_change_when_it_commits(platform_admin, monkeypatch):  # SITE-3, PUB-8
    # A key of this test's own: with Redis, other test processes share the cache.
    monkeypatch.setattr(host_cache, "VERSION_KEY", f"{host_cache.VERSION_KEY}:{uuid.uuid4().hex}")
    other = host_cache.HostCache()  # another public process: only the shared version reaches it
    site = SiteFactory()
    assert other.site_for_host("bd.gov.cn") is None
    assert other.site_for_host(site.primary_domain) == site
    version = host_cache.shared_version()

    with transaction.atomic():
        site_actions.add_domain(site, "bd.gov.cn", acting_user=platform_admin)
        # Not before the commit: the other process would load the old rows again under the new version.
        assert host_cache.shared_version() == version
        assert other.site_for_host("bd.gov.cn") is None

    assert host_cache.shared_version() != version
    assert other.site_for_host("bd.gov.cn") == site

    Domain.objects.filter(name="bd.gov.cn").delete()  # outside a transaction: at once

    assert other.site_for_host("bd.gov.cn") is None


# --- bounds and backstops -------------------------------------------------------------------------


def test_the_maps_are_bounded_and_random_hosts_do_not_push_sites_out(django_assert_num_queries):  # PUB-8
    assert 1000 <= host_cache.MAX_ENTRIES <= 10_000
    hosts = host_cache.HostCache(max_entries=3)
    sites = [SiteFactory() for _ in range(4)]
    names = [site.primary_domain for site in sites]
    for name in names:
        hosts.site_for_host(name)
    for n in range(50):
        assert hosts.site_for_host(f"www.random{n}.gov.cn") is None

    assert len(hosts) == 6  # 3 sites, 3 unknown hosts
    with django_assert_num_queries(0):
        assert hosts.site_for_host(names[-1]) == sites[-1]
        assert hosts.site_for_host("www.random49.gov.cn") is None
    with django_assert_num_queries(1):  # the least recently used went first
        assert hosts.site_for_host("www.random0.gov.cn") is None
    with django_assert_num_queries(2):
        assert hosts.site_for_host(names[0]) == sites[0]
    assert len(hosts) == 6


def test_an_entry_is_loaded_again_after_its_time(django_assert_num_queries):  # PUB-8
    site = SiteFactory()
    host = site.primary_domain
    hosts = host_cache.HostCache(max_age=0)
    hosts.site_for_host(host)

    with django_assert_num_queries(2):
        assert hosts.site_for_host(host) == site


class BrokenCache:
    def get(self, *args, **kwargs):
        raise ConnectionError("Redis is away")

    add = set = get


def test_without_the_shared_cache_hosts_resolve_from_the_database(monkeypatch, caplog, django_assert_num_queries):
    # PUB-8: the public site stays up and correct when Redis is away; nothing is kept meanwhile.
    site = SiteFactory()
    host = site.primary_domain
    host_cache.site_for_host(host)
    monkeypatch.setattr(host_cache, "_last_complaint", None)
    monkeypatch.setattr(host_cache, "cache", BrokenCache())

    with django_assert_num_queries(4):
        assert host_cache.site_for_host(host) == site
        assert host_cache.site_for_host(host) == site
    assert len(host_cache.hosts) == 0
    assert caplog.text.count("the version cannot be read") == 1  # once a minute, not once a request

    monkeypatch.undo()
    with django_assert_num_queries(2):
        assert host_cache.site_for_host(host) == site
    with django_assert_num_queries(0):
        assert host_cache.site_for_host(host) == site
