"""PostgreSQL: each document's tsvector stays in its row, and its text is compressed with lz4.

- vector, storage MAIN (compressed, moved out only if the row would not fit a page): out of line,
  testing the words of the newest 1,001 documents of a search read the TOAST table for each
  (5 pages a row, 17 ms at 100,000 articles); in the row, 1 page (2 ms).
- content, lz4 where the server has it (PostgreSQL 14+ built with lz4): pglz compressing the
  text was most of the database's share of indexing (300 µs a page against 85 µs), and reading
  the start of 100 texts to rank them is faster too.

Rows written before keep their form until they are written again (manage.py reindex).
"""

from django.db import migrations

HAS_LZ4 = "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("ALTER TABLE search_searchdocument ALTER COLUMN vector SET STORAGE MAIN")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(HAS_LZ4)
        if cursor.fetchone():
            schema_editor.execute("ALTER TABLE search_searchdocument ALTER COLUMN content SET COMPRESSION lz4")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE search_searchdocument ALTER COLUMN vector SET STORAGE EXTENDED")
        schema_editor.execute("ALTER TABLE search_searchdocument ALTER COLUMN content SET COMPRESSION DEFAULT")


class Migration(migrations.Migration):
    dependencies = [("search", "0005_policy_walk_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
