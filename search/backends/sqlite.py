"""SQLite: the FTS5 table search_fts (rowid = search_document.id) holds the segmented tokens,
tokenised by `unicode61`, which keeps each run of Chinese characters, letters or digits whole."""

from __future__ import annotations

from search.backends.base import COLUMNS, Backend, DocumentRow

FTS_TABLE = "search_fts"


def fts_token(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


class SqliteBackend(Backend):
    vendor = "sqlite"
    strpos = "instr"
    least = "min"
    greatest = "max"
    like = "LIKE"  # case-insensitive for Latin letters

    def write(self, resource_ids, rows: list[DocumentRow]) -> None:
        columns = ", ".join(COLUMNS)
        marks = ", ".join(["%s"] * len(COLUMNS))
        with self.cursor() as cursor:
            removed = self._delete_documents(cursor, resource_ids)
            for start in range(0, len(removed), 500):
                chunk = removed[start : start + 500]
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({','.join(['%s'] * len(chunk))})", chunk)
            for row in rows:
                cursor.execute(f"INSERT INTO {self.table} ({columns}) VALUES ({marks}) RETURNING id", row.values)
                doc_id = cursor.fetchone()[0]
                # A reused rowid may carry tokens of a document deleted outside the backend (a flush).
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [doc_id])
                cursor.execute(f"INSERT INTO {FTS_TABLE} (rowid, tokens) VALUES (%s, %s)", [doc_id, row.tokens])

    def _delete_ids(self, cursor, ids: list[int]) -> None:
        super()._delete_ids(cursor, ids)
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({','.join(['%s'] * len(ids))})", ids)

    @staticmethod
    def fts_query(groups) -> str:
        parts = []
        for group in groups:
            alternatives = ["(" + " AND ".join(fts_token(t) for t in alt) + ")" for alt in group]
            parts.append("(" + " OR ".join(alternatives) + ")")
        return " AND ".join(parts)

    def match(self, groups) -> tuple[str, list]:
        return f"d.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)", [self.fts_query(groups)]

    def prefix_match(self, tokens, prefix) -> tuple[str, list]:
        query = " AND ".join([fts_token(t) for t in tokens] + [fts_token(prefix) + "*"])
        return f"d.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)", [query]

    def term_stats(self, min_documents: int, limit: int) -> list[tuple[str, int]]:
        with self.cursor() as cursor:
            cursor.execute(
                "SELECT term, doc FROM search_fts_vocab WHERE doc >= %s ORDER BY doc DESC, term LIMIT %s",
                [min_documents, limit],
            )
            return cursor.fetchall()
