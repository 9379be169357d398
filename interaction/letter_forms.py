"""The letter form and the status lookup of the public process (INT-1, INT-6).

Every field goes through the sanitiser (resources/sanitize.py `clean_text`): plain text only, no
tags, no control or invisible characters; what is stored is what the reader sees, and templates
escape it again when they show it. Lengths are those of the Letter model.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from interaction.models.letters import BODY_MAX_LENGTH, TITLE_MAX_LENGTH
from resources.sanitize import clean_text

PHONE_RE = re.compile(r"^[0-9][0-9\-]{6,19}$")
MULTILINE = ("body",)


def _text(label, max_length, required=False, **kwargs):
    return forms.CharField(label=label, max_length=max_length, required=required, strip=True, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field: the list of uploads (checked by the submit action, INT-1)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class LetterForm(forms.Form):
    title = _text(_("Title"), TITLE_MAX_LENGTH, required=True)
    body = _text(
        _("Your letter"),
        BODY_MAX_LENGTH,
        required=True,
        widget=forms.Textarea,
        help_text=_("Describe the matter, the place and the time; answers to similar questions are suggested below."),
    )
    writer_name = _text(_("Name"), 100)
    writer_phone = _text(_("Telephone"), 30)
    writer_email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        error_messages={"invalid": _("Enter an e-mail address such as name@example.com.")},
    )
    writer_wants_private = forms.BooleanField(label=_("Do not publish my letter and its answer"), required=False)
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = clean_text(value, multiline=name in MULTILINE)
        for name in ("title", "body"):
            if name in data and not data[name]:
                self.add_error(name, _("This field is required."))
        phone = data.get("writer_phone") or ""
        if phone and not PHONE_RE.match(phone.replace(" ", "")):
            self.add_error("writer_phone", _("Enter a telephone number of digits (and hyphens), e.g. 13812345678."))
        return data


class StatusForm(forms.Form):
    number = _text(_("Letter number"), 30, required=True)
    code = _text(_("Query code"), 20, required=True)

    def clean_number(self):
        return clean_text(self.cleaned_data["number"]).replace(" ", "")
