"""Migration and permanent offline: approval, notice, content moved, redirects, announcement (SITE-7)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from editorial.models import Placement, PlacementStatus
from editorial.placements import accept_repost, place
from editorial.scheduling import unpublish_due
from lifecycle import decisions, migration
from lifecycle.models import ApplicationStatus, RegistrationCancellation, RegistrationItem
from lifecycle.rules import add_months
from resources.models import Resource
from sites.models import Redirect, SiteKind, SiteStatus
from tests.factories import SiteFactory
from tests.lifecycle.conftest import audit_actions, column, page, public_get, publish_article, routed

pytestmark = pytest.mark.django_db


def apply(platform, target, site=None):
    """Applied for by a platform administrator other than the one who decides (SITE-11, PUB-1)."""
    site = site or platform.dept
    return migration.apply_for_migration(site, target_site=target, reason="机构改革，职责划入市政府办公室",
                                         acting_user=platform.other_admin)  # fmt: skip


def test_a_portal_cannot_be_closed(platform):  # SITE-7
    county = SiteFactory(name="示范市青山县人民政府", parent=platform.city, status=SiteStatus.ONLINE)

    with pytest.raises(ValidationError, match=r"A portal cannot be closed .*政府门户网站一般不得关停"):
        apply(platform, None, site=county)


def test_a_portal_is_retired_only_into_another_portal(platform):  # SITE-7
    county = SiteFactory(name="示范市青山县人民政府", parent=platform.city, status=SiteStatus.ONLINE)

    with pytest.raises(ValidationError, match="can only be retired by migrating its content into another portal"):
        apply(platform, platform.dept, site=county)
    application = apply(platform, platform.city, site=county)

    assert application.status == ApplicationStatus.PENDING


def test_a_portal_with_sites_under_it_is_not_retired(platform):  # SITE-7
    other = SiteFactory(name="示范市人民政府（新）", status=SiteStatus.ONLINE)

    with pytest.raises(ValidationError, match="still has sites under it"):
        apply(platform, other, site=platform.city)


def test_a_department_site_migrates_into_an_online_site_only(platform):  # SITE-7
    with pytest.raises(ValidationError, match="Choose the site the content moves to"):
        apply(platform, None)
    offline_portal = SiteFactory(name="示范市另一政府", status=SiteStatus.APPROVED)
    with pytest.raises(ValidationError, match="is not online"):
        apply(platform, offline_portal)
    with pytest.raises(ValidationError, match="cannot migrate into itself"):
        apply(platform, platform.dept)
    with pytest.raises(PermissionDenied):
        migration.apply_for_migration(platform.dept, target_site=platform.city, reason="合并",
                                      acting_user=platform.dept_staff.editor)  # fmt: skip


def test_approval_starts_the_migration(platform, committed):  # SITE-7
    application = apply(platform, platform.city)
    with committed():
        publish_article(platform.dept, platform.dept_news, "水务局召开防汛工作会议", platform.dept_staff)
        decisions.approve(application, acting_user=platform.platform_admin)

    platform.dept.refresh_from_db()
    assert platform.dept.status == SiteStatus.MIGRATING
    assert application.due_at == add_months(application.decided_at, 3)  # T art.8(一): within three months
    home = page(platform.dept)
    assert "迁移公告" in home and "示范市人民政府" in home and 'class="site-notice' in home
    items = set(RegistrationCancellation.objects.filter(site=platform.dept).values_list("item", "value"))
    assert items == {
        (RegistrationItem.ID_CODE, "1399000004"),
        (RegistrationItem.ICP, "冀ICP备20260001号-4"),
        (RegistrationItem.PSB, "冀公网安备 13999902000004号"),
        (RegistrationItem.CONAC, "DEMO-4"),
        (RegistrationItem.DOMAIN, platform.dept.primary_domain),
    }
    item = RegistrationCancellation.objects.get(site=platform.dept, item=RegistrationItem.ICP)
    migration.confirm_cancellation(item, acting_user=platform.platform_admin)
    item.refresh_from_db()
    assert item.done_by == platform.platform_admin


def test_content_moves_and_old_addresses_answer_301(platform, committed):  # SITE-7, LINK-1
    with committed():
        own = publish_article(platform.dept, platform.dept_news, "水务局召开防汛工作会议", platform.dept_staff)
        notice = publish_article(platform.dept, platform.dept_notices, "关于停水的通知", platform.dept_staff)
        city_news = publish_article(platform.city, platform.city_news, "市政府常务会议召开", platform.city_staff)
        repost = place(city_news, platform.dept_news, acting_user=platform.dept_staff.editor)
        accept_repost(repost, acting_user=platform.dept_staff.reviewer)
    application = apply(platform, platform.city)
    decisions.approve(application, acting_user=platform.platform_admin)
    target = column(platform.city, "bmdt", "部门动态")
    dept_host, city_base = platform.dept.primary_domain, f"https://{platform.city.primary_domain}"

    with pytest.raises(ValidationError, match="Move the content of"):
        migration.complete_migration(application, acting_user=platform.platform_admin)
    with committed():
        moved = migration.migrate_content(application, default_column=target,
                                          column_map={platform.dept_notices.pk: platform.city_notices},
                                          acting_user=platform.platform_admin)  # fmt: skip

    assert moved == 3
    own.refresh_from_db()
    assert (own.site, own.column) == (platform.city, target)
    assert Placement.objects.get(resource=own).column == target
    response = public_get(dept_host, f"/gzdt/{own.pk}.html")
    assert response.status_code == 301 and response["Location"] == f"{city_base}/bmdt/{own.pk}.html"
    assert public_get(dept_host, f"/tzgg/{notice.pk}.html")["Location"] == f"{city_base}/tzgg/{notice.pk}.html"
    assert public_get(dept_host, f"/gzdt/{city_news.pk}.html")["Location"] == f"{city_base}/xwzx/{city_news.pk}.html"
    assert "水务局召开防汛工作会议" in page(platform.city, f"bmdt/{own.pk}.html")
    assert "关于停水的通知" in page(platform.city, f"tzgg/{notice.pk}.html")
    assert not Placement.objects.filter(site=platform.dept, status=PlacementStatus.ACTIVE).exists()
    assert public_get(dept_host, "/").status_code == 200  # the home page with the notice, until completed

    with committed():
        migration.complete_migration(application, acting_user=platform.platform_admin)

    platform.dept.refresh_from_db()
    application.refresh_from_db()
    assert (platform.dept.status, application.status) == (SiteStatus.CLOSED, ApplicationStatus.DONE)
    assert public_get(dept_host, "/gzdt/")["Location"] == f"{city_base}/bmdt/"
    assert public_get(dept_host, "/tzgg/page-3.html")["Location"] == f"{city_base}/tzgg/"
    assert public_get(dept_host, "/")["Location"] == f"{city_base}/"
    assert public_get(dept_host, "/any/old/page.html")["Location"] == f"{city_base}/"
    assert routed(dept_host) and not routed(platform.city.primary_domain)
    assert public_get(dept_host, f"/gzdt/{own.pk}.html")["Location"] == f"{city_base}/bmdt/{own.pk}.html"
    assert audit_actions(platform.dept)[-4:] == [
        "site.apply_migration",
        "site_application.approve",
        "site.migrate_content",
        "site.migration_complete",
    ]


def test_the_announcement_says_where_the_content_went_and_stays_30_days(platform, committed):  # SITE-7, PUB-5
    application = apply(platform, platform.city)
    decisions.approve(application, acting_user=platform.platform_admin)
    with committed():
        migration.migrate_content(application, default_column=platform.city_news, acting_user=platform.platform_admin)
        migration.complete_migration(application, acting_user=platform.platform_admin)

    application.refresh_from_db()
    announcement = Resource.objects.get(pk=application.details["announcement"])
    assert (announcement.site, announcement.column) == (platform.city, platform.city_notices)
    assert announcement.unpublish_at - timezone.now() > dt.timedelta(days=29, hours=23)
    article = page(platform.city, f"tzgg/{announcement.pk}.html")
    assert "关于示范市水务局整合迁移的公告" in article and platform.city.primary_domain in article
    assert "整合迁移的公告" in page(platform.city, "tzgg/index.html")

    with committed():
        assert unpublish_due(now=timezone.now() + dt.timedelta(days=29)) == []
        assert unpublish_due(now=timezone.now() + dt.timedelta(days=31)) == [announcement.pk]

    assert page(platform.city, f"tzgg/{announcement.pk}.html") is None
    assert "整合迁移的公告" not in (page(platform.city, "tzgg/index.html") or "")


def test_a_top_level_portal_is_announced_on_the_portal_it_joined(platform, committed):  # SITE-7
    old = SiteFactory(name="示范市旧门户", kind=SiteKind.PORTAL, status=SiteStatus.ONLINE)
    application = apply(platform, platform.city, site=old)
    decisions.approve(application, acting_user=platform.platform_admin)
    with committed():
        migration.migrate_content(application, default_column=platform.city_news, acting_user=platform.platform_admin)
        migration.complete_migration(application, acting_user=platform.platform_admin)

    assert "关于示范市旧门户整合迁移的公告" in page(platform.city, "tzgg/index.html")


def test_content_goes_only_into_the_target_sites_columns(platform):  # SITE-7
    application = apply(platform, platform.city)
    decisions.approve(application, acting_user=platform.platform_admin)

    with pytest.raises(ValidationError, match="is not a column of the target site"):
        migration.migrate_content(application, default_column=platform.dept_news, acting_user=platform.platform_admin)


def test_a_pending_migration_cannot_be_carried_out(platform):  # SITE-7
    application = apply(platform, platform.city)

    with pytest.raises(ValidationError, match="not an approved migration in progress"):
        migration.migrate_content(application, default_column=platform.city_news, acting_user=platform.platform_admin)
    assert not Redirect.objects.exists()


def test_three_months_end_on_the_same_day_or_the_months_last():  # SITE-7
    start = dt.datetime(2025, 11, 30, 10, tzinfo=dt.UTC)

    assert add_months(start, 3) == dt.datetime(2026, 2, 28, 10, tzinfo=dt.UTC)
    assert add_months(dt.datetime(2025, 3, 15, tzinfo=dt.UTC), 3) == dt.datetime(2025, 6, 15, tzinfo=dt.UTC)
