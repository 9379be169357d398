"""INT-3 in the back office: the list and page of an error report with only the buttons whose
actions would accept, the steps run from their pages, a report of the national platform entered
with its number, the overdue panel on the site administrators' work page (only when something
waits), another site's administrator and editors kept out."""

import datetime as dt

import pytest
from django.utils import timezone

from interaction import error_reports as actions
from interaction.models import ErrorReport, ReportSource, ReportStatus
from sites.models import Role
from tests.factories import MembershipFactory, SiteFactory, UserFactory
from tests.helpers import admin_url, log_in

pytestmark = pytest.mark.django_db
REPORT = {"page_url": "https://www.example.gov.cn/a.html", "kind": "unreachable", "description": "链接打不开。"}


def member(site, role, username):
    return MembershipFactory(site=site, role=role, user=UserFactory(username=username)).user


@pytest.fixture
def desk():
    class Desk:
        pass

    d = Desk()
    d.site, d.other = SiteFactory(), SiteFactory()
    d.admin = member(d.site, Role.SITE_ADMIN, "bo-err-admin")
    d.editor = member(d.site, Role.EDITOR, "bo-err-editor")
    d.other_admin = member(d.other, Role.SITE_ADMIN, "bo-err-other")
    return d


def test_int3_steps_from_the_back_office(desk, backoffice_client):
    """INT-3: the page shows 转交 only while received, 答复 only once forwarded; each step runs."""
    report = actions.submit(desk.site, REPORT)
    client = log_in(backoffice_client, desk.admin)
    page = client.get(admin_url("interaction_errorreport_change", report.pk)).content.decode()
    assert "链接打不开。" in page and "转交" in page
    assert admin_url("interaction_errorreport_step", report.pk, "answer") not in page
    response = client.post(admin_url("interaction_errorreport_step", report.pk, "forward"), {"to": "", "note": ""})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    response = client.post(admin_url("interaction_errorreport_step", report.pk, "forward"), {"to": "信息科"})
    assert response.status_code == 302
    response = client.post(admin_url("interaction_errorreport_step", report.pk, "answer"), {"text": "已修复。"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ANSWERED and report.forwarded_to == "信息科"
    page = client.get(admin_url("interaction_errorreport_step", report.pk, "answer")).content.decode()
    assert "该问题当前的状态不适用这一步骤" in page


def test_int3_national_report_entered_in_the_back_office(desk, backoffice_client):
    """INT-3: the form for a report forwarded by the national platform; another site is refused."""
    client = log_in(backoffice_client, desk.admin)
    page = client.get(admin_url("interaction_errorreport_changelist")).content.decode()
    assert admin_url("interaction_errorreport_enter") in page and "录入全国平台转办的问题" in page
    data = {**REPORT, "site": desk.site.pk, "national_number": "JC001", "received_on": "2025-09-26"}
    response = client.post(admin_url("interaction_errorreport_enter"), data)
    assert response.status_code == 302, response.content.decode()
    report = ErrorReport.objects.get()
    assert report.source == ReportSource.NATIONAL and report.forward_due_on == dt.date(2025, 9, 28)
    response = client.post(admin_url("interaction_errorreport_enter"), {**data, "site": desk.other.pk,
                                                                        "national_number": "JC002"})  # fmt: skip
    assert response.status_code == 200 and ErrorReport.objects.count() == 1
    response = client.post(admin_url("interaction_errorreport_enter"), data)  # the same number again
    assert "该全国平台编号的问题已经录入" in response.content.decode()


def test_int3_other_site_and_editors_kept_out(desk, backoffice_client):
    """INT-3: another site's administrator and the site's editors neither list nor open a report."""
    report = actions.submit(desk.site, REPORT)
    client = log_in(backoffice_client, desk.other_admin)
    assert "链接打不开" not in client.get(admin_url("interaction_errorreport_changelist")).content.decode()
    assert client.get(admin_url("interaction_errorreport_change", report.pk)).status_code in (302, 403, 404)
    response = client.post(admin_url("interaction_errorreport_step", report.pk, "forward"), {"to": "越权"})
    assert response.status_code in (302, 403, 404)
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED
    client = log_in(backoffice_client, desk.editor)
    assert client.get(admin_url("interaction_errorreport_change", report.pk)).status_code in (302, 403, 404)


def test_int3_overdue_panel_on_the_work_page(desk, backoffice_client):
    """INT-3: the site administrator's work page lists an overdue report, and shows no section
    when nothing waits."""
    client = log_in(backoffice_client, desk.admin)
    assert "我为政府网站找错" not in client.get(admin_url("index")).content.decode()
    old = timezone.make_aware(dt.datetime(2025, 9, 30, 10))
    report = actions.submit(desk.site, REPORT, now=old)
    actions.escalate_overdue()
    page = client.get(admin_url("index")).content.decode()
    assert "待转交或答复的网站纠错" in page and admin_url("interaction_errorreport_change", report.pk) in page
    assert "逾期未答复，已督办" in page
