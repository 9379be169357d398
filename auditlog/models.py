"""The audit log: who did what to which object of which site, when (SEC-2). Append-only."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from auditlog.events import AuditEvent, event_label


class AuditQuerySet(models.QuerySet):
    """The audit log is append-only: rows are never updated, and deleted only by the purge."""

    def update(self, **kwargs):
        raise PermissionError("audit entries are append-only")

    def delete(self):
        raise PermissionError("audit entries are append-only; use purge_expired()")

    def purge_expired(self, retention_days: int) -> int:
        """Delete entries older than the retention period (at least 183 days, SEC-2)."""
        if retention_days < AuditEntry.MIN_RETENTION_DAYS:
            raise ValueError(f"audit entries must be kept at least {AuditEntry.MIN_RETENTION_DAYS} days")
        cutoff = timezone.now() - timezone.timedelta(days=retention_days)
        deleted, _ = models.QuerySet.delete(self.filter(time__lt=cutoff))
        return deleted


SYSTEM_ACTOR_NAME = "system"  # stored as the actor's name when no user acted


class AuditEntry(models.Model):
    """One management action: who did what to which object of which site, from where, when (SEC-2).

    Foreign keys carry no database constraint and names are copied, so an entry outlives the
    user, site or object it names and is never rewritten by a cascade.
    """

    MIN_RETENTION_DAYS = 183

    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor name"), max_length=200)
    action = models.CharField(_("action"), max_length=64, db_index=True, choices=AuditEvent.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    site_name = models.CharField(_("site name"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["site", "-time"]), models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        # The kind's label, never its code: the title of the entry's page, the list's checkbox
        # labels and the history read it.
        moment = timezone.localtime(self.time) if timezone.is_aware(self.time) else self.time
        return f"{moment:%Y-%m-%d %H:%M} {self.actor_label} {event_label(self.action)} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")

    @property
    def actor_label(self) -> str:
        """Who acted: the stored name, or 系统 for what no user did (a scheduled task, or a citizen
        on the public process, whose name the log does not keep)."""
        return gettext("the system") if self.actor_name in ("", SYSTEM_ACTOR_NAME) else self.actor_name
