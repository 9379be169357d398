"""SEC-4: sensitive fields are encrypted in the database (AES-256-GCM, or SM4 + HMAC-SM3 under
CRYPTO_PROFILE=sm), keys rotate, a wrong key fails loudly; the SM3 password hasher verifies and
upgrades older hashes."""

import base64
import stat
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from accounts.actions import generate_password
from accounts.models import User
from core import crypto, gm
from govplatform import env
from tests.factories import UserFactory
from tests.subprocesses import clean_env, run

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
SM3_HASHER = "accounts.hashers.PBKDF2SM3PasswordHasher"


def raw_phone(user) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


def reload(user) -> User:
    return User.objects.get(pk=user.pk)


@pytest.fixture
def key_a():
    return crypto.new_key_text()


@pytest.fixture
def key_b():
    return crypto.new_key_text()


def test_phone_is_ciphertext_in_the_database(settings):  # SEC-4
    user = UserFactory(phone=PHONE)

    stored = raw_phone(user)

    assert PHONE not in stored and stored.startswith("enc1:a256gcm:")
    assert reload(user).phone == PHONE


@pytest.mark.parametrize("text", ["0312-3026000", "张三 手机 13800000000", "x" * 30, " leading space"])
def test_round_trip(text):  # SEC-4
    user = UserFactory(phone=text)

    assert reload(user).phone == text


def test_the_same_number_encrypts_differently_each_time():  # SEC-4: no equal ciphertexts to compare
    one, two = UserFactory(phone=PHONE), UserFactory(phone=PHONE)

    assert raw_phone(one) != raw_phone(two)


def test_empty_stays_empty():
    user = UserFactory(phone="")

    assert raw_phone(user) == "" and reload(user).phone == ""


def test_a_wrong_key_fails_clearly(settings, key_b):  # SEC-4
    user = UserFactory(phone=PHONE)
    settings.FIELD_ENCRYPTION_KEYS = [key_b]

    with pytest.raises(crypto.DecryptionError, match="not configured"):
        reload(user)


