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
from search.results import FacetValue, Filters, Hit, Outcome
from search.vocabulary import correct_text, vocabulary
from sites.models import Domain, Site, SiteKind, SiteStatus

PAGE_SIZE = 10
MAX_PAGE = 50
RERANK_WINDOW = 100
COUNT_LIMIT = 1_000  # matches counted for the total and the facets; more show as "more than"
MAX_SCORE_TERMS = 6
SCORED_TEXT_CHARS = 600
PHRASE_SCAN = 200  # newest documents with a phrase's words that are checked for the phrase itself
COUNT_WALK_SHARE = 0.6  # share of all documents matching above which counting walks the date index
WALK_ROW_COST = 2.5  # a row read walking the date index, in rows fetched through the full-text index
HIDDEN_SITE_STATUSES = (SiteStatus.OFFLINE, SiteStatus.CLOSED)


@dataclass
class _Run:
    parsed: ParsedQuery
    total: int = 0
    combos: list = field(default_factory=list)
    capped: bool = False


def allowed_scope(site: Site, requested: str) -> str:
    """Platform-wide search only on portals (SRCH-1); everything else searches the site itself."""
    if requested == SearchScope.PLATFORM and site.kind == SiteKind.PORTAL:
        return SearchScope.PLATFORM
    return SearchScope.SITE


