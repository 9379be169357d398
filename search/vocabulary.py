"""The vocabulary behind pinyin queries and typo correction (SRCH-2).

Terms come from the user dictionary, the official terms of synonyms and every word of the index
(two to eight Chinese characters), weighed up by suggested popular queries; each has its toneless
pinyin (`shebao`), its initials (`sb`) and a weight (about how many pages use it). The table (VocabularyTerm) holds
them all, so that every indexed word is found by its full pinyin: a page's words join it when
the page is indexed, and the hourly rebuild recounts them. Each process keeps the MAX_TERMS
heaviest in memory:

- pinyin → terms (these and, by the table's pinyin index, the lighter ones) and initials → terms:
  `shebao`, `she bao` and `sb` find 社保;
- a "fuzzy" pinyin key that forgives the sounds people confuse (zh/z, ch/c, sh/s, in/ing,
  en/eng, an/ang, l/n): 公积经 (gongjijing) finds 公积金 (gongjijin);
- substitution and deletion keys for one-character edits (near-form typos, 形近字);
- sorted lists for prefix suggestions, in characters and in pinyin.

Each process loads the table once and again when its version changes (checked at most every
SEARCH_VOCABULARY_CHECK_SECONDS).
"""

from __future__ import annotations

import bisect
import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from search.text import STOP_WORDS, is_cjk, normalise, segmenter

VERSION_KEY = "search:vocabulary-version"
MAX_TERMS = 40_000  # kept in each process's memory (about 55 MB); the table holds every word
MAX_STORED_TERMS = 2_000_000  # a bound the index's words never reach, against a runaway table
MAX_PINYIN_TERMS = 8  # homophones one pinyin word is searched as
MAX_INITIALS_TERMS = 3  # words one run of initials is searched as (sb: 社保, 设备 …)
MAX_PINYIN_CHARS = 120  # VocabularyTerm.pinyin
MIN_TERM, MAX_TERM = 2, 8
DICTIONARY_WEIGHT = 1000
SYNONYM_WEIGHT = 100

_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_FUZZY_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"))


def syllables(term: str) -> list[str]:
    # Imported on first use: its dictionaries take 0.3 s of CPU to load, which every process would
    # otherwise pay at start-up (a publish, a migration, a worker) through the admin's autodiscovery.
    from pypinyin import Style, lazy_pinyin

    return [s for s in lazy_pinyin(term, style=Style.NORMAL, errors="ignore") if s.isascii() and s.isalpha()]


def fuzzy_syllable(syllable: str) -> str:
    for long, short in _FUZZY_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FUZZY_FINALS:
        if syllable.endswith(long):
            syllable = syllable[: -len(long)] + short
            break
    return syllable


def pinyin_keys(term: str) -> tuple[str, str]:
    """(full pinyin, initials): 社保 → ('shebao', 'sb')."""
    parts = syllables(term)
    return "".join(parts), "".join(p[0] for p in parts)


def fuzzy_key(term: str) -> str:
    return "".join(fuzzy_syllable(s) for s in syllables(term))


def is_vocabulary_word(term: str) -> bool:
    return MIN_TERM <= len(term) <= MAX_TERM and is_cjk(term) and term not in STOP_WORDS


@dataclass(frozen=True, slots=True)
class Correction:
    term: str
    quality: int  # 3 same pinyin, 2 similar pinyin, 1 one character different
    weight: int


