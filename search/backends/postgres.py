"""PostgreSQL: a tsvector over the segmented tokens ('simple' configuration: no stemming, no stop
words) in search_document.vector, a GIN index on it, and pg_trgm on titles for suggestions."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager

from django.db import connection

from search.backends.base import COLUMNS, Backend, DocumentRow

ESTIMATE_SECONDS = 60.0  # the planner's estimates change with ANALYZE (autovacuum's too), not per search
MAX_KEPT_ESTIMATES = 5_000
_estimates: dict[tuple, tuple[float, tuple[float, float]]] = {}


def tsquery_token(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(tokens: str) -> str:
    """The tsvector of space-separated tokens: each a quoted lexeme (PostgreSQL sorts them).
    search/text.py's tokens are letters and digits only, quoted as they are."""
    if "'" in tokens or "\\" in tokens:
        return " ".join(tsquery_token(t) for t in tokens.split())
    return "'" + "' '".join(tokens.split()) + "'" if tokens.strip() else ""


class PostgresBackend(Backend):
    vendor = "postgresql"
    strpos = "strpos"
    least = "least"
    greatest = "greatest"
    like = "ILIKE"  # case-insensitive for Latin letters

    def write(self, resource_ids, rows: list[DocumentRow]) -> None:
        """COPY, with each vector written as a tsvector literal of the tokens (no positions:
        nothing reads them). The tokens are search/text.py's already, the lexemes a query's
        literal tsquery names; to_tsvector parsed them again and cost a third of the indexing."""
        with self.cursor() as cursor:
            self._delete_documents(cursor, resource_ids)
            if rows:
                with cursor.cursor.copy(f"COPY {self.table} ({', '.join(COLUMNS)}, vector) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row((*row.values, tsvector_literal(row.tokens)))

    @staticmethod
    def tsquery(groups) -> str:
        parts = []
        for group in groups:
            alternatives = ["(" + " & ".join(tsquery_token(t) for t in alt) + ")" for alt in group]
            parts.append("(" + " | ".join(alternatives) + ")")
        return " & ".join(parts)

    def match(self, groups) -> tuple[str, list]:
        return "d.vector @@ %s::tsquery", [self.tsquery(groups)]

    def prefix_match(self, tokens, prefix) -> tuple[str, list]:
        query = " & ".join([tsquery_token(t) for t in tokens] + [tsquery_token(prefix) + ":*"])
        return "d.vector @@ %s::tsquery", [query]

    def term_stats(self, min_documents: int, limit: int) -> list[tuple[str, int]]:
        with self.cursor() as cursor:
            cursor.execute(
                f"SELECT word, ndoc FROM ts_stat('SELECT vector FROM {self.table}') WHERE ndoc >= %s"
                " ORDER BY ndoc DESC, word LIMIT %s",
                [min_documents, limit],
            )
            return cursor.fetchall()

    @contextmanager
    def index_lookup(self):
        with self._settings("enable_seqscan = off", "enable_indexscan = off"):
            yield

    @contextmanager
    def serial(self):
        with self._settings("max_parallel_workers_per_gather = 0"):
            yield

    @contextmanager
    def _settings(self, *settings: str):
        """Planner settings for the statements inside, in one round trip and one to undo them:
        SET LOCAL inside the caller's transaction, else SET and RESET on the connection (a
        transaction of its own cost two more round trips, BEGIN and COMMIT, for every search)."""
        local = connection.in_atomic_block
        with self.cursor() as cursor:
            cursor.execute("; ".join(f"SET {'LOCAL ' if local else ''}{setting}" for setting in settings))
        failed = False
        try:
            yield
        except BaseException:
            failed = True
            raise
        finally:
            if not (failed and local):  # a failed transaction is rolled back, and its settings with it
                names = [setting.split("=")[0].strip() for setting in settings]
                with self.cursor() as cursor:
                    cursor.execute("; ".join(f"RESET {name}" for name in names))

    def matches_estimate(self, match_sql: str, params: list) -> tuple[float, float] | None:
        # The planner knows each lexeme's share of documents (most common elements of the
        # tsvector column, kept by ANALYZE); planning alone costs about 0.2 ms, and two round
        # trips, so the answers are kept for ESTIMATE_SECONDS (until the next ANALYZE here).
        key = (match_sql, tuple(params))
        now = time.monotonic()
        kept = _estimates.get(key)
        if kept is not None and now - kept[0] < ESTIMATE_SECONDS:
            return kept[1]
        with self.cursor() as cursor:
            cursor.execute(
                f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {self.table} d WHERE {match_sql}", params
            )  # fmt: skip
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [self.table])
            total = cursor.fetchone()[0]
        if len(_estimates) >= MAX_KEPT_ESTIMATES:
            _estimates.clear()
        _estimates[key] = (now, (float(plan[0]["Plan"]["Plan Rows"]), max(float(total), 1.0)))
        return _estimates[key][1]

    def analyze(self) -> None:
        with self.cursor() as cursor:
            cursor.execute(f"ANALYZE {self.table}")
        _estimates.clear()
