"""The steps of an application for disclosure (DISC-3, 条例 art.27-45), one action each.

Each action checks who may act (the policy, disclosure/policies.py) and the state the application
must be in, changes it in one transaction with its `RequestStep` and its audit entry, recomputes
the deadline (disclosure/deadlines.py) and tells the applicant (disclosure/request_notices.py:
the status page shows the step; an e-mail goes out after the commit when an address was given).

Every action takes `now` (default: the present) so that a step recorded late, and the demo's
past applications, count from their own day.

- submit: the applicant's online form (public): a tracking number and a query code, shown once.
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
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from disclosure import deadlines, request_notices
from disclosure.models.catalogue import Organisation
from disclosure.models.requests import (
    LEGAL_PERSON_KINDS,
    MAX_EXTENSION_WORKING_DAYS,
    OPEN_STATUSES,
    AnswerForm,
    ApplicantKind,
    InformationRequest,
    RequestAttachment,
    RequestOutcome,
    RequestStatus,
    RequestStep,
    StepKind,
)
from disclosure.policies import REQUESTS
from resources.sniff import ATTACHMENT_KEYS, IMAGE_KEYS
from resources.uploads import check_file
from workdays import days

# Tracking numbers are digits only (the day, then its serial: 202612070001), so that they are
# read out on the phone and typed on any keyboard without mistaking letters.
SERIAL_DIGITS = 4
# Query codes: no 0/O, 1/I/L, so that a code read from paper is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
ATTACHMENT_TYPES = ATTACHMENT_KEYS | IMAGE_KEYS
MAX_ATTACHMENTS = 10

# Fields of the applicant's form, by who must give them (条例 art.29(二)1).
NATURAL_PERSON_REQUIRED = ("name", "id_type", "id_number")
LEGAL_PERSON_REQUIRED = ("organisation_name", "credit_code", "legal_representative", "contact_person")
ALWAYS_REQUIRED = ("phone", "description", "preferred_form", "delivery_method")
APPLICANT_FIELDS = (
    "applicant_kind",
    "name",
    "id_type",
    "id_number",
    "work_unit",
    "organisation_name",
    "credit_code",
    "legal_representative",
    "contact_person",
    "phone",
    "email",
    "address",
    "postal_code",
    "description",
    "purpose",
    "preferred_form",
    "delivery_method",
)


# --- helpers --------------------------------------------------------------------------------


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _day(now: dt.datetime) -> dt.date:
    return timezone.localdate(now)


def _locked(request: InformationRequest) -> InformationRequest:
    """The request read again under a row lock, so that two handlers' steps do not interleave."""
    return InformationRequest.objects.select_for_update().get(pk=request.pk)


def _refuse(message: str) -> None:
    raise ValidationError(message, code="state")


def _step(request, kind, *, actor, now, note="", public_note="", shown=True, paused=0) -> RequestStep:
    return RequestStep.objects.create(
        request=request,
        kind=kind,
        actor=actor,
        actor_name=(actor.get_username() if actor is not None else ""),
        at=now,
        on=_day(now),
        note=note,
        public_note=public_note,
        shown_to_applicant=shown,
        paused_working_days=paused,
    )


def _finish(request, step, event: AuditEvent, *, actor, details=None, notify=True) -> RequestStep:
    """What every action ends with: the audit entry and, after the commit, the applicant's notice."""
    audit.record(event, actor=actor, obj=request, site=request.site, details=details)
    if notify and step.shown_to_applicant:
        request_notices.notify_after_commit(request, step)
    return step


def _username(user) -> str:
    return user.get_username() if user is not None else ""


def _end_pause(request: InformationRequest, on: dt.date) -> int:
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


# --- the applicant --------------------------------------------------------------------------


def _missing(data: dict) -> dict[str, str]:
    kind = data.get("applicant_kind")
    required = list(ALWAYS_REQUIRED)
    if kind in LEGAL_PERSON_KINDS:
        required += LEGAL_PERSON_REQUIRED
    elif kind == ApplicantKind.NATURAL:
        required += NATURAL_PERSON_REQUIRED
    errors = {name: _("This field is required.") for name in required if not str(data.get(name) or "").strip()}
    if kind not in ApplicantKind.values:
        errors["applicant_kind"] = _("Choose who is applying.")
    return errors


def new_query_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _tracking_number(on: dt.date) -> str:
    prefix = f"{on:%Y%m%d}"
    last = (
        InformationRequest.objects.filter(tracking_number__startswith=prefix)
        .order_by("-tracking_number")
        .values_list("tracking_number", flat=True)
        .first()
    )
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:0{SERIAL_DIGITS}d}"


