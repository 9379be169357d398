"""Users, their per-site roles, their authenticator apps, and the audit log."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp import models as totp_models

from core.fields import EncryptedTextField


class User(AbstractUser):
    """A back-office user. Citizens never have accounts here.

    `is_platform_admin` is the platform administration role (系统管理, PUB-1): it manages sites,
    users and word lists across the platform. Everything else comes from per-site memberships.
    """

    real_name = models.CharField(_("real name"), max_length=50, blank=True)
    # SEC-4: personal data encrypted at rest (core.crypto).
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
