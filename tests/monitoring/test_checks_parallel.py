"""OPS-1: the daily check of many sites shared among processes (the 100-site target of issue 17):
forked processes on PostgreSQL outside a transaction, one process where forking cannot work, and
with a broker one task per site for the worker's processes."""

from types import SimpleNamespace

import pytest
from django.db import connection

from monitoring import checks, tasks
from monitoring.models import Alert, CheckRun
from sites.models import SiteStatus
from tests.factories import SiteFactory
from tests.monitoring.content_data import TODAY, column, days_ago, online_item


def stale_site():
    site = SiteFactory()
    online_item(column(site, "要闻", is_channel=True), days_ago(15))  # home page past the veto line
    return site


@pytest.fixture
def server_database(monkeypatch):
    """As the beat task sees the database: PostgreSQL, no transaction open."""
    monkeypatch.setattr(checks, "connection", SimpleNamespace(vendor="postgresql", in_atomic_block=False))


def test_processes_where_forking_works(server_database, settings):
    settings.MONITORING_CHECK_PROCESSES = 2
    assert checks.check_processes(100) == 2
    assert checks.check_processes(100, processes=4) == 4
    assert checks.check_processes(3, processes=8) == 3  # no more processes than sites
    assert checks.check_processes(1) == 1


def test_one_process_where_forking_cannot_work(monkeypatch, settings):
    settings.MONITORING_CHECK_PROCESSES = 2
    monkeypatch.setattr(checks, "connection", SimpleNamespace(vendor="postgresql", in_atomic_block=True))
    assert checks.check_processes(100) == 1  # a transaction's rows are not seen by other processes
    monkeypatch.setattr(checks, "connection", SimpleNamespace(vendor="sqlite", in_atomic_block=False))
    assert checks.check_processes(100) == 1  # one writer at a time
    monkeypatch.setattr(checks, "connection", SimpleNamespace(vendor="postgresql", in_atomic_block=False))
    monkeypatch.setattr(checks.multiprocessing, "current_process", lambda: SimpleNamespace(daemon=True))
    assert checks.check_processes(100) == 1  # a Celery worker's child may not fork


@pytest.mark.django_db(transaction=True)
def test_sites_checked_in_forked_processes_each_stored_with_its_alerts():
    if connection.vendor != "postgresql":
        pytest.skip("forked processes check sites on PostgreSQL only (SQLite: one process)")
    sites = [stale_site() for _ in range(3)]
    SiteFactory(status=SiteStatus.OFFLINE)  # not monitored
    checks.line_seconds.clear()
    assert checks.run_all(today=TODAY, processes=2) == 3
    runs = CheckRun.objects.filter(day=TODAY)
    assert sorted(runs.values_list("site", flat=True)) == [site.pk for site in sites]
    assert set(runs.values_list("state", flat=True)) == {"veto"}
    # Each process sent its sites' alerts after its own commit (home page past the veto line).
    assert set(Alert.objects.filter(line_key="home_not_updated").values_list("site", flat=True)) == {
        site.pk for site in sites
    }
    assert checks.line_seconds["home_not_updated"] > 0  # the workers' times reach the caller


@pytest.mark.django_db
def test_with_a_broker_one_task_per_site_for_the_day(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr(tasks.check_site, "delay", lambda *args: sent.append(args))
    first, second = stale_site(), stale_site()
    SiteFactory(status=SiteStatus.CLOSED)
    assert tasks.run_daily_checks() == 2
    assert sorted(sent) == sorted((site.pk, sent[0][1]) for site in (first, second))
    monkeypatch.setattr("monitoring.alerts.alert_for_run", lambda run: None)
    assert tasks.check_site(first.pk, TODAY.isoformat()) is True  # what a worker does with one
    assert CheckRun.objects.get(site=first).day == TODAY
    assert tasks.check_site(SiteFactory(status=SiteStatus.OFFLINE).pk, TODAY.isoformat()) is False
