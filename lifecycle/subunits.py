"""Sub-units without a site of their own (SITE-10; G §5(三)3).

A township, street, county-level unit or department publishes into some columns of its portal.
Its editors and reviewers hold the roles on the portal, limited to the sub-unit's columns (and
their sub-columns): editors by sites.EditorScope (enforced by the library and workflow actions
through sites.permissions.require_editor_column), reviewers by publishing.ReviewerScope.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from columns.models import EditorScope, SubUnit, SubUnitMember
from columns.policies import SUB_UNITS
from editorial.models import ReviewerScope
from sites import memberships
from sites.models import Membership, Role, Site, SiteKind
from sites.permissions import require_role
from sites.policies import CHANGE

MEMBER_ROLES = (Role.EDITOR, Role.REVIEWER)


def _check_columns(portal: Site, columns) -> list:
    columns = list(columns)
    if not columns:
        raise ValidationError({"columns": _("Choose the columns the sub-unit publishes into.")}, code="no_columns")
    strangers = [column.name for column in columns if column.site_id != portal.pk]
    if strangers:
        raise ValidationError(
            {"columns": _("These columns are not columns of %(portal)s: %(columns)s.")
             % {"portal": portal, "columns": "、".join(strangers)}},
            code="column_site",
        )  # fmt: skip
    return columns


def _sync_scope(member: SubUnitMember, columns) -> None:
    membership = member.membership
    model = EditorScope if membership.role == Role.EDITOR else ReviewerScope
    scope, _created = model.objects.get_or_create(membership=membership)
    scope.columns.set(columns)


@transaction.atomic
def create_sub_unit(portal: Site, *, name: str, kind: str, columns, acting_user) -> SubUnit:
    require_role(acting_user, portal, Role.SITE_ADMIN)
    if portal.kind != SiteKind.PORTAL:
        raise ValidationError(  # SITE-10
            _("Sub-units publish into a portal's columns; %(site)s is not a portal.") % {"site": portal},
            code="not_portal",
        )
    columns = _check_columns(portal, columns)
    sub_unit = SubUnit(portal=portal, name=(name or "").strip(), kind=kind)
    sub_unit.full_clean()
    sub_unit.save()
    sub_unit.columns.set(columns)
    audit.record(
        AuditEvent.SUB_UNIT_CREATE,
        actor=acting_user,
        obj=sub_unit,
        site=portal,
        details={"name": sub_unit.name, "kind": kind, "columns": [column.path for column in columns]},
    )
    return sub_unit


@transaction.atomic
def update_sub_unit(sub_unit: SubUnit, *, name: str, kind: str, columns, acting_user) -> SubUnit:
    """Change the sub-unit's name, kind and columns; its members' scopes follow the columns."""
    SUB_UNITS.require(acting_user, CHANGE, sub_unit)
    columns = _check_columns(sub_unit.portal, columns)
    stored = SubUnit.objects.select_for_update().get(pk=sub_unit.pk)
    before = {"name": stored.name, "kind": stored.kind, "columns": sorted(c.path for c in stored.columns.all())}
    sub_unit.name, sub_unit.kind = (name or "").strip(), kind
    sub_unit.full_clean()
    sub_unit.save()
    sub_unit.columns.set(columns)
    for member in sub_unit.members.select_related("membership"):
        _sync_scope(member, columns)
    after = {"name": sub_unit.name, "kind": kind, "columns": sorted(column.path for column in columns)}
    audit.record(AuditEvent.SUB_UNIT_UPDATE, actor=acting_user, obj=sub_unit, site=sub_unit.portal,
                 details={"before": before, "after": after})  # fmt: skip
    return sub_unit


def set_sub_unit_columns(sub_unit: SubUnit, columns, *, acting_user) -> SubUnit:
    """Change only the sub-unit's columns."""
    return update_sub_unit(sub_unit, name=sub_unit.name, kind=sub_unit.kind, columns=columns, acting_user=acting_user)


@transaction.atomic
def add_member(sub_unit: SubUnit, user, role: str, *, acting_user) -> SubUnitMember:
    """Give `user` the role on the portal for the sub-unit only: limited to its columns."""
    if role not in MEMBER_ROLES:
        raise ValidationError(_("A sub-unit has editors and reviewers."), code="role")
    portal = sub_unit.portal
    require_role(acting_user, portal, Role.SITE_ADMIN)
    existing = Membership.objects.filter(user=user, site=portal, role=role).select_related("sub_unit").first()
    if existing is not None:
        try:
            linked = existing.sub_unit
        except SubUnitMember.DoesNotExist:
            linked = None
        if linked is not None and linked.sub_unit_id == sub_unit.pk:
            return linked
        raise ValidationError(
            _("%(user)s is already %(role)s of %(portal)s for other columns; a person works for one sub-unit.")
            % {"user": user, "role": Role(role).label, "portal": portal},
            code="already_member",
        )
    membership = memberships.grant_role(user, portal, role, acting_user=acting_user)
    member = SubUnitMember.objects.create(sub_unit=sub_unit, membership=membership)
    _sync_scope(member, list(sub_unit.columns.all()))
    audit.record(
        AuditEvent.SUB_UNIT_ADD_MEMBER,
        actor=acting_user,
        obj=sub_unit,
        site=portal,
        details={"user": user.username, "role": role},
    )
    return member


@transaction.atomic
def remove_member(member: SubUnitMember, *, acting_user) -> None:
    sub_unit, membership = member.sub_unit, member.membership
    SUB_UNITS.require(acting_user, CHANGE, sub_unit)
    audit.record(
        AuditEvent.SUB_UNIT_REMOVE_MEMBER,
        actor=acting_user,
        obj=sub_unit,
        site=sub_unit.portal,
        details={"user": membership.user.username, "role": membership.role},
    )
    memberships.revoke_role(membership, acting_user=acting_user)


@transaction.atomic
def delete_sub_unit(sub_unit: SubUnit, *, acting_user) -> None:
    """Dissolve the sub-unit: its editors and reviewers lose their roles on the portal (their
    roles existed only for the sub-unit's columns), then the sub-unit goes. Content stays."""
    portal = sub_unit.portal
    require_role(acting_user, portal, Role.SITE_ADMIN)
    members = list(sub_unit.members.select_related("membership__user"))
    for member in members:
        remove_member(member, acting_user=acting_user)
    audit.record(
        AuditEvent.SUB_UNIT_DELETE,
        actor=acting_user,
        obj=sub_unit,
        site=portal,
        details={"name": sub_unit.name, "members": [m.membership.user.username for m in members]},
    )
    sub_unit.delete()
