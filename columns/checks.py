"""Checks over a site's columns that the back office and monitoring report."""

from columns.models import Column
from columns.types import missing_required_kinds


def missing_required_kinds_for(site) -> list[str]:
    """COL-3: which required column kinds the site has no column of."""
    types = Column.objects.filter(site=site).values_list("column_type", flat=True)
    return missing_required_kinds(types)
