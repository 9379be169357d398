"""Actions on the search dictionary and the synonym list (SRCH-2; platform administrators only)
and on the terms blocked from suggestions (site administrators for their sites, platform
administrators for any site or all of them).

Each is one transaction that checks permission, changes the data and writes the audit entry
(SEC-2). After commit, every process reloads its segmenter or synonym list (blocked terms are
read at each use: hidden at once); a dictionary word also re-segments the documents whose text
contains it (a background task) and joins the pinyin and typo vocabulary.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from core.changes import field_changes
from search.models import BlockedTerm, DictionaryWord, Synonym
from search.query import bump_synonyms_version
from search.text import bump_dictionary_version, is_cjk, normalise, split_list
from sites.models import Role
from sites.permissions import require_platform_admin, require_role


def _clean_word(word: str) -> str:
    word = normalise(word).replace(" ", "")
    if not word:
        raise ValidationError(_("Enter a word."), code="required")
    if len(word) < 2 or len(word) > 30:
        raise ValidationError(_("A dictionary word has 2 to 30 characters."), code="length")
    if not any(is_cjk(ch) or ch.isalnum() for ch in word):
        raise ValidationError(_("A dictionary word needs letters or Chinese characters."), code="letters")
    return word


def _after_dictionary_change(*words: str) -> None:
    from search.tasks import reindex_containing_task
    from search.vocabulary import add_terms

    def later():
        bump_dictionary_version()
        add_terms(words, weight=1000)
        for word in words:
            reindex_containing_task.delay(word)

    transaction.on_commit(later)


@transaction.atomic
def add_dictionary_word(word: str, *, acting_user, note: str = "") -> DictionaryWord:
    require_platform_admin(acting_user)
    word = _clean_word(word)
    if DictionaryWord.objects.filter(word=word).exists():
        raise ValidationError(_("“%(word)s” is already in the dictionary.") % {"word": word}, code="duplicate")
    entry = DictionaryWord.objects.create(word=word, note=(note or "").strip()[:200], created_by=acting_user)
    audit.record(AuditEvent.SEARCH_DICTIONARY_ADD, actor=acting_user, obj=entry, details={"word": word})
    _after_dictionary_change(word)
    return entry


@transaction.atomic
def update_dictionary_word(entry: DictionaryWord, *, acting_user) -> DictionaryWord:
    require_platform_admin(acting_user)
    entry.word = _clean_word(entry.word)
    if DictionaryWord.objects.filter(word=entry.word).exclude(pk=entry.pk).exists():
        raise ValidationError(_("“%(word)s” is already in the dictionary.") % {"word": entry.word}, code="duplicate")
    changes = field_changes(entry, ["word", "note"])
    entry.save()
    if changes:
        audit.record(AuditEvent.SEARCH_DICTIONARY_UPDATE, actor=acting_user, obj=entry, details={"changes": changes})
        _after_dictionary_change(*(set(changes.get("word", [])) or {entry.word}))
    return entry


@transaction.atomic
def delete_dictionary_word(entry: DictionaryWord, *, acting_user) -> None:
    require_platform_admin(acting_user)
    audit.record(AuditEvent.SEARCH_DICTIONARY_DELETE, actor=acting_user, obj=entry, details={"word": entry.word})
    word = entry.word
    entry.delete()
    _after_dictionary_change(word)


def _clean_synonym(plain: str, official: str) -> tuple[str, str]:
    words = split_list(plain)
    official = normalise(official)
    if not words:
        raise ValidationError({"plain": _("Enter the plain words citizens type.")})
    if not official:
        raise ValidationError({"official": _("Enter the official terms.")})
    if any(len(word) > 50 for word in words):
        raise ValidationError({"plain": _("Each plain word has at most 50 characters.")})
    if any(word == official for word in words):
        raise ValidationError({"plain": _("The plain words must differ from the official terms.")})
    return "，".join(words), official


def _after_synonym_change(official: str) -> None:
    from search.text import segmenter
    from search.vocabulary import add_terms

    def later():
        bump_synonyms_version()
        add_terms(segmenter().cut(official), weight=100)

    transaction.on_commit(later)


@transaction.atomic
def add_synonym(plain: str, official: str, *, acting_user) -> Synonym:
    require_platform_admin(acting_user)
    plain, official = _clean_synonym(plain, official)
    entry = Synonym.objects.create(plain=plain, official=official, created_by=acting_user)
    audit.record(
        AuditEvent.SEARCH_SYNONYM_ADD, actor=acting_user, obj=entry, details={"plain": plain, "official": official}
    )
    _after_synonym_change(official)
    return entry


@transaction.atomic
def update_synonym(entry: Synonym, *, acting_user) -> Synonym:
    require_platform_admin(acting_user)
    entry.plain, entry.official = _clean_synonym(entry.plain, entry.official)
    changes = field_changes(entry, ["plain", "official"])
    entry.save()
    if changes:
        audit.record(AuditEvent.SEARCH_SYNONYM_UPDATE, actor=acting_user, obj=entry, details={"changes": changes})
        _after_synonym_change(entry.official)
    return entry


@transaction.atomic
def delete_synonym(entry: Synonym, *, acting_user) -> None:
    require_platform_admin(acting_user)
    audit.record(
        AuditEvent.SEARCH_SYNONYM_DELETE,
        actor=acting_user,
        obj=entry,
        details={"plain": entry.plain, "official": entry.official},
    )
    entry.delete()
    transaction.on_commit(bump_synonyms_version)


def _require_blocking(user, site) -> None:
    if site is None:
        require_platform_admin(user)
    else:
        require_role(user, site, Role.SITE_ADMIN)


def _clean_blocked(site, term: str, exclude_pk=None) -> str:
    term = normalise(term)
    if not term:
        raise ValidationError({"term": _("Enter the term to block.")})
    if len(term) > 30:
        raise ValidationError({"term": _("A blocked term has at most 30 characters.")})
    if BlockedTerm.objects.filter(site=site, term=term).exclude(pk=exclude_pk).exists():
        raise ValidationError({"term": _("“%(term)s” is already blocked there.") % {"term": term}})
    return term


@transaction.atomic
def add_blocked_term(site, term: str, *, acting_user, note: str = "") -> BlockedTerm:
    """Hide every suggestion containing `term` on `site` (None: on every site), at once."""
    _require_blocking(acting_user, site)
    term = _clean_blocked(site, term)
    entry = BlockedTerm.objects.create(site=site, term=term, note=(note or "").strip()[:200], created_by=acting_user)
    audit.record(AuditEvent.SEARCH_BLOCKED_TERM_ADD, actor=acting_user, obj=entry, site=site, details={"term": term})
    return entry


@transaction.atomic
def update_blocked_term(entry: BlockedTerm, *, acting_user) -> BlockedTerm:
    """A changed term or note; the site stays (block it on another site as a new term)."""
    stored = BlockedTerm.objects.select_for_update().get(pk=entry.pk)
    _require_blocking(acting_user, stored.site)
    entry.site_id = stored.site_id
    entry.term = _clean_blocked(stored.site, entry.term, exclude_pk=entry.pk)
    entry.note = (entry.note or "").strip()[:200]
    changes = field_changes(entry, ["term", "note"])
    entry.save()
    if changes:
        audit.record(AuditEvent.SEARCH_BLOCKED_TERM_UPDATE, actor=acting_user, obj=entry, site=stored.site,
                     details={"changes": changes})  # fmt: skip
    return entry


@transaction.atomic
def delete_blocked_term(entry: BlockedTerm, *, acting_user) -> None:
    _require_blocking(acting_user, entry.site)
    audit.record(AuditEvent.SEARCH_BLOCKED_TERM_DELETE, actor=acting_user, obj=entry, site=entry.site,
                 details={"term": entry.term})  # fmt: skip
    entry.delete()


def reindex(*, acting_user, site=None) -> dict:
    """Rebuild the index (of one site or everything) by hand; audited like every change."""
    require_platform_admin(acting_user)
    from search.indexer import reindex as rebuild

    report = rebuild(site_id=site.pk if site is not None else None)
    audit.record(AuditEvent.SEARCH_REINDEX, actor=acting_user, site=site, details={k: round(v, 3) if isinstance(v, float) else v
                                                                         for k, v in report.items()})  # fmt: skip
    return report
