"""Telling the applicant about a step of the application (DISC-3, 条例 art.30, 33, 36).

The status page (/disclosure/status/) shows every step meant for the applicant, with its message.
When the applicant gave an e-mail address, the same message goes out by e-mail after the commit
(Django's mail backend: the console in development, SMTP with EMAIL_HOST). The mail names the
step and the status page, never the query code nor the applicant's data: the e-mail may be read
by others on the way.

Applicants read Chinese: the messages are written in the site's language (zh-hans) whatever the
language of the handler who acted.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from disclosure.models.requests import InformationRequest, RequestStep, StepKind

log = logging.getLogger(__name__)

APPLICANT_LANGUAGE = "zh-hans"
STATUS_PATH = "/disclosure/status/"


def status_url(request: InformationRequest) -> str:
    domain = request.site.primary_domain
    return f"https://{domain}{STATUS_PATH}" if domain else STATUS_PATH


def step_message(step: RequestStep) -> str:
    """What the applicant reads of a step, besides the handler's own words (`public_note`)."""
    request = step.request
    if step.kind == StepKind.SUBMIT:
        return _("Your application has been submitted and awaits receipt by %(organisation)s.") % {
            "organisation": request.organisation.name
        }
    if step.kind == StepKind.RECEIVE:
        return _("Your application was received on %(day)s.") % {"day": f"{request.received_on:%Y-%m-%d}"}
    if step.kind == StepKind.REQUEST_COMPLETION:
        return _(
            "Please complete your application as described below. The time until it is completed is not "
            "counted in the time limit; an application not completed in time without good reason is "
            "considered withdrawn."
        )
    if step.kind == StepKind.COMPLETE:
        return _("The completion of your application was received; the time limit runs again.")
    if step.kind == StepKind.SEEK_THIRD_PARTY:
        return _(
            "The information concerns a third party, whose opinion is being sought. The time this takes is "
            "not counted in the time limit."
        )
    if step.kind == StepKind.THIRD_PARTY_REPLIED:
        return _("The third party's opinion has been obtained; the time limit runs again.")
    if step.kind == StepKind.EXTEND:
        return _("The time limit for the answer has been extended by %(n)d working days.") % {
            "n": request.extension_days
        }
    if step.kind == StepKind.ANSWER:
        return _("Your application has been answered. Read the answer on the status page.")
    return ""


def _mail(request_id: int, step_id: int, query_code_hint: bool) -> None:
    request = InformationRequest.objects.select_related("site", "organisation").get(pk=request_id)
    step = RequestStep.objects.get(pk=step_id)
    if not request.email:
        return
    with translation.override(APPLICANT_LANGUAGE):
        subject = _("Application for disclosure %(number)s: %(step)s") % {
            "number": request.tracking_number,
            "step": step.get_kind_display(),
        }
        lines = [step_message(step)]
        if step.public_note:
            lines += ["", step.public_note]
        lines += [
            "",
            _("Tracking number: %(number)s") % {"number": request.tracking_number},
            _("Follow your application at %(url)s with the tracking number and your query code.")
            % {"url": status_url(request)},
        ]
        if query_code_hint:
            lines.append(_("Keep the query code shown when you applied: it is not sent by e-mail."))
        lines += ["", str(request.organisation.name)]
    try:
        send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [request.email])
    except Exception:  # a mail server that fails does not undo the step: the status page has it
        log.exception("notice of %s to the applicant not sent", request.tracking_number)


def notify_after_commit(request: InformationRequest, step: RequestStep, *, query_code_hint: bool = False) -> None:
    if request.email:
        transaction.on_commit(lambda: _mail(request.pk, step.pk, query_code_hint))
