"""What a citizen typed, turned into what the index is asked (SRCH-2).

    "居民身份证" 办理       a quoted phrase (any of "" “” 「」) must occur as written
    办身份证               plain words → official terms via the synonym list (居民身份证 办理)
    shebao / she bao / sb  pinyin and initials → 社保 (the vocabulary)
    怎么办社保卡            question words are dropped: 社保卡

The result is a list of groups that must all match; a group matches when any of its
alternatives does, and an alternative when all its tokens are in the page. Typo correction
(社报 → 社保) is search/engine.py's business, since it depends on what the index holds.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from django.core.cache import cache

from search.text import STOP_WORDS, fold_case, is_cjk, normalise, segmenter, split_list
from search.vocabulary import MAX_PINYIN_TERMS, Vocabulary

MAX_QUERY_CHARS = 100
MAX_GROUPS = 10
MAX_PHRASE_CHARS = 50
NOTED_TERMS = 3  # words a pinyin note names ("shebao: 社保、设保 …"); all of them are searched
SYNONYMS_VERSION_KEY = "search:synonyms-version"

_PHRASE_RE = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』')
_LATIN_RUN_RE = re.compile(r"[A-Za-z]+(?:[ '][A-Za-z]+)*")


@dataclass
class Note:
    kind: str  # truncated | synonym | pinyin | dropped | phrase_short | too_many
    text: str = ""
    value: str = ""


@dataclass
class ParsedQuery:
    text: str  # normalised, as searched
    groups: list[list[tuple[str, ...]]] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    # Phrases of several words, looked for in the text; a phrase that is one whole word (落实政策)
    # needs no look: the index only holds that word where its characters stand together.
    phrases_to_check: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # Chinese words the vocabulary does not know
    dropped: list[str] = field(default_factory=list)  # single characters left out beside longer words

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def terms(self) -> list[str]:
        """Words to rank and highlight by: phrases first, then every token, longest first."""
        tokens = {t for group in self.groups for alt in group for t in alt}
        ordered = sorted(tokens, key=lambda t: (-len(t), t))
        return [p.lower() for p in self.phrases] + [t for t in ordered if t not in self.phrases]


# --- synonyms --------------------------------------------------------------------------------------

_synonym_lock = threading.Lock()
_synonyms: dict = {"version": None, "entries": []}


def bump_synonyms_version() -> None:
    try:
        cache.incr(SYNONYMS_VERSION_KEY)
    except ValueError:
        cache.set(SYNONYMS_VERSION_KEY, 1, None)


def synonym_entries() -> list[tuple[str, str]]:
    """(plain words, official terms), longest plain words first."""
    version = cache.get(SYNONYMS_VERSION_KEY, 0)
    if _synonyms["version"] == version:
        return _synonyms["entries"]
    with _synonym_lock:
        from search.models import Synonym

        entries = []
        for plain, official in Synonym.objects.values_list("plain", "official"):
            for word in split_list(plain):
                if normalise(official):
                    entries.append((fold_case(word), normalise(official)))
        entries.sort(key=lambda e: (-len(e[0]), e[0]))
        _synonyms.update(version=version, entries=entries)
        return entries


def forget_synonyms() -> None:
    _synonyms.update(version=None, entries=[])


# --- parsing ---------------------------------------------------------------------------------------


def _significant(tokens: list[str]) -> list[str]:
    """Tokens that say what is looked for: no question words; single characters only if alone."""
    tokens = [t for t in tokens if t not in STOP_WORDS]
    longer = [t for t in tokens if len(t) >= 2 or not is_cjk(t)]
    return longer or tokens


class Parser:
    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.seg = segmenter()

    def parse(self, raw: str) -> ParsedQuery:
        text = normalise(raw)
        notes: list[Note] = []
        if len(text) > MAX_QUERY_CHARS:
            text = text[:MAX_QUERY_CHARS].rstrip()
            notes.append(Note("truncated", value=str(MAX_QUERY_CHARS)))
        parsed = ParsedQuery(text=text, notes=notes)
        if not text:
            return parsed
        remainder = []
        last = 0
        for match in _PHRASE_RE.finditer(text):
            remainder.append(text[last : match.start()])
            last = match.end()
            phrase = normalise(next(g for g in match.groups() if g is not None))[:MAX_PHRASE_CHARS]
            if phrase:
                self._phrase(parsed, phrase)
        remainder.append(text[last:])
        free = " ".join(part for part in remainder).replace('"', " ").replace("“", " ").replace("”", " ")
        self._free(parsed, normalise(free))
        if len(parsed.groups) > MAX_GROUPS:
            parsed.groups = parsed.groups[:MAX_GROUPS]
            notes.append(Note("too_many", value=str(MAX_GROUPS)))
        return parsed

    def _phrase(self, parsed: ParsedQuery, phrase: str) -> None:
        tokens = _significant(self.seg.cut(phrase))
        if not tokens:
            parsed.notes.append(Note("phrase_short", value=phrase))
            return
        parsed.phrases.append(phrase)
        if not (tokens == [phrase] and is_cjk(phrase)):
            parsed.phrases_to_check.append(phrase)
        parsed.groups.append([tuple(dict.fromkeys(tokens))])

    def _free(self, parsed: ParsedQuery, text: str) -> None:
        lowered = fold_case(text)  # positions in it are positions in `text`
        pieces: list[tuple[str, str]] = []  # (kind, text): plain text or a synonym's plain words
        position = 0
        entries = synonym_entries()
        while position < len(lowered):
            for plain, official in entries:
                if lowered.startswith(plain, position):
                    pieces.append(("synonym", plain, official))
                    position += len(plain)
                    break
            else:
                if pieces and pieces[-1][0] == "text":
                    pieces[-1] = ("text", pieces[-1][1] + text[position], "")
                else:
                    pieces.append(("text", text[position], ""))
                position += 1
        for kind, piece, official in pieces:
            if kind == "synonym":
                self._synonym(parsed, piece, official)
            else:
                self._text(parsed, piece)

    def _synonym(self, parsed: ParsedQuery, plain: str, official: str) -> None:
        official_tokens = tuple(dict.fromkeys(_significant(self.seg.cut(official))))
        plain_tokens = tuple(dict.fromkeys(_significant(self.seg.cut(plain))))
        alternatives = [alt for alt in (official_tokens, plain_tokens) if alt]
        if alternatives:
            parsed.groups.append(list(dict.fromkeys(alternatives)))
            parsed.notes.append(Note("synonym", text=plain, value=official))

    def _text(self, parsed: ParsedQuery, text: str) -> None:
        last = 0
        for match in _LATIN_RUN_RE.finditer(text):
            self._chinese(parsed, text[last : match.start()])
            self._latin(parsed, match.group())
            last = match.end()
        self._chinese(parsed, text[last:])

    def _chinese(self, parsed: ParsedQuery, text: str) -> None:
        if not text.strip():
            return
        tokens = [t for t in self.seg.cut(text) if t not in STOP_WORDS]
        kept = _significant(tokens)
        parsed.dropped += [t for t in tokens if t not in kept]
        for token in dict.fromkeys(kept):
            parsed.groups.append([(token,)])
            if is_cjk(token) and len(token) >= 2 and token not in self.vocabulary and token not in self.seg.words:
                parsed.unknown.append(token)

    def _latin(self, parsed: ParsedQuery, run: str) -> None:
        words = [w.lower() for w in re.split(r"[ ']+", run) if w]
        joined = "".join(words)
        terms, how = self.vocabulary.from_pinyin(joined, limit=MAX_PINYIN_TERMS)
        if terms:
            self._pinyin_group(parsed, joined, words, terms, how)
            return
        for word in words:
            terms, how = self.vocabulary.from_pinyin(word, limit=MAX_PINYIN_TERMS)
            if terms:
                self._pinyin_group(parsed, word, [word], terms, how)
            elif word not in STOP_WORDS:
                parsed.groups.append([(word[:30],)])

    def _pinyin_group(self, parsed, typed: str, words: list[str], terms: list[str], how: str) -> None:
        alternatives = [tuple(words[:5])] if all(len(w) > 1 for w in words) else []
        for term in terms:
            tokens = tuple(_significant(self.seg.cut(term))) or (term,)
            alternatives.append(tokens)
        parsed.groups.append(list(dict.fromkeys(alternatives)))
        parsed.notes.append(Note(how, text=typed, value="、".join(terms[:NOTED_TERMS])))
