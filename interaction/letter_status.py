"""What the writer sees of a letter (INT-1, INT-6): on the status page and in "my letters".

The steps marked `shown`, each with its message (interaction/letter_notices.py) and the handler's
words to the writer; the deadline in working days; the answer once reviewed (an answer awaiting
review, or sent back, is not the government's answer yet). Personal data is masked
(core/masking.py): the page never shows a name, phone or address whole.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from core import masking
from interaction import letter_deadlines, letter_notices
from interaction.models.citizens import Citizen, ContactKind
from interaction.models.letters import Letter, LetterStatus

ANSWER_SHOWN = (LetterStatus.PUBLISHED, LetterStatus.CLOSED)


def masked_contact(citizen: Citizen) -> str:
    if citizen.contact_kind == ContactKind.PHONE:
        return masking.mask_phone(citizen.contact)
    return masking.mask_email(citizen.contact)


def summary(letter: Letter) -> dict:
    """One row of "my letters"."""
    today = timezone.localdate()
    left = letter_deadlines.working_days_left(letter.due_on, today) if letter.due_on and letter.is_open else None
    return {
        "letter": letter,
        "status": letter.get_status_display(),
        "days_left": left,
        "answered": letter.status in ANSWER_SHOWN,
    }


def details(letter: Letter) -> dict:
    """The status page of one letter."""
    steps = [
        {"step": step, "message": letter_notices.step_message(step)}
        for step in letter.steps.filter(shown=True).order_by("at", "id")
    ]
    return {
        **summary(letter),
        "writer": masking.mask_name(letter.writer_name) if letter.writer_name else _("anonymous"),
        "phone": masking.mask_phone(letter.writer_phone),
        "email": masking.mask_email(letter.writer_email),
        "steps": steps,
        "unit": letter.handling_unit,
    }
