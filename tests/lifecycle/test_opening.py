"""Opening a site: application, approval, ID code, security check, online, opening announcement (SITE-5)."""

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from accounts.actions import generate_password
from accounts.models import User
from lifecycle import decisions, notices, opening
from lifecycle.models import ApplicationKind, ApplicationStatus, StatusChange
from resources.models import Resource
from sites.models import Site, SiteKind, SiteStatus
from sites.permissions import SYSTEM_USERNAME, has_role, is_system_account
from tests.lifecycle.conftest import audit_actions, complete_for_opening, page, report
from tests.resources.factories import EXE

pytestmark = pytest.mark.django_db


def department(platform, name="示范市应急管理局", **fields):
    values = dict(kind=SiteKind.DEPARTMENT, parent=platform.city, name=name, unit_name=name, organiser=name,
                  contact_phone="0399-2261401", contact_email="yjj@example.gov.cn", contact_address="示范市人民路9号")  # fmt: skip
    values.update(fields)
    return Site(**values)


def apply(platform, user=None, **fields):
    """An opening application made by a platform administrator other than the one who decides (SITE-11)."""
    return opening.apply_for_site(
        department(platform, **fields),
        primary_domain=f"yjj.{platform.city.primary_domain.split('.')[1]}.gov.cn",
        reason="机构改革后新设应急管理局，需开设部门网站",
        acting_user=user or platform.other_admin,
    )


def ready(platform, application):
    """Approved, ID code recorded, security check passed, complete (SITE-11)."""
    decisions.approve(application, acting_user=platform.platform_admin)
    opening.record_id_code(application.site, "1399000005", acting_user=platform.platform_admin)
    opening.record_security_check(application.site, passed=True, report=report(), acting_user=platform.platform_admin)
    site = application.site
    site.refresh_from_db()
    return complete_for_opening(site, platform.staff(site, "new"), platform.platform_admin)


def test_an_application_registers_an_applying_site(platform):  # SITE-5
    application = apply(platform)

    site = application.site
    assert (site.status, site.primary_domain) == (SiteStatus.APPLYING, application.details["domain"])
    assert (application.kind, application.status) == (ApplicationKind.OPENING, ApplicationStatus.PENDING)
    assert application.applied_by == platform.other_admin
    assert audit_actions(site) == ["site.apply"]


def test_the_parent_portals_administrator_may_apply_but_not_others(platform):  # SITE-5
    assert apply(platform, platform.city_staff.admin).site.status == SiteStatus.APPLYING

    with pytest.raises(PermissionDenied, match="Only a platform administrator, or an administrator of the parent"):
        apply(platform, platform.dept_staff.admin, name="示范市统计局")


def test_only_the_platform_administrator_decides(platform):  # SITE-5, PUB-1
    application = apply(platform)

    with pytest.raises(PermissionDenied, match="Only a platform administrator may do this"):
        decisions.approve(application, acting_user=platform.city_staff.admin)


def test_a_refusal_needs_a_reason_and_the_unit_may_apply_again(platform):  # SITE-5
    application = apply(platform)
    with pytest.raises(ValidationError, match="Say why the application is refused"):
        decisions.refuse(application, reason=" ", acting_user=platform.platform_admin)

    decisions.refuse(application, reason="网站建设方案未明确内容保障人员", acting_user=platform.platform_admin)

    assert (application.status, application.decision_note) == (
        ApplicationStatus.REFUSED,
        "网站建设方案未明确内容保障人员",
    )
    assert application.site.status == SiteStatus.APPLYING
    with pytest.raises(ValidationError, match="Only an application waiting for approval can be approved"):
        decisions.approve(application, acting_user=platform.platform_admin)
    again = opening.apply_again(application.site, reason="已明确内容保障人员", acting_user=platform.platform_admin)
    assert again.status == ApplicationStatus.PENDING
    assert audit_actions(application.site) == ["site.apply", "site_application.refuse", "site.apply"]


def test_approval_makes_the_site_approved(platform):  # SITE-5
    application = apply(platform)

    decisions.approve(application, acting_user=platform.platform_admin, note="同意开设")

    application.site.refresh_from_db()
    assert application.site.status == SiteStatus.APPROVED
    assert list(StatusChange.objects.filter(site=application.site).order_by("id").values_list("before", "after")) == [
        ("", "applying"),
        ("applying", "approved"),
    ]


def test_no_going_online_before_approval(platform):  # SITE-5
    site = apply(platform).site

    with pytest.raises(ValidationError, match="Only an approved site can go online"):
        opening.go_online(site, acting_user=platform.platform_admin)


def test_no_going_online_without_an_id_code(platform):  # SITE-5
    application = apply(platform)
    decisions.approve(application, acting_user=platform.platform_admin)
    opening.record_security_check(application.site, passed=True, report=report(), acting_user=platform.platform_admin)

    with pytest.raises(ValidationError, match="A site without a site ID code cannot go online"):
        opening.go_online(application.site, acting_user=platform.platform_admin)
    assert Site.objects.get(pk=application.site.pk).status == SiteStatus.APPROVED


