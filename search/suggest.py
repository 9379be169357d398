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
MAX_TITLES = 5
TITLE_WINDOW = 200  # newest pages whose titles are looked at first
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
    """The newest titles in scope with `text` whose page has its words: first among the newest
    TITLE_WINDOW pages of the scope (a walk of its date index), and only when fewer are found
    there, among all (the full-text index). The same titles either way; what a citizen types is
    mostly in many titles (at 100,000 articles the planner, misjudging a two-character ILIKE,
    read the whole table instead: 1 s for 群众)."""
    tokens = segmenter().cut(text)
    if not tokens:
        return []
    engine = backend()
    match_sql, params = engine.prefix_match(tokens[:-1], tokens[-1])
    scope_sql, scope_params = Searcher(site, scope, Filters()).scope_sql(by_date=True)
    order = "d.published_at DESC, d.resource_id DESC"
    condition = f"d.title {engine.like} %s ESCAPE '\\' AND {match_sql}"
    condition_params = [_like_pattern(text), *params]
    window = "d.id, d.title, d.published_at, d.resource_id" + (", d.vector" if engine.vendor == "postgresql" else "")
    with connection.cursor() as cursor:
        # The window's rows are tested as the walk reads them (the outer query keeps its order).
        cursor.execute(
            f"SELECT d.title FROM (SELECT {window} FROM {engine.table} d WHERE {scope_sql}"
            f" ORDER BY {order} LIMIT {TITLE_WINDOW}) d WHERE {condition} ORDER BY {order} LIMIT {MAX_TITLES}",
            scope_params + condition_params,
        )
        titles = [row[0] for row in cursor.fetchall()]
        if len(titles) < MAX_TITLES:
            cursor.execute(
                f"SELECT d.title FROM {engine.table} d WHERE {condition} AND {scope_sql}"
                f" ORDER BY {order} LIMIT {MAX_TITLES}",
                condition_params + scope_params,
            )
            titles = [row[0] for row in cursor.fetchall()]
    return titles
