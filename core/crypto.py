"""Encryption of stored data (SEC-4): sensitive fields, and backups.

Two profiles, chosen by the setting CRYPTO_PROFILE:

- ``aes`` (the default): AES-256-GCM, from the `cryptography` package.
- ``sm``: the national algorithms (GB/T 32907 SM4, GB/T 32905 SM3) for installations that must use
  them: SM4-CBC encrypts, HMAC-SM3 authenticates (encrypt-then-MAC), with separate keys derived
  from the 32-byte key by HMAC-SM3. See core/gm.py for the implementations.

Keys come from FIELD_ENCRYPTION_KEYS (base64, 32 bytes each; env FIELD_ENCRYPTION_KEY): the first
one encrypts, all of them decrypt. Every value names its algorithm and the id of its key, so keys
can be rotated and the profile switched without rewriting old values at once
(`manage.py reencrypt_fields` rewrites them with the current key and profile).

A stored field value is text: ``enc1:<algorithm>:<key id>:<base64url of nonce, ciphertext, tag>``.
The header and a context (the model field) are authenticated too, so a value cannot be moved to
another field or relabelled without the check failing.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core import gm

PREFIX = "enc1"
KEY_BYTES = 32
PROFILES = {"aes": "a256gcm", "sm": "sm4hs3"}


class CryptoError(Exception):
    pass


class DecryptionError(CryptoError):
    """A value cannot be decrypted: unknown format or key, or it fails the integrity check."""


@dataclass(frozen=True)
class Key:
    id: str
    secret: bytes

    def __repr__(self):  # never show the secret in logs or tracebacks
        return f"Key(id={self.id!r})"


def key_id(secret: bytes) -> str:
    """A short public name of a key: the first 8 hex digits of a hash of it."""
    return hashlib.sha256(b"govplatform key id\0" + secret).hexdigest()[:8]


def parse_key(text: str, *, setting: str = "FIELD_ENCRYPTION_KEY") -> Key:
    try:
        secret = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured(f"{setting}: a key is not valid base64") from error
    if len(secret) != KEY_BYTES:
        raise ImproperlyConfigured(f"{setting}: a key must be {KEY_BYTES} bytes (base64 of 32 random bytes)")
    return Key(key_id(secret), secret)


def new_key_text() -> str:
    """A fresh key as FIELD_ENCRYPTION_KEY / BACKUP_KEY expect it."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


class Keyring:
    """Keys by id; the first one is the current key (used to encrypt)."""

    def __init__(self, keys: list[Key]):
        if not keys:
            raise ImproperlyConfigured("no encryption key is configured")
        self.keys = list(keys)
        self.by_id = {key.id: key for key in keys}

    @classmethod
    def from_texts(cls, texts, *, setting: str = "FIELD_ENCRYPTION_KEY") -> Keyring:
        return cls([parse_key(text, setting=setting) for text in texts])

    @property
    def current(self) -> Key:
        return self.keys[0]

    def get(self, kid: str) -> Key:
        try:
            return self.by_id[kid]
        except KeyError:
            known = ", ".join(self.by_id) or "none"
            raise DecryptionError(
                f"the value was encrypted with key {kid}, which is not configured (known keys: {known}); "
                "add that key to FIELD_ENCRYPTION_KEY (after the current one) to read it"
            ) from None

    def __add__(self, other: Keyring) -> Keyring:
        return Keyring(self.keys + [key for key in other.keys if key.id not in self.by_id])


# --- algorithms ---------------------------------------------------------------------------------


