"""Periodic publishing work, run by Celery beat every minute (CELERY_BEAT_SCHEDULE in settings)."""

from celery import shared_task

from editorial import scheduling


@shared_task(name="publishing.run_schedule")
def run_schedule() -> dict:
    """Publish approved content whose time has come and withdraw content whose end has come (PUB-5)."""
    return {"published": scheduling.publish_due(), "unpublished": scheduling.unpublish_due()}
