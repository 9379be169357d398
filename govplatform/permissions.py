"""Who may do what: the one place that answers role questions (PUB-1).

Actions call `require_*`; querysets call `site_ids_for`. A platform administrator may do
everything; everyone else acts through per-site memberships.
"""

from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from govplatform.models import Membership, Role

# The platform itself, where an action needs a person (lifecycle announcements, SITE-5 to SITE-8):
# an inactive account without a usable password and without back-office access, so nobody can
# sign in as it (SEC-1). Its name is the one the audit log gives the system.
SYSTEM_USERNAME = "system"


def is_platform_admin(user) -> bool:
    return user is not None and user.is_authenticated and user.is_platform_administrator


def is_system_account(user) -> bool:
    return (
        user is not None
        and getattr(user, "pk", None) is not None
        and getattr(user, "username", None) == SYSTEM_USERNAME
        and not user.is_active
        and not user.is_staff
        and not user.has_usable_password()
    )


# During a web request, each user's memberships are read once (a back-office page asks dozens of
# role questions: the sidebar alone one per model). PermissionCacheMiddleware opens the cache;
# any change of a membership empties it (govplatform/signals.py). Outside requests: no cache.
_request_memberships: ContextVar[dict | None] = ContextVar("request_memberships", default=None)


def _memberships(user) -> list[tuple[int, str]]:
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
    return {site_id for site_id, role in _memberships(user) if not roles or role in roles}


def has_role(user, site, *roles) -> bool:
    if is_platform_admin(user) or is_system_account(user):
        return True
    site_id = site if isinstance(site, int) else getattr(site, "pk", None)
    return site_id is not None and site_id in site_ids_for(user, *roles)


def require_platform_admin(user) -> None:
    """`user=None` is the system itself (management commands, scheduled tasks)."""
    if user is not None and not is_platform_admin(user):
        raise PermissionDenied(_("Only a platform administrator may do this."))


def require_role(user, site, *roles) -> None:
    if user is None:
        return
    if not has_role(user, site, *roles):
        names = "、".join(str(Role(role).label) for role in roles) or _("any role")
        raise PermissionDenied(
            _("You need the role %(roles)s on the site %(site)s to do this.") % {"roles": names, "site": site}
        )


def editor_column_ids(user, site) -> set[int] | None:
    """The columns (with their descendants) an editor is limited to on `site`; None: no limit.

    Editors of a sub-unit (SITE-10) edit only its columns of the portal (sites.EditorScope);
    site administrators, platform administrators and the system are never limited.
    """
    if user is None or is_platform_admin(user) or is_system_account(user):
        return None
    from columns.models import Column
    from sites.models import EditorScope

    site_id = site if isinstance(site, int) else getattr(site, "pk", None)
    roles = {role for member_site, role in _memberships(user) if member_site == site_id}
    if Role.EDITOR not in roles or Role.SITE_ADMIN in roles:
        return None
    scope = EditorScope.objects.filter(membership__user=user, membership__site_id=site_id).first()
    if scope is None:
        return None
    roots = Column.objects.filter(pk__in=list(scope.columns.values_list("pk", flat=True)))
    if not roots:
        return set()
    return set(Column.objects.get_queryset_descendants(roots, include_self=True).values_list("pk", flat=True))


def require_editor_column(user, site, column) -> None:
    """Refuse an editor limited to some columns (SITE-10) a column outside them; no column is fine."""
    if column is None:
        return
    allowed = editor_column_ids(user, site)
    if allowed is not None and column.pk not in allowed:
        raise PermissionDenied(
            _("You edit only some columns of %(site)s, and %(column)s is not one of them.")
            % {"site": site, "column": column}
        )
