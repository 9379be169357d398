"""Checks over a site's columns that the back office and monitoring report."""

from columns.models import Column
from columns.types import missing_required_kinds


def missing_required_kinds_for(site, shown_column_ids=None) -> list[str]:
    """COL-3: which required column kinds the site has no column of that citizens see.

    Archived columns (SITE-9, COL-7: they left navigation and the home page, and archiving takes
    their sub-columns with them) never count. `shown_column_ids`: the columns whose pages citizens
    can reach, as the publisher decides (a column shows something, COL-4; publishing/sitedata.py),
    given by callers above the publisher (monitoring); the columns layer cannot see placements, so
    without it every current column counts (what an editor has set up, not what is shown).
    """
    columns = Column.objects.filter(site=site, archived_at__isnull=True)
    if shown_column_ids is not None:
        columns = columns.filter(pk__in=list(shown_column_ids))
    return missing_required_kinds(columns.values_list("column_type", flat=True))
