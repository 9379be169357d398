"""The lifecycle and the publisher: a site's pages are written only while its status allows public
pages (sites.models.PUBLISHED_STATUSES), and the action that makes it publishable publishes it
(SITE-5, SITE-6, SITE-7, PUB-8)."""

import pytest

from lifecycle import archiving, decisions, migration, offline
from sites.models import SiteStatus
from tests.lifecycle.conftest import column, page, public_get, publish_article, soon
from tests.lifecycle.test_opening import apply

pytestmark = pytest.mark.django_db


def test_an_applying_site_is_published_once_its_opening_is_approved(platform, committed):  # SITE-5, PUB-8
    site = apply(platform).site
    news = column(site, "gzdt", "工作动态", is_channel=True)
    staff = platform.staff(site, "new")
    with committed():
        article = publish_article(site, news, "应急管理局筹建工作推进会", staff)
    assert page(site) is None  # not approved yet: nothing of it is public

    with committed():
        decisions.approve(site.applications.get(), acting_user=platform.platform_admin)

    site.refresh_from_db()
    assert site.status == SiteStatus.APPROVED
    assert "应急管理局筹建工作推进会" in page(site)
    assert page(site, f"gzdt/{article.pk}.html") is not None


def test_changes_made_while_offline_are_published_when_the_site_returns(platform, committed):  # SITE-6, PUB-8
    with committed():  # published while online: the files the offline notice's frame needs
        publish_article(platform.dept, platform.dept_news, "水务局召开工作会议", platform.dept_staff)
    application = offline.apply_for_offline(
        platform.dept, starts_at=soon(days=0, hours=-1), ends_at=soon(days=20), reason="网站系统升级改造",
        acting_user=platform.dept_staff.admin,
    )  # fmt: skip
    decisions.approve(application, acting_user=platform.platform_admin)
    with committed():
        offline.take_offline(application, acting_user=platform.dept_staff.admin)
    home_before = page(platform.dept)

    with committed():
        article = publish_article(platform.dept, platform.dept_news, "下线期间整理的通知", platform.dept_staff)

    assert page(platform.dept) == home_before and page(platform.dept, f"gzdt/{article.pk}.html") is None
    assert public_get(platform.dept.primary_domain, "/").status_code == 503  # the notice, as before
    assert public_get(platform.dept.primary_domain, "/-/site.css").status_code == 200
    planned = soon(days=7, hours=1)
    back = offline.apply_for_return(platform.dept, planned_at=planned, reason="升级完成",
                                    acting_user=platform.dept_staff.admin)  # fmt: skip
    decisions.approve(back, acting_user=platform.platform_admin)

    with committed():
        offline.return_online(back, acting_user=platform.dept_staff.admin, now=planned)

    assert "下线期间整理的通知" in page(platform.dept)
    assert page(platform.dept, f"gzdt/{article.pk}.html") is not None


def test_a_migrating_site_is_published_and_a_closed_one_no_longer(platform, committed):  # SITE-7, SITE-9
    with committed():
        publish_article(platform.dept, platform.dept_news, "水务局召开工作会议", platform.dept_staff)
    application = migration.apply_for_migration(platform.dept, target_site=platform.city, reason="机构改革",
                                                acting_user=platform.dept_staff.admin)  # fmt: skip
    with committed():
        decisions.approve(application, acting_user=platform.platform_admin)
    assert "迁移公告" in page(platform.dept)  # migrating: the notice is published on its home page
    with committed():
        migration.migrate_content(application, default_column=platform.city_news, acting_user=platform.platform_admin)
        migration.complete_migration(application, acting_user=platform.platform_admin)
    closed_home = page(platform.dept)

    with committed():
        archiving.archive_site(platform.dept, acting_user=platform.platform_admin)

    platform.dept.refresh_from_db()
    assert platform.dept.status == SiteStatus.CLOSED
    assert page(platform.dept) == closed_home and "已归档" not in closed_home  # closed: not published again
