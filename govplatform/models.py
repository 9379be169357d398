"""Users, their per-site roles, their authenticator apps, and the audit log."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp import models as totp_models

from govplatform.audit_events import AuditEvent
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
                raise ValidationError(  # PUB-1
                    _("One person cannot be both editor and reviewer of the same site (separation of duties)."),
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
            raise ValueError(f"audit entries must be kept at least {AuditEntry.MIN_RETENTION_DAYS} days")
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
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """The authenticator app of a user (TOTP, SEC-1), its secret encrypted at rest (SEC-4).

    django-otp's own TOTPDevice keeps the secret as plain hex in a varchar(80): whoever reads the
    database or a dump can generate codes. This device has the same fields and the same
    behaviour, but `key` is an EncryptedTextField, so the column holds ciphertext bound to this
    field; the plain hex exists only in memory (for verifying and for the enrolment QR code), and
    `manage.py reencrypt_fields` rotates it with the other encrypted fields.
    """

    key = EncryptedTextField(
        max_length=80,
        validators=[totp_models.key_validator],
        default=totp_models.default_key,
        help_text="A hex-encoded secret key of up to 40 bytes, encrypted at rest.",
    )
    step = models.PositiveSmallIntegerField(default=30, help_text="The time step in seconds.")
    t0 = models.BigIntegerField(default=0, help_text="The Unix time at which to begin counting steps.")
    digits = models.PositiveSmallIntegerField(
        choices=[(6, 6), (8, 8)], default=6, help_text="The number of digits to expect in a token."
    )
    tolerance = models.PositiveSmallIntegerField(
        default=1, help_text="The number of time steps in the past or future to allow."
    )
    drift = models.SmallIntegerField(
        default=0, help_text="The number of time steps the prover is known to deviate from our clock."
    )
    last_t = models.BigIntegerField(
        default=-1, help_text="The time step of the latest verified token; the next one must be later."
    )

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    # The fields above are TOTPDevice's, so its code applies unchanged: verification with
    # tolerance, drift and replay protection (last_t), throttling (OTP_TOTP_THROTTLE_FACTOR) and
    # the otpauth:// address (OTP_TOTP_ISSUER). They read the secret through `self.key`.
    bin_key = totp_models.TOTPDevice.bin_key
    verify_token = totp_models.TOTPDevice.verify_token
    get_throttle_factor = totp_models.TOTPDevice.get_throttle_factor
    config_url = totp_models.TOTPDevice.config_url
    _read_str_from_settings = totp_models.TOTPDevice._read_str_from_settings
