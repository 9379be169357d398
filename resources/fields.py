"""Form fields of the kind forms (resources/kinds.py): sanitised text, keywords, references, dates."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from resources.sanitize import clean_text

KEYWORD_SEPARATORS = re.compile(r"[,，;；、\s]+")


class PlainTextField(forms.CharField):
    """Text without HTML or control characters (single line unless `multiline`)."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        if multiline:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)

    def to_python(self, value):
        return clean_text(super().to_python(value), multiline=self.multiline)


class KeywordsField(PlainTextField):
    """Keywords separated by commas; Chinese separators (，、；) and spaces are accepted too."""

    def to_python(self, value):
        text = super().to_python(value)
        words = []
        for word in KEYWORD_SEPARATORS.split(text):
            if word and word not in words:
                words.append(word)
        return ",".join(words)


class ResourceIdsInput(forms.TextInput):
    """Ids typed or chosen as "12, 15"; lists of ids (JSON data) are accepted as they are."""

    def format_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            values = data.getlist(name)
            return values[0] if len(values) == 1 else values
        return data.get(name)


class ResourceRefField(forms.Field):
    """The id of another resource of one of `kinds`; checked against the library by the form.

    "missing" is the one answer for an id that names no resource the user may use: one that does
    not exist, one too large for the database to hold, and one of a site whose resources the user
    may not use (resources/kinds.py), so that the answer tells nothing of other sites (SEC-3).
    """

    default_error_messages = {
        "invalid": _("Give the number (ID) of a resource from the library."),
        "missing": _("There is no resource number %(id)s in the library."),
    }

    def __init__(self, *, kinds, **kwargs):
        self.kinds = tuple(kinds)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.NumberInput)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if number < 1:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class ResourceRefsField(ResourceRefField):
    """Several ids, in order, without repeats."""

    default_error_messages = {
        "invalid": _("Give the numbers (IDs) of resources from the library, separated by commas.")
    }

    def __init__(self, *, min_count: int = 0, **kwargs):
        self.min_count = min_count
        kwargs.setdefault("widget", ResourceIdsInput)
        super().__init__(**kwargs)
        self.required = min_count > 0

    def to_python(self, value):
        if value in self.empty_values:
            return []
        items = value if isinstance(value, list | tuple) else re.split(r"[,，;；、\s]+", str(value))
        numbers = []
        for item in items:
            if item in self.empty_values:
                continue
            number = super().to_python(item)
            if number not in numbers:
                numbers.append(number)
        return numbers

    def validate(self, value):
        if len(value) < self.min_count:
            raise ValidationError(self.error_messages["required"], code="required")


class IsoDateField(forms.DateField):
    """A date, accepted as 2024-03-01 or 2024年3月1日, stored as an ISO string."""

    input_formats = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        return super().to_python(value)
