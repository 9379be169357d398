"""Periodic platform tasks (CELERY_BEAT_SCHEDULE in settings) and the broker round trip."""

import logging

from celery import shared_task
from django.conf import settings

from accounts import actions, lockouts
from auditlog.models import AuditEntry
from publishing import tamper

log = logging.getLogger(__name__)


@shared_task(name="govplatform.ping")
def ping(payload: str) -> str:
    """A round trip through the broker: used by health checks and the CI test of the real Redis."""
    return f"pong:{payload}"


@shared_task(name="govplatform.purge_audit_log")
def purge_audit_log() -> int:
    """Daily: delete audit entries older than AUDIT_RETENTION_DAYS (never under 183 days, SEC-2)."""
    days = settings.AUDIT_RETENTION_DAYS
    if days < AuditEntry.MIN_RETENTION_DAYS:
        log.error("AUDIT_RETENTION_DAYS=%s is under %s days: audit log not purged", days, AuditEntry.MIN_RETENTION_DAYS)
        return 0
    return actions.purge_audit_log(retention_days=days, acting_user=None)


@shared_task(name="govplatform.verify_published")
def verify_published() -> dict:
    """Hourly: compare every published site with its manifest; alarm, and repair if configured (SEC-5)."""
    results = tamper.check_all(repair=settings.TAMPER_AUTO_REPAIR, alarm=True)
    return {result.domain: result.summary() for result in results if not result.clean}


@shared_task(name="govplatform.purge_login_failures")
def purge_login_failures() -> int:
    """Daily: delete django-axes' failure-log entries past their retention (SEC-1)."""
    return lockouts.purge_failure_log()
