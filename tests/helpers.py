"""Helpers for tests of the back office."""

from django.conf import settings
from django.urls import reverse


def admin_url(name: str, *args) -> str:
    """The path of a back-office page (`admin_url("columns_column_change", pk)`)."""
    return reverse(f"admin:{name}", args=args, urlconf=settings.BACKOFFICE_URLCONF)
