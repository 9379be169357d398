"""OPS-3: the site's annual work report (政府网站年度工作报表) in the national layout, counted from the
records (items published in total and per column, topics, letters, visits, rectification), completed
by hand, reviewed by another person and published on the site, warned about from 1 January, late
after 31 January. OPS-7: the platform's supervision annual report (监管年度报表) published on the
top-level portal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from columns.models import Column
from editorial.models import Placement, PlacementStatus
from interaction.models.letters import Channel, ChannelKind, Letter, LetterStatus
from monitoring import annual_reports, page_checks, rectification, spot_checks, supervision_report
from monitoring.lines import State
from monitoring.models import CheckRun, ReportStatus
from monitoring.models.visits import SiteVisitDay
from publishing.publisher import publish_site
from resources.models import ResourceStatus
from sites.models import Membership, Role
from tests.factories import UserFactory
from tests.helpers import admin_url, log_in
from tests.rendering.conftest import Builder

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 1, 12)


def at(year, month, day) -> dt.datetime:
    return dt.datetime(year, month, day, 10, tzinfo=SHANGHAI)


def member(site, role, name):
    user = UserFactory(username=name, real_name=f"{name}姓名")
    Membership.objects.create(user=user, site=site, role=role)
    return user


def letter(b, n, received, answered=None, *, published=False, status=LetterStatus.RECEIVED):
    return Letter.objects.create(
        channel=b.channel, site=b.site, tracking_number=f"L{n:06d}", query_code_hash="!", title=f"来信{n}",
        body="内容", received_on=received, answered_on=answered, status=status, published=published,
    )  # fmt: skip


@pytest.fixture
def year(settings, tmp_path, monkeypatch):
    """A portal with a year of work in 2025 and things before and after it."""
    monkeypatch.setattr("publishing.site_publisher.PARTIAL_FALLBACK", False)
    settings.PUBLISH_ROOT = tmp_path / "publish"
    settings.MEDIA_ROOT = tmp_path / "media"
    b = Builder(Path(settings.PUBLISH_ROOT))
    b.site.created_at = at(2023, 5, 1)  # online through the years reported on
    b.site.save(update_fields=["created_at"])
    b.news = b.column("gzdt", "工作动态", channel=True)
    b.about = b.column("jgzn", "机构职能", column_type="机构职能")
    b.jd = b.column("zcjd", "政策解读", column_type="政策解读")
    b.hy = b.column("hygq", "回应关切", column_type="回应关切")
    b.nb = b.column("ndbb", "网站年度报表", column_type="网站年度报表")
    old = b.column("zt1", "旧专题", column_type="专题专栏")
    Column.objects.filter(pk=old.pk).update(created_at=at(2024, 3, 1))
    b.topic = b.column("zt2", "新专题", column_type="专题专栏")
    Column.objects.filter(pk=b.topic.pk).update(created_at=at(2025, 6, 1))
    b.column("zt2a", "专题子栏目", parent=b.topic, column_type="专题专栏")  # part of its topic, not a topic
    Column.objects.filter(site=b.site).exclude(pk__in=[old.pk, b.topic.pk]).update(created_at=at(2024, 1, 1))
    for n in range(3):
        b.article(b.news, f"2025年动态{n}", when=at(2025, 3, n + 1))
    b.article(b.news, "2024年动态", when=at(2024, 12, 31))
    b.article(b.news, "2026年动态", when=at(2026, 1, 2))
    shared = b.article(b.about, "机构职能介绍", when=at(2025, 2, 1))
    Placement.objects.create(resource=shared, column=b.jd, site=b.site, status=PlacementStatus.ACTIVE,
                             placed_by=b.user, placed_at=at(2025, 2, 2))  # fmt: skip
    b.article(b.hy, "回应关切一则", when=at(2025, 5, 1))
    gone = b.article(b.news, "已撤下的动态", when=at(2025, 4, 1))
    gone.published_revision = None
    gone.status = ResourceStatus.WITHDRAWN
    gone.save()
    b.hdjl = b.column("hdjl", "咨询投诉", column_type="咨询投诉")
    b.channel = Channel.objects.create(site=b.site, column=b.hdjl, name="咨询", kind=ChannelKind.CONSULTATION)
    letter(b, 1, dt.date(2025, 3, 1), dt.date(2025, 3, 5), published=True, status=LetterStatus.PUBLISHED)
    letter(b, 2, dt.date(2025, 4, 1), dt.date(2025, 4, 11), status=LetterStatus.CLOSED)
    letter(b, 3, dt.date(2025, 12, 30))  # still open
    letter(b, 4, dt.date(2024, 12, 20), dt.date(2025, 1, 2), status=LetterStatus.CLOSED)  # received the year before
    b.platform = UserFactory(is_platform_admin=True)
    order = rectification.issue_order(b.site, problem="首页不更新", acting_user=b.platform, now=at(2025, 7, 1))
    b.admin = member(b.site, Role.SITE_ADMIN, "nb-admin")
    b.second = member(b.site, Role.SITE_ADMIN, "nb-second")
    b.reviewer = member(b.site, Role.REVIEWER, "nb-reviewer")
    rectification.answer_order(order, answer="已更新", acting_user=b.admin, now=at(2025, 7, 1))
    rectification.close_order(order, acting_user=b.platform)
    rectification.issue_order(b.site, problem="空白栏目", acting_user=b.platform, now=at(2025, 8, 1))
    return b


def test_ops3_counted_from_the_records(year):
    b = year
    report = annual_reports.generate_report(b.site, 2025, acting_user=b.admin, today=TODAY)
    data = report.data
    assert data["site_name"] == "示例市人民政府" and data["home_url"] == "https://www.example.gov.cn/"
    assert data["id_code"] == "1399000001" and data["site_type"] == "政府门户网站"
    assert data["items_total"] == 5  # 3 news + the shared item once + 1 response; not 2024, 2026 or withdrawn
    assert data["items_news"] == 3 and data["items_overview"] == 1
    assert data["interpretations_total"] == 1 and data["responses"] == 1
    assert {row["name"]: row["count"] for row in report.columns} == {"工作动态": 3, "机构职能": 1, "政策解读": 1,
                                                                       "回应关切": 1}  # fmt: skip
    assert data["topics_maintained"] == 2 and data["topics_new"] == 1
    assert data["letters_received"] == 3 and data["letters_done"] == 3 and data["letters_public"] == 1
    assert data["letters_average_days"] == round((4 + 10 + 13) / 3, 1)
    assert data["problems_found"] == 2 and data["problems_rectified"] == 1
    assert data["visitors"] is None and data["views"] is None  # no statistics: entered by hand
    assert AuditEntry.objects.filter(action=AuditEvent.SITE_ANNUAL_REPORT_GENERATE, actor=b.admin).exists()


def test_ops3_visits_from_the_statistics(year):
    b = year
    SiteVisitDay.objects.create(site=b.site, day=dt.date(2025, 5, 1), page_views=1200, bot_views=30,
                                unique_visitors=0)  # fmt: skip
    report = annual_reports.generate_report(b.site, 2025, acting_user=b.admin, today=TODAY)
    assert report.data["views"] == 1200


def test_ops3_entries_kept_when_counted_again_and_checked(year):
    b = year
    report = annual_reports.generate_report(b.site, 2025, acting_user=b.admin, today=TODAY)
    annual_reports.save_entries(report, {"service_items": "120", "new_media": "1", "weibo_name": "示例发布",
                                         "problems_found": "5", "items_total": "999"}, acting_user=b.admin)  # fmt: skip
    with pytest.raises(ValidationError):
        annual_reports.save_entries(report, {"cases_total": "-1"}, acting_user=b.admin)
    with pytest.raises(PermissionDenied):
        annual_reports.save_entries(report, {"service_items": "1"}, acting_user=b.reviewer)
    report = annual_reports.generate_report(b.site, 2025, acting_user=b.admin, today=TODAY)
    data = report.data
    assert data["service_items"] == 120 and data["new_media"] is True and data["weibo_name"] == "示例发布"
    assert data["problems_found"] == 5  # an offered value corrected by hand is kept
    assert data["items_total"] == 5  # a counted value is never taken from the form
    with pytest.raises(ValidationError):
        annual_reports.generate_report(b.site, 2026, acting_user=b.admin, today=TODAY)  # the year has not ended


def test_ops3_reviewed_by_another_person_then_published_on_the_site(year, django_capture_on_commit_callbacks):
    b = year
    publish_site(b.site.pk)
    report = annual_reports.generate_report(b.site, 2025, acting_user=b.admin, today=TODAY)
    annual_reports.submit_report(report, acting_user=b.admin, today=TODAY)
    with pytest.raises(PermissionDenied):
        annual_reports.review_report(report, approve=True, acting_user=b.admin)  # not the one who filled it in
    annual_reports.review_report(report, approve=False, reason="请补充办事服务数据", acting_user=b.reviewer)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.return_reason == "请补充办事服务数据"
    annual_reports.submit_report(report, acting_user=b.admin, today=TODAY)
    with django_capture_on_commit_callbacks(execute=True):
        annual_reports.review_report(report, approve=True, acting_user=b.second)
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED and report.data["reviewer"] == "nb-second姓名"
    page = (b.root / "www.example.gov.cn" / "ndbb" / "_supervision" / "report-2025.html").read_text()
    for text in ("2025年政府网站工作年度报表", "网站名称", "示例市人民政府", "独立用户访问总量", "信息发布",
                 "政务动态信息更新量", "专栏专题", "留言办理：平均办理时间", "9.0", "填报人", "nb-admin姓名",
                 "审核人", "nb-second姓名", "2026-01-12", "各栏目信息发布数量"):  # fmt: skip
        assert text in page, text
    assert "report-2025.html" in (b.root / "www.example.gov.cn" / "ndbb" / "index.html").read_text()
    found = page_checks.examine(page, "page", page_checks.PageWords([]))  # the annex's tags, the footer (OPS-1)
    assert "missing_tags" not in found and "missing_footer" not in found
    result = publish_site(b.site.pk)
    assert result.written == [] and result.deleted == []
    assert AuditEntry.objects.filter(action=AuditEvent.SITE_ANNUAL_REPORT_PUBLISH, actor=b.second).exists()


def test_ops3_due_from_1_january_late_after_31_january(year):
    b = year
    assert [d.year for d in annual_reports.reports_due([b.site.pk], dt.date(2025, 12, 31))] == [2024]
    due = annual_reports.reports_due([b.site.pk], dt.date(2026, 1, 31))
    assert [(d.year, d.late, d.state) for d in due] == [(2025, False, "missing")]
    assert annual_reports.reports_due([b.site.pk], dt.date(2026, 2, 1))[0].late
    report = annual_reports.generate_report(b.site, 2025, acting_user=b.admin, today=TODAY)
    annual_reports.submit_report(report, acting_user=b.admin)
    annual_reports.review_report(report, approve=True, acting_user=b.reviewer)
    assert annual_reports.reports_due([b.site.pk], dt.date(2026, 2, 1)) == []
    opened = b.make_site("新开网站", "new.example.gov.cn")  # created now: owes no report on 2025
    assert [d.year for d in annual_reports.reports_due([opened.pk], dt.date(timezone.now().year + 1, 1, 5))] == [
        timezone.now().year
    ]
    assert annual_reports.reports_due([opened.pk], dt.date(timezone.now().year, 1, 5)) == []


def test_ops3_back_office_generate_fill_submit_review(year, backoffice_client):
    b = year
    client = log_in(backoffice_client, b.admin)
    work = client.get(admin_url("index")).content.decode()
    assert "1月31日前须公开的网站年度报表" in work and "工作年度报表" in work  # last year's, not yet published
    client.post(admin_url("monitoring_annual_reports"), {"form": "site", "site-site": b.site.pk, "site-year": 2025})
    report = b.site.annual_work_reports.get(year=2025)
    page = client.get(admin_url("monitoring_annual_report", report.pk)).content.decode()
    assert "政务服务事项数量" in page and "保存并提交审核" in page
    client.post(admin_url("monitoring_annual_report", report.pk), {"step": "submit", "service_items": "88",
                                                                    "new_media": "0"})  # fmt: skip
    report.refresh_from_db()
    assert report.status == ReportStatus.IN_REVIEW and report.data["service_items"] == 88
    assert report.data["new_media"] is False
    assert "审核通过并公开" not in client.get(admin_url("monitoring_annual_report", report.pk)).content.decode()
    reviewer = log_in(backoffice_client, b.reviewer)
    assert "审核通过并公开" in reviewer.get(admin_url("monitoring_annual_report", report.pk)).content.decode()
    reviewer.post(admin_url("monitoring_annual_report", report.pk), {"step": "approve", "reason": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED


def test_ops7_supervision_annual_report_counted_and_published(year, django_capture_on_commit_callbacks):
    b = year
    b.jg = b.column("wzjg", "政府网站监管", column_type="政府网站监管")
    publish_site(b.site.pk)
    CheckRun.objects.create(site=b.site, day=dt.date(2025, 6, 1), started_at=timezone.now(), state=State.VETO)
    CheckRun.objects.create(site=b.site, day=dt.date(2025, 6, 2), started_at=timezone.now(), state=State.OK)
    spot_checks.draw_spot_check(today=dt.date(2025, 6, 3), acting_user=b.platform)
    with pytest.raises(PermissionDenied):
        supervision_report.generate_report(2025, acting_user=b.admin, today=TODAY)
    report = supervision_report.generate_report(2025, acting_user=b.platform, today=TODAY)
    data = report.data
    assert data["sites_total"] == 1 and data["portals"] == 1
    assert (data["check_runs"], data["veto_days"], data["veto_sites"]) == (2, 1, 1)
    assert (data["spot_checks"], data["spot_sites"], data["spot_passed"]) == (1, 1, 1)
    assert (data["orders_issued"], data["orders_closed"]) == (2, 1)
    with django_capture_on_commit_callbacks(execute=True):
        supervision_report.publish_report(report, acting_user=b.platform)
    page = (b.root / "www.example.gov.cn" / "wzjg" / "_supervision" / "annual-2025.html").read_text()
    assert "2025年政府网站监管年度报表" in page and "发出整改督办单" in page and "抽查合格率" in page
    with pytest.raises(ValidationError):
        supervision_report.generate_report(2025, acting_user=b.platform, today=TODAY)  # published: kept as it is
