"""Temporary offline and returning online (SITE-6; G §3(二)2, T art.8(二)(三))."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from editorial.scheduling import unpublish_due
from lifecycle import decisions, offline
from lifecycle.models import ApplicationStatus
from resources.models import Resource
from sites.models import SiteStatus
from tests.lifecycle.conftest import audit_actions, page, public_get, publish_article, routed, soon

pytestmark = pytest.mark.django_db


def apply(platform, starts_at, ends_at, *, force_majeure=False, user=None):
    return offline.apply_for_offline(
        platform.dept, starts_at=starts_at, ends_at=ends_at, reason="网站系统升级改造",
        force_majeure=force_majeure, acting_user=user or platform.dept_staff.admin,
    )  # fmt: skip


def approved(platform, starts_at, ends_at, **kwargs):
    application = apply(platform, starts_at, ends_at, **kwargs)
    decisions.approve(application, acting_user=platform.platform_admin)
    return application


def this_year(month, day, hour=9):
    now = timezone.localtime()
    return now.replace(year=now.year + 1, month=month, day=day, hour=hour, minute=0, second=0, microsecond=0)


def test_offline_for_30_days_is_allowed_and_31_refused(platform):  # SITE-6
    start = this_year(3, 1)

    with pytest.raises(ValidationError, match=r"may last at most 30 days .*下线时间不得超过30天.*31 days"):
        apply(platform, start, start + dt.timedelta(days=31))
    application = apply(platform, start, start + dt.timedelta(days=30))

    assert application.status == ApplicationStatus.PENDING


def test_a_second_offline_in_a_calendar_year_is_refused(platform):  # SITE-6
    approved(platform, this_year(3, 1), this_year(3, 5))

    with pytest.raises(ValidationError, match=r"at most once a year .*临时下线每年不得超过1次"):
        apply(platform, this_year(11, 1), this_year(11, 2))
    # the next calendar year is another year
    next_year = this_year(3, 1).replace(year=this_year(3, 1).year + 1)
    assert apply(platform, next_year, next_year + dt.timedelta(days=2)).status == ApplicationStatus.PENDING


def test_a_pending_application_counts_a_refused_or_cancelled_one_does_not(platform):  # SITE-6
    first = apply(platform, this_year(3, 1), this_year(3, 5))
    with pytest.raises(ValidationError, match="at most once a year"):
        apply(platform, this_year(6, 1), this_year(6, 2))

    decisions.refuse(first, reason="请避开汛期", acting_user=platform.platform_admin)
    second = apply(platform, this_year(6, 1), this_year(6, 2))
    decisions.cancel(second, acting_user=platform.dept_staff.admin)

    assert apply(platform, this_year(7, 1), this_year(7, 2)).status == ApplicationStatus.PENDING


def test_approval_checks_the_yearly_limit_again(platform):  # SITE-6
    first = apply(platform, this_year(3, 1), this_year(3, 5))
    decisions.refuse(first, reason="请补充方案", acting_user=platform.platform_admin)
    second = apply(platform, this_year(4, 1), this_year(4, 5))
    first.status = ApplicationStatus.PENDING  # as if both had been waiting at once
    first.save()

    decisions.approve(second, acting_user=platform.platform_admin)
    with pytest.raises(ValidationError, match="at most once a year"):
        decisions.approve(first, acting_user=platform.platform_admin)


def test_force_majeure_is_recorded_and_neither_counted_nor_limited(platform):  # SITE-6
    outage = apply(platform, this_year(2, 1), this_year(3, 20), force_majeure=True)

    assert (outage.status, outage.force_majeure) == (ApplicationStatus.FILED, True)  # 47 days, filed
    assert apply(platform, this_year(5, 1), this_year(5, 3)).status == ApplicationStatus.PENDING
    assert "site.apply_offline" in audit_actions(platform.dept)


def test_up_to_24_hours_needs_only_a_prior_filing_in_tianjin_mode(platform, settings):  # SITE-6
    start = soon(days=2)
    settings.LIFECYCLE_TIANJIN_MODE = False
    plain = apply(platform, start, start + dt.timedelta(hours=24))
    assert plain.status == ApplicationStatus.PENDING
    decisions.cancel(plain, acting_user=platform.dept_staff.admin)

    settings.LIFECYCLE_TIANJIN_MODE = True
    with pytest.raises(ValidationError, match=r"filed before it starts .*需提前以书面形式向市政府办公厅报备"):
        apply(platform, soon(days=0, hours=-2), soon(days=0, hours=20))
    longer = apply(platform, start, start + dt.timedelta(hours=25))
    assert longer.status == ApplicationStatus.PENDING
    decisions.cancel(longer, acting_user=platform.dept_staff.admin)
    filed = apply(platform, start, start + dt.timedelta(hours=24))
    assert filed.status == ApplicationStatus.FILED

    offline.take_offline(filed, acting_user=platform.dept_staff.admin)  # no approval needed
    platform.dept.refresh_from_db()
    assert platform.dept.status == SiteStatus.OFFLINE


def test_only_the_sites_administrators_apply(platform):  # SITE-6
    with pytest.raises(PermissionDenied, match="You are not an administrator of the site"):
        apply(platform, soon(2), soon(3), user=platform.dept_staff.editor)


def test_going_offline_needs_the_approval(platform):  # SITE-6
    application = apply(platform, soon(1), soon(3))

    with pytest.raises(ValidationError, match="only with an approved"):
        offline.take_offline(application, acting_user=platform.dept_staff.admin)


def test_while_offline_every_page_shows_the_notice_and_the_portal_announces_it(platform, committed):  # SITE-6
    with committed():
        article = publish_article(platform.dept, platform.dept_news, "水务局召开工作会议", platform.dept_staff)
    start, end = soon(days=0, hours=-1), soon(days=5)
    application = approved(platform, start, end)

    with committed():
        offline.take_offline(application, acting_user=platform.dept_staff.admin)

    host = platform.dept.primary_domain
    for path in ("/", "/gzdt/", f"/gzdt/{article.pk}.html", "/no/such/page.html"):
        response = public_get(host, path)
        assert response.status_code == 503
        text = response.content.decode()
        assert "临时下线公告" in text and "网站系统升级改造" in text
        assert timezone.localtime(end).strftime("%Y-%m-%d %H:%M") in text
        assert "示范市水务局" in text  # drawn in the site's own frame
        assert response["Retry-After"]
    assert public_get(host, "/-/site.css").status_code == 200
    assert routed(host)  # nginx asks the public process instead of serving the files
    application.refresh_from_db()
    announcement = Resource.objects.get(pk=application.details["announcement"])
    assert announcement.site == platform.city and announcement.unpublish_at == end
    assert "关于示范市水务局临时下线的公告" in page(platform.city, "tzgg/index.html")
    assert audit_actions(platform.dept)[-3:] == ["site.apply_offline", "site_application.approve", "site.take_offline"]


def test_the_portal_notice_ends_with_the_period(platform, committed):  # SITE-6, PUB-5
    start, end = soon(days=0, hours=-1), soon(days=5)
    application = approved(platform, start, end)
    with committed():
        offline.take_offline(application, acting_user=platform.dept_staff.admin)
    assert "临时下线的公告" in page(platform.city, "tzgg/index.html")

    with committed():
        assert unpublish_due(now=end - dt.timedelta(minutes=1)) == []
        done = unpublish_due(now=end + dt.timedelta(minutes=1))

    assert len(done) == 1
    assert page(platform.city, "tzgg/index.html") is None or "临时下线的公告" not in page(
        platform.city, "tzgg/index.html"
    )
    assert page(platform.city, f"tzgg/{done[0]}.html") is None


def test_returning_online_needs_an_application_7_days_ahead(platform, committed):  # SITE-6
    application = approved(platform, soon(days=0, hours=-1), soon(days=20))
    with committed():
        offline.take_offline(application, acting_user=platform.dept_staff.admin)

    with pytest.raises(ValidationError, match=r"at least 7 days before .*应在正式上线前7日逐级提交上线申请"):
        offline.apply_for_return(platform.dept, planned_at=soon(days=6), reason="升级完成",
                                 acting_user=platform.dept_staff.admin)  # fmt: skip
    planned = soon(days=7, hours=1)
    back = offline.apply_for_return(platform.dept, planned_at=planned, reason="升级完成",
                                    acting_user=platform.dept_staff.admin)  # fmt: skip
    with pytest.raises(ValidationError, match="only with an approved application"):
        offline.return_online(back, acting_user=platform.dept_staff.admin)
    decisions.approve(back, acting_user=platform.platform_admin)
    with pytest.raises(ValidationError, match="may return online from"):
        offline.return_online(back, acting_user=platform.dept_staff.admin)

    with committed():
        offline.return_online(back, acting_user=platform.dept_staff.admin, now=planned)

    platform.dept.refresh_from_db()
    assert platform.dept.status == SiteStatus.ONLINE
    assert public_get(platform.dept.primary_domain, "/").status_code == 200
    assert not routed(platform.dept.primary_domain)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DONE
    assert "临时下线的公告" not in (page(platform.city, "tzgg/index.html") or "")  # withdrawn early
    assert audit_actions(platform.dept)[-3:] == ["site.apply_return", "site_application.approve", "site.return_online"]


def test_only_an_online_site_goes_offline(platform):  # SITE-6
    platform.dept.status = SiteStatus.APPROVED
    platform.dept.save()

    with pytest.raises(ValidationError, match="Only an online site can go temporarily offline"):
        apply(platform, soon(1), soon(2))
