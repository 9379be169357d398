"""The citizen's forms on the public process (INT-6, INT-1): account, letter and status lookup."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


def _text(label, max_length, required=False, **kwargs):
    return forms.CharField(label=label, max_length=max_length, required=required, strip=True, **kwargs)


class RegisterForm(forms.Form):
    contact = _text(
        _("Mobile phone or e-mail"),
        254,
        required=True,
        help_text=_("A verification code is sent to it. One account serves every site of this platform."),
    )
    password = forms.CharField(label=_("Password"), max_length=128, strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), max_length=128, strip=False, widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


class VerifyForm(forms.Form):
    contact = _text(_("Mobile phone or e-mail"), 254, required=True)
    code = _text(_("Verification code"), 6, required=True)


class LoginForm(forms.Form):
    contact = _text(_("Mobile phone or e-mail"), 254, required=True)
    password = forms.CharField(label=_("Password"), max_length=128, strip=False, widget=forms.PasswordInput)
