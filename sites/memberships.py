"""Granting and revoking a user's role on a site (PUB-1). Each is one transaction that checks
permission and writes the audit log; the request's membership cache is emptied on every change."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from auditlog import audit
from auditlog.events import AuditEvent
from sites.models import Membership, Role
from sites.permissions import forget_memberships, has_role


def _require_role_manager(acting_user, site, role) -> None:
    """Platform admins grant any role; a site admin grants editor and reviewer on their site."""
    if acting_user is None:
        return
    if acting_user.is_platform_administrator:
        return
    if role != Role.SITE_ADMIN and has_role(acting_user, site, Role.SITE_ADMIN):
        return
    raise PermissionDenied(_("You may not manage this role on the site %(site)s.") % {"site": site})


@transaction.atomic
def grant_role(user: User, site, role: str, *, acting_user) -> Membership:
    _require_role_manager(acting_user, site, role)
    # Lock the user's row so two concurrent grants cannot make one person editor and reviewer.
    User.objects.select_for_update().filter(pk=user.pk).first()
    existing = Membership.objects.filter(user=user, site=site, role=role).first()
    if existing:
        return existing
    membership = Membership(user=user, site=site, role=role)
    membership.full_clean()
    membership.save()
    forget_memberships()
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    audit.record(
        AuditEvent.ROLE_GRANT,
        actor=acting_user,
        obj=membership,
        site=site,
        details={"user": user.username, "role": role},
    )
    return membership


@transaction.atomic
def revoke_role(membership: Membership, *, acting_user) -> None:
    _require_role_manager(acting_user, membership.site, membership.role)
    details = {"user": membership.user.username, "role": membership.role}
    site = membership.site
    audit.record(AuditEvent.ROLE_REVOKE, actor=acting_user, obj=membership, site=site, details=details)
    membership.delete()
    forget_memberships()