class Vocabulary:
    """`rows`: (term, pinyin, initials, weight) of the heaviest terms; `stored_pinyin(letters)`:
    (term, weight) of every term with that full pinyin, from the table (None: memory only)."""

    def __init__(self, rows, stored_pinyin=None):
        self.stored_pinyin = stored_pinyin
        self.weight: dict[str, int] = {}
        self.by_pinyin: dict[str, list[str]] = defaultdict(list)
        self.by_initials: dict[str, list[str]] = defaultdict(list)
        self.by_fuzzy: dict[str, list[str]] = defaultdict(list)
        self.by_edit: dict[str, list[str]] = defaultdict(list)
        pinyin_sorted = []
        for term, pinyin, initials, weight in rows:
            self.weight[term] = weight
            if pinyin:
                self.by_pinyin[pinyin].append(term)
                self.by_initials[initials].append(term)
                pinyin_sorted.append((pinyin, term))
            if 3 <= len(term) <= 6:
                for key in self._edit_keys(term):
                    self.by_edit[key].append(term)
        self.sorted_terms = sorted(self.weight)
        self.sorted_pinyin = sorted(pinyin_sorted)
        self._fuzzy_ready = False

    @staticmethod
    def _edit_keys(term: str) -> list[str]:
        """One key per character replaced (?) and per character removed (!): 公积金 → ?积金, 公?金 … 积金!0 …"""
        keys = [term[:i] + "?" + term[i + 1 :] for i in range(len(term))]
        keys += [term[:i] + term[i + 1 :] + f"!{i}" for i in range(len(term))]
        return keys

    def _ensure_fuzzy(self):
        if not self._fuzzy_ready:
            for _pinyin, term in self.sorted_pinyin:
                self.by_fuzzy[fuzzy_key(term)].append(term)
            self._fuzzy_ready = True

    def __contains__(self, term: str) -> bool:
        return term in self.weight

    def _best(self, terms, limit: int) -> list[str]:
        return sorted(set(terms), key=lambda t: (-self.weight.get(t, 0), len(t), t))[:limit]

    # --- pinyin ---------------------------------------------------------------------------------

    def from_pinyin(self, letters: str, limit: int = 3) -> tuple[list[str], str]:
        """Terms for what was typed in pinyin: full syllables first (every stored word with them,
        the heaviest first), then initials (the words in memory). ([], '') if none."""
        letters = letters.lower()
        weights = {term: self.weight[term] for term in self.by_pinyin.get(letters, ())}
        if self.stored_pinyin is not None and letters.isascii() and letters.isalpha():
            if len(letters) <= MAX_PINYIN_CHARS:
                weights.update(self.stored_pinyin(letters))
        if weights:
            return sorted(weights, key=lambda t: (-weights[t], len(t), t))[:limit], "pinyin"
        if 2 <= len(letters) <= 6 and letters in self.by_initials:
            same_length = [t for t in self.by_initials[letters] if len(t) == len(letters)]
            return self._best(same_length or self.by_initials[letters], min(limit, MAX_INITIALS_TERMS)), "initials"
        return [], ""

    def pinyin_prefix(self, letters: str, limit: int = 5) -> list[str]:
        letters = letters.lower()
        start = bisect.bisect_left(self.sorted_pinyin, (letters, ""))
        found = []
        for pinyin, term in self.sorted_pinyin[start : start + 200]:
            if not pinyin.startswith(letters):
                break
            found.append(term)
        return self._best(found, limit)

    def prefix(self, text: str, limit: int = 5) -> list[str]:
        start = bisect.bisect_left(self.sorted_terms, text)
        found = []
        for term in self.sorted_terms[start : start + 200]:
            if not term.startswith(text):
                break
            if term != text:
                found.append(term)
        return self._best(found, limit)

    # --- typos ----------------------------------------------------------------------------------

    def correction(self, window: str) -> Correction | None:
        """The best known term for a misspelt window: homophone, similar sound, or one character off."""
        candidates: list[Correction] = []
        pinyin, _ = pinyin_keys(window)
        for term in self.by_pinyin.get(pinyin, ()):
            if term != window and len(term) == len(window):
                candidates.append(Correction(term, 3, self.weight[term]))
        if not candidates:
            self._ensure_fuzzy()
            for term in self.by_fuzzy.get(fuzzy_key(window), ()):
                if term != window and len(term) == len(window):
                    candidates.append(Correction(term, 2, self.weight[term]))
        if not candidates and len(window) >= 3:
            for key in self._edit_keys(window):
                for term in self.by_edit.get(key, ()):
                    if term != window:
                        candidates.append(Correction(term, 1, self.weight[term]))
            # one character missing from the window: its keys are the term's deletion keys
            for i in range(len(window) + 1):
                for term in self.by_edit.get(window + f"!{i}", ()):
                    candidates.append(Correction(term, 1, self.weight[term]))
        if not candidates:
            return None
        return max(candidates, key=lambda c: (c.quality, c.weight, -len(c.term), c.term))


