"""The interaction app's models, one module per part (exported here)."""

from interaction.models.citizens import Citizen, ContactKind, VerificationCode
from interaction.models.error_reports import ErrorKind, ErrorReport, Escalation, ReportSource, ReportStatus

__all__ = [
    "Citizen",
    "ContactKind",
    "ErrorKind",
    "ErrorReport",
    "Escalation",
    "ReportSource",
    "ReportStatus",
    "VerificationCode",
]
