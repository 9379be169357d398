"""Helpers for tests of the back office."""

import time

from django.conf import settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY


def admin_url(name: str, *args) -> str:
    """The path of a back-office page (`admin_url("columns_column_change", pk)`)."""
    return reverse(f"admin:{name}", args=args, urlconf=settings.BACKOFFICE_URLCONF)


def log_in(client, user):
    """Log `user` into the back office through both factors (SEC-1) and return `client`.

    Every back-office test logs in through here, never with a bare `force_login`: the back office
    admits only sessions whose second factor was verified.
    """
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    session.save()
    return client


def verified_device(user):
    """A confirmed backup-code device of `user` (made if missing), to mark a session verified."""
    from django_otp.plugins.otp_static.models import StaticDevice

    device, _ = StaticDevice.objects.get_or_create(user=user, name="tests", defaults={"confirmed": True})
    return device


def browser_log_in(page, base_url: str, user) -> None:
    """Give a Playwright page a verified back-office session of `user` (SEC-1)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts import session_expiry

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = verified_device(user).persistent_id
    session[session_expiry.LOGGED_IN_AT] = session[session_expiry.SEEN_AT] = time.time()
    session.save()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": base_url}])
