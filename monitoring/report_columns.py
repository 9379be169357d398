"""Where the supervision reports are published: columns of two types (COL-2 accepts any short
Chinese label as a type).

- 政府网站监管 on a top-level portal (a portal with no parent, whose pages are published): the
  spot checks' results (OPS-2, "在门户网站公开检查情况") and the platform's supervision annual
  report (OPS-7);
- 网站年度报表 on any site: that site's annual work reports (OPS-3, "向社会公开").

Like the disclosure annual report's 信息公开年报 column, the column is the administrators' to add;
publishing without one is refused with a message saying so.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from columns.models import Column
from sites.models import PUBLISHED_STATUSES, SiteKind

SUPERVISION_COLUMN_TYPE = "政府网站监管"
ANNUAL_REPORT_COLUMN_TYPE = "网站年度报表"


def supervision_columns() -> list[Column]:
    """The 政府网站监管 columns of top-level portals (not archived)."""
    return list(
        Column.objects.filter(
            column_type=SUPERVISION_COLUMN_TYPE, archived_at__isnull=True, site__parent__isnull=True,
            site__kind=SiteKind.PORTAL, site__status__in=PUBLISHED_STATUSES, site__archived_at__isnull=True,
        ).order_by("site_id", "tree_id", "lft")
    )  # fmt: skip


def annual_report_column(site) -> Column | None:
    site_id = getattr(site, "pk", site)
    return (
        Column.objects.filter(site_id=site_id, column_type=ANNUAL_REPORT_COLUMN_TYPE, archived_at__isnull=True)
        .order_by("tree_id", "lft")
        .first()
    )


def missing_supervision_column() -> str:
    return _("No top-level portal has a column of the type “%(type)s”: add one under its columns first.") % {
        "type": SUPERVISION_COLUMN_TYPE
    }


def missing_annual_report_column() -> str:
    return _("This site has no column of the type “%(type)s”: add one under columns first.") % {
        "type": ANNUAL_REPORT_COLUMN_TYPE
    }
