"""Test settings: the real settings with fast password hashing and no HTTPS redirect.

Everything else (DATABASE_URL, REDIS_URL) comes from the environment exactly as in
production, so CI tests against real PostgreSQL and Redis.
"""

from govplatform.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# Tasks queued by actions run in-process so each test sees their effects. The broker itself is
# still the real Redis when REDIS_URL is set: tests/govplatform/test_celery.py sends a task
# through it to a real worker.
CELERY_TASK_ALWAYS_EAGER = True
