"""The interaction app's models, one module per part (exported here)."""

from interaction.models.citizens import Citizen, ContactKind, VerificationCode

__all__ = ["Citizen", "ContactKind", "VerificationCode"]
