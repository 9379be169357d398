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

from django.db import transaction
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


def measure_line(line: Line, site: Site, context: CheckContext) -> Measurement:
    """One line's measurement; a line that fails is reported as not computable, never as passed."""
    try:
        return line.measure(site, context)
    except Exception:  # one broken line must not stop the other lines or the other sites
        log.exception("monitoring line %s failed for site %s", line.key, site.pk)
        return Measurement(None, note="检查出错，无法计算")


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


def run_checks(site: Site, *, today: dt.date | None = None, trigger: str = Trigger.SCHEDULE, acting_user=None):
    """Measure every registered line for `site` and store the day's run (replacing an earlier one)."""
    if trigger == Trigger.DEMAND:
        require_role(acting_user, site, Role.SITE_ADMIN)
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


def run_all(today: dt.date | None = None) -> int:
    """The daily task: every monitored site, each in its own transaction. Returns the runs stored."""
    count = 0
    for site in monitored_sites().iterator():
        try:
            run_checks(site, today=today)
            count += 1
        except Exception:  # one site's failure must not stop the others' checks
            log.exception("daily check of site %s failed", site.pk)
    return count

