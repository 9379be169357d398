"""Back-office sessions end after a spell of inactivity and, in any case, some hours after the
login (SEC-1). The session cookie alone cannot do both: its age restarts whenever the session is
saved, so the two times are kept in the session and checked here."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent

LOGGED_IN_AT = "logged_in_at"
SEEN_AT = "seen_at"
# The last-seen time is written at most this often, so reading pages does not write the session
# on every request.
SEEN_RESOLUTION = 60


@receiver(user_logged_in, dispatch_uid="session_times")
def _start(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGGED_IN_AT] = now
        request.session[SEEN_AT] = now


class SessionExpiryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if getattr(request, "is_backoffice", False) and user is not None and user.is_authenticated:
            expired = self._expired(request.session)
            if expired:
                audit.record(AuditEvent.AUTH_SESSION_EXPIRED, actor=user, obj=user, details={"reason": expired})
                logout(request)
                messages.info(request, _("Your session has ended; please log in again."))
                login_url = reverse("admin:login", urlconf=settings.BACKOFFICE_URLCONF)
                return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _expired(session) -> str:
        now = time.time()
        logged_in_at = session.get(LOGGED_IN_AT, 0)
        seen_at = session.get(SEEN_AT, 0)
        if now - logged_in_at > settings.BACKOFFICE_SESSION_MAX_AGE:
            return "max_age"
        if now - seen_at > settings.BACKOFFICE_IDLE_TIMEOUT:
            return "idle"
        if now - seen_at > SEEN_RESOLUTION:
            session[SEEN_AT] = now
        return ""
