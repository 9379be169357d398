"""SEC-1, SEC-4: the secrets of authenticator apps are encrypted in the database; codes made from
them verify, wrong codes fail and are slowed down, and the migration converts devices enrolled
before (plain hex in django-otp's TOTPDevice) so the phones keep working."""

import importlib
import time
from base64 import b32encode
from binascii import unhexlify
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from govplatform import crypto, twofactor
from govplatform.models import AuthenticatorDevice
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# A secret as django-otp generates it: 20 random bytes, hex.
PLAIN_KEY = "3132333435363738393031323334353637383930"


def raw_key(device) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM govplatform_authenticatordevice WHERE id = %s", [device.pk])
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
    assert crypto.decrypt_text(stored, context="govplatform.authenticatordevice.key") == app.key
    assert not TOTPDevice.objects.exists()  # no plain copy in django-otp's table


def test_the_ciphertext_is_bound_to_the_key_field(app):  # SEC-4: a copied value does not decrypt elsewhere
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(raw_key(app), context="govplatform.user.phone")


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


# --- the migration of devices enrolled before ----------------------------------------------------

MIGRATION = "0005_encrypt_totp_secrets"


def migration_code(direction: str):
    """The migration's own function and the historical models it runs with."""
    loader = MigrationLoader(connection)
    before = loader.project_state([("govplatform", "0004_authenticator_device"), ("otp_totp", "0003_add_timestamps")])
    after = loader.project_state([("govplatform", MIGRATION)])
    operation = importlib.import_module(f"govplatform.migrations.{MIGRATION}").Migration.operations[0]
    if direction == "forwards":
        return lambda: operation.code(before.apps, None)
    return lambda: operation.reverse_code(after.apps, None)


def test_the_migration_encrypts_an_enrolled_phone_and_it_keeps_working(user):  # SEC-1, SEC-4
    enrolled_at = timezone.now() - timedelta(days=90)
    plain = TOTPDevice.objects.create(user=user, name="authenticator", key=PLAIN_KEY, confirmed=True, drift=1)
    TOTPDevice.objects.filter(pk=plain.pk).update(created_at=enrolled_at)

    migration_code("forwards")()

    assert not TOTPDevice.objects.exists()
    device = AuthenticatorDevice.objects.get(user=user)
    stored = raw_key(device)
    assert crypto.is_encrypted(stored) and PLAIN_KEY not in stored
    assert (device.key, device.name, device.confirmed, device.drift) == (PLAIN_KEY, "authenticator", True, 1)
    assert device.created_at == enrolled_at
    assert list(devices_for_user(user)) == [device]
    # The phone was set up with the old secret; its codes still log in.
    assert twofactor.verify(user, code_from(PLAIN_KEY, 1)) == device


def test_the_migration_reverses_to_plain_devices(user):  # SEC-4
    device = AuthenticatorDevice.objects.create(user=user, name="authenticator", key=PLAIN_KEY, last_t=42)

    migration_code("backwards")()

    assert not AuthenticatorDevice.objects.filter(pk=device.pk).exists()
    plain = TOTPDevice.objects.get(user=user)
    assert (plain.key, plain.last_t) == (PLAIN_KEY, 42)
