"""Form fields that pick objects by id, safe for any id a browser may send (SEC-3).

Django's ModelMultipleChoiceField hands every posted id to one `pk__in` query; an id beyond the
range of the database's integers (forty digits, say) then fails in the database (SQLite raises
OverflowError) and the page answers 500 instead of saying that the choice is not available. Such
an id names no object, so it is refused here with the message of any other unavailable choice,
and the form comes back with the input kept.
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


class ModelMultipleIdField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses ids the database cannot hold as unavailable choices."""

    def _check_values(self, value):
        low, high = _key_range(self.queryset, self.to_field_name or "pk")
        for item in value:
            try:
                number = int(str(item).strip())
            except (TypeError, ValueError):
                continue  # not a number: Django's own check answers
            if (low is not None and number < low) or (high is not None and number > high):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)
