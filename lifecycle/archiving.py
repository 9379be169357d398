"""Archiving sites, columns and topics (网页归档, SITE-9; 专题归档, COL-7).

Archived pages stay where they are, at the same addresses, and show “已归档” with the archive
time at the top (templates/site/base.html); archived columns and topics leave the top
navigation and the home page, and archived topics are listed in the site's topic area
(topics.html). Archiving a column archives its sub-columns with it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from columns.models import Column
from columns.policies import COLUMNS
from core import feed
from lifecycle.rules import lock_site
from sites.models import Site
from sites.permissions import require_platform_admin
from sites.policies import CHANGE

TOPIC_COLUMN_TYPE = "专题专栏"


def _subtree(column: Column):
    return Column.objects.get_queryset_descendants(Column.objects.filter(pk=column.pk), include_self=True)


@transaction.atomic
def archive_column(column: Column, *, acting_user) -> Column:
    """Archive a column or a topic whose work has ended, with its sub-columns (SITE-9, COL-7)."""
    COLUMNS.require(acting_user, CHANGE, column)
    column = Column.objects.select_for_update().get(pk=column.pk)
    if column.archived_at is not None:
        raise ValidationError(
            _("%(column)s was archived already, on %(time)s.")
            % {"column": column, "time": timezone.localtime(column.archived_at).strftime("%Y-%m-%d %H:%M")},
            code="archived",
        )
    now = timezone.now()
    count = _subtree(column).filter(archived_at__isnull=True).update(archived_at=now)
    column.archived_at = now
    audit.record(
        AuditEvent.COLUMN_ARCHIVE,
        actor=acting_user,
        obj=column,
        details={"path": column.path, "topic": column.column_type == TOPIC_COLUMN_TYPE, "columns": count},
    )
    feed.changed(sites=[column.site_id])
    return column


@transaction.atomic
def unarchive_column(column: Column, *, acting_user) -> Column:
    """Undo an archiving: the column and the sub-columns archived with it are current again."""
    COLUMNS.require(acting_user, CHANGE, column)
    column = Column.objects.select_for_update().get(pk=column.pk)
    if column.archived_at is None:
        raise ValidationError(_("%(column)s is not archived.") % {"column": column}, code="not_archived")
    archived_at = column.archived_at
    _subtree(column).filter(archived_at=archived_at).update(archived_at=None)
    column.archived_at = None
    audit.record(AuditEvent.COLUMN_UNARCHIVE, actor=acting_user, obj=column,
                 details={"path": column.path, "archived_at": archived_at.isoformat()})  # fmt: skip
    feed.changed(sites=[column.site_id])
    return column


@transaction.atomic
def archive_site(site: Site, *, acting_user) -> Site:
    """Archive every page of a site, e.g. the old version of a revised site (SITE-9)."""
    require_platform_admin(acting_user)
    lock_site(site)
    if site.archived_at is not None:
        raise ValidationError(_("%(site)s was archived already.") % {"site": site}, code="archived")
    site.archived_at = timezone.now()
    site.save(update_fields=["archived_at", "updated_at"])
    audit.record(
        AuditEvent.SITE_ARCHIVE, actor=acting_user, obj=site, details={"archived_at": site.archived_at.isoformat()}
    )
    feed.changed(sites=[site.pk])
    return site


@transaction.atomic
def unarchive_site(site: Site, *, acting_user) -> Site:
    require_platform_admin(acting_user)
    lock_site(site)
    if site.archived_at is None:
        raise ValidationError(_("%(site)s is not archived.") % {"site": site}, code="not_archived")
    before = site.archived_at
    site.archived_at = None
    site.save(update_fields=["archived_at", "updated_at"])
    audit.record(AuditEvent.SITE_UNARCHIVE, actor=acting_user, obj=site, details={"archived_at": before.isoformat()})
    feed.changed(sites=[site.pk])
    return site
