"""Text the index and the queries share: normalising, segmenting (rjieba) and tokens.

A token is a run of Chinese characters, of Latin letters (lower-cased) or of digits, so that it
is one lexeme for PostgreSQL's 'simple' configuration and one token for SQLite's FTS5
`unicode61` tokenizer: both backends see exactly the tokens this module makes.

Segmentation uses rjieba (the Rust port of jieba) with the user dictionary of government terms
that administrators keep (DictionaryWord). Documents are cut in search mode (居民身份证 gives
居民, 身份, 身份证 and 居民身份证), queries in precise mode, so a query word is found in every
page whose text contains it as a word.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata

from django.core.cache import cache

DICTIONARY_VERSION_KEY = "search:dictionary-version"
DICTIONARY_WORD_FREQ = 20000
MAX_TOKEN_CHARS = 30

_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z]+|[0-9]+")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")
_LIST_SPLIT_RE = re.compile(r"[,，、;；\n]+")

# Words of plain-language questions that say nothing about the subject (怎么办社保卡 → 社保卡).
STOP_WORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 和 与 及 或 是 在 我 我要 我想 想 要 你 您 请问 请 怎么 怎么办 怎样 如何 什么 哪里 哪儿 "
    "在哪 在哪里 哪些 哪个 多少 为什么 可以 能 能否 是否 需要 有关 关于 一下 办法 the a an of to and or in".split()
)


# Full-width ASCII forms and the ideographic space, which Chinese text is full of (，：（）), mapped
# the way NFKC maps them. Python's NFKC is slow on a long text as soon as one character changes;
# with these out of the way most texts are already normal and only checked (the same result).
# Each one present is replaced by str.replace: str.translate looks up every character of a Chinese
# text in the table (a third of the indexing time), and a text has few distinct ones (，：).
_FULL_WIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")


def _half_width(text: str) -> str:
    for char in set(_FULL_WIDTH_RE.findall(text)):
        text = text.replace(char, " " if char == "\u3000" else chr(ord(char) - 0xFEE0))
    return text


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII), control characters out, spaces collapsed."""
    text = text or ""
    if not unicodedata.is_normalized("NFKC", text):
        text = _half_width(text)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    text = _CONTROL_RE.sub("", text)
    return " ".join(text.split())  # the same as re.sub(r"\s+", " ", text).strip(), 5 times faster


def fold_case(text: str) -> str:
    """`text` in lower case with every character where it was. `str.lower()` may lengthen a text
    ("İ" becomes "i" and a combining dot), and positions found in the lower-cased text then
    point elsewhere in the original (or past its end): a character whose lower case is longer
    keeps only its first character (İ → i), which is also what search wants of it."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower()[0] for ch in text)


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text or ""))


def is_cjk(text: str) -> bool:
    return bool(text) and all(_CJK_RE.match(ch) for ch in text)


def split_list(value: str) -> list[str]:
    """Items of an administrator's list: separated by commas (either width), 、 or new lines."""
    return [normalise(part) for part in _LIST_SPLIT_RE.split(value or "") if normalise(part)]


# A year in any of the brackets editors and citizens type (〔2026〕 [2026] (2026) 【2026】 ［2026］).
_YEAR_BRACKETS_RE = re.compile(r"[\[［(（【〔]\s*((?:19|20)\d{2})\s*[\]］)）】〕]")
_IDENTIFIER_SPACE_RE = re.compile(r"[\s\u3000]+")


def identifier_key(text: str) -> str:
    """An index number (索引号) or document number (文号) as it is compared (DISC-2): full-width
    forms made plain, no spaces, the year in 〔〕, Latin letters in capitals. So 冀政办字[2026]12号,
    冀政办字（2026）12号 and 冀政办字〔2026〕 12号 are one key, and 11130600mb1234567x/2026-00012
    is 11130600MB1234567X/2026-00012."""
    text = _IDENTIFIER_SPACE_RE.sub("", normalise(text))
    return _YEAR_BRACKETS_RE.sub(r"〔\1〕", text).upper()


@functools.lru_cache(maxsize=200_000)
def runs(word: str) -> tuple[str, ...]:
    """The token runs inside one segmenter word (`GDP5.2%` → gdp, 5, 2)."""
    return tuple(run[:MAX_TOKEN_CHARS] for run in _RUN_RE.findall(fold_case(word)))


class Segmenter:
    """One rjieba instance with the user dictionary; rebuilt when administrators change it."""

    def __init__(self, words: list[str]):
        # Imported on first use, like pypinyin in search/vocabulary.py: processes that never segment
        # (a publish, a migration) do not load it at start-up.
        import rjieba

        self.jieba = rjieba.Jieba()
        self.words = frozenset(words)
        for word in self.words:
            self.jieba.add_word(word, DICTIONARY_WORD_FREQ, None)

    def cut(self, text: str) -> list[str]:
        """Precise mode (queries): each word once, in order."""
        return [token for word in self.jieba.cut(text) for token in runs(word)]

    def cut_for_search(self, text: str) -> list[str]:
        """Search mode (documents): words and the dictionary words inside them."""
        return [token for word in self.jieba.cut_for_search(text) for token in runs(word)]

    def tokens(self, *texts: str) -> list[str]:
        """The distinct tokens of document texts, sorted."""
        words: set[str] = set()  # each distinct word once: a page repeats most of its words
        for text in texts:
            if text:
                words.update(self.jieba.cut_for_search(normalise(text)))
        return sorted({token for word in words for token in runs(word)})


_lock = threading.Lock()
_current: dict = {"version": None, "segmenter": None}


def dictionary_version() -> int:
    return cache.get(DICTIONARY_VERSION_KEY, 0)


def bump_dictionary_version() -> None:
    """Every process reloads its segmenter at its next use (actions call this after commit)."""
    try:
        cache.incr(DICTIONARY_VERSION_KEY)
    except ValueError:
        cache.set(DICTIONARY_VERSION_KEY, 1, None)


def segmenter() -> Segmenter:
    """The process's segmenter with the current user dictionary."""
    version = dictionary_version()
    current = _current["segmenter"]
    if current is not None and _current["version"] == version:
        return current
    with _lock:
        if _current["segmenter"] is None or _current["version"] != version:
            from search.models import DictionaryWord

            words = list(DictionaryWord.objects.values_list("word", flat=True))
            _current["segmenter"] = Segmenter(words)
            _current["version"] = version
        return _current["segmenter"]
