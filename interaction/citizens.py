"""The citizen account's actions (INT-6): register, send a code, verify, log in.

A new account is unverified until the citizen types the code sent to the phone or e-mail; only a
verified account can log in. The code is 6 digits, stored hashed, valid CODE_MINUTES minutes and
CODE_ATTEMPTS attempts; a new code replaces the older ones. Refusals raise ValidationError with a
message the page shows (Chinese on public hosts).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interaction import senders
from interaction.models.citizens import (
    CODE_ATTEMPTS,
    CODE_MINUTES,
    Citizen,
    VerificationCode,
    contact_digest,
    normalise_contact,
)


def find(contact: str) -> Citizen | None:
    kind, value = normalise_contact(contact)
    if not kind:
        return None
    return Citizen.objects.filter(contact_digest=contact_digest(value)).first()


def register(contact: str, password: str) -> Citizen:
    """A new unverified account (or the unverified one of this address, with the new password);
    a code is sent. Refused for a bad address, a weak password or an address already verified."""
    kind, value = normalise_contact(contact)
    if not kind:
        raise ValidationError({"contact": _("Enter a mobile phone number of 11 digits or an e-mail address.")})
    try:
        validate_password(password)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    with transaction.atomic():
        citizen = Citizen.objects.select_for_update().filter(contact_digest=contact_digest(value)).first()
        if citizen is not None and citizen.is_verified:
            raise ValidationError(
                {"contact": _("This phone number or e-mail address is already registered. Please log in.")}
            )
        if citizen is None:
            citizen = Citizen(contact_kind=kind, contact=value, contact_digest=contact_digest(value))
        citizen.set_password(password)
        citizen.save()
    send_code(citizen)
    return citizen


def send_code(citizen: Citizen) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        VerificationCode.objects.filter(citizen=citizen, used_at__isnull=True).update(used_at=now)
        VerificationCode.objects.create(
            citizen=citizen, code_hash=make_password(code), expires_at=now + timedelta(minutes=CODE_MINUTES)
        )
    message = _("Your verification code is %(code)s, valid for %(minutes)d minutes. Do not tell it to anyone.") % {
        "code": code,
        "minutes": CODE_MINUTES,
    }
    try:
        senders.send(citizen.contact_kind, citizen.contact, message)
    except senders.SendFailed as error:
        raise ValidationError(_("The verification code could not be sent. Please try again later.")) from error


def verify(citizen: Citizen, code: str) -> Citizen:
    """Marks the account verified when `code` is its latest usable code. A wrong code counts as
    an attempt (committed, not rolled back with the refusal)."""
    refusal = None
    with transaction.atomic():
        latest = (
            VerificationCode.objects.select_for_update()
            .filter(citizen=citizen, used_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if latest is None or not latest.usable:
            refusal = _("The verification code has expired or was used too often. Ask for a new code.")
        elif not check_password((code or "").strip(), latest.code_hash):
            latest.attempts += 1
            latest.save(update_fields=["attempts"])
            refusal = _("The verification code is not right (%(left)d attempts left).") % {
                "left": CODE_ATTEMPTS - latest.attempts
            }
        else:
            latest.used_at = timezone.now()
            latest.save(update_fields=["used_at"])
            if citizen.verified_at is None:
                citizen.verified_at = latest.used_at
                citizen.save(update_fields=["verified_at"])
    if refusal:
        raise ValidationError({"code": refusal})
    return citizen


def authenticate(contact: str, password: str) -> Citizen | None:
    """The active account of this address with this password (verified or not), or None. Runs a
    hasher even for an unknown address, so the time taken does not tell which addresses exist."""
    citizen = find(contact)
    if citizen is None or not citizen.is_active:
        make_password(password)
        return None
    return citizen if citizen.check_password(password) else None
