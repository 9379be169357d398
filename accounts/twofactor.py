"""The second factor of a back-office login (SEC-1): an authenticator app (TOTP) and backup codes.

Devices are django-otp devices: an AuthenticatorDevice for the app (django-otp's TOTP device with
its secret encrypted at rest, accounts.models), a StaticDevice holding single-use backup codes. Every change to a user's devices goes through the actions below and is audited (SEC-2).
Both kinds throttle repeated wrong codes themselves (django-otp's ThrottlingMixin).
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts.models import AuthenticatorDevice
from auditlog import audit
from auditlog.events import AuditEvent

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup codes"


def normalise(token: str) -> str:
    """Codes as people type them: spaces and dashes dropped, letters lower-cased."""
    return "".join(ch for ch in (token or "") if ch not in " -\t").lower()[:32]


def has_app(user) -> bool:
    return AuthenticatorDevice.objects.devices_for_user(user, confirmed=True).exists()


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def has_second_factor(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


@transaction.atomic
def verify(user, token: str):
    """The confirmed device that accepts `token` (a backup code is used up), else None."""
    token = normalise(token)
    if not token:
        return None
    for device in devices_for_user(user, for_verify=True):
        if device.verify_token(token):
            return device
    return None


def start_enrolment(user) -> AuthenticatorDevice:
    """The unconfirmed app device the user is setting up (one, reused until confirmed)."""
    device = AuthenticatorDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    return device or AuthenticatorDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def confirm_enrolment(user, device: AuthenticatorDevice, token: str) -> list[str] | None:
    """Confirm the app with a code it shows; it replaces any earlier app. Returns new backup codes,
    or None when the code is wrong (nothing changes then)."""
    device = AuthenticatorDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(normalise(token)):
        return None
    AuthenticatorDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(AuditEvent.USER_SECOND_FACTOR_ENROLLED, actor=user, obj=user)
    return issue_backup_codes(user, acting_user=user)


@transaction.atomic
def issue_backup_codes(user, *, acting_user, count: int = BACKUP_CODE_COUNT) -> list[str]:
    """New single-use backup codes; the old ones stop working. Shown once, stored as given."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit.record(AuditEvent.USER_BACKUP_CODES_ISSUED, actor=acting_user, obj=user, details={"count": count})
    return codes


@transaction.atomic
def reset_second_factor(user, *, acting_user) -> None:
    """Remove every device (a lost phone): the next login enrols again. For platform admins."""
    for model in (AuthenticatorDevice, StaticDevice):
        model.objects.filter(user=user).delete()
    audit.record(AuditEvent.USER_SECOND_FACTOR_RESET, actor=acting_user, obj=user)


def qr_code_svg(device: AuthenticatorDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no script, no external image)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


def grouped_secret(device: AuthenticatorDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
