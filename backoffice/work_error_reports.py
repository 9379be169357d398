"""The work page's panel of error reports (我为政府网站找错, INT-3) for site administrators: the open
reports, those past their deadline first and flagged (escalated by the periodic task: 1 working
day to forward, 3 to answer). Shown only when something waits; one query."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.work import Panel, Row, Section, counted, site_list, url
from interaction import error_reports as actions
from interaction.models.error_reports import ErrorReport, ReportStatus
from sites.models import Role
from sites.permissions import site_ids_for


def _row(report: ErrorReport, many: bool, warning: str = "") -> Row:
    due = report.forward_due_on if report.status == ReportStatus.RECEIVED else report.answer_due_on
    notes = [str(report.site) if many else "", report.get_kind_display(), report.get_status_display()]
    if due:
        notes.append(_("due %(day)s") % {"day": due.isoformat()})
    return Row(str(report), url("interaction_errorreport_change", report.pk), [n for n in notes if n], warning)


def _late(report: ErrorReport, today) -> str:
    """The warning of a report past its deadline: escalated (by the periodic task) or overdue."""
    if report.escalation:
        return report.get_escalation_display()
    due = report.forward_due_on if report.status == ReportStatus.RECEIVED else report.answer_due_on
    return _("overdue") if due and due < today else ""


def _list(**query) -> str:
    return url("interaction_errorreport_changelist", query=query or None)


def error_reports_section(request) -> Section | None:
    site_ids = sorted(site_ids_for(request.user, Role.SITE_ADMIN))
    if not site_ids:
        return None
    many = len(site_ids) > 1
    today = timezone.localdate()
    mine = ErrorReport.objects.filter(site_id__in=site_ids).select_related("site")
    # One query: the open reports, the earliest deadline first (those past it first), overdue flagged.
    total, rows = counted(mine.filter(status__in=actions.OPEN_STATUSES).order_by("answer_due_on", "id"))
    waiting = Panel("error_reports_open", _("Error reports to forward or answer"), total,
                    [_row(r, many, _late(r, today)) for r in rows], _list(),
                    empty=_("No error report waits."))  # fmt: skip
    if not total:
        return None  # nothing waits: no empty panels
    panels = [waiting]
    return Section("error_reports", _("Error reports on the site's pages"), site_list(request, site_ids), panels)
