"""The applicant's side of an application for disclosure (DISC-3, 条例 art.29): the online
application, which gives a tracking number and a query code, and finding an application again by
both (the status page). The handlers' steps are disclosure/request_actions.py."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from auditlog.events import AuditEvent
from disclosure import request_notices
from disclosure import request_records as records
from disclosure.models.catalogue import Organisation
from disclosure.models.requests import LEGAL_PERSON_KINDS, ApplicantKind, InformationRequest, StepKind

# Tracking numbers are digits only (the day, then its serial: 202612070001), so that they are
# read out on the phone and typed on any keyboard without mistaking letters.
SERIAL_DIGITS = 4
# Query codes: no 0/O, 1/I/L, so that a code read from paper is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
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
    now = records.present(now)
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
                    tracking_number=_tracking_number(records.day_of(now)),
                    query_code_hash=make_password(code),
                    submitted_at=now,
                    **values,
                )
                request.full_clean(exclude=["query_code_hash"])
                request.save()
                step = records.record_step(request, StepKind.SUBMIT, actor=None, now=now)
                records.finish(request, step, AuditEvent.DISCLOSURE_REQUEST_SUBMIT, actor=None, notify=False)
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
