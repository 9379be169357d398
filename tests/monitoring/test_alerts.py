"""Alerts of the daily check (OPS-1, issue 17 item 5): mailed to the site's administrators and
shown on their work page, once per problem per day, worded apart for a warning and a veto line,
naming the column's responsible person (a name and phone, COL-8); nothing for a site offline by
approval or archived."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from monitoring import alerts, checks
from monitoring.lines import State
from monitoring.models import Alert, CheckRun, LineResult
from sites.models import Role, SiteStatus
from tests.factories import MembershipFactory, SiteFactory, UserFactory
from tests.helpers import admin_url, log_in
from tests.monitoring.content_data import TODAY, column, days_ago, online_item

pytestmark = pytest.mark.django_db

OFFENDER = {"label": "要闻", "url": "/yw/", "detail": "最近更新 2026-11-20，已 16 天", "responsible": "张三 0312-1234567",
            "object_kind": "column", "object_id": 1}  # fmt: skip


@pytest.fixture
def site(db):
    site = SiteFactory(name="保定市人民政府")
    MembershipFactory(site=site, role=Role.SITE_ADMIN, user=UserFactory(username="boss", email="boss@bd.gov.cn"))
    MembershipFactory(site=site, role=Role.EDITOR, user=UserFactory(username="writer", email="writer@bd.gov.cn"))
    return site


def run_with(site, *results, day=TODAY):
    run, _ = CheckRun.objects.update_or_create(site=site, day=day, defaults={"started_at": timezone.now()})
    run.results.all().delete()
    for key, value, warning, veto, state in results:
        LineResult.objects.create(run=run, line_key=key, label={"home": "首页未更新", "stale": "栏目不更新"}.get(key, key),
                                  unit="天", value=value, warning=warning, veto=veto, state=state,
                                  offenders=[OFFENDER], offender_count=1)  # fmt: skip
    return run


HOME_WARNING = ("home", 10, 10, 14, State.WARNING)
HOME_VETO = ("home", 14, 10, 14, State.VETO)


def test_ops1_a_veto_and_a_warning_are_mailed_to_the_site_administrators_worded_apart(site, mailoutbox):
    run = run_with(site, HOME_VETO, ("stale", 3, 3, 5, State.WARNING), ("ok", 0, 3, 5, State.OK),
                   ("unknown", None, 3, 5, State.UNKNOWN))  # fmt: skip
    told = alerts.alert_for_run(run)
    assert sorted(a.line_key for a in told) == ["home", "stale"]  # passed and unknown lines are not alerts
    (mail,) = mailoutbox
    assert mail.to == ["boss@bd.gov.cn"]  # the administrators, not the editors
    assert mail.subject == "保定市人民政府：日常监测有 1 项触及单项否决指标"
    assert "保定市人民政府 已触及单项否决指标“首页未更新”：14 天（否决线 14），请立即整改。" in mail.body
    assert "保定市人民政府 接近单项否决指标“栏目不更新”：3 天（预警线 3，否决线 5），请及时处理。" in mail.body
    # the column's responsible person is a name and a phone, not an account: named in the text
    assert "要闻；最近更新 2026-11-20，已 16 天；责任人：张三 0312-1234567" in mail.body
    assert all(a.mailed_at and a.recipients == ["boss@bd.gov.cn"] for a in Alert.objects.all())


def test_ops1_a_warning_only_line_is_not_called_close_to_a_veto_line(site, mailoutbox):
    alerts.alert_for_run(run_with(site, ("reposts_missed", 1, 1, None, State.WARNING)))
    assert mailoutbox[0].subject == "保定市人民政府：日常监测预警"
    assert "保定市人民政府“reposts_missed”预警：1 天（预警线 1）。" in mailoutbox[0].body
    assert "否决" not in mailoutbox[0].body


def test_ops1_once_per_problem_per_day(site, mailoutbox):
    alerts.alert_for_run(run_with(site, HOME_WARNING))
    alerts.alert_for_run(run_with(site, HOME_WARNING))  # re-run on demand the same day
    assert len(mailoutbox) == 1 and Alert.objects.count() == 1
    alerts.alert_for_run(run_with(site, HOME_WARNING, day=TODAY + dt.timedelta(days=1)))  # the next day
    assert len(mailoutbox) == 2 and Alert.objects.count() == 2


def test_ops1_a_line_getting_worse_the_same_day_is_told_again(site, mailoutbox):
    alerts.alert_for_run(run_with(site, HOME_WARNING))
    alerts.alert_for_run(run_with(site, HOME_VETO))
    alerts.alert_for_run(run_with(site, HOME_WARNING))  # better again: nothing new
    assert len(mailoutbox) == 2
    assert Alert.objects.get().state == State.VETO


@pytest.mark.parametrize(
    "change", [{"status": SiteStatus.OFFLINE}, {"archived_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
               {"status": SiteStatus.CLOSED}],  # fmt: skip
    ids=["offline-by-approval", "archived", "closed"],
)
def test_ops1_no_alert_for_a_site_offline_by_approval_or_archived(site, mailoutbox, change):
    run = run_with(site, HOME_VETO)
    for name, value in change.items():
        setattr(site, name, value)
    site.save()
    run.refresh_from_db()
    assert alerts.alert_for_run(run) == []
    assert not mailoutbox and not Alert.objects.exists()


def test_ops1_the_daily_check_alerts_after_its_commit(site, mailoutbox, django_capture_on_commit_callbacks):
    online_item(column(site, "要闻", is_channel=True), days_ago(15))  # the home page past the veto line
    with django_capture_on_commit_callbacks(execute=True):
        checks.run_checks(site, today=TODAY)
    assert Alert.objects.filter(site=site, line_key="home_not_updated", state=State.VETO).exists()
    assert any("首页未更新" in mail.body for mail in mailoutbox)


def test_ops1_the_alerts_are_on_the_site_administrators_work_page(site, backoffice_client):
    alerts.alert_for_run(run_with(site, HOME_VETO, day=timezone.localdate()))
    boss = site.memberships.get(role=Role.SITE_ADMIN).user
    response = log_in(backoffice_client, boss).get(admin_url("index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.content.decode()
    assert "日常监测告警" in body and "首页未更新" in body and "触及单项否决指标" in body
    writer = site.memberships.get(role=Role.EDITOR).user
    with translation.override("zh-hans"):
        other = log_in(backoffice_client, writer).get(admin_url("index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "日常监测告警" not in other.content.decode()  # editors are not told the site's alerts
