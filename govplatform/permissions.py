"""Who may do what: the one place that answers role questions (PUB-1).

Actions call `require_*`; querysets call `site_ids_for`. A platform administrator may do
everything; everyone else acts through per-site memberships.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from govplatform.models import Membership, Role


def is_platform_admin(user) -> bool:
    return user is not None and user.is_authenticated and user.is_platform_administrator


def site_ids_for(user, *roles) -> set[int]:
    """IDs of the sites on which the user holds any of `roles` (any role when none given)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    memberships = Membership.objects.filter(user=user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return set(memberships.values_list("site_id", flat=True))


def has_role(user, site, *roles) -> bool:
    if is_platform_admin(user):
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
