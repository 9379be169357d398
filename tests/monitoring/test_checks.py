"""OPS-1: the daily check's runner: every line measured and stored, one run per site and day,
only monitored sites, on demand by the site's administrators (audited), alerts after commit."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from monitoring import alerts, checks
from monitoring.lines import REGISTRY, Line, Measurement, State, all_lines
from monitoring.models import CheckRun, LineResult, Trigger
from sites.models import Role, SiteStatus
from tests.factories import MembershipFactory, SiteFactory, UserFactory
from tests.monitoring.content_data import TODAY, column, days_ago, online_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(monkeypatch):
    runs = []
    monkeypatch.setattr(alerts, "alert_for_run", runs.append)
    return runs


def stale_site():
    site = SiteFactory()
    online_item(column(site, "要闻", is_channel=True), days_ago(15))  # home page past the veto line
    return site


def test_a_run_stores_every_line_with_its_levels(told, django_capture_on_commit_callbacks):  # OPS-1
    site = stale_site()
    with django_capture_on_commit_callbacks(execute=True):
        run = checks.run_checks(site, today=TODAY)
    keys = [line.key for line in all_lines()]
    assert sorted(run.results.values_list("line_key", flat=True)) == sorted(keys)
    home = run.results.get(line_key="home_not_updated")
    assert (home.value, home.warning, home.veto, home.state) == (15, 10, 14, State.VETO)
    assert home.label == "首页未更新" and home.unit == "天"
    assert run.state == State.VETO and run.day == TODAY and run.trigger == Trigger.SCHEDULE
    assert told == [run]  # the alerts are sent once the run is stored


def test_a_rerun_the_same_day_replaces_the_results(told, django_capture_on_commit_callbacks):  # OPS-1
    site = stale_site()
    checks.run_checks(site, today=TODAY)
    online_item(column(site, "新闻", is_channel=True), days_ago(0))
    run = checks.run_checks(site, today=TODAY)
    assert CheckRun.objects.filter(site=site).count() == 1
    assert LineResult.objects.filter(run__site=site, line_key="home_not_updated").get().value == 0
    checks.run_checks(site, today=days_ago(-1))
    assert CheckRun.objects.filter(site=site).count() == 2
    assert checks.latest_run(site).day == days_ago(-1) and run.day == TODAY


def test_alerts_wait_for_the_commit(told, django_capture_on_commit_callbacks):  # OPS-1
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = checks.run_checks(stale_site(), today=TODAY)
    assert told == []  # nothing is told of a run that could still roll back
    for callback in callbacks:
        callback()
    assert told == [run]


class Broken(Line):
    key = "test_broken"
    label = "坏的检查项"
    warning = 1

    def measure(self, site, context):
        raise RuntimeError("boom")


def test_a_failing_line_is_unknown_never_passed(told, monkeypatch):  # OPS-1
    monkeypatch.setitem(REGISTRY, "test_broken", Broken())
    run = checks.run_checks(stale_site(), today=TODAY)
    broken = run.results.get(line_key="test_broken")
    assert broken.value is None and broken.state == State.UNKNOWN and broken.note


def test_the_overall_state_is_the_worst_line():  # OPS-1
    assert checks.overall_state([State.OK, State.UNKNOWN]) == State.UNKNOWN
    assert checks.overall_state([State.OK, State.WARNING, State.UNKNOWN]) == State.WARNING
    assert checks.overall_state([State.WARNING, State.VETO, State.OK]) == State.VETO
    assert checks.overall_state([]) == State.UNKNOWN


def test_offenders_kept_are_capped_with_the_full_count(told, monkeypatch):  # OPS-1
    class Many(Line):
        key = "test_many"
        label = "很多问题"

        def measure(self, site, context):
            from monitoring.lines import Offender

            return Measurement(300, [Offender(label=f"页面{n}") for n in range(300)])

    monkeypatch.setitem(REGISTRY, "test_many", Many())
    result = checks.run_checks(stale_site(), today=TODAY).results.get(line_key="test_many")
    assert result.offender_count == 300 and len(result.offenders) == LineResult.MAX_OFFENDERS


def test_only_sites_open_to_the_public_are_monitored(told):  # OPS-1, issue 17 item 5
    online, migrating = SiteFactory(), SiteFactory(status=SiteStatus.MIGRATING)
    SiteFactory(status=SiteStatus.OFFLINE)
    SiteFactory(status=SiteStatus.CLOSED)
    SiteFactory(status=SiteStatus.APPLYING)
    SiteFactory(status=SiteStatus.ONLINE, archived_at=timezone.now())
    assert list(checks.monitored_sites()) == [online, migrating]
    assert checks.run_all(today=TODAY) == 2
    assert set(CheckRun.objects.values_list("site", flat=True)) == {online.pk, migrating.pk}


def test_on_demand_by_the_site_administrator_is_audited(told):  # OPS-1
    site = stale_site()
    admin = MembershipFactory(site=site, role=Role.SITE_ADMIN).user
    assert checks.may_run_checks(admin, site)
    run = checks.run_checks(site, today=TODAY, trigger=Trigger.DEMAND, acting_user=admin)
    assert run.triggered_by == admin and run.trigger == Trigger.DEMAND
    entry = AuditEntry.objects.get(action=AuditEvent.MONITORING_CHECK_RUN)
    assert entry.actor == admin and entry.site_id == site.pk


def test_on_demand_is_refused_to_editors_and_other_sites_admins(told):  # OPS-1
    site = stale_site()
    editor = MembershipFactory(site=site, role=Role.EDITOR).user
    stranger = MembershipFactory(site=SiteFactory(), role=Role.SITE_ADMIN).user
    for user in (editor, stranger):
        assert not checks.may_run_checks(user, site)
        with pytest.raises(PermissionDenied):
            checks.run_checks(site, today=TODAY, trigger=Trigger.DEMAND, acting_user=user)
    assert not CheckRun.objects.exists()
    assert checks.may_run_checks(UserFactory(is_platform_admin=True), site)


def test_the_daily_task_and_the_command(told, capsys):  # OPS-1
    from monitoring.tasks import run_daily_checks

    site = stale_site()
    assert run_daily_checks() == 1
    call_command("check_sites", str(site.pk), "--day", TODAY.isoformat())
    out = capsys.readouterr().out
    # In the dashboard's words: the site's state, then each line that needs attention.
    assert f"{site.name}: 未通过否决线" in out and "首页未更新 15天（未通过否决线）" in out
    assert CheckRun.objects.filter(site=site).count() == 2
