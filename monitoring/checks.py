"""The daily check (OPS-1): every registered line measured for a site, stored as one run.

`run_checks` is an action: the lines are measured first (reads only, outside the transaction),
then the day's run is replaced in one transaction (a re-run the same day, on demand, replaces the
day's results, so the trend keeps one point per day), an on-demand run is audited, and once the
transaction commits the alerts are sent (monitoring/alerts.py). `run_all` is the beat task's body.

Plain functions of explicit dates: the demo and the tests pass `today`; nothing below reads the
clock except to default it.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import time
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone, translation

from auditlog.audit import record
from auditlog.events import AuditEvent
from monitoring.lines import SEVERITY, CheckContext, Line, Measurement, State, all_lines
from monitoring.models import CheckRun, LineResult, Trigger
from sites.models import Role, Site, SiteStatus
from sites.permissions import has_role, require_role

log = logging.getLogger(__name__)

LABEL_LANGUAGE = "zh-hans"

# Sites that are checked and alerted: open to the public. Offline by approval, closed, applying,
# approved-not-yet-online and archived sites are not (issue 17 item 5).
MONITORED_STATUSES = (SiteStatus.ONLINE, SiteStatus.MIGRATING)


def monitored_sites():
    return Site.objects.filter(status__in=MONITORED_STATUSES, archived_at__isnull=True).order_by("pk")


def is_monitored(site: Site) -> bool:
    return site.status in MONITORED_STATUSES and site.archived_at is None


def may_run_checks(user, site: Site) -> bool:
    """Who may run the check on demand: the site's administrators and platform administrators."""
    return is_monitored(site) and has_role(user, site, Role.SITE_ADMIN)


def latest_run(site: Site) -> CheckRun | None:
    return site.check_runs.order_by("-day", "-pk").first()


def context_for(today: dt.date | None) -> CheckContext:
    """The day of a run; `now` is the real time for today's run, the end of the day for another day."""
    now = timezone.now()
    if today is None or today == timezone.localdate(now):
        return CheckContext(today=timezone.localdate(now), now=now)
    end = dt.datetime.combine(today, dt.time(23, 59, 59))
    return CheckContext(today=today, now=timezone.make_aware(end))


# Seconds each line took in this process since it was last cleared (run_all adds its workers'):
# where the daily check spends its time (benchmarks/monitoring_check_bench.py prints it).
line_seconds: dict[str, float] = defaultdict(float)


def measure_line(line: Line, site: Site, context: CheckContext) -> Measurement:
    """One line's measurement; a line that fails is reported as not computable, never as passed."""
    begun = time.perf_counter()
    try:
        return line.measure(site, context)
    except Exception:  # one broken line must not stop the other lines or the other sites
        log.exception("monitoring line %s failed for site %s", line.key, site.pk)
        return Measurement(None, note="检查出错，无法计算")
    finally:
        line_seconds[line.key] += time.perf_counter() - begun


def _result(line: Line, measurement: Measurement) -> LineResult:
    offenders = measurement.offenders
    return LineResult(
        line_key=line.key,
        label=str(line.label)[:200],
        unit=str(line.unit)[:20],
        value=measurement.value,
        warning=line.warning,
        veto=line.veto,
        state=line.state_of(measurement.value),
        offenders=[o.as_dict() for o in offenders[: LineResult.MAX_OFFENDERS]],
        offender_count=len(offenders),
        note=measurement.note,
    )


def overall_state(states) -> State:
    """The worst of the lines' states (a run without lines cannot say anything)."""
    states = [State(s) for s in states]
    return max(states, key=lambda s: SEVERITY[s]) if states else State.UNKNOWN


def _require_monitored(site: Site) -> None:
    """Refuse a check on demand of a site that is not checked (offline by approval, closed, applying,
    archived); its status read from the database, not from the caller's possibly older copy."""
    if not monitored_sites().filter(pk=site.pk).exists():
        raise ValidationError(
            translation.gettext(
                "This site is not checked: it is offline by approval, closed, applying or archived."
            ),
            code="not_monitored",
        )


