"""The full-text structures beside search_document, per backend (SRCH-1).

PostgreSQL: pg_trgm, a `vector` tsvector column with a GIN index, and a trigram index on titles
(suggestions). SQLite: the FTS5 table search_fts (rowid = document id) and its vocabulary view.
Other databases get nothing and the search backends refuse them.
"""

from django.db import migrations

POSTGRES = [
    ("CREATE EXTENSION IF NOT EXISTS pg_trgm", None),
    ("ALTER TABLE search_searchdocument ADD COLUMN vector tsvector NOT NULL DEFAULT ''::tsvector",
     "ALTER TABLE search_searchdocument DROP COLUMN vector"),
    ("CREATE INDEX search_doc_vector ON search_searchdocument USING gin (vector)",
     "DROP INDEX IF EXISTS search_doc_vector"),
    ("CREATE INDEX search_doc_title_trgm ON search_searchdocument USING gin (title gin_trgm_ops)",
     "DROP INDEX IF EXISTS search_doc_title_trgm"),
]
SQLITE = [
    ("CREATE VIRTUAL TABLE search_fts USING fts5(tokens, detail=none, tokenize='unicode61 remove_diacritics 0')",
     "DROP TABLE IF EXISTS search_fts"),
    ("CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, row)", "DROP TABLE IF EXISTS search_fts_vocab"),
]


def _statements(vendor):
    return {"postgresql": POSTGRES, "sqlite": SQLITE}.get(vendor, [])


def forwards(apps, schema_editor):
    for sql, _reverse in _statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for _sql, reverse in reversed(_statements(schema_editor.connection.vendor)):
        if reverse:
            schema_editor.execute(reverse)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
