"""The classification of the resource form as a choice from the platform's subject list (DISC-2)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from disclosure.models import SubjectCategory


def subject_field(field: forms.Field, current: str = "") -> forms.Field:
    """The classification field as a choice from the subject list, keeping an older free value."""
    names = list(SubjectCategory.objects.order_by("position", "id").values_list("name", flat=True))
    choices = [("", "—")] + [(name, name) for name in names]
    if current and current not in names:
        choices.append((current, current))
    return forms.ChoiceField(
        label=field.label, required=False, choices=choices, help_text=_("The subject category (主题分类).")
    )
