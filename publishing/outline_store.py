"""The stored outline of a site: its shown placements in publishing order, and their counts (PUB-8).

An incremental publish needs, of each column, its count and a few entries near its newest end
(publishing/partial.py). Numbering every shown placement of the site to find them grew with
the site (191 ms at 100,000 articles); OutlineEntry keeps each shown placement's order key, and
OutlineTally each column's counts, so that the few entries are read by index from the newest
end (`newest`, `entries_of`, `run`) and numbered there: rd, the position counted from the
newest (1), and pages_after, the items with a page from the newest down to the entry.

Kept up to date by the publisher under the site's lock: `sync_site` at every full rebuild (and
the first time an incremental publish finds no tally), `sync_resources` by an incremental
publish for the resources it publishes, before planning. Both write only what differs: a
rebuild that changes nothing writes nothing. A row that disagrees with the database is caught
when its item is loaded (partial.OutlineLoader.placements raises NotLoaded: the publisher then
renders from the whole site), and the next full rebuild repairs it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from publishing.bulk_sql import Epoch, fetch
from publishing.models import HeldBackItem, OutlineEntry, OutlineTally
from publishing.site_loading import order_key, shown_placements
from publishing.sitedata import NO_PAGE_KINDS

ENTRY = OutlineEntry._meta.db_table
TALLY = OutlineTally._meta.db_table
BATCH = 500
COMPOUND = 400  # index scans per UNION ALL
# Entry rows as partial.OutlineLoader reads them.
FIELDS = "placement_id, resource_id, column_id, pinned, has_page, at"


def _in(values) -> str:
    return ", ".join(["%s"] * len(values))


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- keeping it ---------------------------------------------------------------------------------


def _shown(site_id: int, resource_ids=None) -> dict[int, tuple]:
    """placement id -> (column, resource, at, has_page, pinned) of what the site shows now."""
    query = shown_placements(site_id)
    if resource_ids is not None:
        query = query.filter(resource_id__in=resource_ids)
    rows = fetch(
        query.annotate(e_placed=Epoch("placed_at"), e_published=Epoch("resource__published_at"))
        .values_list("id", "column_id", "resource_id", "e_placed", "e_published", "resource__kind", "pinned")
        .order_by()
    )
    return {
        pid: (cid, rid, order_key(placed, published), kind not in NO_PAGE_KINDS, bool(pinned))
        for pid, cid, rid, placed, published, kind, pinned in rows
    }


def _stored(site_id: int, resource_ids=None) -> dict[int, tuple]:
    sql = f'SELECT placement_id, column_id, resource_id, at, has_page, pinned FROM "{ENTRY}" WHERE site_id = %s'
    params = [site_id]
    if resource_ids is not None:
        sql += f" AND resource_id IN ({_in(resource_ids)})"
        params += resource_ids
    return {pid: (cid, rid, at, bool(has_page), bool(pinned)) for pid, cid, rid, at, has_page, pinned in _rows(sql, params)}


def _stored_with_newer(site_id: int, resource_ids: list[int], kept: set[int]) -> tuple[dict, dict[int, int]]:
    """`_stored` of these resources, and for the entries not in `kept` (to be removed) how many
    entries of their column come after them in publishing order (an index count each)."""
    removing = f"e.placement_id NOT IN ({_in(kept)})" if kept else "1 = 1"
    sql = (f"SELECT e.placement_id, e.column_id, e.resource_id, e.at, e.has_page, e.pinned,"
           f" CASE WHEN {removing} THEN (SELECT COUNT(*) FROM \"{ENTRY}\" n WHERE n.column_id = e.column_id"
           f" AND (n.at, n.placement_id) > (e.at, e.placement_id)) END"
           f' FROM "{ENTRY}" e WHERE e.site_id = %s AND e.resource_id IN ({_in(resource_ids)})')  # fmt: skip
    before, newer = {}, {}
    for pid, cid, rid, at, has_page, pinned, count in _rows(sql, [*sorted(kept), site_id, *resource_ids]):
        before[pid] = (cid, rid, at, bool(has_page), bool(pinned))
        if count is not None:
            newer[pid] = count
    return before, newer


def _write(site_id: int, now: dict[int, tuple], before: dict[int, tuple]) -> dict[int, list[int]]:
    """Bring the rows of `before` to `now`; returns the change of (total, pages) per column."""
    gone = [pid for pid, row in before.items() if now.get(pid) != row]
    new = [(pid, *row) for pid, row in now.items() if before.get(pid) != row]
    delta: dict[int, list[int]] = {}
    for pid in gone:
        cid, _rid, _at, has_page, _pinned = before[pid]
        change = delta.setdefault(cid, [0, 0])
        change[0] -= 1
        change[1] -= has_page
    for _pid, cid, _rid, _at, has_page, _pinned in new:
        change = delta.setdefault(cid, [0, 0])
        change[0] += 1
        change[1] += has_page
    with connection.cursor() as cursor:
        for start in range(0, len(gone), BATCH):
            chunk = gone[start : start + BATCH]
            cursor.execute(f'DELETE FROM "{ENTRY}" WHERE placement_id IN ({_in(chunk)})', chunk)
        if connection.vendor == "postgresql" and len(new) > BATCH:  # a site's first store: COPY
            columns = "placement_id, column_id, resource_id, at, has_page, pinned, site_id"
            with cursor.cursor.copy(f'COPY "{ENTRY}" ({columns}) FROM STDIN') as copy:
                for entry in new:
                    copy.write_row((*entry, site_id))
            new = []
        for start in range(0, len(new), BATCH):
            chunk = new[start : start + BATCH]
            row = "(%s, %s, %s, %s, %s, %s, %s)"
            cursor.execute(
                f'INSERT INTO "{ENTRY}" (placement_id, column_id, resource_id, at, has_page, pinned, site_id)'
                f" VALUES {', '.join([row] * len(chunk))}",
                [value for entry in chunk for value in (*entry, site_id)],
            )
    return {cid: change for cid, change in delta.items() if change != [0, 0]}


def sync_site(site_id: int, column_ids: Iterable[int]) -> None:
    """Every entry and tally of the site as the database shows it now (a full rebuild)."""
    now = _shown(site_id)
    _write(site_id, now, _stored(site_id))
    counts = {cid: [0, 0] for cid in column_ids}
    for cid, _rid, _at, has_page, _pinned in now.values():
        count = counts.setdefault(cid, [0, 0])
        count[0] += 1
        count[1] += has_page
    stored = {cid: [total, pages] for cid, total, pages in _rows(
        f'SELECT column_id, total, pages FROM "{TALLY}" WHERE site_id = %s', [site_id])}  # fmt: skip
    with connection.cursor() as cursor:
        gone = [cid for cid in stored if cid not in counts]
        if gone:
            cursor.execute(f'DELETE FROM "{TALLY}" WHERE column_id IN ({_in(gone)})', gone)
        for cid, (total, pages) in counts.items():
            if cid not in stored:
                cursor.execute(
                    f'INSERT INTO "{TALLY}" (column_id, site_id, total, pages) VALUES (%s, %s, %s, %s)',
                    [cid, site_id, total, pages],
                )
            elif stored[cid] != [total, pages]:
                cursor.execute(f'UPDATE "{TALLY}" SET total = %s, pages = %s WHERE column_id = %s', [total, pages, cid])


class Synced:
    """What `sync_resources` learnt: the tallies after it (column id -> (total, pages)), the columns
    of the resources' entries before and after it, the order (key, placement id) of the entries it
    removed and how many entries of their column remain after them, by (resource id, column id):
    what planning would otherwise ask the database again."""

    def __init__(self, tallies, columns: set[int], removed: dict[tuple, tuple], newer: dict[tuple, int] | None = None):
        self.tallies, self.columns, self.removed, self.newer = tallies, columns, removed, newer or {}


def tallies_and_held(site_id: int) -> tuple[dict[int, tuple[int, int]] | None, set[int]]:
    """The site's tallies (as `tallies`) and the resources it holds back (publishing/held_back.py): one query."""
    held_table = HeldBackItem._meta.db_table
    rows = _rows(
        f'SELECT 0, column_id, total, pages FROM "{TALLY}" WHERE site_id = %s'
        f' UNION ALL SELECT 1, resource_id, 0, 0 FROM "{held_table}" WHERE site_id = %s',
        [site_id, site_id],
    )
    counts = {cid: (total, pages) for kind, cid, total, pages in rows if kind == 0}
    return counts or None, {rid for kind, rid, _total, _pages in rows if kind == 1}


