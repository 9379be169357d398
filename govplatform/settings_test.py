"""Test settings: the real settings with fast password hashing and no HTTPS redirect.

Everything else (DATABASE_URL, REDIS_URL) comes from the environment exactly as in
production, so CI tests against real PostgreSQL and Redis.
"""

from govplatform.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
