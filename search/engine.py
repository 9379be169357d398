"""Running a search (SRCH-1 to SRCH-3): scope, facets, ranking, pages, corrections.

Scope: a site's search covers the pages of that site only; a portal may also search the whole
platform (every site that is not offline or closed; reposts are left out there, their originals
are found on their own sites). Nothing else ever widens a search.

Ranking, the same SQL on both backends: up to COUNT_LIMIT matches are all scored (found through
the GIN/FTS index); with more, the newest RERANK_WINDOW of them (see Searcher.walk_dates) are:

    relevance   per searched word (a quoted phrase counts double): 4 × occurrences in the title
                (at most 2) + 2 × in the summary (at most 2) + 0.5 × in the start of the text (at most 8)
    recency     3 × 365 / (365 + age in days): 3 today, 1.5 after a year
    use         2 × clicks / (clicks + 10): what citizens actually open rises (search logs)

Pages after that window follow the date. Facets (site, column type, year) count the documents
of the search without the facet filters of their own dimension. Counting is bounded: past
COUNT_LIMIT matches the page says "more than", and the facets count those first matches (the
newest ones when most documents match, see Searcher.count).

Each step finds its documents by whichever way the database's own estimate of the matches says
is cheaper: walking a date index and testing each row, or the full-text index (walk_dates).
The SQL pieces (scope, match, filters, score, that choice) are search/search_sql.py.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils import timezone

from search import logs
from search.backends import backend
from search.highlight import mark, snippet
from search.indexer import EPOCH
from search.models import SearchScope
from search.query import ParsedQuery, Parser
from search.ranking import CANDIDATE_COLUMNS, ranked_ids
from search.results import FacetValue, Filters, Hit, Outcome
from search.search_sql import FILTERED_WALK_BOUND, SearchSQL
from search.text import identifier_key
from search.vocabulary import correct_text, vocabulary
from sites.models import Domain, Site, SiteKind

PAGE_SIZE = 10
MAX_PAGE = 50
RERANK_WINDOW = 100
COUNT_LIMIT = 1_000  # matches counted for the total and the facets; more show as "more than"
COUNT_WALK_SHARE = 0.6  # share of all documents matching above which counting walks the date index
IDENTIFIER_CHARS = (5, 100)  # lengths of what may be an index number or a document number
MAX_IDENTIFIED = 20  # documents found by one identifier (a document number several sites publish)


@dataclass
class _Run:
    parsed: ParsedQuery
    total: int = 0
    combos: list = field(default_factory=list)
    capped: bool = False
    walked: list[int] | None = None  # the counted documents, newest first (the filtered walk)


def allowed_scope(site: Site, requested: str) -> str:
    """Platform-wide search only on portals (SRCH-1); everything else searches the site itself."""
    if requested == SearchScope.PLATFORM and site.kind == SiteKind.PORTAL:
        return SearchScope.PLATFORM
    return SearchScope.SITE


class Searcher(SearchSQL):
    def __init__(self, site: Site, scope: str, filters: Filters):
        self.site = site
        self.scope = allowed_scope(site, scope)
        self.filters = filters
        if self.scope != SearchScope.PLATFORM:
            self.filters.site_id = None
        self.engine = backend()
        self._phrase_cache: dict = {}
        self._estimates: dict = {}
        self._labels: dict[int, tuple[str, str]] = {}
        self.vocabulary = vocabulary()
        self.parser = Parser(self.vocabulary)

    def count(self, parsed: ParsedQuery) -> _Run:
        """Total and facet combinations of a parsed query (one grouped query). When most documents
        match, the first COUNT_LIMIT + 1 of them (newest first) are found by walking the date index:
        the full-text index would build a bitmap of every match first (12 ms for 99,000 matches
        of 100,000, against 4 ms for walking 1,001 rows)."""
        run = _Run(parsed)
        if self.filtered_walk_wanted(parsed):  # words within the policy library's filters
            rows = self._walk_rows(parsed, False, COUNT_LIMIT + 1)
            combos: dict[tuple, int] = {}
            for _id, site_id, column_type, year in rows:
                combos[(site_id, column_type, year)] = combos.get((site_id, column_type, year), 0) + 1
            run.combos = [(*key, n) for key, n in combos.items()]
            run.walked = [row[0] for row in rows]  # the page's documents when no facet is chosen
            return self._counted(run)
        walk = not parsed.phrases_to_check and self._mostly_matching(parsed)
        where, params = self._base_where(parsed, by_date=walk)
        order = " ORDER BY d.published_at DESC, d.resource_id DESC" if walk else ""
        table = self.engine.table
        with self._lookup(walk), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT m.site_id, m.column_type, m.year, COUNT(*) FROM (SELECT d.site_id, d.column_type, d.year"
                f" FROM {table} d WHERE {where}{order} LIMIT {COUNT_LIMIT + 1}) m"
                " GROUP BY m.site_id, m.column_type, m.year",
                params,
            )
            run.combos = cursor.fetchall()
        return self._counted(run)

    def _walk_rows(self, parsed: ParsedQuery, with_filters: bool, wanted: int, offset: int = 0) -> list[tuple]:
        """The filtered walk's rows (search_sql.filtered_walk): bounded first, unbounded if short."""
        rows: list[tuple] = []
        for bound in (FILTERED_WALK_BOUND * (offset + wanted), None):
            sql, params = self.filtered_walk(parsed, with_filters, bound)
            with self.engine.serial(), connection.cursor() as cursor:
                cursor.execute(f"{sql} LIMIT {int(wanted)} OFFSET {int(offset)}", params)
                rows = cursor.fetchall()
            if len(rows) == wanted:
                break
        return rows

    def _counted(self, run: _Run) -> _Run:
        run.capped = sum(n for *_, n in run.combos) > COUNT_LIMIT
        run.total = sum(n for site_id, ctype, year, n in run.combos if self._passes(site_id, ctype, year))
        return run

    def _mostly_matching(self, parsed: ParsedQuery) -> bool:
        match_sql, params = self.engine.match(parsed.groups)
        library_sql, library_params = self.library_sql()
        matches, documents = self._estimate(match_sql + library_sql, params + library_params)
        return matches is not None and matches >= COUNT_WALK_SHARE * documents

    def identified(self, text: str) -> list[tuple[int, int, str, int]]:
        """Documents whose index number or document number is what was typed (DISC-2), in scope
        and in the policy library's filters: (id, site, column type, year), newest first. Two
        index lookups; a query without a digit is no identifier and asks nothing."""
        key = identifier_key(text)
        if not IDENTIFIER_CHARS[0] <= len(key) <= IDENTIFIER_CHARS[1] or not any(ch.isdigit() for ch in key):
            return []
        scope_sql, scope_params = self.scope_sql(by_date=True)
        library_sql, library_params = self.library_sql()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id, d.site_id, d.column_type, d.year FROM {self.engine.table} d"
                " WHERE ((d.index_number = %s AND d.index_number <> '') OR (d.document_key = %s AND d.document_key <> ''))"
                f" AND {scope_sql}{library_sql} ORDER BY d.published_at DESC, d.resource_id DESC LIMIT {MAX_IDENTIFIED}",
                [key, key, *scope_params, *library_params],
            )
            return [tuple(row) for row in cursor.fetchall()]

    def browse_count(self) -> _Run:
        """The policy library without words (DISC-5): the newest COUNT_LIMIT + 1 policies of the
        filters, counted by facet combination as `count` does."""
        run = _Run(ParsedQuery(text=""))
        scope_sql, scope_params = self.scope_sql(by_date=True)
        library_sql, library_params = self.library_sql()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT m.site_id, m.column_type, m.year, COUNT(*) FROM (SELECT d.site_id, d.column_type, d.year"
                f" FROM {self.engine.table} d WHERE {scope_sql}{library_sql}"
                f" ORDER BY d.published_at DESC, d.resource_id DESC LIMIT {COUNT_LIMIT + 1}) m"
                " GROUP BY m.site_id, m.column_type, m.year",
                scope_params + library_params,
            )
            run.combos = cursor.fetchall()
        return self._counted(run)

    def browse_ids(self, offset: int, limit: int) -> list[int]:
        """A page of the policy library without words: newest first."""
        scope_sql, scope_params = self.scope_sql(by_date=True)
        library_sql, library_params = self.library_sql()
        filter_sql, filter_params = self._filter_sql()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id FROM {self.engine.table} d WHERE {scope_sql}{library_sql}{filter_sql}"
                " ORDER BY d.published_at DESC, d.resource_id DESC LIMIT %s OFFSET %s",
                scope_params + library_params + filter_params + [limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]

    def _passes(self, site_id, column_type, year, skip: str = "") -> bool:
        f = self.filters
        return (
            (skip == "site" or not f.site_id or site_id == f.site_id)
            and (skip == "type" or not f.column_type or column_type == f.column_type)
            and (skip == "year" or not f.year or year == f.year)
        )

    def page_ids(self, run: _Run, offset: int, limit: int) -> list[int]:
        """A page of ranked document ids. Up to COUNT_LIMIT matches are all scored; with more, the
        newest RERANK_WINDOW are (found as walk_dates decides), and later pages go by date."""
        parsed = run.parsed
        if self.filtered_walk_wanted(parsed):
            return self._filtered_page_ids(run, offset, limit)
        wanted = max(RERANK_WINDOW, offset + limit)
        walk = run.capped and (bool(parsed.phrases_to_check) or self.walk_dates(parsed, wanted, filtered=True))
        where, params = self._base_where(parsed, by_date=walk)
        filter_sql, filter_params = self._filter_sql()
        where, params = where + filter_sql, params + filter_params
        coarse = "d.published_at DESC, d.resource_id DESC, d.site_id"
        table = self.engine.table
        if not run.capped:
            candidates = f"SELECT d.id FROM {table} d WHERE {where}"
            return self._ranked(candidates, params, parsed, limit, offset, self.engine.index_lookup())
        if offset < RERANK_WINDOW:
            candidates = f"SELECT d.id FROM {table} d WHERE {where} ORDER BY {coarse} LIMIT {RERANK_WINDOW}"
            return self._ranked(candidates, params, parsed, limit, offset, self._lookup(walk))
        with self._lookup(walk), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id FROM {table} d WHERE {where} ORDER BY {coarse} LIMIT %s OFFSET %s",
                params + [limit, offset],
            )
            return [row[0] for row in cursor.fetchall()]

    def _ranked(self, candidates: str, params: list, parsed: ParsedQuery, limit: int, offset: int,
                lookup=None) -> list[int]:  # fmt: skip
        """A page of the documents `candidates` (a query of their ids) ranked (search/ranking.py)."""
        with lookup or nullcontext(), connection.cursor() as cursor:
            cursor.execute(
                f"WITH c AS MATERIALIZED ({candidates}) SELECT {CANDIDATE_COLUMNS} FROM {self.engine.table} d"
                " JOIN c ON c.id = d.id",
                params,
            )
            rows = cursor.fetchall()
        return ranked_ids(rows, parsed, (timezone.localdate() - EPOCH).days, limit, offset)

    def _filtered_page_ids(self, run: _Run, offset: int, limit: int) -> list[int]:
        """page_ids through the policy library's filtered walk (search/search_sql.py): the same
        documents in the same order, every match scored up to COUNT_LIMIT, else the newest
        RERANK_WINDOW, later pages by date."""
        table = self.engine.table
        if run.walked and not self._filter_sql()[0] and (not run.capped or offset < RERANK_WINDOW):
            # the count's walk found them already, newest first: no second walk
            ids = run.walked[:RERANK_WINDOW] if run.capped else run.walked
            marks = ", ".join(["%s"] * len(ids))
            return self._ranked(f"SELECT d.id FROM {table} d WHERE d.id IN ({marks})", ids, run.parsed, limit, offset)
        if run.capped and offset >= RERANK_WINDOW:  # later pages by date
            return [row[0] for row in self._walk_rows(run.parsed, True, limit, offset)]
        if run.capped:
            ids = [row[0] for row in self._walk_rows(run.parsed, True, RERANK_WINDOW)]
        else:
            walk_sql, params = self.filtered_walk(run.parsed, with_filters=True)
            with self.engine.serial(), connection.cursor() as cursor:
                cursor.execute(walk_sql, params)
                ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return []
        marks = ", ".join(["%s"] * len(ids))
        return self._ranked(f"SELECT d.id FROM {table} d WHERE d.id IN ({marks})", ids, run.parsed, limit, offset)

    def hits(self, parsed: ParsedQuery, ids: list[int], offset: int) -> list[Hit]:
        if not ids:
            return []
        table = self.engine.table
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, resource_id, site_id, title, summary, content, url, published_at, column_name, column_type,"
                f" document_number, issuing_body, written_on FROM {table} WHERE id IN ({marks})",
                ids,
            )
            rows = {row[0]: row for row in cursor.fetchall()}
        labels = self._site_labels({row[2] for row in rows.values()})
        scheme = getattr(settings, "PUBLIC_URL_SCHEME", "https")
        terms = parsed.terms
        out = []
        for position, doc_id in enumerate(ids, start=offset + 1):
            (_id, rid, sid, title, summary, content, url, published_at, column_name, column_type,
             document_number, issuing_body, written_on) = rows[doc_id]  # fmt: skip
            if isinstance(written_on, str):  # SQLite through a raw cursor
                written_on = dt.date.fromisoformat(written_on)
            if isinstance(published_at, str):  # SQLite through a raw cursor
                published_at = dt.datetime.fromisoformat(published_at)
            if timezone.is_naive(published_at):
                published_at = timezone.make_aware(published_at, dt.UTC)
            external = sid != self.site.pk
            name, domain = labels.get(sid, ("", ""))
            if external and url.startswith("/") and domain:
                url = f"{scheme}://{domain}{url}"
            out.append(
                Hit(
                    position=position,
                    resource_id=rid,
                    site_id=sid,
                    title=mark(title, terms),
                    url=url,
                    site_name=name,
                    external=external,
                    published_at=published_at,
                    column_name=column_name,
                    column_type=column_type,
                    snippet=snippet(content, summary, terms),
                    document_number=document_number or "",
                    issuing_body=issuing_body or "",
                    written_on=written_on,
                    exact=doc_id in self.shown_first,
                )
            )
        return out

    def _site_labels(self, site_ids: set[int]) -> dict[int, tuple[str, str]]:
        """site id → (name, primary domain), asked at most once per search for the facets and the
        results together (the search's own site is known already)."""
        missing = site_ids - self._labels.keys() - {self.site.pk}
        if missing:
            marks = ", ".join(["%s"] * len(missing))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT s.id, s.name, d.name FROM {Site._meta.db_table} s LEFT JOIN {Domain._meta.db_table} d"
                    f" ON d.site_id = s.id AND d.is_primary WHERE s.id IN ({marks})",
                    list(missing),
                )
                for site_id, name, domain in cursor.fetchall():
                    self._labels[site_id] = (name, domain or "")
        self._labels[self.site.pk] = (self.site.name, "")  # its results are not external: no domain needed
        return {site_id: self._labels[site_id] for site_id in site_ids if site_id in self._labels}

    def facets(self, run: _Run) -> dict[str, list[FacetValue]]:
        sites, types, years = {}, {}, {}
        for site_id, column_type, year, n in run.combos:
            if self._passes(site_id, column_type, year, skip="site"):
                sites[site_id] = sites.get(site_id, 0) + n
            if column_type and self._passes(site_id, column_type, year, skip="type"):
                types[column_type] = types.get(column_type, 0) + n
            if self._passes(site_id, column_type, year, skip="year"):
                years[year] = years.get(year, 0) + n
        f = self.filters
        facets = {
            "type": [
                FacetValue(t, t, n, t == f.column_type)
                for t, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "year": [FacetValue(str(y), f"{y}年", n, y == f.year) for y, n in sorted(years.items(), reverse=True)],
        }
        if self.scope == SearchScope.PLATFORM:
            names = {site_id: label[0] for site_id, label in self._site_labels(set(sites)).items()}
            facets["site"] = [
                FacetValue(str(s), names.get(s, str(s)), n, s == f.site_id)
                for s, n in sorted(sites.items(), key=lambda kv: (-kv[1], names.get(kv[0], "")))
            ]
        return facets


def search(site: Site, raw: str, *, scope: str = SearchScope.SITE, filters: Filters | None = None, page: int = 1,
           log: bool = True, correct: bool = True, visitor: str = "") -> Outcome:  # fmt: skip
    """Search `site` (or, on a portal, the platform) for what was typed; see the module's docstring.
    `visitor`: the keyed hash of who asked, for the log (search/logs.py visitor_key)."""
    searcher = Searcher(site, scope, filters or Filters())
    parsed = searcher.parser.parse(raw or "")
    outcome = Outcome(site=site, query=parsed.text, scope=searcher.scope, filters=searcher.filters,
                      page=max(1, min(page, MAX_PAGE)), notes=list(parsed.notes))  # fmt: skip
    if not parsed.text:
        if searcher.filters.library:  # the policy library by its filters alone (DISC-5)
            _page(searcher, outcome, searcher.browse_count(), [])
        else:
            outcome.message = "empty"
        return outcome
    # An index number or document number typed whole finds its item first (DISC-2).
    identified = searcher.identified(parsed.text)
    searcher.shown_first = tuple(row[0] for row in identified)
    if parsed.empty and not identified:
        outcome.message = "nothing"
        _log(outcome, log, visitor)
        return outcome
    run = searcher.count(parsed) if not parsed.empty else _Run(parsed)
    if correct and not identified and (run.total == 0 or parsed.unknown or parsed.dropped):
        run = _corrected(searcher, parsed, run, outcome)
    _page(searcher, outcome, run, identified)
    _log(outcome, log, visitor)
    return outcome


def _page(searcher: Searcher, outcome: Outcome, run: _Run, identified: list) -> None:
    """Totals, facets and the asked page: the documents found by their identifiers first, then
    the ranked matches (or, without words, the policy library's newest)."""
    first = [doc_id for doc_id, site_id, ctype, year in identified if searcher._passes(site_id, ctype, year)]
    run.combos = list(run.combos) + [(site_id, ctype, year, 1) for _id, site_id, ctype, year in identified]
    outcome.capped = run.capped
    outcome.total = (min(run.total, COUNT_LIMIT) if run.capped else run.total) + len(first)
    outcome.facets = searcher.facets(run)
    outcome.pages = min(MAX_PAGE, -(-outcome.total // PAGE_SIZE))
    if outcome.total and outcome.page > outcome.pages:
        outcome.message = "page_range"
        outcome.page = outcome.pages
    offset = (outcome.page - 1) * PAGE_SIZE
    ids = first[offset : offset + PAGE_SIZE]
    rest_offset, wanted = max(0, offset - len(first)), PAGE_SIZE - len(ids)
    if run.total and wanted:
        if run.parsed.text:
            ids += searcher.page_ids(run, rest_offset, wanted)
        else:
            ids += searcher.browse_ids(rest_offset, wanted)
    outcome.hits = searcher.hits(run.parsed, ids, offset)


def _corrected(searcher: Searcher, parsed: ParsedQuery, run: _Run, outcome: Outcome) -> _Run:
    """Typos (SRCH-2 错别字纠正): search the corrected text instead when the query found nothing, or
    when the correction sounds the same or nearly (社报 → 社保, 公积经 → 公积金); otherwise only
    offer it ("did you mean") when it finds more."""
    corrected = correct_text(parsed.text, searcher.vocabulary)
    if corrected is None or corrected.text == parsed.text:
        return run
    other = searcher.count(searcher.parser.parse(corrected.text))
    if other.total == 0:
        return run
    if run.total == 0 or corrected.quality >= 2:
        outcome.corrected_from = parsed.text
        outcome.query = corrected.text
        outcome.notes = [n for n in other.parsed.notes if n.kind != "truncated"] + [
            n for n in parsed.notes if n.kind == "truncated"
        ]
        return other
    if other.total > run.total:
        outcome.did_you_mean = corrected.text
    return run


def _log(outcome: Outcome, enabled: bool, visitor: str) -> None:
    if not enabled:
        return
    outcome.log_id = logs.record_search(outcome, visitor)
    if outcome.log_id:
        for hit in outcome.hits:
            hit.click_token = logs.click_token(outcome.log_id, hit)