def sync_resources(site_id: int, resource_ids: Iterable[int], column_ids: Iterable[int], counts=False) -> Synced:
    """The entries of these resources on the site as the database shows them now (3 reads; writes if changed).

    A site whose outline was never stored in full is stored in full (`column_ids`: its columns).
    `counts`: the site's tallies when already read (tallies_and_held).
    """
    resource_ids = sorted(set(resource_ids))
    counts = tallies(site_id) if counts is False else counts
    if counts is None:
        sync_site(site_id, column_ids)
        return Synced(tallies(site_id) or {}, set(), {})
    if not resource_ids:
        return Synced(counts, set(), {})
    now = _shown(site_id, resource_ids)
    before, newer = _stored_with_newer(site_id, resource_ids, set(now))
    delta = _write(site_id, now, before)
    removed = {(row[1], row[0]): (row[2], pid) for pid, row in before.items() if pid not in now}
    for pid, count in newer.items():  # the changed resources' rows after it: as they are now, not before
        cid, _rid, at, _has_page, _pinned = before[pid]
        count -= sum(1 for other, row in before.items() if other != pid and row[0] == cid and (row[2], other) > (at, pid))
        count += sum(1 for other, row in now.items() if row[0] == cid and (row[2], other) > (at, pid))
        newer[pid] = count
    after = {(before[pid][1], before[pid][0]): count for pid, count in newer.items()}
    columns = {row[0] for row in now.values()} | {row[0] for row in before.values()}
    with connection.cursor() as cursor:
        for cid, (total, pages) in sorted(delta.items()):
            cursor.execute(
                f'UPDATE "{TALLY}" SET total = total + %s, pages = pages + %s WHERE column_id = %s', [total, pages, cid]
            )
            if cursor.rowcount == 0:  # a column created since the last full store
                cursor.execute(
                    f'INSERT INTO "{TALLY}" (column_id, site_id, total, pages) VALUES (%s, %s, %s, %s)',
                    [cid, site_id, total, pages],
                )
            old_total, old_pages = counts.get(cid, (0, 0))
            counts[cid] = (old_total + total, old_pages + pages)
    return Synced(counts, columns, removed, after)


