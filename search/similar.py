"""Entries like a question being typed (INT-5): while a citizen writes a letter, the published
entries of the site's knowledge base (resources of kind `qa`) that ask the same thing, best first.

The question goes through the search's own parsing (segmentation, synonyms, pinyin; question words
dropped), but unlike a search a letter need not contain every word: each word group found in an
entry counts by how rare it is among the site's entries of that kind (idf), double when it is in
the entry's question (its title). One query counts each group's entries (up to a bound), one finds
the entries of the groups that are not too common (words in most entries say little), one reads the best
candidates' titles and texts; nothing is logged (a letter being typed is no search).
"""

from __future__ import annotations

import math

from django.core.cache import cache
from django.db import connection

from search.backends import backend
from search.highlight import SNIPPET_CHARS
from search.query import ParsedQuery, Parser
from search.text import STOP_WORDS, is_cjk, normalise
from search.vocabulary import vocabulary

MAX_CHARS = 300  # of the typed text: the question is at its start
MAX_GROUPS = 16
MAX_RESULTS = 5
MIN_RESULTS = 1
COMMON_DOCS = 200  # a group in this many entries is common: not looked up
CANDIDATES = 40  # read and scored by their question
TITLE_WEIGHT = 2.0
MIN_SCORE_SHARE = 0.2  # of the best possible score: weaker entries are not offered
TOTAL_SECONDS = 60
CACHED_TOTAL = 1000
MIN_TOP_SHARE = 0.5  # of the first entry's score: entries far behind it are not offered


def _groups(text: str) -> list[list[tuple[str, ...]]]:
    """The search's word groups of `text`; a long word also matches by its parts (租房子: 租房,
    房子), as the index holds documents cut for search."""
    parser = Parser(vocabulary())
    parsed = ParsedQuery(text=text)
    parser._free(parsed, text)
    unique, seen = [], set()
    for group in parsed.groups:
        parts = [
            (part,)
            for alternative in group
            if len(alternative) == 1 and len(alternative[0]) >= 3 and is_cjk(alternative[0])
            for part in parser.seg.cut_for_search(alternative[0])
            if 2 <= len(part) < len(alternative[0]) and part not in STOP_WORDS
        ]
        group = list(dict.fromkeys(group + parts))
        key = tuple(sorted(group))
        if key not in seen:
            seen.add(key)
            unique.append(group)
    return unique[:MAX_GROUPS]


def _total(cursor, table: str, scope: str, site_id: int, kind: str) -> int:
    """The site's entries of `kind`, for the words' weights: counted at most once a minute (reading
    every entry's row costs 40 ms at 10,000; the weights hardly move with a few entries more)."""
    key = f"search:similar-total:{site_id}:{kind}"
    total = cache.get(key)
    if total is None:
        cursor.execute(f"SELECT COUNT(*) FROM {table} d WHERE {scope}", [site_id, kind])
        total = cursor.fetchone()[0]
        if total >= CACHED_TOTAL:  # fewer are counted quickly every time
            cache.set(key, total, TOTAL_SECONDS)
    return total


def _in_text(group, folded: str) -> bool:
    return any(all(token in folded for token in alternative) for alternative in group)


def similar(site, raw: str, kind: str, limit: int = MAX_RESULTS) -> list[dict]:
    """The entries of `kind` published on `site` most like `raw`: [{title, url, snippet}]."""
    text = normalise(raw)[:MAX_CHARS]
    limit = max(MIN_RESULTS, min(limit, MAX_RESULTS))
    if not text:
        return []
    groups = _groups(text)
    if not groups:
        return []
    engine = backend()
    table = engine.table
    scope = "d.site_id = %s AND d.kind = %s"
    # The words are found through the full-text index and each match tested for the site: `+ 0`
    # keeps PostgreSQL from walking every document of the site instead (60 ms at 10,000).
    match_scope = "d.site_id + 0 = %s AND d.kind = %s"
    selects, select_params = [], []
    for number, group in enumerate(groups):
        match_sql, match_params = engine.match([group])
        selects.append(f"SELECT {number} AS g, d.id AS id FROM {table} d WHERE {match_scope} AND {match_sql}")
        select_params.append([site.pk, kind, *match_params])
    params = [value for values in select_params for value in values]
    # Through the full-text index: PostgreSQL's estimates for Chinese words are poor, and with a
    # LIMIT it would read every entry instead (90 ms at 10,000); in one process (starting parallel
    # workers costs more than the few rows read).
    with engine.index_lookup(), engine.serial(), connection.cursor() as cursor:
        total = _total(cursor, table, scope, site.pk, kind)
        if not total:
            return []
        # Each group's entries, counted up to COMMON_DOCS: a word in more is common (weighted as
        # if in COMMON_DOCS, and not looked up); counting every entry of 工作 costs 100 ms at 10,000.
        bounded = ", ".join(f"(SELECT COUNT(*) FROM ({sql} LIMIT {COMMON_DOCS}) m{g})" for g, sql in enumerate(selects))
        cursor.execute(f"SELECT {bounded}", params)
        counts = dict(enumerate(cursor.fetchone()))
        weights = {g: math.log(1 + total / n) for g, n in counts.items() if n}
        if not weights:  # no word of it in any entry
            return []
        rare = [g for g, n in counts.items() if n and n < COMMON_DOCS]
        # Without a rare word, the first COMMON_DOCS entries of each common one (those matching
        # several of them rise): never every entry of 工作.
        looked_up = rare or list(weights)
        wanted_params = [value for g in looked_up for value in select_params[g]]
        limit_sql = "" if rare else f" LIMIT {COMMON_DOCS}"
        cursor.execute(
            " UNION ALL ".join(f"SELECT * FROM ({selects[g]}{limit_sql}) s{g}" for g in looked_up), wanted_params
        )
        first: dict[int, float] = {}
        for g, doc_id in cursor.fetchall():
            first[doc_id] = first.get(doc_id, 0.0) + weights[g]
        candidates = sorted(first, key=lambda d: (-first[d], d))[:CANDIDATES]
        if not candidates:
            return []
        marks = ", ".join(["%s"] * len(candidates))
        cursor.execute(f"SELECT id, title, summary, content, url FROM {table} WHERE id IN ({marks})", candidates)
        rows = {row[0]: row for row in cursor.fetchall()}
    best_possible = sum(weights.values()) * (1 + TITLE_WEIGHT)
    scored = []
    for doc_id in candidates:
        _id, title, summary, content, url = rows[doc_id]
        folded_title, folded_text = title.lower(), (content or summary or "").lower()
        score = 0.0
        for g, weight in weights.items():
            if _in_text(groups[g], folded_title):
                score += weight * (1 + TITLE_WEIGHT)
            elif _in_text(groups[g], folded_text):
                score += weight
        if score >= MIN_SCORE_SHARE * best_possible:
            scored.append((score, doc_id))
    scored.sort(key=lambda item: (-item[0], item[1]))
    scored = [item for item in scored if item[0] >= MIN_TOP_SHARE * scored[0][0]] if scored else []
    out = []
    for _score, doc_id in scored[:limit]:
        _id, title, summary, content, url = rows[doc_id]
        out.append({"title": title, "url": url, "snippet": _snippet(summary, content)})
    return out


def _snippet(summary: str, content: str) -> str:
    """The start of the entry's answer: its text after the first paragraph (the question)."""
    paragraphs = [line for line in (content or "").split("\n") if line.strip()]
    text = " ".join((summary or " ".join(paragraphs[1:] or paragraphs)).split())
    return text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else "")