def submit(organisation: Organisation, data: dict, *, now: dt.datetime | None = None):
    """The applicant's online application. Returns (request, query code): the code is shown once
    and stored only as a hash. Raises ValidationError (by field) when something required is
    missing; the caller keeps what was typed."""
    now = _now(now)
    errors = _missing(data)
    if errors:
        raise ValidationError(errors)
    values = {name: data.get(name) or "" for name in APPLICANT_FIELDS}
    if values["applicant_kind"] == ApplicantKind.NATURAL:
        for name in LEGAL_PERSON_REQUIRED:
            values[name] = ""
    else:
        for name in ("name", "id_type", "id_number", "work_unit"):
            values[name] = ""
    code = new_query_code()
    for _attempt in range(10):
        try:
            with transaction.atomic():
                request = InformationRequest(
                    site=organisation.site,
                    organisation=organisation,
                    tracking_number=_tracking_number(_day(now)),
                    query_code_hash=make_password(code),
                    submitted_at=now,
                    **values,
                )
                request.full_clean(exclude=["query_code_hash"])
                request.save()
                step = _step(request, StepKind.SUBMIT, actor=None, now=now)
                _finish(request, step, AuditEvent.DISCLOSURE_REQUEST_SUBMIT, actor=None, notify=False)
                request_notices.notify_after_commit(request, step, query_code_hint=True)
            return request, code
        except IntegrityError:
            continue  # two submissions took the same serial: take the next one
    raise IntegrityError("no free tracking number")


def find(tracking_number: str, query_code: str) -> InformationRequest | None:
    """The request with this tracking number and query code, or None (for either being wrong:
    the page does not tell which)."""
    number = (tracking_number or "").strip().upper()
    code = (query_code or "").strip().upper().replace(" ", "")
    request = InformationRequest.objects.select_related("site", "organisation").filter(tracking_number=number).first()
    if request is None:
        make_password(code)  # the same work as a wrong code: the answer time tells nothing
        return None
    return request if check_password(code, request.query_code_hash) else None


# --- the handlers ---------------------------------------------------------------------------


def receive(request: InformationRequest, *, acting_user, now: dt.datetime | None = None) -> InformationRequest:
    REQUESTS.require(acting_user, "receive", request)
    now = _now(now)
    with transaction.atomic():
        request = _locked(request)
        if request.status != RequestStatus.SUBMITTED:
            _refuse(_("This application has been received already."))
        confirmed = max(_day(now), timezone.localdate(request.submitted_at))
        try:
            request.received_on = deadlines.receipt_day(confirmed)
        except days.UnknownYear:
            request.received_on = confirmed  # the deadline then says which year's holidays are missing
        request.status = RequestStatus.RECEIVED
        request.handler = acting_user
        request.completion_request_due_on = deadlines.completion_request_deadline(request.received_on).due_on
        deadlines.refresh(request)
        request.save()
        step = _step(request, StepKind.RECEIVE, actor=acting_user, now=now)
        return _finish_and_return(request, step, AuditEvent.DISCLOSURE_REQUEST_RECEIVE, acting_user)


def _finish_and_return(request, step, event, actor, details=None):
    _finish(request, step, event, actor=actor, details=details)
    return request


def request_completion(
    request: InformationRequest, *, what: str, acting_user, now: dt.datetime | None = None
) -> InformationRequest:
    """Ask the applicant, once, to complete the application (补正): `what` says what is missing
    and is shown to the applicant. The clock stops until it is completed."""
    REQUESTS.require(acting_user, "request_completion", request)
    now = _now(now)
    what = (what or "").strip()
    if not what:
        raise ValidationError({"what": _("Say what the applicant is to complete.")})
    with transaction.atomic():
        request = _locked(request)
        if request.status != RequestStatus.RECEIVED:
            _refuse(_("A completion can be requested only while the application is being handled."))
        if request.completion_requested_on is not None:
            _refuse(_("A completion is requested once only (all that is missing at once)."))
        on = _day(now)
        late = request.completion_request_due_on is not None and on > request.completion_request_due_on
        request.completion_requested_on = on
        request.paused_since = on
        request.status = RequestStatus.AWAITING_COMPLETION
        deadlines.refresh(request)
        request.save()
        step = _step(request, StepKind.REQUEST_COMPLETION, actor=acting_user, now=now, public_note=what)
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
    now = _now(now)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what completes the application.")})
    with transaction.atomic():
        request = _locked(request)
        if request.status != RequestStatus.AWAITING_COMPLETION:
            _refuse(_("No completion is awaited for this application."))
        on = _day(now)
        paused = _end_pause(request, on)
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
        step = _step(request, StepKind.COMPLETE, actor=acting_user, now=now, note=text, paused=paused)
        return _finish_and_return(
            request, step, AuditEvent.DISCLOSURE_REQUEST_COMPLETE, acting_user, {"paused_working_days": paused}
        )


