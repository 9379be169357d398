"""What a full-text backend does; the SQL both backends share lives in search/engine.py."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from search.models import SearchDocument

# search_document columns written for every document, in this order.
COLUMNS = (
    "resource_id", "site_id", "placement_id", "column_id", "column_name", "column_type", "kind", "is_repost",
    "title", "summary", "content", "url", "published_at", "published_day", "year", "clicks", "indexed_at",
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

    def clear(self) -> None:
        raise NotImplementedError

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
