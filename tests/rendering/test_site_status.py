"""Only sites whose status allows public pages are published (SITE-5 to SITE-7, PUB-8).

Approved, online and migrating sites are published; applying, temporarily offline and closed
ones are skipped by every entry point of the publisher, which says so (log, command output).
"""

import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from publishing.models import PublishedFile
from publishing.publisher import SiteNotPublic, publish_changes, publish_site
from sites.models import PUBLISHED_STATUSES, SiteStatus
from tests.rendering.conftest import DOMAIN

NOT_PUBLISHED = [s for s in SiteStatus if s not in PUBLISHED_STATUSES]


def set_status(site, status):
    site.status = status
    site.save(update_fields=["status"])


def home(root):
    target = root / DOMAIN / "index.html"
    return target.read_bytes() if target.is_file() else None


def test_the_published_statuses():  # SITE-5, SITE-6, SITE-7
    assert set(PUBLISHED_STATUSES) == {SiteStatus.APPROVED, SiteStatus.ONLINE, SiteStatus.MIGRATING}


@pytest.mark.parametrize("status", list(SiteStatus))
def test_a_site_is_published_in_full_only_in_a_published_status(portal, status):  # PUB-8, SITE-5..7
    set_status(portal.site, status)

    reports = publish_changes(site_ids=[portal.site.pk])

    published = status in PUBLISHED_STATUSES
    assert [r.mode for r in reports] == (["full"] if published else [])
    assert (home(portal.root) is not None) == published
    assert PublishedFile.objects.filter(site=portal.site).exists() == published


@pytest.mark.parametrize("status", list(SiteStatus))
def test_changes_are_published_only_in_a_published_status(portal, status):  # PUB-8, SITE-5..7
    publish_site(portal.site.pk)
    set_status(portal.site, status)
    new = portal.article(portal.gzdt, "示例市召开新闻发布会")

    reports = publish_changes(resource_ids=[new.pk])

    published = status in PUBLISHED_STATUSES
    assert [r.mode for r in reports] == (["changes"] if published else [])
    assert ("示例市召开新闻发布会" in home(portal.root).decode()) == published
    assert (portal.root / DOMAIN / f"xwzx/gzdt/{new.pk}.html").exists() == published


@pytest.mark.parametrize("status", NOT_PUBLISHED)
def test_publish_site_refuses_a_site_that_may_not_be_public(portal, status):  # PUB-8
    set_status(portal.site, status)

    with pytest.raises(SiteNotPublic, match=f"is not published: its status is {status}"):
        publish_site(portal.site.pk)
    assert home(portal.root) is None


def test_a_skipped_site_is_logged_and_the_other_sites_are_published(portal, caplog):  # PUB-8
    other = portal.make_site("示例市另一政府", "www.other.gov.cn", status=SiteStatus.CLOSED)
    shared = portal.column("tzgg", "通知公告", site=other)
    article = portal.article(shared, "两站共用的通知")

    with caplog.at_level(logging.INFO, logger="publishing.publisher"):
        reports = publish_changes(resource_ids=[article.pk], site_ids=[portal.site.pk])

    assert [r.domain for r in reports] == [DOMAIN]
    assert f"skipped: 示例市另一政府 (site {other.pk}) is not published: its status is closed" in caplog.text
    assert not (portal.root / "www.other.gov.cn").exists()


def test_an_offline_sites_files_stay_as_they_were(portal):  # SITE-6: the public process answers from them
    publish_site(portal.site.pk)
    before = {p: p.read_bytes() for p in (portal.root / DOMAIN).rglob("*") if p.is_file()}
    set_status(portal.site, SiteStatus.OFFLINE)
    portal.article(portal.gzdt, "下线期间的新闻")

    assert publish_changes(site_ids=[portal.site.pk]) == []

    after = {p: p.read_bytes() for p in (portal.root / DOMAIN).rglob("*") if p.is_file()}
    assert after == before and any(p.name == "site.css" for p in after)


def test_the_command_skips_the_sites_that_may_not_be_public_and_says_so(portal):  # PUB-8
    closed = portal.make_site("示例市旧政府", "www.old.gov.cn", status=SiteStatus.CLOSED)
    applying = portal.make_site("示例市新政府", "www.new.gov.cn", status=SiteStatus.APPLYING, id_code="")
    out = StringIO()

    call_command("publish", "--all", stdout=out)

    text = out.getvalue()
    assert f"{DOMAIN} (full):" in text
    assert f"skipped: 示例市旧政府 (site {closed.pk}) is not published: its status is closed" in text
    assert f"skipped: 示例市新政府 (site {applying.pk}) is not published: its status is applying" in text
    assert "2 site(s) skipped: their status allows no public pages" in text
    assert home(portal.root) is not None
    assert not (portal.root / "www.old.gov.cn").exists() and not (portal.root / "www.new.gov.cn").exists()


def test_the_command_fails_for_a_named_site_that_may_not_be_public(portal):  # PUB-8
    set_status(portal.site, SiteStatus.APPLYING)

    with pytest.raises(CommandError, match="is not published: its status is applying"):
        call_command("publish", "--site", DOMAIN, stdout=StringIO())
    assert home(portal.root) is None


def test_a_site_that_no_longer_exists_is_skipped(portal, caplog):  # PUB-8: merged requests may name one
    gone = portal.site.pk + 1000

    with caplog.at_level(logging.INFO, logger="publishing.publisher"):
        reports = publish_changes(site_ids=[portal.site.pk, gone])

    assert [r.domain for r in reports] == [DOMAIN]
    assert f"skipped: site {gone} does not exist" in caplog.text
