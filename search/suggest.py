"""Suggestions as the user types (SRCH-2 关键词推荐): popular queries of the site that begin with
the text (only those search/popular.py found eligible: real queries of many visitors), vocabulary
words that begin with it (in characters or in pinyin: `sheb` → 社保), and titles of the site's
pages that contain it. Nothing containing a blocked term is offered."""

from __future__ import annotations

import re

from django.db import connection

from search.backends import backend
from search.engine import Filters, Searcher
from search.models import PopularQuery, SearchScope
from search.popular import blocked_terms, is_blocked
from search.text import fold_case, is_cjk, normalise, segmenter
from search.vocabulary import vocabulary

MAX_SUGGESTIONS = 8
MAX_CHARS = 30
_LATIN_RE = re.compile(r"[a-z ]+")


def _like_pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def suggestions(site, raw: str, *, scope: str = SearchScope.SITE) -> list[dict]:
    text = normalise(raw)[:MAX_CHARS]
    if not text:
        return []
    found: dict[str, str] = {}
    blocked = blocked_terms(site.pk)
    popular = 0

    def add(value: str, kind: str) -> bool:
        if value and value not in found and len(found) < MAX_SUGGESTIONS and not is_blocked(value, site.pk, blocked):
            found[value] = kind
            return True
        return False

    for query in (
        PopularQuery.objects.filter(site=site, query__startswith=text, eligible=True)
        .order_by("-visitors", "-count", "query")
        .values_list("query", flat=True)[:20]
    ):
        if popular < 4 and add(query, "popular"):
            popular += 1
    vocab = vocabulary()
    lowered = fold_case(text)
    if _LATIN_RE.fullmatch(lowered):
        letters = lowered.replace(" ", "")
        terms, _how = vocab.from_pinyin(letters)
        for term in terms + vocab.pinyin_prefix(letters):
            add(term, "pinyin")
        title_text = terms[0] if terms else lowered
    else:
        if is_cjk(text):
            for term in vocab.prefix(text, limit=3):
                add(term, "word")
        title_text = text
    for title in _titles(site, title_text, scope):
        add(title, "title")
    return [{"text": value, "kind": kind} for value, kind in found.items()]


def _titles(site, text: str, scope: str) -> list[str]:
    tokens = segmenter().cut(text)
    if not tokens:
        return []
    engine = backend()
    match_sql, params = engine.prefix_match(tokens[:-1], tokens[-1])
    scope_sql, scope_params = Searcher(site, scope, Filters()).scope_sql(by_date=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.title FROM {engine.table} d WHERE {match_sql} AND {scope_sql}"
            f" AND d.title {engine.like} %s ESCAPE '\\' ORDER BY d.published_at DESC, d.resource_id DESC LIMIT 5",
            params + scope_params + [_like_pattern(text)],
        )
        return [row[0] for row in cursor.fetchall()]
