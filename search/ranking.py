"""The ranking of a search's candidates (SRCH-3), in Python on both backends; the formula is
search/engine.py's docstring.

The candidates (at most COUNT_LIMIT matches, usually the newest RERANK_WINDOW) come from the
database with their title, summary and the start of their text; the occurrences are counted
here. In SQL the same score (lower() and replace() on each text, numeric arithmetic) took 8 ms
for 100 candidates at 100,000 articles, 50 ms for 1,000 (EXPLAIN ANALYZE): PostgreSQL's lower()
of 600 Chinese characters alone costs 25 µs. Here it is below 1 ms for 100.
"""

from __future__ import annotations

from search.query import ParsedQuery

MAX_SCORE_TERMS = 6
SCORED_TEXT_CHARS = 600

# The candidates' columns, selected from the document table as `d`, in this order.
CANDIDATE_COLUMNS = (
    "d.id, d.resource_id, d.site_id, d.published_at, d.published_day, d.clicks, d.title, d.summary,"
    f" substr(d.content, 1, {SCORED_TEXT_CHARS})"
)


def _lowered(text: str | None, caseless: bool) -> str:
    return (text or "") if caseless else (text or "").lower()


def ranked_ids(rows, parsed: ParsedQuery, today: int, limit: int, offset: int) -> list[int]:
    """The ids of the page of `rows` (CANDIDATE_COLUMNS) by score, then newest, then resource
    and site (the order the pages after the ranked window keep)."""
    terms = parsed.terms[:MAX_SCORE_TERMS]
    phrases = {p.lower() for p in parsed.phrases}
    weights = [(term, 2.0 if term in phrases else 1.0) for term in terms if term]
    # Terms without letters that have a case (Chinese, digits) are counted in the text as stored.
    caseless = all(term.lower() == term.upper() for term, _ in weights)
    keyed = []
    for doc_id, resource_id, site_id, published_at, day, clicks, title, summary, lead in rows:
        title, summary, lead = (_lowered(text, caseless) for text in (title, summary, lead))
        score = 0.0
        for term, weight in weights:
            score += weight * (
                4.0 * min(title.count(term), 2) + 2.0 * min(summary.count(term), 2) + 0.5 * min(lead.count(term), 8)
            )
        score += 3.0 * 365.0 / (365.0 + max(0, today - day))
        score += 2.0 * clicks / (clicks + 10.0)
        keyed.append((score, published_at, resource_id, site_id, doc_id))
    # Stable sorts, the last key first: site id ascending, then newest (date, resource id), then score.
    keyed.sort(key=lambda k: k[3])
    keyed.sort(key=lambda k: (k[1], k[2]), reverse=True)
    keyed.sort(key=lambda k: k[0], reverse=True)
    return [k[4] for k in keyed[offset : offset + limit]]
