"""The work page's panels of the people who handle applications for disclosure (DISC-3): site
administrators and reviewers (disclosure/policies.py HANDLER_ROLES). Overdue, due within 5
working days, awaiting receipt, extensions awaiting a site administrator's approval, and
deadlines that cannot be computed because a year's holidays are not entered. A fixed number of
queries whatever the number of applications (each panel its rows and total in one)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.disclosure_request_display import applicant_text, deadline_text, unknown_year_text
from backoffice.work import Panel, Row, Section, counted, site_list, url
from disclosure.models.requests import DUE_SOON_WORKING_DAYS, OPEN_STATUSES, InformationRequest, RequestStatus
from disclosure.policies import APPROVER_ROLES, HANDLER_ROLES
from sites.permissions import site_ids_for
from workdays import days


def _row(r: InformationRequest, many: bool, warning: str = "") -> Row:
    notes = [str(r.organisation), applicant_text(r), deadline_text(r)]
    return Row(r.tracking_number, url("disclosure_informationrequest_change", r.pk), [n for n in notes if n], warning)


def _list(**query) -> str:
    return url("disclosure_informationrequest_changelist", query=query or None)


def _due_soon_until(today: dt.date) -> dt.date:
    try:
        return days.add_working_days(today, DUE_SOON_WORKING_DAYS)
    except days.UnknownYear:
        # Next year's holidays are not entered: a week of calendar days is never less than 5 working days.
        return today + dt.timedelta(days=7)


def requests_section(request) -> Section | None:
    site_ids = sorted(site_ids_for(request.user, *HANDLER_ROLES))
    if not site_ids:
        return None
    many = len(site_ids) > 1
    today = timezone.localdate()
    mine = InformationRequest.objects.filter(site_id__in=site_ids).select_related("organisation")
    open_ = mine.filter(status__in=OPEN_STATUSES)
    soon_until = _due_soon_until(today)
    approver_sites = site_ids_for(request.user, *APPROVER_ROLES)
    # One question first: on most days nothing waits, and then the page reads no panel.
    something_waits = (
        Q(status__in=OPEN_STATUSES, due_on__lte=soon_until)
        | Q(status=RequestStatus.SUBMITTED)
        | Q(status__in=OPEN_STATUSES, deadline_unknown_year__isnull=False)
        | Q(
            status__in=OPEN_STATUSES,
            site_id__in=approver_sites,
            extension_proposed_by__isnull=False,
            extension_approved_by__isnull=True,
        )
    )
    if not InformationRequest.objects.filter(site_id__in=site_ids).filter(something_waits).exists():
        return None

    total, rows = counted(open_.filter(due_on__lt=today).order_by("due_on", "id"))
    overdue = Panel("disclosure_overdue", _("Applications overdue"), total,
                    [_row(r, many, _("overdue")) for r in rows], _list(),
                    empty=_("No application is overdue."))  # fmt: skip

    total, rows = counted(open_.filter(due_on__gte=today, due_on__lte=soon_until).order_by("due_on", "id"))
    soon = Panel("disclosure_due_soon", _("Applications due within 5 working days"), total,
                 [_row(r, many) for r in rows], _list(), empty=_("No application is due within 5 working days."))  # fmt: skip

    total, rows = counted(mine.filter(status=RequestStatus.SUBMITTED).order_by("submitted_at", "id"))
    waiting = Panel("disclosure_submitted", _("Applications awaiting receipt"), total,
                    [_row(r, many) for r in rows], _list(status__exact=RequestStatus.SUBMITTED),
                    empty=_("No application awaits receipt."))  # fmt: skip

    panels = [overdue, soon, waiting]
    if approver_sites:
        pending = open_.filter(
            site_id__in=approver_sites, extension_proposed_by__isnull=False, extension_approved_by__isnull=True
        ).exclude(extension_proposed_by=request.user)
        total, rows = counted(pending.order_by("due_on", "id"))
        panels.append(Panel("disclosure_extensions", _("Extensions awaiting your approval"), total,
                            [_row(r, many, _("%(n)d working days proposed") % {"n": r.extension_proposed_days})
                             for r in rows], _list(), empty=_("No extension awaits approval.")))  # fmt: skip

    total, rows = counted(open_.filter(deadline_unknown_year__isnull=False).order_by("received_on", "id"))
    if total:
        panels.append(Panel("disclosure_unknown_year", _("Deadlines that cannot be computed"), total,
                            [_row(r, many, unknown_year_text(r.deadline_unknown_year)) for r in rows], _list()))  # fmt: skip
    if not any(panel.count for panel in panels):
        return None  # nothing waits: reviewers of sites that get no applications see no empty panels
    return Section("disclosure_requests", _("Applications for disclosure"), site_list(request, site_ids), panels)
