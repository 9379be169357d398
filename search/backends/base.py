"""What a full-text backend does; the SQL both backends share lives in search/search_sql.py and search/engine.py."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from search.models import SearchDocument

# search_document columns written for every document, in this order.
COLUMNS = (
    "resource_id", "site_id", "placement_id", "column_id", "column_name", "column_type", "kind", "is_repost",
    "title", "summary", "content", "url", "published_at", "published_day", "year", "clicks", "indexed_at",
    "index_number", "document_number", "document_key", "issuing_body", "written_on", "published_on", "subject",
    "validity",
)  # fmt: skip


@dataclass(slots=True)
class DocumentRow:
    values: tuple  # in COLUMNS order
    tokens: str  # space-joined tokens

    @property
    def resource_id(self) -> int:
        return self.values[0]


class Backend:
    vendor = ""
    # SQL spellings that differ: position of a substring, the smaller of two numbers.
    strpos = ""
    least = ""
    greatest = ""
    like = ""

    table = SearchDocument._meta.db_table

    def write(self, resource_ids, rows: list[DocumentRow]) -> None:
        """Replace every document of these resources by `rows` (inside the caller's transaction)."""
        raise NotImplementedError

    def delete_stale(self, before, site_id: int | None = None) -> int:
        """Delete documents written before `before` (of one site, or all): after a full rewrite
        these are the pages that are no longer online."""
        condition, params = "indexed_at < %s", [before]
        if site_id is not None:
            condition, params = condition + " AND site_id = %s", params + [site_id]
        with self.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {self.table} WHERE {condition}", params)
            ids = [row[0] for row in cursor.fetchall()]
            for start in range(0, len(ids), 500):
                self._delete_ids(cursor, ids[start : start + 500])
        return len(ids)

    def _delete_ids(self, cursor, ids: list[int]) -> None:
        cursor.execute(f"DELETE FROM {self.table} WHERE id IN ({','.join(['%s'] * len(ids))})", ids)

    def match(self, groups) -> tuple[str, list]:
        """A condition on the alias `d`: every group matches (a group: any alternative; an
        alternative: all its tokens)."""
        raise NotImplementedError

    def prefix_match(self, tokens: list[str], prefix: str) -> tuple[str, list]:
        """Documents with all `tokens` and a token starting with `prefix` (suggestions)."""
        raise NotImplementedError

    def term_stats(self, min_documents: int, limit: int) -> list[tuple[str, int]]:
        """(token, number of documents) of the most frequent tokens of the index."""
        raise NotImplementedError

    def index_lookup(self):
        """A context in which the database finds matches through the full-text index, not by
        walking rows in date order (PostgreSQL's estimates for Chinese lexemes are poor)."""
        from contextlib import nullcontext

        return nullcontext()

    def serial(self):
        """A context in which a query runs in one process: the policy library's filtered walk
        reads a few thousand rows at most, less than starting parallel workers costs (up to
        100 ms on a busy machine, EXPLAIN ANALYZE)."""
        from contextlib import nullcontext

        return nullcontext()

    def matches_estimate(self, match_sql: str, params: list) -> tuple[float, float] | None:
        """(documents matching `match_sql` on the alias `d`, documents in the index) as the
        database's planner estimates them, or None where it cannot tell."""
        return None

    def analyze(self) -> None:
        """Refresh the planner's statistics after a bulk load."""

    def _delete_documents(self, cursor, resource_ids) -> list[int]:
        ids = list(resource_ids)
        removed: list[int] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT id FROM {self.table} WHERE resource_id IN ({marks})", chunk)
            found = [row[0] for row in cursor.fetchall()]
            if found:
                removed += found
                cursor.execute(f"DELETE FROM {self.table} WHERE resource_id IN ({marks})", chunk)
        return removed

    @staticmethod
    def cursor():
        return connection.cursor()
