"""Highlighted snippets of results (SRCH-3): escaped text with the searched words in <mark>."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from search.text import fold_case

SNIPPET_CHARS = 120
LEAD_CHARS = 30


def _pattern(terms: list[str]) -> re.Pattern | None:
    terms = [t for t in dict.fromkeys(terms) if t]
    if not terms:
        return None
    terms.sort(key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)


def mark(text: str, terms: list[str]) -> Markup:
    """`text` escaped, every occurrence of a term wrapped in <mark>."""
    pattern = _pattern(terms)
    if pattern is None:
        return Markup(escape(text))
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def snippet(content: str, summary: str, terms: list[str], length: int = SNIPPET_CHARS) -> Markup:
    """A passage around the first occurrence of the most specific term (phrases first)."""
    text = " ".join((content or "").split())
    start = None
    folded = fold_case(text)  # the same length as `text`: a position in one is one in the other
    for term in terms:
        found = folded.find(fold_case(term))
        if found >= 0:
            start = found
            break
    if start is None:
        base = " ".join((summary or text).split())
        return mark(base[:length] + ("…" if len(base) > length else ""), terms)
    begin = max(0, start - LEAD_CHARS)
    end = min(len(text), begin + length)
    passage = text[begin:end]
    return Markup(("…" if begin > 0 else "") + mark(passage, terms) + ("…" if end < len(text) else ""))
