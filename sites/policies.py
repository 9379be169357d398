"""One permission policy per model (after Wagtail's permission_policies): the one place that
answers "which objects of this model may this user see or act on" and "may this user do this
to that object".

Querysets of back-office pages, the choices of reference fields, the buttons a page offers and
the actions themselves all ask the model's policy (`policy_for(Model)`), so a button is shown
only when its action would accept the request. A policy answers who may act; what state an
object must be in is the action's own precondition (e.g. editorial/workflow.py `refusal`).

Each app declares the policies of its models in its `policies.py` and registers them when the
module is imported (its AppConfig.ready() imports it).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from auditlog.models import AuditEntry
from sites.models import Membership, Role, Site
from sites.permissions import has_role, is_platform_admin, is_system_account, require_role, site_ids_for

VIEW = "view"
CHANGE = "change"

_policies: dict[type[models.Model], PermissionPolicy] = {}


def register(policy: PermissionPolicy) -> PermissionPolicy:
    _policies[policy.model] = policy
    return policy


def policy_for(model) -> PermissionPolicy | None:
    """The policy of a model class (or of an instance's class); None for a model without one."""
    model = model if isinstance(model, type) else type(model)
    return _policies.get(model)


class PermissionPolicy:
    """Platform administrators (and the system account) may do everything; nobody else anything.

    Subclasses say who else may act. `actions` maps an action name to the per-site roles that may
    do it; an action not named there is the platform administrators' alone.
    """

    model: type[models.Model]
    actions: dict[str, tuple[str, ...]] = {}

    def __init__(self, model):
        self.model = model

    def is_unrestricted(self, user) -> bool:
        return is_platform_admin(user) or is_system_account(user)

    def filter(self, queryset, user, action: str = VIEW):
        """`queryset` limited to the objects `user` may `action`."""
        return queryset if self.is_unrestricted(user) else queryset.none()

    def instances(self, user, action: str = VIEW):
        return self.filter(self.model._default_manager.all(), user, action)

    def user_can(self, user, action: str, obj=None) -> bool:
        """May `user` do `action` to `obj` (None: to some object of the model, as for "add")?"""
        return self.is_unrestricted(user)

    def require(self, user, action: str, obj=None) -> None:
        """Refuse with PermissionDenied unless `user_can`. `user=None` is the system itself."""
        if user is not None and not self.user_can(user, action, obj):
            raise PermissionDenied(self.refusal_message(action, obj))

    def refusal_message(self, action: str, obj=None) -> str:
        return _("You may not do this.")


class SitePolicy(PermissionPolicy):
    """Objects that belong to one site: a role on that site lets a user act on them.

    `site_field` is the lookup from the model to its site's id. `actions[VIEW]` empty: any role
    on the site lets a user see the object.
    """

    site_field = "site_id"
    actions = {VIEW: ()}

    def __init__(self, model, *, site_field: str | None = None, actions: dict | None = None):
        super().__init__(model)
        if site_field is not None:
            self.site_field = site_field
        if actions is not None:
            self.actions = actions

    def roles_for(self, action: str) -> tuple[str, ...] | None:
        """The roles that may do `action` (empty: any role); None: platform administrators only."""
        return self.actions.get(action)

    def site_id_of(self, obj) -> int | None:
        value = obj
        for part in self.site_field.split("__"):
            value = getattr(value, part, None)
        return value

    def site_of(self, obj):
        """The object's site, named in a refusal."""
        return obj.site

    def filter(self, queryset, user, action: str = VIEW):
        if self.is_unrestricted(user):
            return queryset
        roles = self.roles_for(action)
        if roles is None:
            return queryset.none()
        return queryset.filter(**{f"{self.site_field}__in": site_ids_for(user, *roles)})

    def user_can(self, user, action: str, obj=None) -> bool:
        if self.is_unrestricted(user):
            return True
        roles = self.roles_for(action)
        if roles is None or user is None or not user.is_authenticated:
            return False
        if obj is None:
            return bool(site_ids_for(user, *roles))
        return has_role(user, self.site_id_of(obj), *roles)

    def require(self, user, action: str, obj=None) -> None:
        """The role question of `sites.permissions`, with its message naming the roles and the site."""
        roles = self.roles_for(action)
        if user is None or obj is None or not roles or self.is_unrestricted(user):
            super().require(user, action, obj)
            return
        require_role(user, self.site_of(obj), *roles)


class SiteOfItselfPolicy(SitePolicy):
    """The sites themselves: a role on a site lets a user see it; its administrators change it."""

    site_field = "pk"
    actions = {VIEW: (), CHANGE: (Role.SITE_ADMIN,)}

    def site_id_of(self, obj) -> int | None:
        return obj.pk

    def site_of(self, obj):
        return obj


class MembershipPolicy(SitePolicy):
    """Roles: site administrators see and manage their sites' roles; everyone sees their own."""

    actions = {VIEW: (Role.SITE_ADMIN,), CHANGE: (Role.SITE_ADMIN,)}

    def filter(self, queryset, user, action: str = VIEW):
        if self.is_unrestricted(user):
            return queryset
        admin_sites = site_ids_for(user, Role.SITE_ADMIN)
        if action == VIEW:
            return queryset.filter(models.Q(site_id__in=admin_sites) | models.Q(user=user))
        return queryset.filter(site_id__in=admin_sites)


class AuditEntryPolicy(SitePolicy):
    """The audit log: platform administrators read all of it; site administrators their sites'."""

    actions = {VIEW: (Role.SITE_ADMIN,)}


register(SiteOfItselfPolicy(Site))
register(MembershipPolicy(Membership))
register(AuditEntryPolicy(AuditEntry))