def test_no_going_online_without_a_passed_security_check(platform):  # SITE-5
    application = apply(platform)
    decisions.approve(application, acting_user=platform.platform_admin)
    site = application.site
    opening.record_id_code(site, "1399000005", acting_user=platform.platform_admin)

    with pytest.raises(ValidationError, match="before it has passed its security check"):
        opening.go_online(site, acting_user=platform.platform_admin)
    opening.record_security_check(site, passed=False, report=report(), note="存在高危漏洞",
                                  acting_user=platform.platform_admin)  # fmt: skip
    with pytest.raises(ValidationError, match="before it has passed its security check"):
        opening.go_online(site, acting_user=platform.platform_admin)


def test_a_security_check_is_recorded_with_its_report(platform):  # SITE-5
    site = apply(platform).site
    with pytest.raises(ValidationError, match="Attach the report"):
        opening.record_security_check(site, passed=True, report=None, acting_user=platform.platform_admin)
    program = SimpleUploadedFile("report.pdf", EXE)  # judged by its content, not its name (SEC-7)
    with pytest.raises(ValidationError, match="program"):
        opening.record_security_check(site, passed=True, report=program, acting_user=platform.platform_admin)

    check = opening.record_security_check(site, passed=True, report=report(), acting_user=platform.platform_admin)

    assert (check.passed, check.checked_by) == (True, platform.platform_admin)
    assert check.report.name.startswith("sites/security-checks/") and check.report.name.endswith(".pdf")


def test_an_invalid_id_code_is_refused_with_the_rule(platform):  # SITE-2, SITE-5
    site = apply(platform).site

    with pytest.raises(ValidationError, match="is not a site ID code"):
        opening.record_id_code(site, "12345", acting_user=platform.platform_admin)


def test_going_online_announces_the_department_site_on_its_portal(platform, committed):  # SITE-5
    application = apply(platform)
    site = ready(platform, application)

    with committed():
        opening.go_online(site, acting_user=platform.platform_admin)

    site.refresh_from_db()
    application.refresh_from_db()
    assert site.status == SiteStatus.ONLINE
    assert application.status == ApplicationStatus.DONE
    announcement = Resource.objects.get(pk=application.details["announcement"])
    assert announcement.site == platform.city and announcement.column == platform.city_notices
    assert announcement.title == "关于示范市应急管理局开通上线的公告"
    notices_page = page(platform.city, "tzgg/index.html")
    assert "关于示范市应急管理局开通上线的公告" in notices_page
    article = page(platform.city, f"tzgg/{announcement.pk}.html")
    assert "1399000005" in article and site.primary_domain in article
    assert [action for action in audit_actions(site) if action.startswith("site")] == [
        "site.apply",
        "site_application.approve",
        "site.record_id_code",
        "site.security_check",
        "site.update",  # the ICP, public-security and mark registrations (complete_for_opening)
        "site.go_online",
    ]
    city_actions = audit_actions(platform.city)
    assert {"resource.create", "resource.submit", "resource.approve", "resource.publish"} <= set(city_actions)


def test_a_portal_is_announced_on_its_superior_portal(platform, committed):  # SITE-5
    application = opening.apply_for_site(
        Site(kind=SiteKind.PORTAL, parent=platform.city, name="示范市青山县人民政府", unit_name="示范市青山县人民政府",
             organiser="青山县人民政府办公室", contact_phone="0399-6120001", contact_email="xzf@example.gov.cn",
             contact_address="青山县府前街8号"),
        primary_domain="www.qingshan.gov.cn", reason="新设县政府门户网站", acting_user=platform.other_admin,
    )  # fmt: skip
    site = ready(platform, application)

    with committed():
        opening.go_online(site, acting_user=platform.platform_admin)

    assert "关于示范市青山县人民政府开通上线的公告" in page(platform.city, "tzgg/index.html")


def test_a_portal_without_a_notices_column_cannot_announce(platform):  # SITE-5
    platform.city_notices.delete()
    site = ready(platform, apply(platform))

    with pytest.raises(ValidationError, match="has no notices column"):
        opening.go_online(site, acting_user=platform.platform_admin)
    assert Site.objects.get(pk=site.pk).status == SiteStatus.APPROVED


def test_the_system_account_cannot_sign_in(platform, client):  # SEC-1, SITE-5
    system = notices.system_account()

    assert is_system_account(system) and not system.is_active and not system.is_staff
    assert not system.has_usable_password()
    assert authenticate(RequestFactory().post("/admin/login/"), username=SYSTEM_USERNAME, password="") is None
    assert has_role(system, platform.city, "editor")
    assert notices.system_account() == system


def test_a_user_named_like_the_system_who_can_sign_in_is_refused(db):  # SEC-1
    user = User.objects.create_user(username=SYSTEM_USERNAME, password=generate_password())

    assert not is_system_account(user)
    with pytest.raises(ImproperlyConfigured):
        notices.system_account()
