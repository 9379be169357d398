"""Before/after records of model changes, for audit entries and change filings."""

from django.db import models
from django.db.models.fields.files import FieldFile


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, FieldFile):  # `.url` of an empty file raises, so no hasattr() here
        return value.name or ""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def field_changes(instance: models.Model, fields=None) -> dict:
    """{field: [before, after]} between the stored row and `instance`, for changed fields only."""
    if instance.pk is None:
        return {}
    stored = type(instance)._base_manager.filter(pk=instance.pk).first()
    if stored is None:
        return {}
    names = fields or [f.name for f in instance._meta.concrete_fields if not f.primary_key]
    changes = {}
    for name in names:
        before, after = _plain(getattr(stored, name)), _plain(getattr(instance, name))
        if before != after:
            changes[name] = [before, after]
    return changes