def stored_in_full(site_id: int) -> bool:
    return OutlineTally.objects.filter(site_id=site_id).exists()


# --- reading it ---------------------------------------------------------------------------------


def tallies(site_id: int, hidden: frozenset[int] = frozenset(), known=None) -> dict[int, tuple[int, int]] | None:
    """column id -> (total, pages) less the entries of `hidden`; None when the site was never stored.

    `known`: the tallies as a sync left them (read from the database when None).
    """
    out = dict(known) if known is not None else {cid: (total, pages) for cid, total, pages in _rows(
        f'SELECT column_id, total, pages FROM "{TALLY}" WHERE site_id = %s', [site_id])}  # fmt: skip
    if not out:
        return None
    if hidden:
        held = sorted(hidden)
        sql = (f'SELECT column_id, COUNT(*), SUM(CASE WHEN has_page THEN 1 ELSE 0 END) FROM "{ENTRY}"'
               f" WHERE site_id = %s AND resource_id IN ({_in(held)}) GROUP BY column_id")  # fmt: skip
        for cid, count, pages in _rows(sql, [site_id, *held]):
            total, with_page = out.get(cid, (0, 0))
            out[cid] = (total - count, with_page - pages)
    return out


def _not_hidden(hidden, alias: str = "") -> tuple[str, list]:
    if not hidden:
        return "", []
    return f" AND {alias}resource_id NOT IN ({_in(hidden)})", sorted(hidden)


def newest(counts: dict[int, int], hidden=frozenset()) -> list[tuple]:
    """The newest `count` entries of each column (column id -> count), numbered: Loader rows."""
    counts = {cid: n for cid, n in counts.items() if n > 0}
    if not counts:
        return []
    skip, skip_params = _not_hidden(hidden)
    rows, wanted = [], sorted(counts.items())
    for start in range(0, len(wanted), COMPOUND):  # SQLite takes at most 500 terms in a UNION
        parts, params = [], []
        for cid, count in wanted[start : start + COMPOUND]:
            parts.append(f'SELECT * FROM (SELECT {FIELDS} FROM "{ENTRY}" WHERE column_id = %s{skip}'
                         " ORDER BY at DESC, placement_id DESC LIMIT %s) t")  # fmt: skip
            params += [cid, *skip_params, count]
        rows += _rows(" UNION ALL ".join(parts), params)
    return _number_from_newest(rows, {cid: (0, 0) for cid in counts})


