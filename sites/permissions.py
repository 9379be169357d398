"""Who may do what: the one place that answers role questions (PUB-1).

Actions call `require_*`; querysets call `site_ids_for`. A platform administrator may do
everything; everyone else acts through per-site memberships.
"""

from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.authority import (  # noqa: F401  the policy answers platform-wide questions too
    SYSTEM_USERNAME,
    is_platform_admin,
    is_system_account,
    require_platform_admin,
)
from sites.models import Membership, Role

# During a web request, each user's memberships are read once (a back-office page asks dozens of
# role questions: the sidebar alone one per model). PermissionCacheMiddleware opens the cache;
# granting or revoking a role empties it (sites/memberships.py). Outside requests: no cache.
_request_memberships: ContextVar[dict | None] = ContextVar("request_memberships", default=None)


def memberships_of(user) -> list[tuple[int, str]]:
    """(site id, role) of each of the user's memberships, read once per request."""
    cache = _request_memberships.get()
    if cache is not None and user.pk in cache:
        return cache[user.pk]
    rows = list(Membership.objects.filter(user=user).values_list("site_id", "role"))
    if cache is not None:
        cache[user.pk] = rows
    return rows


def forget_memberships() -> None:
    cache = _request_memberships.get()
    if cache is not None:
        cache.clear()


class PermissionCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_memberships.set({})
        try:
            return self.get_response(request)
        finally:
            _request_memberships.reset(token)


def site_ids_for(user, *roles) -> set[int]:
    """IDs of the sites on which the user holds any of `roles` (any role when none given)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return {site_id for site_id, role in memberships_of(user) if not roles or role in roles}


def has_role(user, site, *roles) -> bool:
    if is_platform_admin(user) or is_system_account(user):
        return True
    site_id = site if isinstance(site, int) else getattr(site, "pk", None)
    return site_id is not None and site_id in site_ids_for(user, *roles)


def require_role(user, site, *roles) -> None:
    if user is None:
        return
    if not has_role(user, site, *roles):
        names = "、".join(str(Role(role).label) for role in roles) or _("any role")
        raise PermissionDenied(
            _("You need the role %(roles)s on the site %(site)s to do this.") % {"roles": names, "site": site}
        )
