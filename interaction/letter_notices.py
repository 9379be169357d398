"""Telling the writer about a step of their letter (INT-1, INT-2).

The status page (/interaction/status/, with the tracking number and the query code, and "my
letters" of a citizen account) shows every step marked `shown`, with `step_message` and the
handler's `public_note`. When the writer gave an e-mail address, the same message goes out by
e-mail after the commit (Django's mail backend: the console in development, SMTP with
EMAIL_HOST). The mail names the step and the status page, never the query code nor the writer's
data. Writers read Chinese: messages are written in zh-hans whatever the handler's language.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from interaction.models.letters import Letter, LetterStep, LetterStepKind

log = logging.getLogger(__name__)

WRITER_LANGUAGE = "zh-hans"
STATUS_PATH = "/interaction/status/"


def status_url(letter: Letter) -> str:
    domain = letter.channel.site.primary_domain
    return f"https://{domain}{STATUS_PATH}" if domain else STATUS_PATH


def step_message(step: LetterStep) -> str:
    """What the writer reads of a step, besides the handler's own words (`public_note`)."""
    letter = step.letter
    if step.kind == LetterStepKind.SUBMIT:
        return _("Your letter was received on %(day)s and is being handled by %(unit)s.") % {
            "day": f"{letter.received_on:%Y-%m-%d}",
            "unit": letter.handling_unit,
        }
    if step.kind == LetterStepKind.FORWARD:
        return _("Your letter has been passed to %(unit)s, which is responsible for the matter.") % {
            "unit": letter.handling_unit
        }
    if step.kind in (LetterStepKind.PUBLISH, LetterStepKind.KEEP_PRIVATE):
        return _("Your letter has been answered. Read the answer on the status page.")
    if step.kind == LetterStepKind.UNPUBLISH:
        return _("The answer to your letter is no longer shown publicly.")
    if step.kind == LetterStepKind.MERGE:
        return _("Your letter concerns the same matter as letter %(number)s and is answered together with it.") % {
            "number": letter.merged_into.tracking_number if letter.merged_into_id else ""
        }
    return ""


def _mail(letter_id: int, step_id: int) -> None:
    letter = Letter.objects.select_related("channel__site", "site", "sub_unit").get(pk=letter_id)
    step = LetterStep.objects.select_related("letter").get(pk=step_id)
    if not letter.writer_email:
        return
    with translation.override(WRITER_LANGUAGE):
        subject = _("Letter %(number)s: %(step)s") % {
            "number": letter.tracking_number,
            "step": step.get_kind_display(),
        }
        lines = [step_message(step)]
        if step.public_note:
            lines += ["", step.public_note]
        lines += [
            "",
            _("Tracking number: %(number)s") % {"number": letter.tracking_number},
            _("Follow your letter at %(url)s.") % {"url": status_url(letter)},
            "",
            str(letter.channel.site.name),
        ]
    try:
        send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [letter.writer_email])
    except Exception:  # a mail server that fails does not undo the step: the status page has it
        log.exception("notice of letter %s to the writer not sent", letter.tracking_number)


def notify_after_commit(letter: Letter, step: LetterStep) -> None:
    if step.shown and letter.writer_email:
        transaction.on_commit(lambda: _mail(letter.pk, step.pk))
