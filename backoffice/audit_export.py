"""Exporting the audit log as CSV for platform administrators (SEC-2).

The file opens in Excel as it is: UTF-8 with a byte-order mark (Chinese names stay readable),
one row per entry, with the kind's label and the details as text, as the pages show them. Cells
that a spreadsheet would read as a formula (=, +, -, @, tab, carriage return at the start) get a
leading apostrophe, so an actor name or object title chosen by an
attacker cannot run a formula on the administrator's machine (CSV injection).
"""

import csv
from collections.abc import Iterable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog.events import event_label
from auditlog.models import AuditEntry
from backoffice import audit_details

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


def safe_cell(value) -> str:
    """The text of one cell, never read as a formula by a spreadsheet."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def header() -> list[str]:
    return [
        _("Time"),
        _("Actor"),
        _("Action"),
        _("Object type"),
        _("Object ID"),
        _("Object"),
        _("Site"),
        _("IP address"),
        _("Details"),
    ]


def row_of(entry: AuditEntry) -> list[str]:
    return [
        safe_cell(value)
        for value in (
            timezone.localtime(entry.time).strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor_label,
            event_label(entry.action),
            audit_details.object_type_label(entry.object_type),
            entry.object_id,
            entry.object_repr,
            entry.site_name,
            entry.ip or "",
            audit_details.describe(entry.details),
        )
    ]


class _Line:
    """A file-like object whose write() hands back the line csv.writer formatted."""

    def write(self, value: str) -> str:
        return value


def csv_lines(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """The lines of the CSV file, starting with the byte-order mark and the header."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow(header())
    for entry in entries:
        yield writer.writerow(row_of(entry))


def entries_for_export(queryset) -> Iterator[AuditEntry]:
    """The queryset's entries in its order, read in chunks (the log can be large)."""
    return queryset.iterator(chunk_size=CHUNK)
