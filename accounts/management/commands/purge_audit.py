"""`manage.py purge_audit`: delete audit entries older than AUDIT_RETENTION_DAYS (SEC-2).

The log is kept at least six months: a retention period under 183 days is refused, and the
purge itself leaves an entry in the log.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import actions
from auditlog.models import AuditEntry


class Command(BaseCommand):
    help = "Delete audit entries older than settings.AUDIT_RETENTION_DAYS (at least 183 days)."  # SEC-2

    def handle(self, *args, **options):
        days = settings.AUDIT_RETENTION_DAYS
        minimum = AuditEntry.MIN_RETENTION_DAYS
        if days < minimum:
            raise CommandError(  # SEC-2
                f"审计日志至少保留 {minimum} 天，拒绝按 AUDIT_RETENTION_DAYS={days} 天清理。\n"
                f"Audit entries must be kept at least {minimum} days; "
                f"refusing to purge with AUDIT_RETENTION_DAYS={days}."
            )
        deleted = actions.purge_audit_log(retention_days=days, acting_user=None)
        self.stdout.write(
            f"已删除 {deleted} 条超过 {days} 天的审计记录 / deleted {deleted} audit entries older than {days} days."
        )