class Searcher:
    def __init__(self, site: Site, scope: str, filters: Filters):
        self.site = site
        self.scope = allowed_scope(site, scope)
        self.filters = filters
        if self.scope != SearchScope.PLATFORM:
            self.filters.site_id = None
        self.engine = backend()
        self._phrase_cache: dict = {}
        self._estimates: dict = {}
        self.vocabulary = vocabulary()
        self.parser = Parser(self.vocabulary)

    # --- SQL pieces -------------------------------------------------------------------------------

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
        if parsed.phrases_to_check:
            ids = self._phrase_matches(parsed)
            if not ids:
                return "1 = 0", []
            return f"d.id IN ({', '.join(['%s'] * len(ids))})", ids
        match_sql, params = self.engine.match(parsed.groups)
        scope_sql, scope_params = self.scope_sql(by_date)
        return f"{match_sql} AND {scope_sql}", params + scope_params

    def walk_dates(self, parsed: ParsedQuery, wanted: int, filtered: bool = False) -> bool:
        """Whether the newest `wanted` matches are best found by walking a date index and testing
        each document's words, rather than by fetching every match through the full-text index
        and sorting them. A walk reads about wanted × documents / matches rows (fewer matches
        when a column type or site is chosen: `filtered`; a chosen year is a range of the date
        index, see _filter_sql), the full-text lookup every match, and a walked row costs about
        2.5 fetched ones (benchmarks/search_bench.py at 100,000 articles: the newest 200 of 2,500
        matches take 34 ms walking and 4 ms fetched; of 99,000 matches, 2 ms walking)."""
        match_sql, params = self.engine.match(parsed.groups)
        matches, documents = self._estimate(match_sql, params)
        if matches is None:  # a backend whose planner cannot tell: its own choice
            return True
        kept = matches
        filter_sql, filter_params = self._filter_sql(with_year=False)
        if filtered and filter_sql:
            kept, _ = self._estimate(match_sql + filter_sql, params + filter_params)
        return matches * kept > WALK_ROW_COST * wanted * documents

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

    def _score_sql(self, parsed: ParsedQuery) -> tuple[str, list]:
        least, greatest = self.engine.least, self.engine.greatest
        terms, params, parts = parsed.terms[:MAX_SCORE_TERMS], [], []
        phrases = {p.lower() for p in parsed.phrases}
        for term in terms:
            weight = 2.0 if term in phrases else 1.0
            counts = []
            for column in ("w.lt", "w.ls", "w.lc"):
                counts.append(f"((length({column}) - length(replace({column}, %s, ''))) / %s)")
                params += [term, len(term)]
            parts.append(
                f"{weight} * (4.0 * {least}({counts[0]}, 2) + 2.0 * {least}({counts[1]}, 2)"
                f" + 0.5 * {least}({counts[2]}, 8))"
            )
        today = (timezone.localdate() - EPOCH).days
        parts.append(f"3.0 * 365.0 / (365.0 + {greatest}(0, %s - w.published_day))")
        params.append(today)
        parts.append("2.0 * w.clicks / (w.clicks + 10.0)")
        return " + ".join(parts), params

    # --- running ----------------------------------------------------------------------------------

    def count(self, parsed: ParsedQuery) -> _Run:
        """Total and facet combinations of a parsed query (one grouped query). When most documents
        match, the first COUNT_LIMIT + 1 of them (newest first) are found by walking the date index:
        the full-text index would build a bitmap of every match first (12 ms for 99,000 matches
        of 100,000, against 4 ms for walking 1,001 rows)."""
        run = _Run(parsed)
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
        run.capped = sum(n for *_, n in run.combos) > COUNT_LIMIT
        run.total = sum(n for site_id, ctype, year, n in run.combos if self._passes(site_id, ctype, year))
        return run

    def _mostly_matching(self, parsed: ParsedQuery) -> bool:
        match_sql, params = self.engine.match(parsed.groups)
        matches, documents = self._estimate(match_sql, params)
        return matches is not None and matches >= COUNT_WALK_SHARE * documents

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
        wanted = max(RERANK_WINDOW, offset + limit)
        walk = run.capped and (bool(parsed.phrases_to_check) or self.walk_dates(parsed, wanted, filtered=True))
        where, params = self._base_where(parsed, by_date=walk)
        filter_sql, filter_params = self._filter_sql()
        where, params = where + filter_sql, params + filter_params
        coarse = "d.published_at DESC, d.resource_id DESC, d.site_id"
        table = self.engine.table
        score_sql, score_params = self._score_sql(parsed)
        scored = (
            f" w AS MATERIALIZED (SELECT d.id, d.resource_id, d.site_id, d.published_at, d.published_day,"
            f" d.clicks, lower(d.title) AS lt, lower(d.summary) AS ls,"
            f" lower(substr(d.content, 1, {SCORED_TEXT_CHARS})) AS lc FROM {table} d JOIN c ON c.id = d.id)"
            f" SELECT w.id, {score_sql} AS score FROM w"
            " ORDER BY score DESC, w.published_at DESC, w.resource_id DESC, w.site_id LIMIT %s OFFSET %s"
        )
        if not run.capped:
            with self.engine.index_lookup(), connection.cursor() as cursor:
                cursor.execute(
                    f"WITH c AS MATERIALIZED (SELECT d.id FROM {table} d WHERE {where}),{scored}",
                    params + score_params + [limit, offset],
                )
                return [row[0] for row in cursor.fetchall()]
        with self._lookup(walk), connection.cursor() as cursor:
            if offset < RERANK_WINDOW:
                cursor.execute(
                    f"WITH c AS MATERIALIZED (SELECT d.id FROM {table} d WHERE {where} ORDER BY {coarse}"
                    f" LIMIT {RERANK_WINDOW}),{scored}",
                    params + score_params + [limit, offset],
                )
            else:
                cursor.execute(
                    f"SELECT d.id FROM {table} d WHERE {where} ORDER BY {coarse} LIMIT %s OFFSET %s",
                    params + [limit, offset],
                )
            return [row[0] for row in cursor.fetchall()]

    def hits(self, parsed: ParsedQuery, ids: list[int], offset: int) -> list[Hit]:
        if not ids:
            return []
        table = self.engine.table
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, resource_id, site_id, title, summary, content, url, published_at, column_name, column_type"
                f" FROM {table} WHERE id IN ({marks})",
                ids,
            )
            rows = {row[0]: row for row in cursor.fetchall()}
        site_ids = {row[2] for row in rows.values()}
        names = dict(Site.objects.filter(pk__in=site_ids).values_list("pk", "name"))
        domains = dict(Domain.objects.filter(site_id__in=site_ids, is_primary=True).values_list("site_id", "name"))
        scheme = getattr(settings, "PUBLIC_URL_SCHEME", "https")
        terms = parsed.terms
        out = []
        for position, doc_id in enumerate(ids, start=offset + 1):
            _id, rid, sid, title, summary, content, url, published_at, column_name, column_type = rows[doc_id]
            if isinstance(published_at, str):  # SQLite through a raw cursor
                published_at = dt.datetime.fromisoformat(published_at)
            if timezone.is_naive(published_at):
                published_at = timezone.make_aware(published_at, dt.UTC)
            external = sid != self.site.pk
            if external and url.startswith("/") and domains.get(sid):
                url = f"{scheme}://{domains[sid]}{url}"
            out.append(
                Hit(
                    position=position,
                    resource_id=rid,
                    site_id=sid,
                    title=mark(title, terms),
                    url=url,
                    site_name=names.get(sid, ""),
                    external=external,
                    published_at=published_at,
                    column_name=column_name,
                    column_type=column_type,
                    snippet=snippet(content, summary, terms),
                )
            )
        return out

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
            names = dict(Site.objects.filter(pk__in=sites).values_list("pk", "name"))
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
        outcome.message = "empty"
        return outcome
    if parsed.empty:
        outcome.message = "nothing"
        _log(outcome, log, visitor)
        return outcome
    run = searcher.count(parsed)
    if correct and (run.total == 0 or parsed.unknown or parsed.dropped):
        run = _corrected(searcher, parsed, run, outcome)
    outcome.capped = run.capped
    outcome.total = min(run.total, COUNT_LIMIT) if run.capped else run.total
    outcome.facets = searcher.facets(run)
    outcome.pages = min(MAX_PAGE, -(-outcome.total // PAGE_SIZE))
    if outcome.total and outcome.page > outcome.pages:
        outcome.message = "page_range"
        outcome.page = outcome.pages
    offset = (outcome.page - 1) * PAGE_SIZE
    if run.total:
        ids = searcher.page_ids(run, offset, PAGE_SIZE)
        outcome.hits = searcher.hits(run.parsed, ids, offset)
    _log(outcome, log, visitor)
    return outcome


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
