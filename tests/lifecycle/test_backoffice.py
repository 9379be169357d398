"""The lifecycle in the back office: buttons, confirmation pages, refusals kept on the form,
the site's history and the platform administrator's pending work (SITE-5 to SITE-9, TPL-11)."""

import datetime as dt

import pytest
from django.utils import timezone

from columns.models import Column
from lifecycle import decisions, offline
from lifecycle import site_settings as site_actions
from lifecycle.models import ApplicationKind, ApplicationStatus, SiteApplication
from sites.models import Site, SiteStatus
from tests.helpers import admin_url, log_in
from tests.lifecycle.conftest import complete_for_opening, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(backoffice_client):
    return lambda user: log_in(backoffice_client, user)


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def next_year(month, day):
    now = timezone.localtime()
    return now.replace(year=now.year + 1, month=month, day=day, hour=9, minute=0, second=0, microsecond=0)


def test_the_site_page_offers_the_lifecycle_steps(platform, login):  # SITE-6, SITE-7
    page = login(platform.dept_staff.admin).get(admin_url("sites_site_change", platform.dept.pk))

    text = page.content.decode()
    assert page.status_code == 200
    for step in ("offline", "migrate"):
        assert admin_url("sites_site_lifecycle", platform.dept.pk, step) in text
    assert admin_url("sites_site_lifecycle", platform.dept.pk, "archive") not in text  # platform administrators'
    assert admin_url("sites_site_timeline", platform.dept.pk) in text


def test_an_offline_application_is_confirmed_and_refusals_keep_the_input(platform, login):  # SITE-6, TPL-11
    client = login(platform.dept_staff.admin)
    url = admin_url("sites_site_lifecycle", platform.dept.pk, "offline")
    start = next_year(3, 1)
    data = {"starts_at": local(start), "ends_at": local(start + dt.timedelta(days=31)), "reason": "系统升级"}

    assert client.get(url).status_code == 200
    refused = client.post(url, {**data, "confirm": "yes"})
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "临时下线时间不得超过 30 天" in text and "系统升级" in text and local(start) in text  # in Chinese
    assert not SiteApplication.objects.exists()
    unconfirmed = client.post(url, {**data, "ends_at": local(start + dt.timedelta(days=3))})
    assert unconfirmed.status_code == 200 and not SiteApplication.objects.exists()

    done = client.post(url, {**data, "ends_at": local(start + dt.timedelta(days=3)), "confirm": "yes"})

    assert done.status_code == 302 and done["Location"] == admin_url("sites_site_change", platform.dept.pk)
    application = SiteApplication.objects.get()
    assert (application.kind, application.status, application.starts_at) == (
        ApplicationKind.OFFLINE,
        ApplicationStatus.PENDING,
        start,
    )


def test_the_platform_administrator_approves_from_the_pending_list(platform, login):  # SITE-6
    application = offline.apply_for_offline(platform.dept, starts_at=next_year(3, 1), ends_at=next_year(3, 3),
                                            reason="系统升级", acting_user=platform.dept_staff.admin)  # fmt: skip
    client = login(platform.platform_admin)

    work = client.get(admin_url("sites_site_lifecycle_work")).content.decode()
    approve = admin_url("sites_site_decision", platform.dept.pk, application.pk, "approve")
    assert "示范市水务局" in work and approve in work
    response = client.post(approve + "?next=work", {"note": "同意", "confirm": "yes"})

    assert response.status_code == 302 and response["Location"] == admin_url("sites_site_lifecycle_work")
    application.refresh_from_db()
    assert (application.status, application.decision_note) == (ApplicationStatus.APPROVED, "同意")
    work = client.get(admin_url("sites_site_lifecycle_work")).content.decode()
    assert next_year(3, 3).strftime("%Y-%m-%d %H:%M") in work  # the period's end: the date it is due


