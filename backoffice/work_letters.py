"""The work page's panels of the people who handle citizens' letters (INT-2): the reviewers and
site administrators of the sites handling them (interaction/policies.py HANDLER_ROLES). Letters
overdue, due within 2 working days, answers awaiting review by someone other than their writer,
and deadlines that cannot be computed because a year's holidays are not entered. Shown only when
something waits; a fixed number of queries whatever the number of letters."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.interaction_letter_display import deadline_text
from backoffice.work import Panel, Row, Section, counted, site_list, url
from interaction.models.letters import DUE_SOON_WORKING_DAYS, Letter, LetterStatus
from interaction.policies import HANDLER_ROLES
from sites.permissions import site_ids_for
from workdays import days


def _row(letter: Letter, warning: str = "") -> Row:
    notes = [letter.title, letter.handling_unit, deadline_text(letter)]
    return Row(letter.tracking_number, url("interaction_letter_change", letter.pk), [n for n in notes if n], warning)


def _list(**query) -> str:
    return url("interaction_letter_changelist", query=query or None)


def _due_soon_until(today: dt.date) -> dt.date:
    try:
        return days.add_working_days(today, DUE_SOON_WORKING_DAYS)
    except days.UnknownYear:
        return today + dt.timedelta(days=4)  # never fewer than 2 working days


def letters_section(request) -> Section | None:
    site_ids = sorted(site_ids_for(request.user, *HANDLER_ROLES))
    if not site_ids:
        return None
    today = timezone.localdate()
    mine = Letter.objects.filter(site_id__in=site_ids).select_related("site", "sub_unit", "merged_into")
    handling = mine.filter(status=LetterStatus.RECEIVED)
    soon_until = _due_soon_until(today)
    # One question first: most handlers most days have nothing waiting, and then the page reads
    # no panel (each panel costs a query).
    something_waits = (
        Q(status=LetterStatus.RECEIVED, due_on__lte=soon_until)
        | (Q(status=LetterStatus.ANSWERED) & ~Q(answered_by=request.user))
        | Q(status=LetterStatus.RECEIVED, deadline_unknown_year__isnull=False)
    )
    if not Letter.objects.filter(site_id__in=site_ids).filter(something_waits).exists():
        return None
    panels = []

    total, rows = counted(handling.filter(due_on__lt=today).order_by("due_on", "id"))
    if total:
        panels.append(Panel("letters_overdue", _("Letters overdue"), total, [_row(r, _("overdue")) for r in rows],
                            _list(status__exact=LetterStatus.RECEIVED)))  # fmt: skip
    total, rows = counted(
        handling.filter(due_on__gte=today, due_on__lte=soon_until).order_by("due_on", "id")
    )
    if total:
        panels.append(Panel("letters_due_soon", _("Letters due within 2 working days"), total,
                            [_row(r) for r in rows], _list(status__exact=LetterStatus.RECEIVED)))  # fmt: skip
    total, rows = counted(
        mine.filter(status=LetterStatus.ANSWERED).exclude(answered_by=request.user).order_by("answered_at", "id")
    )
    if total:
        panels.append(Panel("letters_review", _("Answers to letters awaiting your review"), total,
                            [_row(r) for r in rows], _list(status__exact=LetterStatus.ANSWERED)))  # fmt: skip
    total, rows = counted(handling.filter(deadline_unknown_year__isnull=False).order_by("received_on", "id"))
    if total:
        panels.append(Panel("letters_unknown_year", _("Deadlines of letters that cannot be computed"), total,
                            [_row(r, deadline_text(r)) for r in rows], _list()))  # fmt: skip
    if not panels:
        return None  # nothing waits: no empty panels
    return Section("letters", _("Citizens' letters"), site_list(request, site_ids), panels)
