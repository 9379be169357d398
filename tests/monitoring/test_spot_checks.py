"""OPS-2: quarterly spot checks of at least 30% of the monitored sites (rounded up), drawn at random
from a recorded seed, each with its latest daily check's results, published on the top-level
portal's 政府网站监管 column (and only there)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from monitoring import page_checks, spot_checks
from monitoring.lines import State
from monitoring.models import CheckRun, LineResult, SpotCheck
from publishing.publisher import publish_site
from sites.models import Role, SiteKind, SiteStatus
from tests.factories import SiteFactory, UserFactory
from tests.rendering.conftest import Builder

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


def run_for(site, day, state, *findings):
    run = CheckRun.objects.create(site=site, day=day, started_at=timezone.now(), state=state)
    for key, label, value, line_state, offenders in findings:
        LineResult.objects.create(
            run=run, line_key=key, label=label, unit="个", value=value, warning=2, veto=5, state=line_state,
            offenders=[{"label": name} for name in offenders], offender_count=len(offenders),
        )  # fmt: skip
    return run


@pytest.fixture
def admin(db):
    return UserFactory(is_platform_admin=True)


def test_ops2_draws_30_percent_rounded_up_of_monitored_sites_only(admin):
    """11 monitored sites: 4 drawn (ceil 3.3); offline-by-approval and archived sites are not in the
    population; the population and seed are kept, and the same seed draws the same sites."""
    monitored = [SiteFactory() for _ in range(11)]
    SiteFactory(status=SiteStatus.OFFLINE)
    SiteFactory(archived_at=timezone.now())
    check = spot_checks.draw_spot_check(today=TODAY, acting_user=admin)
    assert (check.year, check.quarter) == (2026, 4)
    assert check.population == sorted(s.pk for s in monitored)
    assert check.entries.count() == 4
    assert len(check.seed) == 32 and spot_checks.verify_draw(check)
    assert set(check.entries.values_list("site_id", flat=True)) <= {s.pk for s in monitored}
    entry = AuditEntry.objects.get(action=AuditEvent.SPOT_CHECK_DRAW)
    assert entry.actor == admin and entry.details["count"] == 4 and entry.details["population"] == 11


@pytest.mark.parametrize(("population", "drawn"), [(1, 1), (3, 1), (10, 3), (11, 4), (20, 6), (21, 7)])
def test_ops2_sample_size_never_below_30_percent(population, drawn):
    assert spot_checks.sample_size(population) == drawn
    assert drawn * 100 >= 30 * population


def test_ops2_draw_depends_only_on_the_seed():
    population = list(range(1, 101))
    assert spot_checks.draw(population, "a1", 30) == spot_checks.draw(list(reversed(population)), "a1", 30)
    assert spot_checks.draw(population, "a1", 30) != spot_checks.draw(population, "b2", 30)


def test_ops2_each_drawn_site_gets_its_latest_check_before_the_draw(admin):
    site = SiteFactory(name="抽查示例局")
    run_for(site, TODAY - dt.timedelta(days=3), State.OK)
    run_for(site, TODAY - dt.timedelta(days=1), State.VETO,
            ("empty_columns", "空白栏目", 6, State.VETO, ["栏目甲", "栏目乙", "栏目丙", "栏目丁"]),
            ("stale", "栏目不更新", 3, State.WARNING, ["通知公告"]),
            ("links", "链接可用性", 0, State.OK, []))  # fmt: skip
    run_for(site, TODAY + dt.timedelta(days=1), State.OK)  # after the draw: not used
    unchecked = SiteFactory(name="未检查示例局")
    check = spot_checks.draw_spot_check(today=TODAY, acting_user=admin, share_percent=100)
    entry = check.entries.get(site=site)
    assert entry.checked_on == TODAY - dt.timedelta(days=1) and entry.state == State.VETO
    assert [f["label"] for f in entry.findings] == ["空白栏目", "栏目不更新"]  # veto first, passed lines left out
    assert entry.findings[0]["examples"] == ["栏目甲", "栏目乙", "栏目丙"] and entry.findings[0]["count"] == 4
    missing = check.entries.get(site=unchecked)
    assert missing.checked_on is None and missing.state == State.UNKNOWN


def test_ops2_one_draw_a_quarter_by_platform_administrators(admin):
    SiteFactory()
    with pytest.raises(PermissionDenied):
        spot_checks.draw_spot_check(today=TODAY, acting_user=UserFactory())
    spot_checks.draw_spot_check(today=TODAY, acting_user=admin)
    with pytest.raises(ValidationError):
        spot_checks.draw_spot_check(today=TODAY + dt.timedelta(days=5), acting_user=admin)  # same quarter
    with pytest.raises(ValidationError):
        spot_checks.draw_spot_check(today=dt.date(2027, 1, 5), acting_user=admin, share_percent=20)
    assert spot_checks.draw_spot_check(today=dt.date(2027, 1, 5), acting_user=admin).quarter == 1
    assert SpotCheck.objects.count() == 2


@pytest.fixture
def portal(settings, tmp_path, monkeypatch):
    monkeypatch.setattr("publishing.site_publisher.PARTIAL_FALLBACK", False)
    settings.PUBLISH_ROOT = tmp_path / "publish"
    settings.MEDIA_ROOT = tmp_path / "media"
    b = Builder(Path(settings.PUBLISH_ROOT))
    b.news = b.column("xwzx", "新闻中心", channel=True)
    b.article(b.news, "工作动态一则")
    b.jg = b.column("wzjg", "政府网站监管", column_type="政府网站监管")
    b.dept = b.make_site("示例市教育局", "jyj.example.gov.cn", kind=SiteKind.DEPARTMENT, parent=b.site)
    b.dept_column = b.column("wzjg", "政府网站监管", column_type="政府网站监管", site=b.dept)
    b.article(b.column("tzgg", "通知公告", site=b.dept, column_type="通知公告"), "部门通知")
    run_for(b.dept, TODAY - dt.timedelta(days=1), State.VETO, ("home", "首页不更新", 15, State.VETO, ["首页"]))
    return b


def test_ops2_results_published_on_the_top_level_portal(portal, admin, django_capture_on_commit_callbacks):
    b = portal
    publish_site(b.site.pk)
    publish_site(b.dept.pk)
    assert not (b.root / "www.example.gov.cn" / "wzjg" / "index.html").exists()  # nothing yet: not shown
    check = spot_checks.draw_spot_check(today=TODAY, acting_user=admin, share_percent=100)
    with django_capture_on_commit_callbacks(execute=True):
        spot_checks.publish_spot_check(check, summary="本季度抽查发现1个网站不合格，已发整改督办单。", acting_user=admin)
    page = (b.root / "www.example.gov.cn" / "wzjg" / "_supervision" / f"spot-{check.pk}.html").read_text()
    assert "2026年第4季度政府网站抽查" in page and "示例市教育局" in page and "示例市人民政府" in page
    assert "不合格（触及单项否决指标）" in page and "首页不更新：15个（首页）" in page
    assert "已发整改督办单" in page and check.seed in page
    assert f"spot-{check.pk}.html" in (b.root / "www.example.gov.cn" / "wzjg" / "index.html").read_text()
    # The daily page check finds the annex's content tags and the footer on it (OPS-1).
    found = page_checks.examine(page, "page", page_checks.PageWords([]))
    assert "missing_tags" not in found and "missing_footer" not in found and "placeholders" not in found
    report = publish_site(b.site.pk)
    assert report.written == [] and report.deleted == []  # the incremental publish left nothing behind
    publish_site(b.dept.pk)
    assert not (b.root / "jyj.example.gov.cn" / "wzjg" / "_supervision").exists()  # not a top-level portal
    assert AuditEntry.objects.filter(action=AuditEvent.SPOT_CHECK_PUBLISH, actor=admin).exists()
    with pytest.raises(ValidationError):
        spot_checks.publish_spot_check(check, acting_user=admin)  # once


def test_ops2_publishing_needs_the_portal_column(admin):
    SiteFactory()
    check = spot_checks.draw_spot_check(today=TODAY, acting_user=admin)
    with pytest.raises(ValidationError, match="政府网站监管"):
        spot_checks.publish_spot_check(check, acting_user=admin)
    check.refresh_from_db()
    assert check.published_at is None


def test_ops2_back_office_draw_and_publish_by_platform_administrators(portal, admin, backoffice_client, make_member):
    from tests.helpers import admin_url, log_in

    b = portal
    site_admin = make_member(b.dept, Role.SITE_ADMIN, username="cc-admin")
    client = log_in(backoffice_client, site_admin)
    assert client.get(admin_url("monitoring_spot_checks")).status_code == 403
    assert client.post(admin_url("monitoring_spot_checks"), {"share_percent": 100}).status_code == 403
    client = log_in(backoffice_client, admin)
    page = client.get(admin_url("monitoring_spot_checks")).content.decode()
    assert "抽取本季度抽查网站" in page and "不低于30%" in page
    refused = client.post(admin_url("monitoring_spot_checks"), {"share_percent": 20}).content.decode()
    assert "errorlist" in refused and "30" in refused and not SpotCheck.objects.exists()
    client.post(admin_url("monitoring_spot_checks"), {"share_percent": 100})
    check = SpotCheck.objects.get()
    page = client.get(admin_url("monitoring_spot_check", check.pk)).content.decode()
    assert "示例市教育局" in page and check.seed in page and "在门户网站公开抽查结果" in page
    assert log_in(backoffice_client, site_admin).get(admin_url("monitoring_spot_check", check.pk)).status_code == 403
    client = log_in(backoffice_client, admin)
    client.post(admin_url("monitoring_spot_check", check.pk), {"summary": "总体良好。"})
    check.refresh_from_db()
    assert check.published_at is not None and check.summary == "总体良好。"
