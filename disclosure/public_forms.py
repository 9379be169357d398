"""The applicant's forms on the public process (DISC-3): the application (条例 art.29), the
status lookup and the completion. Messages are the project's (gettext, Chinese on public hosts)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from disclosure.models.requests import ApplicantKind, DeliveryMethod, IdDocumentType, PreferredForm

PHONE_RE = re.compile(r"^[0-9][0-9\-]{6,19}$")
POSTAL_CODE_RE = re.compile(r"^[0-9]{6}$")
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
RESIDENT_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def resident_id_valid(number: str) -> bool:
    """An 18-character resident identity number with its check character (GB 11643)."""
    if not RESIDENT_ID_RE.match(number):
        return False
    return ID_CHECK[sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True)) % 11] == number[17]


def _text(label, max_length, required=False, **kwargs):
    return forms.CharField(label=label, max_length=max_length, required=required, strip=True, **kwargs)


class ApplicationForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation applied to"), coerce=int)
    applicant_kind = forms.ChoiceField(label=_("Applicant"), choices=ApplicantKind.choices)
    name = _text(_("Name"), 100)
    id_type = forms.ChoiceField(
        label=_("Identity document"), choices=[("", "—"), *IdDocumentType.choices], required=False
    )
    id_number = _text(_("Identity document number"), 40)
    work_unit = _text(_("Work unit"), 200)
    organisation_name = _text(_("Organisation name"), 200)
    credit_code = _text(_("Unified social credit code"), 18)
    legal_representative = _text(_("Legal representative"), 100)
    contact_person = _text(_("Contact person"), 100)
    phone = _text(_("Telephone"), 30, required=True)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    address = _text(_("Postal address"), 300)
    postal_code = _text(_("Postal code"), 6)
    description = _text(
        _("Description of the information requested"),
        4000,
        required=True,
        widget=forms.Textarea,
        help_text=_("Name the document, its number, or describe the information so that it can be found."),
    )
    purpose = _text(_("Purpose (optional)"), 1000, widget=forms.Textarea)
    preferred_form = forms.ChoiceField(label=_("Form of the information"), choices=PreferredForm.choices)
    delivery_method = forms.ChoiceField(label=_("Way of obtaining"), choices=DeliveryMethod.choices)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]
        self.organisations = {o.pk: o for o in organisations}

    def _require(self, names):
        for name in names:
            if not self.cleaned_data.get(name):
                self.add_error(name, _("This field is required."))

    def clean(self):
        data = super().clean()
        kind = data.get("applicant_kind")
        if kind == ApplicantKind.NATURAL:
            self._require(("name", "id_type", "id_number"))
            number = (data.get("id_number") or "").upper()
            data["id_number"] = number
            if data.get("id_type") == IdDocumentType.RESIDENT_ID and number and not resident_id_valid(number):
                self.add_error("id_number", _("This is not a valid 18-character resident identity number."))
        elif kind:
            self._require(("organisation_name", "credit_code", "legal_representative", "contact_person"))
            code = (data.get("credit_code") or "").upper()
            data["credit_code"] = code
            if code and not CREDIT_CODE_RE.match(code):
                self.add_error("credit_code", _("A unified social credit code has 18 digits and capital letters."))
        phone = data.get("phone") or ""
        if phone and not PHONE_RE.match(phone):
            self.add_error("phone", _("Enter a telephone number of digits (and hyphens), e.g. 13812345678."))
        postal_code = data.get("postal_code") or ""
        if postal_code and not POSTAL_CODE_RE.match(postal_code):
            self.add_error("postal_code", _("A postal code has 6 digits."))
        method = data.get("delivery_method")
        if method == DeliveryMethod.EMAIL and not data.get("email"):
            self.add_error("email", _("Give an e-mail address to receive the information by e-mail."))
        if method == DeliveryMethod.POST and not data.get("address"):
            self.add_error("address", _("Give a postal address to receive the information by post."))
        return data

    @property
    def chosen_organisation(self):
        return self.organisations.get(self.cleaned_data.get("organisation"))


class LookupForm(forms.Form):
    number = _text(_("Tracking number"), 30, required=True)
    code = _text(_("Query code"), 20, required=True)


class CompletionForm(LookupForm):
    text = _text(_("Completion of the application"), 4000, required=True, widget=forms.Textarea)
