"""Password rules beyond Django's own (SEC-1): letters of both cases, digits, symbols."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


def character_classes(password: str) -> int:
    """How many of: lower-case, upper-case, digits, anything else (symbols, Chinese …)."""
    found = sum(any(ch in chars for ch in password) for chars in CLASSES)
    return found + any(not any(ch in chars for chars in CLASSES) for ch in password)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "Your password must mix at least %(count)d of: lower-case letters, upper-case letters, digits, "
            "other characters."
        ) % {"count": self.min_classes}
