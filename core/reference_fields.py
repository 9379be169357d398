"""Form fields that pick objects by id, safe for any id a browser may send (SEC-3).

Django's ModelMultipleChoiceField hands every posted id to one `pk__in` query; an id beyond the
range of the database's integers (forty digits, say) then fails in the database (SQLite raises
OverflowError) and the page answers 500 instead of saying that the choice is not available. Such
an id names no object, so it is refused here with the message of any other unavailable choice,
and the form comes back with the input kept. `in_range` does the same for ids read from a post
without a form (the admin's selected rows, the library's references).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, models


def _key_range(queryset, key: str) -> tuple[int | None, int | None]:
    opts = queryset.model._meta
    field = opts.pk if key == "pk" else opts.get_field(key)
    if not isinstance(field, models.IntegerField):
        return None, None
    return connections[queryset.db].ops.integer_field_range(field.get_internal_type())


def out_of_range(queryset, values, key: str = "pk") -> list:
    """The values that cannot be a `key` of the queryset's rows: numbers the database cannot hold.
    Anything else (another number, or text) is left to the query."""
    low, high = _key_range(queryset, key)
    outside = []
    for value in values:
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            continue
        if (low is not None and number < low) or (high is not None and number > high):
            outside.append(value)
    return outside


def in_range(queryset, values, key: str = "pk") -> list:
    """`values` without those that cannot be a key: they name no row, so they are not asked for."""
    outside = out_of_range(queryset, values, key)
    return [value for value in values if value not in outside]


class ModelMultipleIdField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses ids the database cannot hold as unavailable choices."""

    def _check_values(self, value):
        for item in out_of_range(self.queryset, value, self.to_field_name or "pk")[:1]:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item})
        return super()._check_values(value)
