"""The vocabulary behind pinyin queries and typo correction (SRCH-2).

Terms come from the user dictionary, the official terms of synonyms, the words of titles, the
most frequent words of the index and popular queries; each has its toneless pinyin
(`shebao`), its initials (`sb`) and a weight (about how many pages use it). In memory:

- pinyin → terms and initials → terms: `shebao`, `she bao` and `sb` find 社保;
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
from django.db import transaction
from pypinyin import Style, lazy_pinyin

from search.text import STOP_WORDS, is_cjk, normalise, segmenter

VERSION_KEY = "search:vocabulary-version"
MAX_TERMS = 40_000
MIN_TERM, MAX_TERM = 2, 8
FREQUENT_MIN_DOCUMENTS = 2
DICTIONARY_WEIGHT = 1000
SYNONYM_WEIGHT = 100

_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_FUZZY_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"))


def syllables(term: str) -> list[str]:
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
    def __init__(self, rows):
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
        """Terms for what was typed in pinyin: full syllables first, then initials. ('', []) if none."""
        letters = letters.lower()
        if letters in self.by_pinyin:
            return self._best(self.by_pinyin[letters], limit), "pinyin"
        if 2 <= len(letters) <= 6 and letters in self.by_initials:
            same_length = [t for t in self.by_initials[letters] if len(t) == len(letters)]
            return self._best(same_length or self.by_initials[letters], limit), "initials"
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

            rows = VocabularyTerm.objects.values_list("term", "pinyin", "initials", "weight")
            _state["vocabulary"] = Vocabulary(list(rows))
            _state["version"] = version
        return _state["vocabulary"]


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
    for term, documents in backend().term_stats(FREQUENT_MIN_DOCUMENTS, MAX_TERMS):
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
    for query, count in PopularQuery.objects.filter(count__gte=3).values_list("query", "count"):
        for token in seg.cut(normalise(query)):
            if is_vocabulary_word(token):
                weights[token] += count
    chosen = dict(weights.most_common(MAX_TERMS))
    known = {term: (p, i) for term, p, i in VocabularyTerm.objects.values_list("term", "pinyin", "initials")}
    with transaction.atomic():
        VocabularyTerm.objects.all().delete()
        VocabularyTerm.objects.bulk_create(_rows_for(chosen, known), batch_size=2000)
    transaction.on_commit(_bump)
    return len(chosen)


def add_terms(terms, weight: int = 1) -> int:
    """New words (of new titles, dictionary, synonyms) join the vocabulary at once."""
    from search.models import VocabularyTerm

    wanted = {normalise(t) for t in terms}
    wanted = {t for t in wanted if is_vocabulary_word(t)}
    if not wanted:
        return 0
    existing = set(VocabularyTerm.objects.filter(term__in=wanted).values_list("term", flat=True))
    new = {t: weight for t in wanted - existing}
    if new:
        VocabularyTerm.objects.bulk_create(_rows_for(new, {}), ignore_conflicts=True)
        transaction.on_commit(_bump)
    return len(new)


def add_title_terms(titles) -> int:
    seg = segmenter()
    return add_terms({token for title in titles for token in seg.cut(normalise(title))})
