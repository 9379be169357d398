"""SEC-1, SEC-4: the secrets of authenticator apps are encrypted in the database; codes made from
them verify, wrong codes fail and are slowed down, and the migration converts devices enrolled
before (plain hex in django-otp's TOTPDevice) so the phones keep working."""

import time
from base64 import b32encode
from binascii import unhexlify
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import AuthenticatorDevice
from core import crypto
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# A secret as django-otp generates it: 20 random bytes, hex.
PLAIN_KEY = "3132333435363738393031323334353637383930"


def raw_key(device) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_authenticatordevice WHERE id = %s", [device.pk])
        return cursor.fetchone()[0]


def code_from(hex_key: str, offset: int = 0) -> str:
    """The code an app set up with this secret shows now (or `offset` steps later)."""
    totp = TOTP(unhexlify(hex_key), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + offset * 30
    return f"{totp.token():06d}"


def wrong_code(hex_key: str) -> str:
    right = {code_from(hex_key, offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in right)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def app(user):
    """A confirmed authenticator app of `user`."""
    device = twofactor.start_enrolment(user)
    assert twofactor.confirm_enrolment(user, device, code_from(device.key)) is not None
    return AuthenticatorDevice.objects.get(pk=device.pk)


def test_the_key_column_holds_ciphertext_only(app):  # SEC-4
    stored = raw_key(app)
    base32 = b32encode(unhexlify(app.key)).decode()

    assert len(app.key) == 40 and crypto.is_encrypted(stored)
    assert app.key not in stored and app.key.upper() not in stored and base32 not in stored
    assert crypto.decrypt_text(stored, context="accounts.authenticatordevice.key") == app.key
    assert not TOTPDevice.objects.exists()  # no plain copy in django-otp's table


def test_the_ciphertext_is_bound_to_the_key_field(app):  # SEC-4: a copied value does not decrypt elsewhere
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(raw_key(app), context="accounts.user.phone")


def test_a_code_from_the_secret_verifies_once(user, app):  # SEC-1
    code = code_from(app.key, 1)  # the next step: the one confirmed at enrolment cannot come back

    assert twofactor.verify(user, code) == app
    assert twofactor.verify(user, code) is None  # a code is good for one login only
    assert crypto.is_encrypted(raw_key(app))  # saving the device after a login keeps it encrypted


def test_wrong_codes_fail_and_slow_down_the_app(settings, user, app):  # SEC-1
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # django-otp waits factor * 2^(n-1) seconds after n failures

    assert twofactor.verify(user, wrong_code(app.key)) is None

    app.refresh_from_db()
    assert app.throttling_failure_count == 1
    assert twofactor.verify(user, code_from(app.key, 1)) is None  # even the right code waits now
    app.throttle_reset()
    assert twofactor.verify(user, code_from(app.key, 1)) == app


def test_the_enrolment_qr_code_carries_the_secret(user):  # SEC-1
    device = twofactor.start_enrolment(user)
    base32 = b32encode(unhexlify(device.key)).decode()

    assert f"secret={base32}" in device.config_url
    assert twofactor.grouped_secret(device).replace(" ", "") == base32
    assert "<svg" in twofactor.qr_code_svg(device)


def test_key_rotation_covers_the_secrets(settings, user):  # SEC-4
    old, new = crypto.new_key_text(), crypto.new_key_text()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    device = twofactor.start_enrolment(user)
    assert twofactor.confirm_enrolment(user, device, code_from(device.key)) is not None

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("reencrypt_fields", stdout=StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new]

    assert raw_key(device).split(":")[2] == crypto.parse_key(new).id
    assert twofactor.verify(user, code_from(device.key, 1)) is not None