def test_pending_work_and_decisions_are_for_platform_administrators(platform, login):  # SITE-5, PUB-1
    application = offline.apply_for_offline(platform.dept, starts_at=next_year(3, 1), ends_at=next_year(3, 3),
                                            reason="系统升级", acting_user=platform.dept_staff.admin)  # fmt: skip
    client = login(platform.dept_staff.admin)

    assert client.get(admin_url("sites_site_lifecycle_work")).status_code == 403
    url = admin_url("sites_site_decision", platform.dept.pk, application.pk, "approve")
    assert client.post(url, {"confirm": "yes"}).status_code == 403
    assert client.get(admin_url("sites_site_timeline", platform.city.pk)).status_code == 404  # not their site


def test_opening_from_application_to_online_in_the_back_office(platform, login, committed):  # SITE-5
    client = login(platform.platform_admin)
    apply = client.post(admin_url("sites_site_apply"), {
        "name": "示范市统计局", "unit_name": "示范市统计局", "kind": "department", "parent": platform.city.pk,
        "organiser": "示范市统计局", "contact_phone": "0399-2261501", "contact_email": "tjj@example.gov.cn",
        "contact_address": "示范市人民路20号", "primary_domain": "tjj." + platform.city.primary_domain[4:],
        "reason": "新设部门网站",
    })  # fmt: skip
    site = Site.objects.get(name="示范市统计局")
    assert apply.status_code == 302 and site.status == SiteStatus.APPLYING
    decisions.approve(site.applications.get(), acting_user=platform.other_admin)  # not the applicant (SITE-11)
    step = admin_url("sites_site_lifecycle", site.pk, "go_online")
    refusals = client.get(step).content.decode()
    assert "没有网站标识码的网站不得上线" in refusals and "未通过安全检测不得上线" in refusals

    client.post(admin_url("sites_site_lifecycle", site.pk, "id_code"), {"id_code": "1399000006", "confirm": "yes"})
    client.post(admin_url("sites_site_lifecycle", site.pk, "security_check"),
                {"passed": "on", "report": report(), "note": "", "confirm": "yes"})  # fmt: skip
    site.refresh_from_db()
    complete_for_opening(site, platform.staff(site, "tjj"), platform.platform_admin)
    with committed():
        response = client.post(step, {"confirm": "yes"})

    assert response.status_code == 302
    site.refresh_from_db()
    assert site.status == SiteStatus.ONLINE


def test_the_timeline_shows_the_sites_history(platform, login):  # SITE-5 to SITE-8
    application = offline.apply_for_offline(platform.dept, starts_at=next_year(3, 1), ends_at=next_year(3, 3),
                                            reason="系统升级", acting_user=platform.dept_staff.admin)  # fmt: skip
    decisions.refuse(application, reason="请避开汛期", acting_user=platform.platform_admin)
    platform.dept.contact_phone = "0399-2261399"
    site_actions.update_site(platform.dept, acting_user=platform.dept_staff.admin)

    text = login(platform.dept_staff.admin).get(admin_url("sites_site_timeline", platform.dept.pk)).content.decode()

    for expected in ("系统升级", "请避开汛期", "申请网站临时下线", "驳回申请", "0399-2261399"):
        assert expected in text
    assert "site.apply_offline" not in text and "site_application.refuse" not in text  # labels, not codes


def test_columns_are_archived_after_a_confirmation(platform, login):  # SITE-9, TPL-11
    client = login(platform.dept_staff.admin)
    url = admin_url("columns_column_changelist")
    selection = {"action": "archive_columns", "_selected_action": [platform.dept_news.pk]}

    confirm = client.post(url, selection)
    assert confirm.status_code == 200 and "已归档" in confirm.content.decode()
    assert Column.objects.get(pk=platform.dept_news.pk).archived_at is None

    client.post(url, {**selection, "post": "yes"})
    assert Column.objects.get(pk=platform.dept_news.pk).archived_at is not None
