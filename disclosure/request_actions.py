"""The steps of an application for disclosure (DISC-3, 条例 art.27-45), one action each.

Each action checks who may act (the policy, disclosure/policies.py) and the state the application
must be in, changes it in one transaction with its `RequestStep` and its audit entry, recomputes
the deadline (disclosure/deadlines.py) and tells the applicant (disclosure/request_notices.py:
the status page shows the step; an e-mail goes out after the commit when an address was given).

Every action takes `now` (default: the present) so that a step recorded late, and the demo's
past applications, count from their own day.

The applicant's online form and the status page's look-up are disclosure/request_submission.py;
what every step records is disclosure/request_records.py.

- receive: the organisation confirms receipt; received_on follows art.31 (a day off → the next
  working day). A completion (补正) is then due to be asked within 7 working days.
- request_completion / complete: asked once (art.30); the time until it is completed is not
  counted. The applicant completes on the status page, or the handler records a completion
  received otherwise.
- seek_third_party / third_party_replied: art.32; the time is not counted.
- propose_extension / approve_extension / refuse_extension: one extension of at most 20 working
  days (art.33), proposed by a handler, approved by a site administrator other than the proposer,
  with a notice to the applicant, before the time limit has run out.
- answer: in one of the art.36 forms, with the outcome of the annual report's table, a text and
  attachments.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from disclosure import deadlines
from disclosure import request_records as records
from disclosure.models.requests import (
    MAX_EXTENSION_WORKING_DAYS,
    OPEN_STATUSES,
    AnswerForm,
    InformationRequest,
    RequestAttachment,
    RequestOutcome,
    RequestStatus,
    StepKind,
)
from disclosure.policies import REQUESTS
from resources.sniff import ATTACHMENT_KEYS, IMAGE_KEYS
from resources.uploads import check_file
from workdays import days

ATTACHMENT_TYPES = ATTACHMENT_KEYS | IMAGE_KEYS
MAX_ATTACHMENTS = 10

# --- the handlers ---------------------------------------------------------------------------


def receive(request: InformationRequest, *, acting_user, now: dt.datetime | None = None) -> InformationRequest:
    REQUESTS.require(acting_user, "receive", request)
    now = records.present(now)
    with transaction.atomic():
        request = records.locked(request)
        if request.status != RequestStatus.SUBMITTED:
            records.refuse(_("This application has been received already."))
        confirmed = max(records.day_of(now), timezone.localdate(request.submitted_at))
        try:
            request.received_on = deadlines.receipt_day(confirmed)
        except days.UnknownYear:
            request.received_on = confirmed  # the deadline then says which year's holidays are missing
        request.status = RequestStatus.RECEIVED
        request.handler = acting_user
        request.completion_request_due_on = deadlines.completion_request_deadline(request.received_on).due_on
        deadlines.refresh(request)
        request.save()
        step = records.record_step(request, StepKind.RECEIVE, actor=acting_user, now=now)
        return _finish_and_return(request, step, AuditEvent.DISCLOSURE_REQUEST_RECEIVE, acting_user)


def _finish_and_return(request, step, event, actor, details=None):
    records.finish(request, step, event, actor=actor, details=details)
    return request


def request_completion(
    request: InformationRequest, *, what: str, acting_user, now: dt.datetime | None = None
) -> InformationRequest:
    """Ask the applicant, once, to complete the application (补正): `what` says what is missing
    and is shown to the applicant. The clock stops until it is completed."""
    REQUESTS.require(acting_user, "request_completion", request)
    now = records.present(now)
    what = (what or "").strip()
    if not what:
        raise ValidationError({"what": _("Say what the applicant is to complete.")})
    with transaction.atomic():
        request = records.locked(request)
        if request.status != RequestStatus.RECEIVED:
            records.refuse(_("A completion can be requested only while the application is being handled."))
        if request.completion_requested_on is not None:
            records.refuse(_("A completion is requested once only (all that is missing at once)."))
        on = records.day_of(now)
        late = request.completion_request_due_on is not None and on > request.completion_request_due_on
        request.completion_requested_on = on
        request.paused_since = on
        request.status = RequestStatus.AWAITING_COMPLETION
        deadlines.refresh(request)
        request.save()
        step = records.record_step(request, StepKind.REQUEST_COMPLETION, actor=acting_user, now=now, public_note=what)
        return _finish_and_return(
            request, step, AuditEvent.DISCLOSURE_REQUEST_REQUEST_COMPLETION, acting_user, {"late": late}
        )


def complete(
    request: InformationRequest, *, text: str, acting_user=None, now: dt.datetime | None = None
) -> InformationRequest:
    """The applicant's completion: on the status page (acting_user None: the caller has checked
    the query code), or recorded by a handler when it came by post or in person."""
    if acting_user is not None:
        REQUESTS.require(acting_user, "record_completion", request)
    now = records.present(now)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what completes the application.")})
    with transaction.atomic():
        request = records.locked(request)
        if request.status != RequestStatus.AWAITING_COMPLETION:
            records.refuse(_("No completion is awaited for this application."))
        on = records.day_of(now)
        paused = records.end_pause(request, on)
        # 条例 art.30: the answer period is counted afresh from the day the completed application
        # is received, so the working days between the first receipt and the completion are not
        # counted either (not only those of the wait for the applicant).
        try:
            restarted = deadlines.paused_working_days(request.received_on, on)
        except days.UnknownYear as error:
            request.deadline_unknown_year = error.year
        else:
            paused += restarted - request.paused_working_days
            request.paused_working_days = restarted
        request.status = RequestStatus.RECEIVED
        deadlines.refresh(request)
        request.save()
        step = records.record_step(request, StepKind.COMPLETE, actor=acting_user, now=now, note=text, paused=paused)
        return _finish_and_return(
            request, step, AuditEvent.DISCLOSURE_REQUEST_COMPLETE, acting_user, {"paused_working_days": paused}
        )


def seek_third_party(
    request: InformationRequest, *, third_party: str, acting_user, now: dt.datetime | None = None
) -> InformationRequest:
    """Ask a third party's opinion (art.32): the time until it replies is not counted.
    `third_party` (who, and about what) stays in the back office."""
    REQUESTS.require(acting_user, "seek_third_party", request)
    now = records.present(now)
    third_party = (third_party or "").strip()
    if not third_party:
        raise ValidationError({"third_party": _("Name the third party and what it is asked.")})
    with transaction.atomic():
        request = records.locked(request)
        if request.status != RequestStatus.RECEIVED:
            records.refuse(_("A third party can be asked only while the application is being handled."))
        request.paused_since = records.day_of(now)
        request.status = RequestStatus.THIRD_PARTY
        deadlines.refresh(request)
        request.save()
        step = records.record_step(request, StepKind.SEEK_THIRD_PARTY, actor=acting_user, now=now, note=third_party)
        return _finish_and_return(request, step, AuditEvent.DISCLOSURE_REQUEST_SEEK_THIRD_PARTY, acting_user)


def third_party_replied(
    request: InformationRequest, *, note: str = "", acting_user, now: dt.datetime | None = None
) -> InformationRequest:
    """The third party replied (or its 15 working days ran out without a reply): the clock runs again."""
    REQUESTS.require(acting_user, "third_party_replied", request)
    now = records.present(now)
    with transaction.atomic():
        request = records.locked(request)
        if request.status != RequestStatus.THIRD_PARTY:
            records.refuse(_("No third party's opinion is awaited for this application."))
        paused = records.end_pause(request, records.day_of(now))
        request.status = RequestStatus.RECEIVED
        deadlines.refresh(request)
        request.save()
        step = records.record_step(
            request, StepKind.THIRD_PARTY_REPLIED, actor=acting_user, now=now, note=(note or "").strip(), paused=paused
        )
        return _finish_and_return(
            request,
            step,
            AuditEvent.DISCLOSURE_REQUEST_THIRD_PARTY_REPLIED,
            acting_user,
            {"paused_working_days": paused},
        )


def extension_refusal(request: InformationRequest, on: dt.date) -> str:
    """Why no extension can be proposed now ("" when one can)."""
    if request.status not in OPEN_STATUSES:
        return _("Only an application being handled can have its time limit extended.")
    if request.extension_days or request.extension_approved_by_id:
        return _("The time limit has been extended once already; it can be extended only once.")
    if request.extension_pending:
        return _("An extension has been proposed already and awaits approval.")
    if request.due_on is not None and on > request.due_on:
        return _("The time limit has run out: it can no longer be extended.")
    return ""


def propose_extension(
    request: InformationRequest,
    *,
    working_days: int,
    reason: str,
    notice: str,
    acting_user,
    now: dt.datetime | None = None,
) -> InformationRequest:
    """Propose the one extension (at most 20 working days), with the reason (kept inside) and the
    notice the applicant will read once it is approved."""
    REQUESTS.require(acting_user, "propose_extension", request)
    now = records.present(now)
    errors = {}
    if not isinstance(working_days, int) or not 1 <= working_days <= MAX_EXTENSION_WORKING_DAYS:
        errors["working_days"] = _("An extension is of 1 to %(max)d working days.") % {
            "max": MAX_EXTENSION_WORKING_DAYS
        }
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the extension.")
    if not (notice or "").strip():
        errors["notice"] = _("Write the notice to the applicant.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = records.locked(request)
        refusal = extension_refusal(request, records.day_of(now))
        if refusal:
            records.refuse(refusal)
        request.extension_proposed_days = working_days
        request.extension_proposed_by = acting_user
        request.extension_reason = reason.strip()
        request.extension_notice = notice.strip()
        request.save()
        step = records.record_step(
            request, StepKind.PROPOSE_EXTENSION, actor=acting_user, now=now, note=reason.strip(), shown=False
        )
        return _finish_and_return(
            request,
            step,
            AuditEvent.DISCLOSURE_REQUEST_PROPOSE_EXTENSION,
            acting_user,
            {"extension_days": working_days},
        )


def approve_extension(
    request: InformationRequest, *, acting_user, now: dt.datetime | None = None
) -> InformationRequest:
    """Approve the proposed extension: a site administrator other than the proposer. The
    applicant reads the notice on the status page (and by e-mail)."""
    REQUESTS.require(acting_user, "approve_extension", request)
    now = records.present(now)
    with transaction.atomic():
        request = records.locked(request)
        if not request.extension_pending:
            records.refuse(_("No extension awaits approval."))
        if acting_user is not None and acting_user.pk == request.extension_proposed_by_id:
            raise PermissionDenied(_("An extension is approved by someone other than the person who proposed it."))
        on = records.day_of(now)
        if request.due_on is not None and on > request.due_on:
            records.refuse(_("The time limit has run out: it can no longer be extended."))
        request.extension_days = request.extension_proposed_days
        request.extension_approved_by = acting_user
        request.extension_approved_on = on
        deadlines.refresh(request)
        request.save()
        step = records.record_step(
            request,
            StepKind.EXTEND,
            actor=acting_user,
            now=now,
            note=request.extension_reason,
            public_note=request.extension_notice,
        )
        return _finish_and_return(
            request,
            step,
            AuditEvent.DISCLOSURE_REQUEST_APPROVE_EXTENSION,
            acting_user,
            {"extension_days": request.extension_days, "proposed_by": records.username(request.extension_proposed_by)},
        )


def refuse_extension(
    request: InformationRequest, *, reason: str, acting_user, now: dt.datetime | None = None
) -> InformationRequest:
    """Turn down the proposed extension; another may be proposed while the time limit runs."""
    REQUESTS.require(acting_user, "approve_extension", request)
    now = records.present(now)
    with transaction.atomic():
        request = records.locked(request)
        if not request.extension_pending:
            records.refuse(_("No extension awaits approval."))
        request.extension_proposed_by = None
        request.extension_proposed_days = 0
        request.save()
        step = records.record_step(
            request, StepKind.REFUSE_EXTENSION, actor=acting_user, now=now, note=(reason or "").strip(), shown=False
        )
        return _finish_and_return(request, step, AuditEvent.DISCLOSURE_REQUEST_REFUSE_EXTENSION, acting_user)


# The outcomes (rows of the annual report) that fit each form of answer (art.36).
_REFUSED = {o for o in RequestOutcome if o.value.startswith("refused_")}
_NOT_HANDLED = {o for o in RequestOutcome if o.value.startswith("not_handled_")}
_OTHER = {RequestOutcome.OTHER, RequestOutcome.OTHER_NO_COMPLETION, RequestOutcome.OTHER_NO_FEE}
OUTCOMES_BY_FORM = {
    AnswerForm.ALREADY_PUBLIC: {RequestOutcome.GRANTED, RequestOutcome.PARTIAL},
    AnswerForm.PROVIDED: {RequestOutcome.GRANTED, RequestOutcome.PARTIAL},
    AnswerForm.REFUSED: _REFUSED | _NOT_HANDLED | _OTHER,
    AnswerForm.NOT_EXIST: {
        RequestOutcome.UNABLE_NOT_HELD,
        RequestOutcome.UNABLE_NEEDS_MAKING,
        RequestOutcome.UNABLE_UNCLEAR,
    },
    AnswerForm.NOT_RESPONSIBLE: {RequestOutcome.UNABLE_NOT_HELD},
    AnswerForm.REPEAT: {RequestOutcome.NOT_HANDLED_REPEAT},
    AnswerForm.SPECIAL_LAW: _NOT_HANDLED | _OTHER | {RequestOutcome.REFUSED_LAW, RequestOutcome.REFUSED_QUERY},
}


def answer(
    request: InformationRequest,
    *,
    answer_form: str,
    outcome: str,
    text: str,
    files=(),
    acting_user,
    now: dt.datetime | None = None,
) -> InformationRequest:
    """The written answer (art.36) with its outcome, text and attachments (checked like the
    library's attachments). A running pause ends with it; an application not completed in time
    is answered with the outcome "not completed in time"."""
    REQUESTS.require(acting_user, "answer", request)
    now = records.present(now)
    errors = {}
    if answer_form not in AnswerForm.values:
        errors["answer_form"] = _("Choose the form of the answer.")
    if outcome not in RequestOutcome.values:
        errors["outcome"] = _("Choose the outcome.")
    elif answer_form in AnswerForm.values and outcome not in OUTCOMES_BY_FORM[AnswerForm(answer_form)]:
        errors["outcome"] = _("This outcome does not fit the form of the answer “%(form)s”.") % {
            "form": AnswerForm(answer_form).label
        }
    if not (text or "").strip():
        errors["text"] = _("Write the answer.")
    files = list(files or ())
    if len(files) > MAX_ATTACHMENTS:
        errors["files"] = _("At most %(n)d files.") % {"n": MAX_ATTACHMENTS}
    checked, refused = [], []
    for uploaded in files:
        try:
            checked.append(check_file(uploaded, ATTACHMENT_TYPES))
        except ValidationError as error:
            refused.extend(error.messages)
    if refused:
        errors["files"] = refused
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = records.locked(request)
        if request.status not in OPEN_STATUSES:
            records.refuse(_("Only an application being handled can be answered."))
        if request.status == RequestStatus.AWAITING_COMPLETION and outcome not in (
            RequestOutcome.OTHER_NO_COMPLETION,
            RequestOutcome.UNABLE_UNCLEAR,
        ):
            records.refuse(_("The application awaits completion: it can be answered only as not completed in time."))
        on = records.day_of(now)
        paused = records.end_pause(request, on)
        deadlines.refresh(request)  # the deadline it was answered against stays on record
        request.status = RequestStatus.ANSWERED
        request.answer_form = answer_form
        request.outcome = outcome
        request.answer_text = text.strip()
        request.answered_on = on
        request.save()
        for upload in checked:
            RequestAttachment.objects.create(
                request=request,
                file=upload,
                original_name=upload.checked.original_name,
                size=upload.checked.size,
                uploaded_by=acting_user,
                uploaded_at=now,
            )
        step = records.record_step(request, StepKind.ANSWER, actor=acting_user, now=now, paused=paused)
        late = request.due_on is not None and on > request.due_on
        return _finish_and_return(
            request,
            step,
            AuditEvent.DISCLOSURE_REQUEST_ANSWER,
            acting_user,
            {"answer_form": answer_form, "outcome": outcome, "attachments": len(checked), "late": late},
        )


def reveal(request: InformationRequest, *, acting_user) -> None:
    """Record that a handler opened the applicant's personal data in full."""
    REQUESTS.require(acting_user, "reveal_personal_data", request)
    audit.record(AuditEvent.DISCLOSURE_REQUEST_REVEAL, actor=acting_user, obj=request, site=request.site)
