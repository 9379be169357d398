"""Actions on the sensitive-word and wrong-wording lists that platform administrators keep (PUB-3, SEC-2).

Each is one transaction that checks permission, validates and writes an audit entry. The lists
are read by the confidentiality and wording check (editorial.checks) at every submission.
"""

from django.db import transaction

from auditlog import audit
from auditlog.events import AuditEvent
from core.changes import field_changes
from editorial.models import CheckedWord
from sites.permissions import require_platform_admin


def _details(word: CheckedWord, **extra) -> dict:
    return {"list": word.list, "text": word.text, "suggestion": word.suggestion, **extra}


@transaction.atomic
def add_word(word: CheckedWord, *, acting_user) -> CheckedWord:
    """Add an unsaved CheckedWord to its list."""
    require_platform_admin(acting_user)
    word.text = word.text.strip()
    word.suggestion = word.suggestion.strip()
    word.created_by = acting_user if acting_user is not None and acting_user.pk else None
    word.full_clean(exclude=["created_by"])
    word.save()
    audit.record(AuditEvent.WORD_ADD, actor=acting_user, obj=word, details=_details(word))
    return word


@transaction.atomic
def update_word(word: CheckedWord, *, acting_user) -> CheckedWord:
    require_platform_admin(acting_user)
    word.text = word.text.strip()
    word.suggestion = word.suggestion.strip()
    changes = field_changes(word, None)
    word.full_clean(exclude=["created_by"])
    word.save()
    if changes:
        audit.record(AuditEvent.WORD_UPDATE, actor=acting_user, obj=word, details=_details(word, changes=changes))
    return word


@transaction.atomic
def remove_word(word: CheckedWord, *, acting_user) -> None:
    require_platform_admin(acting_user)
    audit.record(AuditEvent.WORD_REMOVE, actor=acting_user, obj=word, details=_details(word))
    word.delete()
