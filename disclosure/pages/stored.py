"""The disclosure lists as stored rows (disclosure/models/lists.py), so that an incremental publish
reads only what the pages it draws show (PUB-8: the same work at 1,000 and at 100,000 items).

- `sync_site`: a full rebuild derives every list of the site from its items and writes the
  difference (nothing when the stored lists are up to date);
- `sync_resources`: an incremental publish first brings the rows of the changed items up to
  date (from their own rows, one query), before it plans;
- `facets`, `count_after`, `page_ids`: sizes, positions and the items of one page, answered by
  range scans of the index (facet, at, resource). Positions are counted from the newest end of
  a list, where new items arrive, so an approval counts a handful of rows whatever the size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Value, When

from disclosure.models import ListEntry, ListFacet
from disclosure.pages.listing import Listing
from publishing.sitedata import PAGE_SIZE

ENTRY = ListEntry._meta.db_table
BATCH = 5000

# (column id, facet id) -> (name, {resource id: at})
Wanted = dict[tuple[int, str], tuple[str, dict[int, dt.datetime]]]


def wanted_of(listings, resource_ids=None) -> Wanted:
    """What the lists hold (of these resources only, when given), from lists built in memory."""
    out: Wanted = {}
    for listing in listings:
        for facet in listing.facets.values():
            rows = {
                row.resource_id: row.published_at
                for row in facet.rows
                if resource_ids is None or row.resource_id in resource_ids
            }
            if rows:
                out[(listing.column.id, facet.id)] = (facet.name, rows)
    return out


@transaction.atomic
def sync_site(site_id: int, listings: list[Listing]) -> int:
    """Make the stored lists of a site equal to `listings` (the whole site); returns rows written."""
    wanted = wanted_of(listings)
    facets = {(c, f): (pk, name) for pk, c, f, name in _facet_rows(site_id)}
    gone = [pk for key, (pk, _name) in facets.items() if key not in wanted]
    ListFacet.objects.filter(id__in=gone).delete()
    for key, (name, _rows) in wanted.items():
        if key not in facets:
            facet = ListFacet.objects.create(site_id=site_id, column_id=key[0], facet=key[1], name=name, size=0)
            facets[key] = (facet.pk, name)
        elif facets[key][1] != name:
            ListFacet.objects.filter(id=facets[key][0]).update(name=name)
    by_pk = {pk: key for key, (pk, _name) in facets.items() if key in wanted}
    stored: dict[int, dict[int, tuple[int, dt.datetime]]] = defaultdict(dict)  # facet pk -> rid -> (entry, at)
    query = ListEntry.objects.filter(facet__site_id=site_id).values_list("id", "facet_id", "resource_id", "at")
    for pk, facet_pk, rid, at in query.iterator(chunk_size=BATCH):
        stored[facet_pk][rid] = (pk, at)
    removed, added = [], []
    for facet_pk, key in by_pk.items():
        have, rows = stored.get(facet_pk, {}), wanted[key][1]
        removed += [pk for rid, (pk, at) in have.items() if rows.get(rid) != at]
        added += [(facet_pk, rid, at) for rid, at in rows.items() if have.get(rid, (0, None))[1] != at]
    for start in range(0, len(removed), BATCH):
        ListEntry.objects.filter(id__in=removed[start : start + BATCH]).delete()
    _insert(added)
    sizes = {pk: len(wanted[key][1]) for pk, key in by_pk.items()}
    changed = dict(ListFacet.objects.filter(id__in=sizes).values_list("id", "size"))
    _set_sizes({pk: size for pk, size in sizes.items() if changed.get(pk) != size})
    return len(removed) + len(added)


@transaction.atomic
def sync_resources(site_id: int, resource_ids: set[int], listings: list[Listing]) -> None:
    """Bring the stored rows of these resources up to date; `listings`: lists built from their rows alone."""
    wanted = wanted_of(listings, resource_ids)
    facets = {(c, f): pk for pk, c, f, _name in _facet_rows(site_id)}
    for key, (name, _rows) in wanted.items():
        if key not in facets:
            facets[key] = ListFacet.objects.create(
                site_id=site_id, column_id=key[0], facet=key[1], name=name, size=0
            ).pk
    keys = {pk: key for key, pk in facets.items()}
    stored = ListEntry.objects.filter(facet__site_id=site_id, resource_id__in=sorted(resource_ids))
    removed, delta = [], defaultdict(int)
    have = set()
    for pk, facet_pk, rid, at in stored.values_list("id", "facet_id", "resource_id", "at"):
        rows = wanted.get(keys[facet_pk], ("", {}))[1]
        if rows.get(rid) == at:
            have.add((facet_pk, rid))
        else:
            removed.append(pk)
            delta[facet_pk] -= 1
    added = []
    for key, (_name, rows) in wanted.items():
        for rid, at in rows.items():
            if (facets[key], rid) not in have:
                added.append((facets[key], rid, at))
                delta[facets[key]] += 1
    if removed:
        ListEntry.objects.filter(id__in=removed).delete()
    _insert(added)
    delta = {pk: d for pk, d in delta.items() if d}
    if delta:
        ListFacet.objects.filter(id__in=delta).update(
            size=F("size")
            + Case(
                *[When(id=pk, then=Value(d)) for pk, d in delta.items()], default=Value(0), output_field=IntegerField()
            )
        )
        ListFacet.objects.filter(id__in=delta, size=0).delete()


def _facet_rows(site_id: int):
    return ListFacet.objects.filter(site_id=site_id).values_list("id", "column_id", "facet", "name")


def _insert(rows: list[tuple[int, int, dt.datetime]]) -> None:
    for start in range(0, len(rows), BATCH):
        ListEntry.objects.bulk_create(
            [ListEntry(facet_id=f, resource_id=r, at=at) for f, r, at in rows[start : start + BATCH]]
        )


def _set_sizes(sizes: dict[int, int]) -> None:
    for start in range(0, len(sizes), 500):
        part = dict(list(sizes.items())[start : start + 500])
        ListFacet.objects.filter(id__in=part).update(
            size=Case(
                *[When(id=pk, then=Value(size)) for pk, size in part.items()],
                default=F("size"),
                output_field=IntegerField(),
            )
        )


# --- reading ------------------------------------------------------------------------------------


def facets(site_id: int) -> list[tuple[int, int, str, str, int]]:
    """(pk, column id, facet id, name, size) of every list of the site (a few dozen rows)."""
    return list(ListFacet.objects.filter(site_id=site_id).values_list("id", "column_id", "facet", "name", "size"))


def count_after(facet_pks: list[int], resource_id: int, at: dt.datetime) -> dict[int, int]:
    """facet pk -> how many items of that list are newer than this one (index range counts, one query)."""
    if not facet_pks:
        return {}
    marks = ", ".join(["%s"] * len(facet_pks))
    sql = (
        f'SELECT facet_id, COUNT(*) FROM "{ENTRY}" WHERE facet_id IN ({marks})'
        " AND (at > %s OR (at = %s AND resource_id > %s)) GROUP BY facet_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*facet_pks, at, at, resource_id])
        found = dict(cursor.fetchall())
    return {pk: found.get(pk, 0) for pk in facet_pks}


def page_ids(facet_pk: int, size: int, number: int) -> list[int]:
    """The resources of one page, newest first: 0 = the newest page (see Facet.newest), else page `number`.

    Read from the nearer end of the list: the newest pages from the newest item down.
    """
    full = size // PAGE_SIZE
    if number == 0:
        return _slice(facet_pk, "DESC", 0, max(PAGE_SIZE, size - full * PAGE_SIZE))
    first, last = (number - 1) * PAGE_SIZE, min(size, number * PAGE_SIZE) - 1  # positions, oldest = 0
    if size - 1 - last <= first:
        return _slice(facet_pk, "DESC", size - 1 - last, last - first + 1)
    return _slice(facet_pk, "ASC", first, last - first + 1)[::-1]


def _slice(facet_pk: int, direction: str, offset: int, limit: int) -> list[int]:
    sql = (
        f'SELECT resource_id FROM "{ENTRY}" WHERE facet_id = %s'
        f" ORDER BY at {direction}, resource_id {direction} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [facet_pk, limit, offset])
        return [rid for (rid,) in cursor.fetchall()]
