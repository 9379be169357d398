"""Popular queries and which of them are suggested (SRCH-2 关键词推荐), and blocked terms.

Anonymous visitors must not be able to put words into everyone's search box: two searches for an
insult once made it the first suggestion of its first character. So the logs are aggregated
(Celery beat, hourly: `aggregate`), not counted per search, and a query is suggested only when

- it is a real query: letters, digits and Chinese characters only, every word of it searched
  (none left out, as single characters beside longer words are), and it found pages;
- at least SEARCH_SUGGESTION_MIN_VISITORS distinct visitors asked it (search/logs.py
  `visitor_key`), on at least SEARCH_SUGGESTION_MIN_DAYS distinct days, within the last
  SEARCH_SUGGESTION_WINDOW_DAYS;
- at least SEARCH_SUGGESTION_MIN_CLICKS distinct visitors followed one of its results;
- it contains no blocked term.

Administrators block terms (search/actions.py); a blocked term hides every suggestion containing
it at once: the suggestions filter what they offer through `blocked_terms`, read at each use.
Only eligible queries feed the vocabulary (search/vocabulary.py).
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from search.models import BlockedTerm, PopularQuery, SearchLog
from search.text import fold_case, normalise

DEFAULTS = {
    "SEARCH_SUGGESTION_MIN_VISITORS": 5,
    "SEARCH_SUGGESTION_MIN_DAYS": 2,
    "SEARCH_SUGGESTION_MIN_CLICKS": 2,
    "SEARCH_SUGGESTION_WINDOW_DAYS": 90,
}
# What a query someone would want suggested is made of; anything else (quotes, =, {}, <>, *)
# is a search someone may make, never one to offer to others.
_QUERY_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9·\- ]+")
_BAD_NOTES = frozenset({"truncated", "too_many", "phrase_short"})


def threshold(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def is_real_query(text: str, parser) -> bool:
    """Whether `text` is something to suggest: only words, and every one of them searched."""
    if not _QUERY_RE.fullmatch(text) or len(text) > 50:
        return False
    parsed = parser.parse(text)
    return not parsed.empty and not parsed.dropped and not any(n.kind in _BAD_NOTES for n in parsed.notes)


def aggregate(now=None) -> dict[str, int]:
    """Recount the popular queries of every site from the logs of the window and decide which
    are suggested. One grouped scan of the window's logs; the parser looks only at the queries
    enough visitors asked (few)."""
    from search.query import Parser
    from search.vocabulary import vocabulary

    now = now or timezone.now()
    since = now - timedelta(days=threshold("SEARCH_SUGGESTION_WINDOW_DAYS"))
    min_visitors = max(1, threshold("SEARCH_SUGGESTION_MIN_VISITORS"))
    known = ~Q(visitor="")
    rows = (
        SearchLog.objects.filter(time__gte=since, results__gt=0, page=1)
        .exclude(query__contains="*")  # masked: a number or an address was in it
        .values("site_id", "query")
        .annotate(
            searches=Count("id", distinct=True),
            visitors=Count("visitor", filter=known, distinct=True),
            days=Count(TruncDate("time"), distinct=True),
            clicked=Count("visitor", filter=known & Q(clicks__isnull=False), distinct=True),
            last=Max("time"),
        )
        .filter(visitors__gte=min_visitors)
    )
    parser = Parser(vocabulary())
    blocked = blocked_terms()
    entries = []
    for row in rows:
        eligible = (
            row["days"] >= threshold("SEARCH_SUGGESTION_MIN_DAYS")
            and row["clicked"] >= threshold("SEARCH_SUGGESTION_MIN_CLICKS")
            and not is_blocked(row["query"], row["site_id"], blocked)
            and is_real_query(row["query"], parser)
        )
        entries.append(
            PopularQuery(
                site_id=row["site_id"],
                query=row["query"],
                count=row["searches"],
                visitors=row["visitors"],
                days=row["days"],
                clicks=row["clicked"],
                eligible=eligible,
                last_searched=row["last"],
            )  # fmt: skip
        )
    with transaction.atomic():
        PopularQuery.objects.all().delete()
        PopularQuery.objects.bulk_create(entries, batch_size=1000)
    return {"popular": len(entries), "suggested": sum(e.eligible for e in entries)}


# --- blocked terms ---------------------------------------------------------------------------------


def blocked_terms(site_id: int | None = None) -> dict[int | None, tuple[str, ...]]:
    """Site id (None: every site) → its blocked terms (case-folded, without spaces), of one site
    and every site, or of all sites. Read at each use (one small indexed query), so that a term
    blocked a moment ago is already hidden in every process."""
    rows = BlockedTerm.objects.all()
    if site_id is not None:
        rows = rows.filter(Q(site_id=site_id) | Q(site__isnull=True))
    terms: dict[int | None, list[str]] = {}
    for site, term in rows.values_list("site_id", "term"):
        terms.setdefault(site, []).append(_plain(term))
    return {key: tuple(value) for key, value in terms.items()}


def is_blocked(text: str, site_id: int, blocked: dict | None = None) -> bool:
    blocked = blocked_terms(site_id) if blocked is None else blocked
    folded = _plain(text)
    return any(term in folded for term in (*blocked.get(None, ()), *blocked.get(site_id, ())))


def _plain(text: str) -> str:
    """Case-folded, without spaces: 骗 子 contains 骗子."""
    return fold_case(normalise(text)).replace(" ", "")
