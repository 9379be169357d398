"""What every step of an application for disclosure records (DISC-3): the step row with who and
when, the audit entry, the applicant's notice after the commit, and the pauses of the clock.
Used by the applicant's submission (disclosure/request_submission.py) and the handlers' steps
(disclosure/request_actions.py)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from auditlog import audit
from auditlog.events import AuditEvent
from disclosure import deadlines, request_notices
from disclosure.models.requests import InformationRequest, RequestStep
from workdays import days

# --- helpers --------------------------------------------------------------------------------


def present(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def day_of(now: dt.datetime) -> dt.date:
    return timezone.localdate(now)


def locked(request: InformationRequest) -> InformationRequest:
    """The request read again under a row lock, so that two handlers' steps do not interleave."""
    return InformationRequest.objects.select_for_update().get(pk=request.pk)


def refuse(message: str) -> None:
    raise ValidationError(message, code="state")


def record_step(request, kind, *, actor, now, note="", public_note="", shown=True, paused=0) -> RequestStep:
    return RequestStep.objects.create(
        request=request,
        kind=kind,
        actor=actor,
        actor_name=(actor.get_username() if actor is not None else ""),
        at=now,
        on=day_of(now),
        note=note,
        public_note=public_note,
        shown_to_applicant=shown,
        paused_working_days=paused,
    )


def finish(request, step, event: AuditEvent, *, actor, details=None, notify=True) -> RequestStep:
    """What every action ends with: the audit entry and, after the commit, the applicant's notice."""
    audit.record(event, actor=actor, obj=request, site=request.site, details=details)
    if notify and step.shown_to_applicant:
        request_notices.notify_after_commit(request, step)
    return step


def username(user) -> str:
    return user.get_username() if user is not None else ""


def end_pause(request: InformationRequest, on: dt.date) -> int:
    """Close the running pause at `on`; its working days are added to the not-counted days."""
    if request.paused_since is None:
        return 0
    try:
        paused = deadlines.paused_working_days(request.paused_since, on)
    except days.UnknownYear:
        # The holidays of a year in the pause are not known: counted as calendar days would
        # guess; the pause is counted as none and the deadline says it cannot be computed.
        paused = 0
        request.deadline_unknown_year = request.paused_since.year
    request.paused_working_days += paused
    request.paused_since = None
    return paused
