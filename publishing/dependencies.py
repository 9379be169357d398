"""The dependency index and the manifest, read and written in bulk.

PageDependency rows say which page shows which resource or column; `pages_showing` answers
"what must be rendered again when these change". PublishedFile rows are the manifest of every
file on disk with its hash (SEC-5 compares the disk with it).

On PostgreSQL the full rebuild writes the index with COPY (100,000 rows in a fraction of a
second); elsewhere, and for the few pages of an incremental publish, with plain statements.
"""

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from publishing.models import PageDependency, PublishedFile

BATCH = 2000
SMALL_BATCH = 200  # rows of one INSERT (SQLite allows at most 32,766 parameters in a statement)


def _in(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


DEPENDENCY = PageDependency._meta.db_table
MANIFEST = PublishedFile._meta.db_table


def pages_showing(site_id: int, resource_ids: Iterable[int] = (), column_ids: Iterable[int] = ()) -> set[str]:
    resource_ids, column_ids = sorted(set(resource_ids)), sorted(set(column_ids))
    if not resource_ids and not column_ids:
        return set()
    terms, params = [], [site_id]
    if resource_ids:
        terms.append(f"resource_id IN ({_in(resource_ids)})")
        params += resource_ids
    if column_ids:
        terms.append(f"column_id IN ({_in(column_ids)})")
        params += column_ids
    sql = f'SELECT DISTINCT page_path FROM "{DEPENDENCY}" WHERE site_id = %s AND ({" OR ".join(terms)})'
    return {path for (path,) in _rows(sql, params)}


def sites_showing(resource_ids: Iterable[int]) -> set[int]:
    resource_ids = sorted(set(resource_ids))
    if not resource_ids:
        return set()
    sql = f'SELECT DISTINCT site_id FROM "{DEPENDENCY}" WHERE resource_id IN ({_in(resource_ids)})'
    return {site_id for (site_id,) in _rows(sql, resource_ids)}


def rows_of(site_id: int, path: str, resources: Iterable[int], columns: Iterable[int], own: int | None = None):
    """Index rows of one page; `own` (the resource of an article page) needs none: its path says it."""
    rows = [(site_id, path, rid, None) for rid in resources if rid != own]
    rows += [(site_id, path, None, cid) for cid in columns]
    return rows


def replace(site_id: int, rows: list[tuple], *, pages: Iterable[str] | None = None, keep: Iterable[str] = ()):
    """Replace the rows of `pages` (None: of every page of the site except `keep`) by `rows`.

    For every page (a full rebuild), only the rows that differ are deleted and inserted: a
    rebuild that changes nothing writes nothing.
    """
    if pages is not None:
        delete_pages(site_id, pages)
        insert(rows)
        return
    keep = set(keep)
    wanted = set(rows)
    stale = []
    sql = f'SELECT id, site_id, page_path, resource_id, column_id FROM "{DEPENDENCY}" WHERE site_id = %s'
    for pk, *row in _rows(sql, [site_id]):
        row = tuple(row)
        if row in wanted:
            wanted.discard(row)  # there already (a second equal row is stale)
        elif row[1] not in keep:
            stale.append(pk)
    with connection.cursor() as cursor:
        for start in range(0, len(stale), BATCH):
            chunk = stale[start : start + BATCH]
            cursor.execute(f'DELETE FROM "{DEPENDENCY}" WHERE id IN ({_in(chunk)})', chunk)
    missing = []
    for row in rows:
        if row in wanted:
            wanted.discard(row)
            missing.append(row)
    insert(missing)


def _placeholders(count: int, width: int) -> str:
    row = "(" + ", ".join(["%s"] * width) + ")"
    return ", ".join([row] * count)


def insert(rows: list[tuple]) -> None:
    if not rows:
        return
    table = PageDependency._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) > 500:
            with cursor.cursor.copy(f'COPY "{table}" (site_id, page_path, resource_id, column_id) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), SMALL_BATCH):  # plain INSERTs: a publish of a few pages writes few rows
            chunk = rows[start : start + SMALL_BATCH]
            cursor.execute(
                f'INSERT INTO "{table}" (site_id, page_path, resource_id, column_id) VALUES {_placeholders(len(chunk), 4)}',
                [value for row in chunk for value in row],
            )


def delete_pages(site_id: int, paths: Iterable[str]) -> None:
    paths = list(paths)
    table = PageDependency._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(paths), BATCH):
            chunk = paths[start : start + BATCH]
            cursor.execute(
                f'DELETE FROM "{table}" WHERE site_id = %s AND page_path IN ({", ".join(["%s"] * len(chunk))})',
                [site_id, *chunk],
            )


# --- the manifest -------------------------------------------------------------------------------


def manifest(site_id: int, paths: Iterable[str] | None = None) -> dict[str, tuple[str, int]]:
    """path -> (sha256, size) for the given paths (None: every file of the site)."""
    if paths is None:
        query = PublishedFile.objects.filter(site_id=site_id)
        return {p: (h, s) for p, h, s in query.values_list("path", "sha256", "size")}
    paths = sorted(set(paths))
    out = {}
    for start in range(0, len(paths), BATCH):
        chunk = paths[start : start + BATCH]
        sql = f'SELECT path, sha256, size FROM "{MANIFEST}" WHERE site_id = %s AND path IN ({_in(chunk)})'
        out.update({p: (h, s) for p, h, s in _rows(sql, [site_id, *chunk])})
    return out


def manifest_under(site_id: int, folder: str, prefixes: Iterable[str]) -> list[str]:
    """Manifest paths in `folder` (or below) whose name starts with one of `prefixes`."""
    from django.db.models import Q

    condition = Q()
    for prefix in prefixes:
        condition |= Q(path__startswith=folder + prefix)
    return list(PublishedFile.objects.filter(condition, site_id=site_id).values_list("path", flat=True))


def record_files(site_id: int, entries: list[tuple[str, str, int]]) -> None:
    """Insert or update manifest rows (path, sha256, size)."""
    now = timezone.now()
    if connection.vendor == "postgresql" and len(entries) > 500:
        table = PublishedFile._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE publish_manifest_load (path varchar(500), sha256 varchar(64), size bigint)"
                " ON COMMIT DROP"
            )
            with cursor.cursor.copy("COPY publish_manifest_load (path, sha256, size) FROM STDIN") as copy:
                for row in entries:
                    copy.write_row(row)
            cursor.execute(
                f'INSERT INTO "{table}" (site_id, path, sha256, size, published_at)'
                " SELECT %s, path, sha256, size, %s FROM publish_manifest_load"
                " ON CONFLICT (site_id, path) DO UPDATE SET sha256 = EXCLUDED.sha256, size = EXCLUDED.size,"
                " published_at = EXCLUDED.published_at",
                [site_id, now],
            )
        return
    table = PublishedFile._meta.db_table
    now = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        for start in range(0, len(entries), SMALL_BATCH):
            chunk = entries[start : start + SMALL_BATCH]
            cursor.execute(
                f'INSERT INTO "{table}" (site_id, path, sha256, size, published_at) VALUES {_placeholders(len(chunk), 5)}'
                " ON CONFLICT (site_id, path) DO UPDATE SET sha256 = EXCLUDED.sha256, size = EXCLUDED.size,"
                " published_at = EXCLUDED.published_at",
                [value for p, h, size in chunk for value in (site_id, p, h, size, now)],
            )


def forget_files(site_id: int, paths: Iterable[str]) -> None:
    paths = list(paths)
    for start in range(0, len(paths), BATCH):
        PublishedFile.objects.filter(site_id=site_id, path__in=paths[start : start + BATCH]).delete()
