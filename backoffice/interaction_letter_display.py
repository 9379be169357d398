"""How the back office shows a citizen's letter (INT-1, INT-2): the writer masked, the deadline in
words (working days left, overdue, or why it cannot be computed)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from core import masking
from interaction import letter_deadlines
from interaction.models.letters import Letter, LetterStatus


def deadline_text(letter: Letter) -> str:
    if letter.status == LetterStatus.MERGED:
        return _("merged into %(number)s") % {"number": letter.merged_into.tracking_number}
    if letter.answered_on is not None:
        return _("answered %(day)s") % {"day": f"{letter.answered_on:%Y-%m-%d}"}
    if letter.due_on is not None:
        left = letter_deadlines.working_days_left(letter.due_on, timezone.localdate())
        if left is None:
            return f"{letter.due_on:%Y-%m-%d}"
        if left < 0:
            return _("%(day)s, overdue by %(n)d working days") % {"day": f"{letter.due_on:%Y-%m-%d}", "n": -left}
        return _("%(day)s, %(n)d working days left") % {"day": f"{letter.due_on:%Y-%m-%d}", "n": left}
    if letter.deadline_unknown_year:
        return _("cannot be computed: the holidays of %(year)d are not entered") % {
            "year": letter.deadline_unknown_year
        }
    return ""


def personal_rows(letter: Letter, reveal: bool) -> list[tuple[str, str]]:
    show = (lambda value, mask: value) if reveal else (lambda value, mask: mask(value))
    rows = [
        (_("Name"), show(letter.writer_name, masking.mask_name)),
        (_("Telephone"), show(letter.writer_phone, masking.mask_phone)),
        (_("E-mail"), show(letter.writer_email, masking.mask_email)),
    ]
    return [(label, value) for label, value in rows if value]
