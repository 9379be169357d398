"""Actions on the column tree of a site (COL-1 to COL-8)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from columns.models import Column
from columns.policies import COLUMNS
from core import feed
from core.changes import field_changes
from lifecycle import filings
from sites.policies import CHANGE

MOVE_POSITIONS = {"first-child", "last-child", "left", "right"}


@transaction.atomic
def create_column(column: Column, *, acting_user) -> Column:
    COLUMNS.require(acting_user, CHANGE, column)
    column.full_clean()
    column.save()
    audit.record(AuditEvent.COLUMN_CREATE, actor=acting_user, obj=column, details={"path": column.path})
    filings.record_column_change(column, None, acting_user=acting_user)  # SITE-8
    _republish(column, itself=False)
    return column


@transaction.atomic
def update_column(column: Column, *, acting_user) -> Column:
    COLUMNS.require(acting_user, CHANGE, column)
    changes = field_changes(column, ["name", "slug", "description", "keywords", "column_type", "is_channel",
                                     "parent", "sort_order", "responsible_person", "responsible_phone",
                                     "update_interval_days", "review_levels"])  # fmt: skip
    if "site" in field_changes(column, ["site"]):
        raise ValidationError(_("A column cannot be moved to another site."))
    before = filings.column_snapshot(column)
    column.full_clean()
    column.save()
    if "parent" in changes or "sort_order" in changes:
        Column.objects.partial_rebuild(column.tree_id)
    if changes:
        audit.record(
            AuditEvent.COLUMN_UPDATE, actor=acting_user, obj=column, details={"changes": changes, "path": column.path}
        )
        filings.record_column_change(column, before, acting_user=acting_user)  # SITE-8
        _republish(column)
    return column


@transaction.atomic
def move_column(column: Column, target: Column, position: str, *, acting_user) -> Column:
    """Reorder: put `column` before/after (left/right) or inside (first/last-child) `target`."""
    if position not in MOVE_POSITIONS:
        raise ValidationError(_("Unknown position %(position)s.") % {"position": position})
    COLUMNS.require(acting_user, CHANGE, column)
    if target.site_id != column.site_id:
        raise ValidationError(_("A column cannot be moved to another site."))
    old_path = column.path
    before = filings.column_snapshot(column)
    new_parent = target if position.endswith("child") else target.parent
    column.parent = new_parent
    column.full_clean()  # depth (COL-1), slug clash among new siblings, no cycle
    column.move_to(target, position)
    column.refresh_from_db()
    _renumber_siblings(column)
    audit.record(
        AuditEvent.COLUMN_MOVE,
        actor=acting_user,
        obj=column,
        details={"target": str(target), "position": position, "before": old_path, "after": column.path},
    )
    filings.record_column_change(column, before, acting_user=acting_user)  # SITE-8
    _republish(column)
    return column


def _renumber_siblings(column: Column) -> None:
    """Keep sort_order equal to the tree order so later insertions land where editors expect."""
    # Top-level columns of every site are mptt roots, hence "siblings": keep to this site.
    siblings = column.get_siblings(include_self=True).filter(site_id=column.site_id)
    for index, sibling in enumerate(siblings):
        if sibling.sort_order != index:
            Column.objects.filter(pk=sibling.pk).update(sort_order=index)


@transaction.atomic
def delete_column(column: Column, *, acting_user) -> None:
    COLUMNS.require(acting_user, CHANGE, column)
    if column.get_children().exists():
        raise ValidationError(
            _("The column “%(name)s” still has sub-columns; move or delete them first.") % {"name": column.name}
        )
    audit.record(AuditEvent.COLUMN_DELETE, actor=acting_user, obj=column, details={"path": column.path})
    filings.record_column_change(column, filings.column_snapshot(column), acting_user=acting_user, deleted=True)
    site_id = column.site_id
    column.delete()
    feed.changed(sites=[site_id])


def _republish(column: Column, *, itself: bool = True) -> None:
    """A column's name, address, place or channel mark shows on many pages: refresh its site.

    `itself`: the column's own name, address or place changed, so search re-indexes the
    documents under it (a new column has none yet).
    """
    feed.changed(columns=[column.pk] if itself else (), sites=[column.site_id])
