"""Periodic tasks of the interaction app (CELERY_BEAT_SCHEDULE in settings)."""

from celery import shared_task

from interaction import error_reports


@shared_task(name="interaction.escalate_error_reports")
def escalate_error_reports() -> int:
    """Hourly: error reports past their deadline (1 working day to forward, 3 to answer, INT-3)
    are escalated and listed on the site administrators' work page."""
    return error_reports.escalate_overdue()
