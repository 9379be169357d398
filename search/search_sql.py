"""The SQL pieces of a search (SRCH-1, SRCH-3), the same on both backends: the scope, the match
with its quoted phrases, the facet filters, and which index finds the matches (the score is
search/ranking.py).

`SearchSQL` is the base of search.engine.Searcher, which runs the queries built here; it reads
the Searcher's `site`, `scope`, `filters`, `engine` (the backend) and its two caches.
The ranking the score implements is described in search/engine.py.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

from django.db import connection
from django.utils import timezone

from search.models import SearchScope
from search.query import ParsedQuery
from search.results import POLICY_KIND
from search.text import identifier_key, normalise
from sites.models import Site, SiteStatus

PHRASE_SCAN = 200  # newest documents with a phrase's words that are checked for the phrase itself
WALK_ROW_COST = 2.5  # a row read walking the date index, in rows fetched through the full-text index
# Share of the policy library's filtered documents the words must keep for its filtered walk.
FILTERED_WALK_SHARE = 0.5
FILTERED_WALK_BOUND = 4  # filtered documents tested per wanted match, before testing them all
HIDDEN_SITE_STATUSES = (SiteStatus.OFFLINE, SiteStatus.CLOSED)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SearchSQL:
    shown_first: tuple[int, ...] = ()  # documents found by their identifiers (search/engine.py)

    def scope_sql(self, by_date: bool = False) -> tuple[str, list]:
        """The scope condition; `by_date`: usable by the (site, date) index, else only a filter so
        that the full-text index drives the lookup."""
        if self.scope == SearchScope.PLATFORM:
            marks = ", ".join(["%s"] * len(HIDDEN_SITE_STATUSES))
            return (
                f"d.is_repost = %s AND d.site_id IN (SELECT id FROM {Site._meta.db_table} WHERE status NOT IN ({marks}))",
                [False, *HIDDEN_SITE_STATUSES],
            )
        return ("d.site_id = %s" if by_date else "d.site_id + 0 = %s"), [self.site.pk]

    def _base_where(self, parsed: ParsedQuery, by_date: bool = False) -> tuple[str, list]:
        """The match in scope, with the policy library's filters, less the documents found by
        their identifiers (shown first, search/engine.py)."""
        library_sql, library_params = self.library_sql()
        if parsed.phrases_to_check:
            ids = self._phrase_matches(parsed)
            if not ids:
                return "1 = 0", []
            return f"d.id IN ({', '.join(['%s'] * len(ids))}){library_sql}", ids + library_params
        match_sql, params = self.engine.match(parsed.groups)
        scope_sql, scope_params = self.scope_sql(by_date)
        return f"{match_sql} AND {scope_sql}{library_sql}", params + scope_params + library_params

    def library_sql(self) -> tuple[str, list]:
        """The policy library's conditions (DISC-5), each " AND …"; and the documents already shown
        as found by their identifiers left out. Each filter has its index (search/models.py)."""
        parts, params = [], []
        f = self.filters
        if f.library:
            parts.append("d.kind = %s")
            params.append(POLICY_KIND)
            if f.document_number:
                parts.append(f"d.document_key {self.engine.like} %s ESCAPE '\\'")
                params.append(f"%{_like_escape(identifier_key(f.document_number))}%")
            if f.issuing_body:
                parts.append(f"d.issuing_body {self.engine.like} %s ESCAPE '\\'")
                params.append(f"%{_like_escape(normalise(f.issuing_body))}%")
            adapt = connection.ops.adapt_datefield_value
            for column, low, high in (("written_on", f.written_from, f.written_to),
                                      ("published_on", f.published_from, f.published_to)):  # fmt: skip
                if low:
                    parts.append(f"d.{column} >= %s")
                    params.append(adapt(low))
                if high:
                    parts.append(f"d.{column} <= %s")
                    params.append(adapt(high))
            if f.subject:
                parts.append("d.subject = %s")
                params.append(f.subject)
            if f.validity:
                parts.append("d.validity = %s")
                params.append(f.validity)
        if self.shown_first:
            parts.append(f"d.id NOT IN ({', '.join(['%s'] * len(self.shown_first))})")
            params += list(self.shown_first)
        return "".join(f" AND {p}" for p in parts), params

    def walk_dates(self, parsed: ParsedQuery, wanted: int, filtered: bool = False) -> bool:
        """Whether the newest `wanted` matches are best found by walking a date index and testing
        each document's words, rather than by fetching every match through the full-text index
        and sorting them. A walk reads about wanted × documents / matches rows (fewer matches
        when a column type or site is chosen: `filtered`; a chosen year is a range of the date
        index, see _filter_sql), the full-text lookup every match, and a walked row costs about
        2.5 fetched ones (benchmarks/search_bench.py at 100,000 articles: the newest 200 of 2,500
        matches take 34 ms walking and 4 ms fetched; of 99,000 matches, 2 ms walking)."""
        match_sql, params = self.engine.match(parsed.groups)
        library_sql, library_params = self.library_sql()
        matches, documents = self._estimate(match_sql + library_sql, params + library_params)
        if matches is None:  # a backend whose planner cannot tell: its own choice
            return True
        kept = matches
        filter_sql, filter_params = self._filter_sql(with_year=False)
        if filtered and filter_sql:
            kept, _ = self._estimate(match_sql + library_sql + filter_sql, params + library_params + filter_params)
        return matches * kept > WALK_ROW_COST * wanted * documents

    def filtered_walk_wanted(self, parsed: ParsedQuery) -> bool:
        """Whether words within the policy library's filters are best found by its filtered walk
        (DISC-5): when the words keep at least FILTERED_WALK_SHARE of the filtered documents, so
        that the walk tests at most about twice the documents it keeps. Otherwise (rare words)
        the full-text index finds fewer documents than the filters, and the usual lookups do.
        Not on backends whose planner cannot estimate, nor for quoted phrases (checked apart)."""
        if not self.filters.library_filtered or parsed.phrases_to_check:
            return False
        match_sql, params = self.engine.match(parsed.groups)
        library_sql, library_params = self.library_sql()
        matches, _ = self._estimate(match_sql + library_sql, params + library_params)
        filtered, _ = self._estimate("1 = 1" + library_sql, library_params)
        return matches is not None and filtered is not None and matches >= FILTERED_WALK_SHARE * filtered

    def filtered_walk(self, parsed: ParsedQuery, with_filters: bool, bound: int | None = None) -> tuple[str, list]:
        """The matches within the policy library's filters, newest first (DISC-5): a query with
        the columns id, site_id, column_type, year, to be LIMITed by the caller.

        The documents of the filters come newest first from a date index that carries every
        filtered column (search/models.py: an index-only walk on PostgreSQL, or the filter's own
        index and a sort of its few rows, as the planner estimates), fenced by OFFSET 0 so that
        the words are not tested inside it; each is then joined to its document and its words
        tested in that order, until the LIMIT is reached. The words, found in nearly every
        document by themselves (政府, 管理), no longer make the full-text index list them all, nor a
        walk of the site's date index read the full text of every newer document the filters
        leave out (EXPLAIN ANALYZE at 100,000 policies: 会议 written in one year, 127 → 20 ms).
        `bound`: at most that many of the filtered documents are tested (a LIMIT instead of the
        OFFSET 0 fence, which lets the planner walk the date index instead of sorting every
        filtered document, e.g. platform-wide where the filters' indexes, led by the site, do not
        serve); the caller runs it again unbounded when the bound left it short."""
        table = self.engine.table
        scope_sql, scope_params = self.scope_sql(by_date=True)
        library_sql, library_params = self.library_sql()
        filter_sql, filter_params = self._filter_sql() if with_filters else ("", [])
        match_sql, match_params = self.engine.match(parsed.groups)
        order = "published_at DESC, {0}.resource_id DESC, {0}.site_id"
        fence = f"LIMIT {int(bound)}" if bound is not None else "OFFSET 0"
        if bound is None and connection.vendor == "sqlite":  # its OFFSET needs a LIMIT
            fence = "LIMIT -1 OFFSET 0"
        sql = (
            f"SELECT d.id, d.site_id, d.column_type, d.year FROM (SELECT d.id, d.published_at, d.resource_id,"
            f" d.site_id FROM {table} d WHERE {scope_sql}{library_sql}{filter_sql}"
            f" ORDER BY d.{order.format('d')} {fence}) x JOIN {table} d ON d.id = x.id WHERE {match_sql}"
            f" ORDER BY x.{order.format('x')}"
        )
        return sql, scope_params + library_params + filter_params + match_params

    def _estimate(self, where: str, params: list) -> tuple[float | None, float]:
        key = (where, tuple(params))
        if key not in self._estimates:
            self._estimates[key] = self.engine.matches_estimate(where, params) or (None, 0.0)
        return self._estimates[key]

    def _phrase_matches(self, parsed: ParsedQuery) -> list[int]:
        """Documents with the quoted phrases as written: checked in the text of the newest
        PHRASE_SCAN documents that have the phrases' words (one bounded query)."""
        key = (tuple(parsed.phrases_to_check), repr(parsed.groups))
        if key not in self._phrase_cache:
            walk = self.walk_dates(parsed, PHRASE_SCAN)
            match_sql, params = self.engine.match(parsed.groups)
            scope_sql, scope_params = self.scope_sql(by_date=walk)
            checks, check_params = [], []
            for phrase in parsed.phrases_to_check:
                # A phrase without letters that have a case (Chinese, digits) is looked for in the
                # text as stored: lower-casing 200 texts costs more than the search itself.
                title, content = ("x.title", "x.content") if phrase.lower() == phrase.upper() else (
                    "lower(x.title)", "lower(x.content)")  # fmt: skip
                strpos = self.engine.strpos
                checks.append(f"({strpos}({title}, %s) > 0 OR {strpos}({content}, %s) > 0)")
                check_params += [phrase.lower(), phrase.lower()]
            with self._lookup(walk), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT x.id FROM (SELECT d.id, d.title, d.content FROM {self.engine.table} d"
                    f" WHERE {match_sql} AND {scope_sql}"
                    f" ORDER BY d.published_at DESC, d.resource_id DESC LIMIT {PHRASE_SCAN}) x"
                    f" WHERE {' AND '.join(checks)}",
                    params + scope_params + check_params,
                )
                self._phrase_cache[key] = [row[0] for row in cursor.fetchall()]
        return self._phrase_cache[key]

    def _lookup(self, walk: bool):
        return nullcontext() if walk else self.engine.index_lookup()

    def _filter_sql(self, with_year: bool = True) -> tuple[str, list]:
        parts, params = [], []
        if self.filters.site_id:
            parts.append("d.site_id = %s")
            params.append(self.filters.site_id)
        if self.filters.column_type:
            parts.append("d.column_type = %s")
            params.append(self.filters.column_type)
        if self.filters.year and with_year:
            # The year's dates too, so that a walk of the date index starts at the year's end
            # instead of reading every newer document (year is the local year of published_at).
            zone = timezone.get_default_timezone()
            start = dt.datetime(self.filters.year, 1, 1, tzinfo=zone)
            end = dt.datetime(self.filters.year + 1, 1, 1, tzinfo=zone)
            adapt = connection.ops.adapt_datetimefield_value
            parts.append("d.year = %s AND d.published_at >= %s AND d.published_at < %s")
            params += [self.filters.year, adapt(start), adapt(end)]
        return "".join(f" AND {p}" for p in parts), params