def _number_from_newest(rows: list[tuple], start: dict[int, tuple[int, int]]) -> list[tuple]:
    """Rows of runs that start at the newest end (or after `start` = (rd, pages_after) of the row before)."""
    rows.sort(key=lambda r: (r[2], -r[5], -r[0]))
    out, at = [], dict(start)
    for pid, rid, cid, pinned, has_page, key in rows:
        rd, pages = at[cid]
        rd, pages = rd + 1, pages + bool(has_page)
        at[cid] = (rd, pages)
        out.append((pid, rid, cid, bool(pinned), bool(has_page), key, rd, pages))
    return out


def entries_where(terms: list[tuple[str, list]], site_id: int, hidden=frozenset()) -> list[tuple]:
    """Entries of the site matching any of the SQL terms (over the entry table e), each numbered by
    index look-ups. One SELECT per term, in one UNION ALL, so that each finds its rows by its own
    index (an OR of them read every entry of the site); an entry may come twice."""
    skip, skip_params = _not_hidden(hidden, "e.")
    newer_skip, newer_params = _not_hidden(hidden, "n.")
    newer = (f'FROM "{ENTRY}" n WHERE n.column_id = e.column_id{newer_skip}'
             " AND (n.at, n.placement_id) >= (e.at, e.placement_id)")  # fmt: skip
    select = (f"SELECT e.placement_id, e.resource_id, e.column_id, e.pinned, e.has_page, e.at,"
              f" (SELECT COUNT(*) {newer}), (SELECT SUM(CASE WHEN n.has_page THEN 1 ELSE 0 END) {newer})"
              f' FROM "{ENTRY}" e WHERE e.site_id = %s{skip} AND ')  # fmt: skip
    sql = " UNION ALL ".join(f"{select}({condition})" for condition, _ in terms)
    params = [value for _, term_params in terms for value in
              (*newer_params, *newer_params, site_id, *skip_params, *term_params)]  # fmt: skip
    rows = _rows(sql, params)
    return [(pid, rid, cid, bool(pinned), bool(has), key, rd, pages or 0) for pid, rid, cid, pinned, has, key, rd, pages in rows]


def runs(wanted: dict[int, list[tuple[int, int]]], hidden=frozenset()) -> list[tuple]:
    """Entries by their rd (column id -> inclusive (first, last) runs), numbered: Loader rows (one query).

    Each run is read from the index at its offset from the newest end; a run that does not start
    there is told how many of the newer entries have a page.
    """
    skip, skip_params = _not_hidden(hidden)
    parts, params, spans = [], [], []
    for cid, column_runs in sorted(wanted.items()):
        for first, last in column_runs:
            n = len(spans)
            spans.append((cid, first))
            order = f'FROM "{ENTRY}" WHERE column_id = %s{skip} ORDER BY at DESC, placement_id DESC'
            parts.append(f"SELECT * FROM (SELECT {n} AS run, {FIELDS} {order} LIMIT %s OFFSET %s) t")
            params += [cid, *skip_params, last - first + 1, first - 1]
            if first > 1:
                parts.append(f"SELECT {n}, -1, 0, 0, FALSE, FALSE, COUNT(*) FROM"
                             f" (SELECT has_page {order} LIMIT %s) t WHERE has_page")  # fmt: skip
                params += [cid, *skip_params, first - 1]
    if not parts:
        return []
    found, at = [], 0
    for start in range(0, len(parts), COMPOUND):  # SQLite takes at most 500 terms in a UNION
        chunk = parts[start : start + COMPOUND]
        count = sum(sql.count("%s") for sql in chunk)
        found += _rows(" UNION ALL ".join(chunk), params[at : at + count])
        at += count
    by_run: dict[int, list[tuple]] = {}
    before: dict[int, int] = {}
    for run, *row in found:
        if row[0] == -1:
            before[run] = int(row[5])
        else:
            by_run.setdefault(run, []).append(tuple(row))
    out = []
    for run, rows in by_run.items():
        cid, first = spans[run]
        out += _number_from_newest(rows, {cid: (first - 1, before.get(run, 0))})
    return out


def count_newer(column_id: int, key: float, placement_id: int, hidden=frozenset()) -> int:
    """Entries of the column at or after (key, placement id) in publishing order."""
    skip, skip_params = _not_hidden(hidden)
    [(count,)] = _rows(
        f'SELECT COUNT(*) FROM "{ENTRY}" WHERE column_id = %s{skip} AND (at, placement_id) >= (%s, %s)',
        [column_id, *skip_params, key, placement_id],
    )
    return count
