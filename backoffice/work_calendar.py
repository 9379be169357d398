"""The platform administrators' work-page warning about the working-day calendar (DISC-3): from
1 November, when next year's holidays are known neither to chinese-calendar nor to the
administrators' table (and at any time for the current year), statutory deadlines in working days
cannot be computed into that year, so the arrangement must be entered (backoffice/workdays_admin.py)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.work import Panel, Row, url
from workdays import days


def missing_holidays(request) -> Panel | None:
    """A panel naming each year whose holidays must be entered now; None when none is missing."""
    missing = days.missing_years(timezone.localdate())
    if not missing:
        return None
    rows = [
        Row(_("The holidays of %(year)d are not entered") % {"year": year}, url("workdays_calendarday_bulk"),
            [_("enter the State Council's arrangement")],
            _("deadlines in working days reaching into %(year)d cannot be computed") % {"year": year})
        for year in missing
    ]  # fmt: skip
    return Panel("calendar", _("Working-day calendar"), len(missing), rows, url("workdays_calendarday_changelist"),
                 count_text=_("years to enter"))  # fmt: skip