def run_checks(site: Site, *, today: dt.date | None = None, trigger: str = Trigger.SCHEDULE, acting_user=None):
    """Measure every registered line for `site` and store the day's run (replacing an earlier one)."""
    if trigger == Trigger.DEMAND:
        require_role(acting_user, site, Role.SITE_ADMIN)
        _require_monitored(site)  # the schedule's path: run_all passes only monitored sites
    context = context_for(today)
    started = timezone.now()
    with translation.override(LABEL_LANGUAGE):  # labels are stored in Chinese, whoever runs the check
        results = [_result(line, measure_line(line, site, context)) for line in all_lines()]
    with transaction.atomic():
        Site.objects.select_for_update().filter(pk=site.pk).first()  # one run of a site at a time
        CheckRun.objects.filter(site=site, day=context.today).delete()
        run = CheckRun.objects.create(
            site=site,
            day=context.today,
            started_at=started,
            finished_at=timezone.now(),
            state=overall_state(r.state for r in results),
            trigger=trigger,
            triggered_by=acting_user if trigger == Trigger.DEMAND else None,
        )
        for result in results:
            result.run = run
        LineResult.objects.bulk_create(results)
        if trigger == Trigger.DEMAND:
            record(
                AuditEvent.MONITORING_CHECK_RUN,
                actor=acting_user,
                obj=site,
                site=site,
                details={"day": context.today.isoformat(), "state": run.state},
            )
        transaction.on_commit(lambda: _alert(run))
    return run


def _alert(run: CheckRun) -> None:
    from monitoring import alerts  # written beside this module by another part; read at call time

    alerts.alert_for_run(run)


def check_processes(sites: int, processes: int | None = None) -> int:
    """How many processes measure the sites at once: settings.MONITORING_CHECK_PROCESSES (default
    the CPUs), but one where forked processes could not do the work:
    - a daemonic process (a Celery worker's child) may not have children: the beat task spreads the
      sites over the workers instead (monitoring/tasks.py);
    - inside a transaction (tests) the workers would not see its uncommitted rows;
    - SQLite takes one writer at a time (the platform runs on PostgreSQL)."""
    if processes is None:
        processes = getattr(settings, "MONITORING_CHECK_PROCESSES", None) or os.cpu_count() or 1
    if (
        sites < 2
        or multiprocessing.current_process().daemon
        or connection.in_atomic_block
        or connection.vendor == "sqlite"
    ):
        return 1
    return max(1, min(processes, sites))


def check_site(site_id: int, today: dt.date | None = None) -> bool:
    """The daily check of one site by id (a worker's or a task's unit); False when it failed."""
    site = Site.objects.filter(pk=site_id).first()
    if site is None or not is_monitored(site):
        return False  # gone or taken offline since the list was made
    try:
        run_checks(site, today=today)
        return True
    except Exception:  # one site's failure must not stop the others' checks
        log.exception("daily check of site %s failed", site_id)
        return False


def _check_in_worker(args) -> tuple[bool, dict[str, float]]:
    site_id, today = args
    line_seconds.clear()
    try:
        return check_site(site_id, today), dict(line_seconds)
    finally:
        connections.close_all()


def run_all(today: dt.date | None = None, *, processes: int | None = None) -> int:
    """The daily check of every monitored site, each stored in its own transaction by the process
    that measured it; the sites shared among `processes` forked processes (check_processes), one site
    at a time each so that a large site does not hold the others back. Returns the runs stored."""
    today = today or timezone.localdate()  # one day for every site, even past midnight
    site_ids = list(monitored_sites().values_list("pk", flat=True))
    processes = check_processes(len(site_ids), processes)
    if processes == 1:
        return sum(check_site(site_id, today) for site_id in site_ids)
    connections.close_all()  # each process opens its own connection (a forked socket is shared)
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.map(_check_in_worker, [(site_id, today) for site_id in site_ids], chunksize=1)
    for _ok, seconds in results:
        for key, value in seconds.items():
            line_seconds[key] += value
    return sum(ok for ok, _seconds in results)
