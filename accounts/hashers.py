"""A password hasher with the national hash algorithm SM3 (SEC-4, CRYPTO_PROFILE=sm).

PBKDF2 (RFC 8018) with HMAC-SM3 as the pseudo-random function: Django's PBKDF2 hasher with
SM3 in place of SHA-256. Under CRYPTO_PROFILE=sm it comes first in PASSWORD_HASHERS, so new
passwords are hashed with it and existing ones are re-hashed at their owner's next login.
"""

import base64

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils.encoding import force_bytes

from core import gm


class PBKDF2SM3PasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sm3"
    # SM3 costs about twice SHA-256 in OpenSSL; this takes about 0.4 s on one core of 2026.
    iterations = 250_000

    def encode(self, password, salt, iterations=None):
        self._check_encode_args(password, salt)
        iterations = iterations or self.iterations
        digest = gm.pbkdf2_sm3(force_bytes(password), force_bytes(salt), iterations)
        hash_ = base64.b64encode(digest).decode("ascii").strip()
        return f"{self.algorithm}${iterations}${salt}${hash_}"
