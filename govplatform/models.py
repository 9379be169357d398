"""Users, their per-site roles, and the audit log."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from govplatform.fields import EncryptedTextField


class User(AbstractUser):
    """A back-office user. Citizens never have accounts here.

    `is_platform_admin` is the platform administration role (系统管理, PUB-1): it manages sites,
    users and word lists across the platform. Everything else comes from per-site memberships.
    """

    real_name = models.CharField(_("real name"), max_length=50, blank=True)
    # SEC-4: personal data encrypted at rest (govplatform.crypto).
    phone = EncryptedTextField(_("phone"), max_length=30, blank=True)
    is_platform_admin = models.BooleanField(
        _("platform administrator"),
        default=False,
        help_text=_("Manages every site, user and platform setting."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return f"{self.real_name} ({self.username})" if self.real_name else self.username

    @property
    def is_platform_administrator(self) -> bool:
        return self.is_active and (self.is_platform_admin or self.is_superuser)


class Role(models.TextChoices):
    SITE_ADMIN = "site_admin", _("site administrator")
    EDITOR = "editor", _("editor")
    REVIEWER = "reviewer", _("reviewer")


# PUB-1: content editing and content review are separate duties on one site.
INCOMPATIBLE_ROLES = {Role.EDITOR: Role.REVIEWER, Role.REVIEWER: Role.EDITOR}


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user):
        """Memberships the user may see: all for platform admins, their sites' for site admins."""
        if user.is_platform_administrator:
            return self
        admin_sites = Membership.objects.filter(user=user, role=Role.SITE_ADMIN).values("site_id")
        return self.filter(models.Q(site_id__in=admin_sites) | models.Q(user=user))


class Membership(models.Model):
    """A role of a user on one site."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("site"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("site role")
        verbose_name_plural = _("site roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "site", "role"], name="membership_unique_role"),
        ]
        ordering = ["site_id", "role", "user_id"]

    def __str__(self):
        return f"{self.user} · {self.site} · {self.get_role_display()}"

    def clean(self):
        conflicting = INCOMPATIBLE_ROLES.get(self.role)
        if conflicting and self.user_id and self.site_id:
            clash = Membership.objects.filter(user_id=self.user_id, site_id=self.site_id, role=conflicting)
            if clash.exclude(pk=self.pk).exists():
                raise ValidationError(
                    _("One person cannot be both editor and reviewer of the same site (separation of duties, PUB-1)."),
                    code="role_conflict",
                )


class AuditQuerySet(models.QuerySet):
    """The audit log is append-only: rows are never updated, and deleted only by the purge."""

    def update(self, **kwargs):
        raise PermissionError("audit entries are append-only")

    def delete(self):
        raise PermissionError("audit entries are append-only; use purge_expired()")

    def purge_expired(self, retention_days: int) -> int:
        """Delete entries older than the retention period (at least 183 days, SEC-2)."""
        if retention_days < AuditEntry.MIN_RETENTION_DAYS:
            raise ValueError(f"audit entries must be kept at least {AuditEntry.MIN_RETENTION_DAYS} days (SEC-2)")
        cutoff = timezone.now() - timezone.timedelta(days=retention_days)
        deleted, _ = models.QuerySet.delete(self.filter(time__lt=cutoff))
        return deleted

    def for_user(self, user):
        if user.is_platform_administrator:
            return self
        admin_sites = Membership.objects.filter(user=user, role=Role.SITE_ADMIN).values("site_id")
        return self.filter(site_id__in=admin_sites)


class AuditEntry(models.Model):
    """One management action: who did what to which object of which site, from where, when (SEC-2).

    Foreign keys carry no database constraint and names are copied, so an entry outlives the
    user, site or object it names and is never rewritten by a cascade.
    """

    MIN_RETENTION_DAYS = 183

    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor name"), max_length=200)
    action = models.CharField(_("action"), max_length=64, db_index=True)
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
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")
