"""The public form of an error report (我为政府网站找错, INT-3) and the back office's form of a
report forwarded by the national platform. Messages are the project's (gettext, Chinese)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from interaction.models.error_reports import ErrorKind


def _text(label, max_length, required=False, **kwargs):
    return forms.CharField(label=label, max_length=max_length, required=required, strip=True, **kwargs)


class ErrorReportForm(forms.Form):
    page_url = _text(
        _("Address of the page with the error"),
        500,
        help_text=_("Filled in when you came from a page of this site; you may change it."),
    )
    kind = forms.ChoiceField(label=_("Kind of error"), choices=ErrorKind.choices)
    description = _text(_("Description of the error"), 2000, required=True, widget=forms.Textarea)
    contact_name = _text(_("Your name (optional)"), 100)
    contact = _text(
        _("Your telephone or e-mail (optional)"),
        254,
        help_text=_("Only to ask you about the error or tell you the answer; never shown in public."),
    )


class NationalReportForm(ErrorReportForm):
    national_number = _text(_("National platform's number"), 40, required=True)
    received_on = forms.DateField(
        label=_("Received by the national platform on"), widget=forms.DateInput(attrs={"type": "date"})
    )
