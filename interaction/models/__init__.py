"""The interaction app's models, one module per part (exported here)."""

from interaction.models.citizens import Citizen, ContactKind, VerificationCode
from interaction.models.error_reports import ErrorKind, ErrorReport, Escalation, ReportSource, ReportStatus
from interaction.models.letter_attachments import LetterAttachment
from interaction.models.letters import (
    Channel,
    ChannelKind,
    Letter,
    LetterStatus,
    LetterStep,
    LetterStepKind,
    PrivateReason,
)

__all__ = [
    "Channel",
    "ChannelKind",
    "Letter",
    "LetterStatus",
    "LetterAttachment",
    "LetterStep",
    "LetterStepKind",
    "PrivateReason",
    "ErrorKind",
    "ErrorReport",
    "Escalation",
    "ReportSource",
    "ReportStatus",
    "Citizen",
    "ContactKind",
    "VerificationCode",
]
