"""Periodic tasks of the monitoring app's daily check (CELERY_BEAT_SCHEDULE in settings)."""

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from monitoring import checks


@shared_task(name="monitoring.run_daily_checks")
def run_daily_checks() -> int:
    """Once a day: every monitored site is checked against the lines of OPS-1 (monitoring/checks.py).

    With a broker, one task per site, so that the worker's processes check sites side by side (a
    worker's process may not fork its own); the day is fixed here, for tasks that run past
    midnight. Without one (development, tests), in this process (checks.run_all, forked workers
    where it can). Returns the sites checked or, with a broker, the tasks sent."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return checks.run_all()
    today = timezone.localdate().isoformat()
    site_ids = list(checks.monitored_sites().values_list("pk", flat=True))
    for site_id in site_ids:
        check_site.delay(site_id, today)
    return len(site_ids)


@shared_task(name="monitoring.check_site")
def check_site(site_id: int, day: str) -> bool:
    """The daily check of one site for the day the beat task fixed (a broker's unit of work)."""
    return checks.check_site(site_id, dt.date.fromisoformat(day))
