"""Platform-wide authority: platform administrators and the system account (PUB-1).

Per-site roles are the tenancy layer's (sites/permissions.py); these questions need only the user.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

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


def require_platform_admin(user) -> None:
    """`user=None` is the system itself (management commands, scheduled tasks)."""
    if user is not None and not is_platform_admin(user):
        raise PermissionDenied(_("Only a platform administrator may do this."))
