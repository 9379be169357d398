"""How the back office shows an application for disclosure (DISC-3): the applicant masked, the
deadline in words (working days left, overdue, paused, or why it cannot be computed)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from core import masking
from disclosure import deadlines
from disclosure.models.requests import InformationRequest, RequestStatus


def applicant_text(r: InformationRequest) -> str:
    if r.is_legal_person:
        return masking.mask_organisation(r.organisation_name)
    return masking.mask_name(r.name)


def deadline_text(r: InformationRequest) -> str:
    if r.status == RequestStatus.ANSWERED:
        return _("answered %(day)s") % {"day": f"{r.answered_on:%Y-%m-%d}"}
    if r.status == RequestStatus.SUBMITTED:
        return _("not yet received")
    if r.paused_since is not None:
        return _("paused since %(day)s") % {"day": f"{r.paused_since:%Y-%m-%d}"}
    if r.due_on is not None:
        left = deadlines.working_days_left(r.due_on, timezone.localdate())
        if left is None:
            return f"{r.due_on:%Y-%m-%d}"
        if left < 0:
            return _("%(day)s, overdue by %(n)d working days") % {"day": f"{r.due_on:%Y-%m-%d}", "n": -left}
        return _("%(day)s, %(n)d working days left") % {"day": f"{r.due_on:%Y-%m-%d}", "n": left}
    if r.deadline_unknown_year:
        return unknown_year_text(r.deadline_unknown_year)
    return ""


def unknown_year_text(year: int) -> str:
    return _("cannot be computed: the holidays of %(year)d are not entered") % {"year": year}


def personal_rows(r: InformationRequest, reveal: bool) -> list[tuple[str, str]]:
    show = (lambda value, mask: value) if reveal else (lambda value, mask: mask(value))
    rows = [(_("Applicant"), r.get_applicant_kind_display())]
    if r.is_legal_person:
        rows += [
            (_("Organisation name"), r.organisation_name),
            (_("Unified social credit code"), show(r.credit_code, masking.mask_id_number)),
            (_("Legal representative"), show(r.legal_representative, masking.mask_name)),
            (_("Contact person"), show(r.contact_person, masking.mask_name)),
        ]
    else:
        rows += [
            (_("Name"), show(r.name, masking.mask_name)),
            (_("Identity document"), r.get_id_type_display()),
            (_("Identity document number"), show(r.id_number, masking.mask_id_number)),
            (_("Work unit"), show(r.work_unit, masking.mask_address)),
        ]
    rows += [
        (_("Telephone"), show(r.phone, masking.mask_phone)),
        (_("E-mail"), show(r.email, masking.mask_email)),
        (_("Postal address"), show(r.address, masking.mask_address)),
        (_("Postal code"), r.postal_code),
    ]
    return [(label, value) for label, value in rows if value]
