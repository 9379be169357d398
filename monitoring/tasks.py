"""Periodic tasks of the monitoring app's daily check (CELERY_BEAT_SCHEDULE in settings)."""

from celery import shared_task

from monitoring import checks


@shared_task(name="monitoring.run_daily_checks")
def run_daily_checks() -> int:
    """Once a day: every monitored site is checked against the lines of OPS-1 (monitoring/checks.py)."""
    return checks.run_all()
