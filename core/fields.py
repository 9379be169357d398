"""EncryptedTextField: text stored encrypted in the database (SEC-4).

The value is encrypted on its way into the database and decrypted on its way out
(core.crypto: AES-256-GCM, or SM4 with HMAC-SM3 under CRYPTO_PROFILE=sm). Empty text is
stored as empty text. A value that does not decrypt (wrong or missing key, altered ciphertext)
raises crypto.DecryptionError when the row is read: nothing is silently shown as empty.

The database cannot compare encrypted values (each encryption differs), so only `isnull` lookups
work; filtering on the plain text raises FieldError instead of quietly matching nothing.
Serialisation (dumpdata) writes the plain text: backups are encrypted as a whole.
"""

from django import forms
from django.core import validators
from django.core.exceptions import FieldError
from django.db import models

from core import crypto

ALLOWED_LOOKUPS = {"isnull"}


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    @property
    def context(self) -> str:
        """What the ciphertext is bound to: this field of this model."""
        return f"{self.model._meta.label_lower}.{self.name}" if hasattr(self, "model") else self.name

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt_text(value, context=self.context)

    def to_python(self, value):
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt_text(value, context=self.context)

    def get_lookup(self, lookup_name):
        if lookup_name not in ALLOWED_LOOKUPS:
            raise FieldError(f"{self.context} is encrypted: only {', '.join(sorted(ALLOWED_LOOKUPS))} lookups work")
        return super().get_lookup(lookup_name)

    def formfield(self, **kwargs):
        # A one-line input (a phone number, an ID number), not a text area.
        defaults = {"form_class": forms.CharField, "max_length": self.max_length, "widget": forms.TextInput}
        return models.Field.formfield(self, **{**defaults, **kwargs})
