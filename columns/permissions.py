"""Editors limited to some columns of a site (SITE-10): the column half of the site permission policy."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from columns.models import Column, EditorScope
from sites.models import Role
from sites.permissions import is_platform_admin, is_system_account, memberships_of


def editor_column_ids(user, site) -> set[int] | None:
    """The columns (with their descendants) an editor is limited to on `site`; None: no limit.

    Editors of a sub-unit (SITE-10) edit only its columns of the portal (sites.EditorScope);
    site administrators, platform administrators and the system are never limited.
    """
    if user is None or is_platform_admin(user) or is_system_account(user):
        return None

    site_id = site if isinstance(site, int) else getattr(site, "pk", None)
    roles = {role for member_site, role in memberships_of(user) if member_site == site_id}
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