def seek_third_party(
    request: InformationRequest, *, third_party: str, acting_user, now: dt.datetime | None = None
) -> InformationRequest:
    """Ask a third party's opinion (art.32): the time until it replies is not counted.
    `third_party` (who, and about what) stays in the back office."""
    REQUESTS.require(acting_user, "seek_third_party", request)
    now = _now(now)
    third_party = (third_party or "").strip()
    if not third_party:
        raise ValidationError({"third_party": _("Name the third party and what it is asked.")})
    with transaction.atomic():
        request = _locked(request)
        if request.status != RequestStatus.RECEIVED:
            _refuse(_("A third party can be asked only while the application is being handled."))
        request.paused_since = _day(now)
        request.status = RequestStatus.THIRD_PARTY
        deadlines.refresh(request)
        request.save()
        step = _step(request, StepKind.SEEK_THIRD_PARTY, actor=acting_user, now=now, note=third_party)
        return _finish_and_return(request, step, AuditEvent.DISCLOSURE_REQUEST_SEEK_THIRD_PARTY, acting_user)


def third_party_replied(
    request: InformationRequest, *, note: str = "", acting_user, now: dt.datetime | None = None
) -> InformationRequest:
    """The third party replied (or its 15 working days ran out without a reply): the clock runs again."""
    REQUESTS.require(acting_user, "third_party_replied", request)
    now = _now(now)
    with transaction.atomic():
        request = _locked(request)
        if request.status != RequestStatus.THIRD_PARTY:
            _refuse(_("No third party's opinion is awaited for this application."))
        paused = _end_pause(request, _day(now))
        request.status = RequestStatus.RECEIVED
        deadlines.refresh(request)
        request.save()
        step = _step(
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
    now = _now(now)
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
        request = _locked(request)
        refusal = extension_refusal(request, _day(now))
        if refusal:
            _refuse(refusal)
        request.extension_proposed_days = working_days
        request.extension_proposed_by = acting_user
        request.extension_reason = reason.strip()
        request.extension_notice = notice.strip()
        request.save()
        step = _step(request, StepKind.PROPOSE_EXTENSION, actor=acting_user, now=now, note=reason.strip(), shown=False)
        return _finish_and_return(
            request, step, AuditEvent.DISCLOSURE_REQUEST_PROPOSE_EXTENSION, acting_user, {"extension_days": working_days}
        )


def approve_extension(
    request: InformationRequest, *, acting_user, now: dt.datetime | None = None
) -> InformationRequest:
    """Approve the proposed extension: a site administrator other than the proposer. The
    applicant reads the notice on the status page (and by e-mail)."""
    REQUESTS.require(acting_user, "approve_extension", request)
    now = _now(now)
    with transaction.atomic():
        request = _locked(request)
        if not request.extension_pending:
            _refuse(_("No extension awaits approval."))
        if acting_user is not None and acting_user.pk == request.extension_proposed_by_id:
            raise PermissionDenied(_("An extension is approved by someone other than the person who proposed it."))
        on = _day(now)
        if request.due_on is not None and on > request.due_on:
            _refuse(_("The time limit has run out: it can no longer be extended."))
        request.extension_days = request.extension_proposed_days
        request.extension_approved_by = acting_user
        request.extension_approved_on = on
        deadlines.refresh(request)
        request.save()
        step = _step(
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
            {"extension_days": request.extension_days, "proposed_by": _username(request.extension_proposed_by)},
        )


def refuse_extension(
    request: InformationRequest, *, reason: str, acting_user, now: dt.datetime | None = None
) -> InformationRequest:
    """Turn down the proposed extension; another may be proposed while the time limit runs."""
    REQUESTS.require(acting_user, "approve_extension", request)
    now = _now(now)
    with transaction.atomic():
        request = _locked(request)
        if not request.extension_pending:
            _refuse(_("No extension awaits approval."))
        request.extension_proposed_by = None
        request.extension_proposed_days = 0
        request.save()
        step = _step(
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
    now = _now(now)
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
        request = _locked(request)
        if request.status not in OPEN_STATUSES:
            _refuse(_("Only an application being handled can be answered."))
        if request.status == RequestStatus.AWAITING_COMPLETION and outcome not in (
            RequestOutcome.OTHER_NO_COMPLETION,
            RequestOutcome.UNABLE_UNCLEAR,
        ):
            _refuse(_("The application awaits completion: it can be answered only as not completed in time."))
        on = _day(now)
        paused = _end_pause(request, on)
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
        step = _step(request, StepKind.ANSWER, actor=acting_user, now=now, paused=paused)
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
