"""Citizen accounts (INT-6): one registration and login for every site of the platform.

A citizen is NOT a back-office user (django.contrib.auth): the account lives in its own table,
its password is hashed by Django's hashers, and its session is a signed cookie of its own
(interaction/citizen_session.py) that the back office never reads. Letters (INT-1) point at it.

The phone number or e-mail address is encrypted at rest (core.fields.EncryptedTextField); the
database cannot compare encrypted values, so a keyed hash of the normalised address
(`contact_digest`, HMAC under SECRET_KEY) finds the account at login. A verification code is
stored hashed, expires, and allows a few attempts only.
"""

from __future__ import annotations

import re

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField

DIGEST_SALT = "interaction.citizen.contact"
CODE_MINUTES = 15
CODE_ATTEMPTS = 5
PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ContactKind(models.TextChoices):
    PHONE = "phone", _("mobile phone")
    EMAIL = "email", _("e-mail")


def normalise_contact(value: str) -> tuple[str, str]:
    """(kind, normalised value) of a phone number or e-mail address; ('', '') when it is neither."""
    value = (value or "").strip().translate({ord("０") + n: str(n) for n in range(10)})
    compact = re.sub(r"[\s\-]", "", value)
    if compact.startswith("+86"):
        compact = compact[3:]
    if PHONE_PATTERN.match(compact):
        return ContactKind.PHONE, compact
    if EMAIL_PATTERN.match(value) and len(value) <= 254:
        return ContactKind.EMAIL, value.lower()
    return "", ""


def contact_digest(normalised: str) -> str:
    return salted_hmac(DIGEST_SALT, normalised).hexdigest()


class Citizen(models.Model):
    contact_kind = models.CharField(_("contact kind"), max_length=8, choices=ContactKind.choices, blank=True)
    contact = EncryptedTextField(_("phone or e-mail"), max_length=254, blank=True)
    # Null for an account without a contact (never created by the pages): unique when set.
    contact_digest = models.CharField(max_length=64, unique=True, null=True, editable=False)
    password = models.CharField(max_length=128, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return bool(self.password) and check_password(raw, self.password)

    @property
    def session_fingerprint(self) -> str:
        """Changes when the password does: older session cookies stop working."""
        return salted_hmac("interaction.citizen.session", self.password).hexdigest()[:16]


class VerificationCode(models.Model):
    """A code sent to the citizen's phone or e-mail; stored hashed, used once."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["citizen", "-created_at"])]

    def __str__(self) -> str:
        return f"code {self.pk} of citizen {self.citizen_id}"

    @property
    def usable(self) -> bool:
        return self.used_at is None and self.attempts < CODE_ATTEMPTS and self.expires_at > timezone.now()