_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


@dataclass(frozen=True, slots=True)
class CorrectedText:
    text: str
    quality: int  # the weakest replacement's (see Correction)


def correct_text(text: str, vocabulary: Vocabulary) -> CorrectedText | None:
    """The text with its misspelt words replaced by known terms, or None when nothing changes.

    In each run of Chinese characters, the characters not covered by a known word of two or more
    characters are suspects; windows of 2 to 6 characters over a suspect are corrected, longest
    and best first, without overlapping.
    """
    seg = segmenter()
    changed = False
    quality = 3
    out = []
    last = 0
    for match in _CJK_RUN.finditer(text):
        run = match.group()
        covered = [False] * len(run)
        position = 0
        for word in seg.jieba.cut(run):
            if len(word) >= 2 and (word in vocabulary or word in seg.words):
                for i in range(position, position + len(word)):
                    covered[i] = True
            position += len(word)
        if all(covered):
            continue
        choices = []
        for size in range(min(6, len(run)), 1, -1):
            for start in range(0, len(run) - size + 1):
                if all(covered[start : start + size]):
                    continue
                window = run[start : start + size]
                if window in vocabulary:
                    continue
                found = vocabulary.correction(window)
                if found is not None:
                    choices.append((found.quality, size, found.weight, -start, start, size, found.term))
        choices.sort(reverse=True)
        taken = [False] * len(run)
        replacements = []
        for q, _s, _w, _neg, start, size, term in choices:
            if any(taken[start : start + size]):
                continue
            for i in range(start, start + size):
                taken[i] = True
            replacements.append((start, size, term))
            quality = min(quality, q)
        if not replacements:
            continue
        fixed, cursor = [], 0
        for start, size, term in sorted(replacements):
            fixed.append(run[cursor:start])
            fixed.append(term)
            cursor = start + size
        fixed.append(run[cursor:])
        out.append(text[last : match.start()])
        out.append("".join(fixed))
        last = match.end()
        changed = True
    if not changed:
        return None
    out.append(text[last:])
    return CorrectedText("".join(out), quality)


# --- loading and rebuilding -----------------------------------------------------------------------

_lock = threading.Lock()
_state: dict = {"version": None, "vocabulary": None, "checked": 0.0}


def _check_seconds() -> float:
    return float(getattr(settings, "SEARCH_VOCABULARY_CHECK_SECONDS", 30))


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def vocabulary() -> Vocabulary:
    now = time.monotonic()
    current = _state["vocabulary"]
    if current is not None and now - _state["checked"] < _check_seconds():
        return current
    version = cache.get(VERSION_KEY, 0)
    _state["checked"] = now
    if current is not None and _state["version"] == version:
        return current
    with _lock:
        if _state["vocabulary"] is None or _state["version"] != version:
            from search.models import VocabularyTerm

            rows = VocabularyTerm.objects.order_by("-weight", "term").values_list(
                "term", "pinyin", "initials", "weight"
            )
            _state["vocabulary"] = Vocabulary(list(rows[:MAX_TERMS]), stored_pinyin=_stored_pinyin)
            _state["version"] = version
        return _state["vocabulary"]


def _stored_pinyin(letters: str) -> dict[str, int]:
    """Every term of the table with this full pinyin (its index: one short lookup), also those
    not in memory: the lighter words and the words of pages indexed since the last load."""
    from search.models import VocabularyTerm

    with connection.cursor() as cursor:  # raw SQL: the ORM's overhead is most of this lookup's time
        cursor.execute(
            f"SELECT term, weight FROM {VocabularyTerm._meta.db_table} WHERE pinyin = %s"
            f" ORDER BY weight DESC, term LIMIT {MAX_PINYIN_TERMS}",
            [letters],
        )
        return dict(cursor.fetchall())