class AesGcm:
    name = "a256gcm"
    nonce_bytes = 12

    def seal(self, secret: bytes, plaintext: bytes, aad: bytes) -> bytes:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(self.nonce_bytes)
        return nonce + AESGCM(secret).encrypt(nonce, plaintext, aad)

    def open(self, secret: bytes, blob: bytes, aad: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if len(blob) < self.nonce_bytes + 16:
            raise DecryptionError("the encrypted value is truncated")
        try:
            return AESGCM(secret).decrypt(blob[: self.nonce_bytes], blob[self.nonce_bytes :], aad)
        except InvalidTag:
            raise DecryptionError("integrity check failed: wrong key, or the value was altered") from None


class Sm4CbcHmacSm3:
    """SM4-CBC (PKCS#7) then HMAC-SM3 over the header, IV and ciphertext (encrypt-then-MAC)."""

    name = "sm4hs3"
    iv_bytes = 16
    tag_bytes = 32

    @staticmethod
    @functools.lru_cache(maxsize=16)
    def _keys(secret: bytes) -> tuple[bytes, bytes]:
        encryption = gm.hmac_sm3(secret, b"govplatform sm4 encryption key")[:16]
        integrity = gm.hmac_sm3(secret, b"govplatform sm3 integrity key")
        return encryption, integrity

    def seal(self, secret: bytes, plaintext: bytes, aad: bytes) -> bytes:
        encryption, integrity = self._keys(secret)
        iv = os.urandom(self.iv_bytes)
        ciphertext = gm.sm4_cbc_encrypt(encryption, iv, plaintext)
        tag = gm.hmac_sm3(integrity, _length_prefixed(aad) + iv + ciphertext)
        return iv + ciphertext + tag

    def open(self, secret: bytes, blob: bytes, aad: bytes) -> bytes:
        encryption, integrity = self._keys(secret)
        if len(blob) < self.iv_bytes + 16 + self.tag_bytes:
            raise DecryptionError("the encrypted value is truncated")
        iv, ciphertext, tag = blob[: self.iv_bytes], blob[self.iv_bytes : -self.tag_bytes], blob[-self.tag_bytes :]
        expected = gm.hmac_sm3(integrity, _length_prefixed(aad) + iv + ciphertext)
        if not hmac.compare_digest(tag, expected):
            raise DecryptionError("integrity check failed: wrong key, or the value was altered")
        try:
            return gm.sm4_cbc_decrypt(encryption, iv, ciphertext)
        except ValueError:
            raise DecryptionError("the encrypted value is malformed") from None


def _length_prefixed(data: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + data


ALGORITHMS = {algorithm.name: algorithm for algorithm in (AesGcm(), Sm4CbcHmacSm3())}


def profile_algorithm(profile: str | None = None):
    profile = profile or getattr(settings, "CRYPTO_PROFILE", "aes")
    try:
        return ALGORITHMS[PROFILES[profile]]
    except KeyError:
        raise ImproperlyConfigured(f"CRYPTO_PROFILE must be one of {', '.join(PROFILES)}, not {profile!r}") from None


def algorithm_named(name: str):
    try:
        return ALGORITHMS[name]
    except KeyError:
        raise DecryptionError(f"unknown encryption algorithm {name!r}") from None


@functools.lru_cache(maxsize=8)
def _keyring_of(texts: tuple[str, ...]) -> Keyring:
    return Keyring.from_texts(texts)


def field_keyring() -> Keyring:
    return _keyring_of(tuple(settings.FIELD_ENCRYPTION_KEYS))


# --- text values (model fields) -----------------------------------------------------------------


def is_encrypted(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ":")


def encrypt_text(plaintext: str, *, context: str = "", keyring: Keyring | None = None, profile=None) -> str:
    keyring = keyring or field_keyring()
    algorithm = profile_algorithm(profile)
    key = keyring.current
    head = f"{PREFIX}:{algorithm.name}:{key.id}:"
    blob = algorithm.seal(key.secret, plaintext.encode("utf-8"), (head + context).encode("utf-8"))
    return head + base64.urlsafe_b64encode(blob).decode("ascii").rstrip("=")


def _parse(token: str) -> tuple[str, str, bytes]:
    parts = token.split(":")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise DecryptionError("the stored value is not an encrypted value of this platform")
    _prefix, name, kid, payload = parts
    try:
        blob = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("the encrypted value is malformed") from None
    return name, kid, blob


def decrypt_text(token: str, *, context: str = "", keyring: Keyring | None = None) -> str:
    keyring = keyring or field_keyring()
    name, kid, blob = _parse(token)
    algorithm = algorithm_named(name)
    key = keyring.get(kid)
    head = f"{PREFIX}:{name}:{kid}:"
    plaintext = algorithm.open(key.secret, blob, (head + context).encode("utf-8"))
    try:
        return plaintext.decode("utf-8")
    except UnicodeDecodeError:
        raise DecryptionError("the decrypted value is not text") from None


def is_current(token: str, *, keyring: Keyring | None = None, profile=None) -> bool:
    """Whether a stored value already uses the current key and profile (else: re-encrypt it)."""
    keyring = keyring or field_keyring()
    name, kid, _blob = _parse(token)
    return name == profile_algorithm(profile).name and kid == keyring.current.id
