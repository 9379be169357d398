"""A site goes online only when it is complete (SITE-11), and nobody decides their own application
(SITE-11, PUB-1): the go-online action refuses with everything missing, the page lists it with
where to put it right and offers no way past it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.http import urlencode

from editorial import drafts as resource_actions
from lifecycle import decisions, migration, offline, opening
from lifecycle.models import ApplicationStatus, SiteApplication
from resources.models import Resource, ResourceKind
from sites.models import Site, SiteStatus
from tests.factories import SiteFactory
from tests.helpers import admin_url, log_in
from tests.lifecycle.conftest import REQUIRED_COLUMNS, column, complete_for_opening, publish_article, report
from tests.lifecycle.test_opening import apply

pytestmark = pytest.mark.django_db

REQUIRED_KINDS = ("机构职能", "负责人信息", "政策文件", "解读回应", "工作动态", "互动交流")


def checked(platform, application):
    """Approved by another platform administrator, ID code recorded, security check passed."""
    decisions.approve(application, acting_user=platform.platform_admin)
    site = application.site
    opening.record_id_code(site, "1399000005", acting_user=platform.platform_admin)
    opening.record_security_check(site, passed=True, report=report(), acting_user=platform.platform_admin)
    site.refresh_from_db()
    return site


def refusal_text(site, user) -> str:
    with pytest.raises(ValidationError) as refused:
        opening.go_online(site, acting_user=user)
    return "\n".join(refused.value.messages)


def test_an_empty_site_does_not_go_online(platform):  # SITE-11, COL-3
    site = checked(platform, apply(platform))

    text = refusal_text(site, platform.platform_admin)

    for kind in REQUIRED_KINDS:
        assert kind in text
    assert "ICP filing number" in text and "public-security filing number" in text
    assert "Party/government site mark" in text
    site.refresh_from_db()
    assert site.status == SiteStatus.APPROVED
    assert not Resource.objects.filter(title__endswith="开通上线的公告").exists()


def test_a_column_without_published_content_does_not_count(platform):  # SITE-11
    site = checked(platform, apply(platform))
    staff = platform.staff(site, "new")
    complete_for_opening(site, staff, platform.platform_admin)
    news = site.columns.get(column_type="工作动态")
    for placement in news.placements.all():
        placement.resource.published_revision = None  # withdrawn: nothing of it is public any more
        placement.resource.save(update_fields=["published_revision"])
    resource_actions.create_resource(site, ResourceKind.ARTICLE, title="草稿", metadata={"source": site.name},
                                     data={"body": "<p>草稿</p>"}, column=news, acting_user=staff.editor)  # fmt: skip

    text = refusal_text(site, platform.platform_admin)

    assert "工作动态" in text and "no published content" in text
    assert "机构职能" not in text and "ICP" not in text


def test_content_in_a_sub_column_counts_and_an_archived_column_does_not(platform):  # SITE-11
    site = checked(platform, apply(platform))
    staff = platform.staff(site, "new")
    complete_for_opening(site, staff, platform.platform_admin)
    functions = site.columns.get(column_type="机构职能")
    functions.placements.all().delete()
    inner = column(site, "nsjg", "内设机构", "概况信息", parent=functions)
    publish_article(site, inner, "内设机构及职责", staff)
    interaction = site.columns.get(column_type="互动交流")
    interaction.archived_at = timezone.now()
    interaction.save(update_fields=["archived_at"])

    text = refusal_text(site, platform.platform_admin)

    assert "互动交流" in text and "机构职能" not in text


def test_a_complete_site_goes_online(platform, committed):  # SITE-11, SITE-5
    site = checked(platform, apply(platform))
    complete_for_opening(site, platform.staff(site, "new"), platform.platform_admin)

    assert opening.opening_gaps(site) == []
    with committed():
        opening.go_online(site, acting_user=platform.platform_admin)

    assert Site.objects.get(pk=site.pk).status == SiteStatus.ONLINE


def test_a_site_whose_opening_was_never_approved_does_not_go_online(platform):  # SITE-11
    site = SiteFactory(name="示范市直接登记的网站", status=SiteStatus.APPROVED, id_code="1399000007")
    complete_for_opening(site, platform.staff(site, "direct"), platform.platform_admin)
    opening.record_security_check(site, passed=True, report=report(), acting_user=platform.platform_admin)

    text = refusal_text(site, platform.platform_admin)

    assert "approved by a platform administrator other than the applicant" in text


def test_an_opening_approved_by_its_applicant_does_not_go_online(platform):  # SITE-11, PUB-1
    application = apply(platform)
    site = checked(platform, application)
    complete_for_opening(site, platform.staff(site, "new"), platform.platform_admin)
    # Recorded before the approval refused it: the applicant decided themselves.
    SiteApplication.objects.filter(pk=application.pk).update(decided_by=application.applied_by)

    text = refusal_text(site, platform.platform_admin)

    assert "approved by a platform administrator other than the applicant" in text


# --- nobody decides their own application (SITE-11, PUB-1) -----------------------------------------


def _opening(platform):
    return apply(platform, platform.platform_admin)


def _offline(platform):
    start = timezone.now() + dt.timedelta(days=40)
    return offline.apply_for_offline(platform.dept, starts_at=start, ends_at=start + dt.timedelta(days=2),
                                     reason="系统升级", acting_user=platform.platform_admin)  # fmt: skip


def _return(platform):
    start = timezone.now() - dt.timedelta(hours=1)
    down = offline.apply_for_offline(platform.dept, starts_at=start, ends_at=start + dt.timedelta(days=20),
                                     reason="系统升级", acting_user=platform.dept_staff.admin)  # fmt: skip
    decisions.approve(down, acting_user=platform.other_admin)
    offline.take_offline(down, acting_user=platform.dept_staff.admin)
    return offline.apply_for_return(platform.dept, planned_at=timezone.now() + dt.timedelta(days=8),
                                    reason="升级完成", acting_user=platform.platform_admin)  # fmt: skip


def _migration(platform):
    return migration.apply_for_migration(platform.dept, target_site=platform.city, reason="机构改革",
                                         acting_user=platform.platform_admin)  # fmt: skip


APPLICATIONS = {"opening": _opening, "offline": _offline, "return": _return, "migration": _migration}


@pytest.mark.parametrize("kind", APPLICATIONS)
def test_the_applicant_does_not_decide_their_own_application(platform, kind):  # SITE-11, PUB-1
    application = APPLICATIONS[kind](platform)
    assert application.applied_by == platform.platform_admin

    with pytest.raises(PermissionDenied, match="another platform administrator"):
        decisions.approve(application, acting_user=platform.platform_admin)
    with pytest.raises(PermissionDenied, match="another platform administrator"):
        decisions.refuse(application, reason="不同意", acting_user=platform.platform_admin)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING

    decisions.approve(application, acting_user=platform.other_admin)
    application.refresh_from_db()
    assert (application.status, application.decided_by) == (ApplicationStatus.APPROVED, platform.other_admin)


# --- the pages ------------------------------------------------------------------------------------


@pytest.fixture
def login(backoffice_client):
    return lambda user: log_in(backoffice_client, user)


def test_the_go_online_page_lists_what_is_missing_and_offers_no_way_past_it(platform, login):  # SITE-11
    site = checked(platform, apply(platform))
    client = login(platform.platform_admin)
    url = admin_url("sites_site_lifecycle", site.pk, "go_online")

    text = client.get(url).content.decode()

    for kind in REQUIRED_KINDS:
        assert kind in text
    assert "ICP备案编号" in text and "公安机关备案号" in text and "党政机关网站标识" in text
    add_column = admin_url("columns_column_add") + "?" + urlencode({"site": site.pk, "column_type": "机构职能"})
    add_column = add_column.replace("&", "&amp;")
    assert add_column in text
    assert admin_url("sites_site_change", site.pk) in text
    assert 'name="confirm"' not in text and "是的，我确定" not in text

    pressed = client.post(url, {"confirm": "yes"}).content.decode()  # a form posted from an older page
    assert pressed.count("公安机关备案号") == 1
    assert Site.objects.get(pk=site.pk).status == SiteStatus.APPROVED


def test_a_column_without_content_links_to_its_library(platform, login):  # SITE-11
    site = checked(platform, apply(platform))
    for slug, name, column_type in REQUIRED_COLUMNS:
        column(site, slug, name, column_type)
    news = site.columns.get(column_type="工作动态")

    text = login(platform.platform_admin).get(admin_url("sites_site_lifecycle", site.pk, "go_online")).content.decode()

    assert "没有已发布的内容" in text
    assert admin_url("resources_resource_changelist") + f"?site={site.pk}&amp;column={news.pk}" in text


def test_the_applicant_is_not_offered_the_decision(platform, login):  # SITE-11, PUB-1
    application = _offline(platform)
    client = login(platform.platform_admin)
    approve = admin_url("sites_site_decision", platform.dept.pk, application.pk, "approve")

    site_page = client.get(admin_url("sites_site_change", platform.dept.pk)).content.decode()
    work = client.get(admin_url("sites_site_lifecycle_work")).content.decode()
    decision_page = client.get(approve).content.decode()

    for text in (site_page, work):
        assert approve not in text
        assert "须由其他平台管理员决定" in text
    assert "须由其他平台管理员决定" in decision_page and 'name="confirm"' not in decision_page
    assert client.post(approve, {"note": "同意", "confirm": "yes"}).status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING

    other = login(platform.other_admin)
    assert approve in other.get(admin_url("sites_site_lifecycle_work")).content.decode()
    assert approve in other.get(admin_url("sites_site_change", platform.dept.pk)).content.decode()


def test_archiving_says_it_can_be_ended_and_no_page_promises_what_is_false(platform, login):  # SITE-9, TPL-11
    client = login(platform.platform_admin)

    archive = client.get(admin_url("sites_site_lifecycle", platform.dept.pk, "archive")).content.decode()

    assert "不可撤销" not in archive and "取消归档" in archive
    client.post(admin_url("sites_site_lifecycle", platform.dept.pk, "archive"), {"confirm": "yes"})
    assert (
        admin_url("sites_site_lifecycle", platform.dept.pk, "unarchive")
        in client.get(admin_url("sites_site_change", platform.dept.pk)).content.decode()
    )


def test_a_step_that_would_refuse_shows_why_and_no_button(platform, login):  # SITE-6, TPL-11
    start = timezone.now() - dt.timedelta(hours=1)
    down = offline.apply_for_offline(platform.dept, starts_at=start, ends_at=start + dt.timedelta(days=20),
                                     reason="系统升级", acting_user=platform.dept_staff.admin)  # fmt: skip
    decisions.approve(down, acting_user=platform.platform_admin)
    offline.take_offline(down, acting_user=platform.dept_staff.admin)
    back = offline.apply_for_return(platform.dept, planned_at=timezone.now() + dt.timedelta(days=8),
                                    reason="升级完成", acting_user=platform.dept_staff.admin)  # fmt: skip
    decisions.approve(back, acting_user=platform.platform_admin)

    text = (
        login(platform.dept_staff.admin)
        .get(admin_url("sites_site_lifecycle", platform.dept.pk, "return_online"))
        .content.decode()
    )

    assert "起恢复上线" in text and back.starts_at.astimezone(timezone.get_current_timezone()).strftime("%H:%M") in text
    assert 'name="confirm"' not in text


def test_a_site_approved_by_its_applicant_applies_again_and_another_decides(platform, login):  # SITE-11
    application = apply(platform)
    site = checked(platform, application)
    complete_for_opening(site, platform.staff(site, "new"), platform.platform_admin)
    SiteApplication.objects.filter(pk=application.pk).update(decided_by=application.applied_by)  # recorded before
    again_url = admin_url("sites_site_lifecycle", site.pk, "apply_again")

    page = login(platform.platform_admin).get(admin_url("sites_site_lifecycle", site.pk, "go_online")).content.decode()
    assert "申请人以外的平台管理员批准" in page and again_url in page

    again = opening.apply_again(site, reason="重新报批开设", acting_user=platform.other_admin)
    decisions.approve(again, acting_user=platform.platform_admin)

    assert opening.opening_gaps(site) == []
