"""Where verification codes go (INT-6): a pluggable sender named by a dotted path in settings.

    INTERACTION_CODE_SENDER = "interaction.senders.ConsoleSender"      # development and tests
    INTERACTION_CODE_SENDER = "interaction.senders.MailSender"         # e-mail through Django's mail
    INTERACTION_CODE_SENDER = "myprovince.sms.GatewaySender"           # a text-message gateway

A sender is a class with `send(kind, address, message)`; `kind` is "phone" or "email". The
console sender writes the message to the process log and keeps the last messages in `OUTBOX`
(the tests and the demo read the code there). The mail sender sends e-mails and refuses phone
numbers: a site that verifies phones configures a gateway of its province.
"""

from __future__ import annotations

import logging
from collections import deque

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

DEFAULT = "interaction.senders.ConsoleSender"
log = logging.getLogger("interaction.senders")
OUTBOX: deque[tuple[str, str, str]] = deque(maxlen=100)


class SendFailed(Exception):
    """The code could not be sent; the page says so and nothing is lost."""


class ConsoleSender:
    def send(self, kind: str, address: str, message: str) -> None:
        OUTBOX.append((kind, address, message))
        log.info("verification message to %s %s: %s", kind, address, message)


class MailSender:
    def send(self, kind: str, address: str, message: str) -> None:
        if kind != "email":
            raise SendFailed("this platform sends codes by e-mail only")
        try:
            send_mail("验证码", message, None, [address])
        except OSError as error:
            raise SendFailed(str(error)) from error


def sender():
    return import_string(getattr(settings, "INTERACTION_CODE_SENDER", DEFAULT))()


def send(kind: str, address: str, message: str) -> None:
    sender().send(kind, address, message)
