"""Structured form fields of the disclosure guide (DISC-1): lists typed one entry a line, places
as "name | address" lines, the ways of applying, the organisation of the guide.

Each field stores JSON (lists of text, lists of {"name", "address"}, choice codes, an
organisation's id) and says how its value reads to people (`shown_lines`): the back office's
read-only view and the editorial diff show those lines, never a code or JSON.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from disclosure.models import Organisation
from resources.sanitize import clean_text

PLACE_SEPARATOR = re.compile(r"\s*[|｜\t]\s*")


class LinesInput(forms.Textarea):
    """A list of lines shown one a line; stored lists of places as "name | address"."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"rows": 5, "cols": 60, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, list | tuple):
            lines = []
            for item in value:
                if isinstance(item, dict):
                    lines.append(" | ".join(str(item.get(key) or "") for key in PlacesField.keys).rstrip(" |"))
                else:
                    lines.append(str(item))
            return "\n".join(lines)
        return super().format_value(value)


class LinesField(forms.Field):
    """Several short texts, one a line (categories, ways, steps); stored as a list of strings."""

    widget = LinesInput
    default_error_messages = {
        "required": _("Write at least one line."),
        "too_long": _("Line %(line)d is longer than %(max)d characters."),
        "too_many": _("At most %(max)d lines."),
    }

    def __init__(self, *, max_line: int = 200, max_lines: int = 50, **kwargs):
        self.max_line, self.max_lines = max_line, max_lines
        super().__init__(**kwargs)

    def _lines(self, value) -> list[str]:
        if value in self.empty_values:
            return []
        raw = value if isinstance(value, list | tuple) else str(value).splitlines()
        return [text for text in (clean_text(item) for item in raw if not isinstance(item, dict)) if text]

    def to_python(self, value):
        lines = self._lines(value)
        for number, line in enumerate(lines, 1):
            if len(line) > self.max_line:
                raise ValidationError(
                    self.error_messages["too_long"], code="too_long", params={"line": number, "max": self.max_line}
                )
        if len(lines) > self.max_lines:
            raise ValidationError(self.error_messages["too_many"], code="too_many", params={"max": self.max_lines})
        return lines

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def shown_lines(self, value) -> list[str]:
        return [str(item) for item in value or [] if not isinstance(item, dict)]


class PlacesField(LinesField):
    """Places where information can be read (查阅点): "name | address" a line, stored as
    [{"name": …, "address": …}]."""

    keys = ("name", "address")
    default_error_messages = {
        "separator": _("Line %(line)d: separate the name and the address with a vertical bar “|”."),
        "required": _("Write at least one place."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return []
        places = []
        raw = value if isinstance(value, list | tuple) else str(value).splitlines()
        for number, item in enumerate((item for item in raw if str(item).strip()), 1):
            if isinstance(item, dict):
                name, address = clean_text(item.get("name")), clean_text(item.get("address"))
            else:
                parts = PLACE_SEPARATOR.split(str(item).strip(), maxsplit=1)
                if len(parts) != 2:
                    raise ValidationError(self.error_messages["separator"], code="separator", params={"line": number})
                name, address = clean_text(parts[0]), clean_text(parts[1])
            if not name or not address:
                raise ValidationError(self.error_messages["separator"], code="separator", params={"line": number})
            if len(name) + len(address) > self.max_line:
                raise ValidationError(
                    self.error_messages["too_long"], code="too_long", params={"line": number, "max": self.max_line}
                )
            places.append({"name": name, "address": address})
        if len(places) > self.max_lines:
            raise ValidationError(self.error_messages["too_many"], code="too_many", params={"max": self.max_lines})
        return places

    def shown_lines(self, value) -> list[str]:
        return [f"{item.get('name', '')}：{item.get('address', '')}" for item in value or [] if isinstance(item, dict)]


class ChoicesField(forms.MultipleChoiceField):
    """Several of fixed choices, ticked; stored as their codes, shown by their labels."""

    widget = forms.CheckboxSelectMultiple

    def shown_lines(self, value) -> list[str]:
        labels = dict(self.choices)
        return [str(labels.get(code, code)) for code in value or []]


class YesNoField(forms.BooleanField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def shown_lines(self, value) -> list[str]:
        return [str(_("yes") if value else _("no"))]


class NumberField(forms.IntegerField):
    def shown_lines(self, value) -> list[str]:
        return [] if value in (None, "") else [str(value)]


class OrganisationField(forms.TypedChoiceField):
    """One of the site's disclosing organisations (disclosure.Organisation), stored as its id.

    The choices depend on the site: the kind form and the back office's editing form call
    `for_site(site)` (another site's organisations are never offered nor accepted, SEC-3)."""

    def __init__(self, **kwargs):
        super().__init__(coerce=int, empty_value=None, choices=[("", "---------")], **kwargs)

    def for_site(self, site) -> None:
        organisations = Organisation.objects.filter(site=site).order_by("sub_unit_id", "pk") if site else []
        self.choices = [("", "---------"), *((org.pk, org.name) for org in organisations)]

    def prepare_value(self, value):
        return value

    def shown_lines(self, value) -> list[str]:
        if value in (None, ""):
            return []
        name = Organisation.objects.filter(pk=value).values_list("name", flat=True).first()
        return [name or str(_("an organisation that no longer exists"))]
