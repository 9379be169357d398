"""The national commercial cryptography algorithms SM3 (GB/T 32905) and SM4 (GB/T 32907).

Two implementations give the same bytes: OpenSSL's (through hashlib and `cryptography`), fast
and constant-time, used whenever the OpenSSL build has SM3 and SM4; and the pure-Python `gmssl`
package otherwise. gmssl's SM3 takes about 0.7 ms per 64-byte block, so PBKDF2 with a useful
number of rounds is only practical on OpenSSL: `check_backend()` tells, and the system checks
warn when CRYPTO_PROFILE=sm runs on gmssl alone.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from gmssl import func as gm_func
from gmssl import sm3 as gm_sm3
from gmssl import sm4 as gm_sm4

BLOCK = 64  # SM3's block size in bytes (HMAC pads its key to this)
DIGEST = 32


@functools.cache
def openssl_has_sm3() -> bool:
    return "sm3" in hashlib.algorithms_available


@functools.cache
def openssl_has_sm4() -> bool:
    try:
        _openssl_sm4(b"\0" * 16, b"\0" * 16, b"x", encrypt=True)
    except Exception:  # UnsupportedAlgorithm, or an OpenSSL without the legacy ciphers
        return False
    return True


def backend() -> str:
    """'openssl' when both algorithms come from OpenSSL, else 'gmssl'."""
    return "openssl" if openssl_has_sm3() and openssl_has_sm4() else "gmssl"


# --- SM3 ----------------------------------------------------------------------------------------


def sm3(data: bytes, *, native: bool | None = None) -> bytes:
    if native is None:
        native = openssl_has_sm3()
    if native:
        return hashlib.new("sm3", data).digest()
    return bytes.fromhex(gm_sm3.sm3_hash(gm_func.bytes_to_list(data)))


def hmac_sm3(key: bytes, message: bytes, *, native: bool | None = None) -> bytes:
    if native is None:
        native = openssl_has_sm3()
    if native:
        return hmac.new(key, message, "sm3").digest()
    if len(key) > BLOCK:
        key = sm3(key, native=False)
    key = key.ljust(BLOCK, b"\0")
    inner = sm3(bytes(b ^ 0x36 for b in key) + message, native=False)
    return sm3(bytes(b ^ 0x5C for b in key) + inner, native=False)


def pbkdf2_sm3(password: bytes, salt: bytes, iterations: int, dklen: int = DIGEST, *, native=None) -> bytes:
    """PBKDF2 (RFC 8018) with HMAC-SM3 as its pseudo-random function."""
    if native is None:
        native = openssl_has_sm3()
    if native:
        return hashlib.pbkdf2_hmac("sm3", password, salt, iterations, dklen)
    out = b""
    block = 1
    while len(out) < dklen:
        u = hmac_sm3(password, salt + block.to_bytes(4, "big"), native=False)
        result = int.from_bytes(u, "big")
        for _ in range(iterations - 1):
            u = hmac_sm3(password, u, native=False)
            result ^= int.from_bytes(u, "big")
        out += result.to_bytes(DIGEST, "big")
        block += 1
    return out[:dklen]


# --- SM4-CBC with PKCS#7 padding -----------------------------------------------------------------


def _openssl_sm4(key: bytes, iv: bytes, data: bytes, *, encrypt: bool) -> bytes:
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    cipher = Cipher(algorithms.SM4(key), modes.CBC(iv))
    if encrypt:
        padder = padding.PKCS7(128).padder()
        padded = padder.update(data) + padder.finalize()
        context = cipher.encryptor()
        return context.update(padded) + context.finalize()
    context = cipher.decryptor()
    padded = context.update(data) + context.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()


def sm4_cbc_encrypt(key: bytes, iv: bytes, data: bytes, *, native: bool | None = None) -> bytes:
    if native is None:
        native = openssl_has_sm4()
    if native:
        return _openssl_sm4(key, iv, data, encrypt=True)
    crypt = gm_sm4.CryptSM4()
    crypt.set_key(key, gm_sm4.SM4_ENCRYPT)
    return crypt.crypt_cbc(iv, data)


def sm4_cbc_decrypt(key: bytes, iv: bytes, data: bytes, *, native: bool | None = None) -> bytes:
    if len(data) % 16 or not data:
        raise ValueError("SM4-CBC ciphertext is not a whole number of blocks")
    if native is None:
        native = openssl_has_sm4()
    if native:
        return _openssl_sm4(key, iv, data, encrypt=False)
    crypt = gm_sm4.CryptSM4()
    crypt.set_key(key, gm_sm4.SM4_DECRYPT)
    return crypt.crypt_cbc(iv, data)