def test_an_altered_ciphertext_fails_its_integrity_check():  # SEC-4
    user = UserFactory(phone=PHONE)
    stored = raw_phone(user)
    altered = stored[:-3] + ("A" if stored[-3] != "A" else "B") + stored[-2:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET phone = %s WHERE id = %s", [altered, user.pk])

    with pytest.raises(crypto.DecryptionError, match="integrity"):
        reload(user)


def test_a_ciphertext_is_bound_to_its_field():  # SEC-4
    token = crypto.encrypt_text(PHONE, context="accounts.user.phone")

    assert crypto.decrypt_text(token, context="accounts.user.phone") == PHONE
    with pytest.raises(crypto.DecryptionError, match="integrity"):
        crypto.decrypt_text(token, context="citizens.letter.id_number")


def test_filtering_on_the_plain_text_is_refused():  # SEC-4: it could never match
    with pytest.raises(FieldError, match="encrypted"):
        list(User.objects.filter(phone=PHONE))
    assert User.objects.filter(phone__isnull=True).count() == 0


def test_key_rotation(settings, key_a, key_b):  # SEC-4
    settings.FIELD_ENCRYPTION_KEYS = [key_a]
    user = UserFactory(phone=PHONE)
    old_id = crypto.parse_key(key_a).id
    assert raw_phone(user).split(":")[2] == old_id

    settings.FIELD_ENCRYPTION_KEYS = [key_b, key_a]  # the new key first, the old one still there
    assert reload(user).phone == PHONE
    call_command("reencrypt_fields", stdout=StringIO())

    assert raw_phone(user).split(":")[2] == crypto.parse_key(key_b).id
    settings.FIELD_ENCRYPTION_KEYS = [key_b]  # the old key can go
    assert reload(user).phone == PHONE


# --- the national algorithms -------------------------------------------------------------------


def test_sm_profile_encrypts_with_sm4_and_sm3(settings):  # SEC-4
    settings.CRYPTO_PROFILE = "sm"
    user = UserFactory(phone=PHONE)

    stored = raw_phone(user)

    assert stored.startswith("enc1:sm4hs3:") and PHONE not in stored
    assert reload(user).phone == PHONE
    settings.CRYPTO_PROFILE = "aes"  # values name their algorithm: switching back still reads them
    assert reload(user).phone == PHONE


def test_sm_profile_detects_alteration(settings):  # SEC-4
    settings.CRYPTO_PROFILE = "sm"
    token = crypto.encrypt_text(PHONE)
    name, kid, blob = crypto._parse(token)
    altered = bytearray(blob)
    altered[20] ^= 1
    forged = f"enc1:{name}:{kid}:" + base64.urlsafe_b64encode(bytes(altered)).decode().rstrip("=")

    with pytest.raises(crypto.DecryptionError, match="integrity"):
        crypto.decrypt_text(forged)


def test_reencrypt_moves_values_to_the_current_profile(settings):  # SEC-4
    user = UserFactory(phone=PHONE)
    settings.CRYPTO_PROFILE = "sm"

    call_command("reencrypt_fields", stdout=StringIO())

    assert raw_phone(user).startswith("enc1:sm4hs3:") and reload(user).phone == PHONE


def test_standard_vectors_on_both_implementations():  # SEC-4: GB/T 32905 and GB/T 32907 examples
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    for native in (True, False):
        assert gm.sm3(b"abc", native=native).hex() == (
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        )
        assert gm.sm4_cbc_encrypt(key, bytes(16), key, native=native)[:16].hex() == "681edf34d206965e86b3e94f536e4246"


def test_openssl_and_gmssl_agree():  # SEC-4: either implementation reads the other's values
    if gm.backend() != "openssl":
        pytest.skip("this OpenSSL has no SM3/SM4; gmssl alone is used")
    key, iv, data = bytes(range(16)), bytes(16), "政务公开 13912345678".encode()
    assert gm.sm4_cbc_encrypt(key, iv, data, native=True) == gm.sm4_cbc_encrypt(key, iv, data, native=False)
    ciphertext = gm.sm4_cbc_encrypt(key, iv, data, native=True)
    assert gm.sm4_cbc_decrypt(key, iv, ciphertext, native=False) == data
    assert gm.hmac_sm3(b"k" * 70, b"message", native=True) == gm.hmac_sm3(b"k" * 70, b"message", native=False)
    assert gm.pbkdf2_sm3(b"pw", b"salt", 3, 40, native=True) == gm.pbkdf2_sm3(b"pw", b"salt", 3, 40, native=False)


def test_a_value_sealed_by_gmssl_opens_with_openssl(monkeypatch):  # SEC-4
    keyring = crypto.Keyring.from_texts([crypto.new_key_text()])
    monkeypatch.setattr(gm, "openssl_has_sm3", lambda: False)
    monkeypatch.setattr(gm, "openssl_has_sm4", lambda: False)
    crypto.Sm4CbcHmacSm3._keys.cache_clear()
    token = crypto.encrypt_text(PHONE, keyring=keyring, profile="sm")
    monkeypatch.undo()
    crypto.Sm4CbcHmacSm3._keys.cache_clear()

    assert crypto.decrypt_text(token, keyring=keyring) == PHONE


# --- keys ------------------------------------------------------------------------------------------


def test_field_key_is_generated_once_into_var(tmp_path, monkeypatch):  # SEC-4
    monkeypatch.delenv("FIELD_ENCRYPTION_KEY", raising=False)
    monkeypatch.setattr(env, "VAR_DIR", tmp_path)

    keys = env.field_encryption_keys()

    path = tmp_path / "field_key"
    assert keys == [path.read_text().strip()]
    assert len(base64.b64decode(keys[0])) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert env.field_encryption_keys() == keys


def test_field_keys_from_the_environment(tmp_path, monkeypatch, key_a, key_b):  # SEC-4
    monkeypatch.setattr(env, "VAR_DIR", tmp_path)
    monkeypatch.setenv("FIELD_ENCRYPTION_KEY", f"{key_b}, {key_a}")

    assert env.field_encryption_keys() == [key_b, key_a]
    assert not (tmp_path / "field_key").exists()


@pytest.mark.parametrize("text", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_bad_key_is_a_configuration_error(text):  # SEC-4
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEY"):
        crypto.Keyring.from_texts([text])


def test_keys_never_show_in_reprs(key_a):
    key = crypto.parse_key(key_a)
    assert key_a not in repr(key) and repr(key.secret) not in repr(key)


# --- the SM3 password hasher ---------------------------------------------------------------------


def test_sm3_hasher_verifies(settings):  # SEC-4
    settings.PASSWORD_HASHERS = [SM3_HASHER, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    password = generate_password()

    encoded = make_password(password)

    assert encoded.startswith("pbkdf2_sm3$250000$")
    assert check_password(password, encoded)
    assert not check_password(password + "x", encoded)


def test_sm3_hasher_upgrades_older_hashes_at_login(settings):  # SEC-4
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    password = generate_password()
    user = UserFactory()
    user.set_password(password)
    user.save()
    assert identify_hasher(reload(user).password).algorithm == "pbkdf2_sha256"

    settings.PASSWORD_HASHERS = [SM3_HASHER, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    assert reload(user).check_password(password)

    assert identify_hasher(reload(user).password).algorithm == "pbkdf2_sm3"
    assert reload(user).check_password(password)


def test_sm_profile_puts_the_sm3_hasher_first(tmp_path):  # SEC-4
    code = "import django; django.setup(); from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"
    sm = run(["-c", code], clean_env(tmp_path, CRYPTO_PROFILE="sm", DJANGO_SETTINGS_MODULE="govplatform.settings"))
    default = run(["-c", code], clean_env(tmp_path, DJANGO_SETTINGS_MODULE="govplatform.settings"))

    assert sm.stdout.strip() == SM3_HASHER, sm.stderr
    assert default.stdout.strip() == "django.contrib.auth.hashers.PBKDF2PasswordHasher", default.stderr