def forget() -> None:
    """Drop this process's copy (tests; the next use loads the table)."""
    _state.update(version=None, vocabulary=None, checked=0.0)


def _rows_for(weights: dict[str, int], known: dict[str, tuple[str, str]]):
    from search.models import VocabularyTerm

    for term, weight in weights.items():
        pinyin, initials = known.get(term) or pinyin_keys(term)
        yield VocabularyTerm(term=term, pinyin=pinyin[:120], initials=initials[:30], weight=min(weight, 2**31 - 1))


def rebuild_vocabulary() -> int:
    """Recount the vocabulary from the index, the dictionary, synonyms and popular queries."""
    from search.backends import backend
    from search.models import DictionaryWord, PopularQuery, SearchDocument, Synonym, VocabularyTerm

    seg = segmenter()
    weights: Counter = Counter()
    for title in SearchDocument.objects.values_list("title", flat=True).iterator(chunk_size=2000):
        for token in set(seg.cut(normalise(title))):
            if is_vocabulary_word(token):
                weights[token] += 1
    for term, documents in backend().term_stats(1, MAX_STORED_TERMS):
        if is_vocabulary_word(term):
            weights[term] = max(weights[term], documents)
    for word in DictionaryWord.objects.values_list("word", flat=True):
        word = normalise(word)
        if is_vocabulary_word(word):
            weights[word] += DICTIONARY_WEIGHT
    for official in Synonym.objects.values_list("official", flat=True):
        for token in seg.cut(normalise(official)):
            if is_vocabulary_word(token):
                weights[token] += SYNONYM_WEIGHT
    # Queries only weigh words the pages, dictionary or synonyms have, and only the queries that
    # are suggested (search/popular.py): anonymous visitors cannot teach pinyin or typo correction.
    for query, count in PopularQuery.objects.filter(eligible=True).values_list("query", "count"):
        for token in seg.cut(normalise(query)):
            if token in weights:
                weights[token] += count
    chosen = dict(weights.most_common(MAX_STORED_TERMS))
    known = {term: (p, i) for term, p, i in VocabularyTerm.objects.values_list("term", "pinyin", "initials")}
    with transaction.atomic():
        VocabularyTerm.objects.all().delete()
        VocabularyTerm.objects.bulk_create(_rows_for(chosen, known), batch_size=2000)
    transaction.on_commit(_bump)
    return len(chosen)


def add_terms(terms, weight: int = 1, *, announce: bool = True) -> int:
    """New words (of new pages, dictionary, synonyms) join the vocabulary at once. `announce`:
    every process reloads its copy (for suggestions and typo correction); without it they are
    found by their pinyin through the table until the next load."""
    from search.models import VocabularyTerm

    wanted = {normalise(t) for t in terms}
    wanted = sorted(t for t in wanted if is_vocabulary_word(t))
    if not wanted:
        return 0
    existing: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        existing.update(VocabularyTerm.objects.filter(term__in=chunk).values_list("term", flat=True))
    new = {t: weight for t in wanted if t not in existing}
    if new:
        VocabularyTerm.objects.bulk_create(_rows_for(new, {}), batch_size=500, ignore_conflicts=True)
        if announce:
            transaction.on_commit(_bump)
    return len(new)


def add_document_terms(titles, tokens) -> int:
    """The words of newly indexed pages: those of their titles (precise mode, what suggestions and
    typo correction choose from) announced at once; every other indexed word (社保 inside 社保卡,
    the words of the text) stored, so that its pinyin finds it."""
    seg = segmenter()
    title_words = {token for title in titles for token in seg.cut(normalise(title))}
    added = add_terms(title_words)
    return added + add_terms(set(tokens) - title_words, announce=False)
