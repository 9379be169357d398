"""Full-text backends behind one interface (SRCH-1): PostgreSQL in production and CI, SQLite FTS5
in the embedded default. `backend()` picks the one of the default database.

Both index the same tokens (search/text.py) and answer the same boolean match expressions;
everything else (filters, facets, ranking) is plain SQL over the search_document table that
both run alike, so a query gives the same results, in the same order, on both.
"""

from django.db import connection

from search.backends.base import Backend


def backend() -> Backend:
    if connection.vendor == "postgresql":
        from search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from search.backends.sqlite import SqliteBackend

    return SqliteBackend()
