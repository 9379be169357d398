"""The citizen's session (INT-6): a signed cookie of its own, never Django's session.

The back office reads `request.user` from django.contrib.auth's session (cookie "sessionid"); a
citizen's cookie ("citizen") is signed with its own salt, carries only the account id and a
fingerprint of its password, and is read only by the public pages of the interaction app. It is
set without a Domain, so it belongs to the one host that set it; each site of the platform logs
in with the same account.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.utils import timezone

from interaction.models.citizens import Citizen

COOKIE = "citizen"
SALT = "interaction.citizen.session"
MAX_AGE = 7 * 24 * 3600


def login(response, citizen: Citizen) -> None:
    value = signing.dumps({"c": citizen.pk, "f": citizen.session_fingerprint}, salt=SALT)
    response.set_cookie(
        COOKIE, value, max_age=MAX_AGE, httponly=True, secure=not settings.DEBUG, samesite="Lax", path="/"
    )
    Citizen.objects.filter(pk=citizen.pk).update(last_login_at=timezone.now())


def logout(response) -> None:
    response.delete_cookie(COOKIE, path="/", samesite="Lax")


def current(request) -> Citizen | None:
    """The verified, active citizen of the request's cookie, or None."""
    if getattr(request, "is_backoffice", False):
        return None
    raw = request.COOKIES.get(COOKIE)
    if not raw:
        return None
    try:
        data = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
        citizen = Citizen.objects.get(pk=int(data["c"]), is_active=True, verified_at__isnull=False)
    except (signing.BadSignature, KeyError, TypeError, ValueError, Citizen.DoesNotExist):
        return None
    return citizen if data.get("f") == citizen.session_fingerprint else None
