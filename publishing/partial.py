"""Loading only what an incremental publish renders (PUB-8).

A full rebuild reads every shown item of a site (`load_site`, publishing/site_loading.py). An
approval changes a handful of pages, and those read few items: the article and its neighbours
in publishing order, the newest items of its column (index.html, rss.xml), the newest of each
column (the home page, the channel pages). So an incremental publish starts from
`load_partial(site_id)`: the site, its columns and domains as `load_site` reads them, and no
item. The database then numbers the items (window functions over the shown placements: the
position in the column's publishing order, the column's count, how many items with a page
come before), and returns only the rows asked for:

- `OutlineLoader.prepare(...)`, once the change is known: the count of every column, its pinned
  items, its newest HOME_BLOCK items, every placement of the changed resources and of those
  that pages showing them name, and around the changed columns the newest EVENT_TAIL items
  and the sitemap's newest part: an approval needs nothing more (one query);
- `.outline(...)`: further positions (entries) when the planner or the pages need them;
- `.placements(...)`, `.resources(...)`: the Items themselves, with the same query and the same
  construction as `load_site`, put at their positions in the columns' SparseItems.

Each column's entries are a SparseOutline and its items a SparseItems, of the full length;
reading what was not loaded raises NotLoaded, and the publisher then renders from the whole
site, so a partial load can make a publish slower, never different. Asking for more than
PARTIAL_LIMIT entries raises TooMuch: the whole site is loaded instead, in one bulk query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Coalesce, Greatest

from publishing.bulk_sql import Epoch, shaped_sql
from publishing.contents import Content, resource_ids_in
from publishing.models import Placement, PlacementStatus
from publishing.render import HOME_BLOCK, SECTION_BLOCK, TEMPLATE_BY_COLUMN_TYPE
from publishing.site_loading import (
    item_rows,
    load_domains,
    load_frame,
    make_items,
    resolve_repost_origins,
    shown_placements,
)
from publishing.sitedata import (
    ENTRY_HAS_PAGE,
    ENTRY_KEY,
    ENTRY_PAGES_BEFORE,
    ENTRY_PINNED,
    ENTRY_PLACEMENT,
    ENTRY_RESOURCE,
    NO_PAGE_KINDS,
    PAGE_SIZE,
    SITEMAP_CHUNK,
    ColumnInfo,
    Item,
    NotLoaded,
    SiteData,
)
from sites.models import Domain

NEIGHBOUR_REACH = 64  # an article page looks this far for its previous and next page (render_content)
EVENT_TAIL = 2 * NEIGHBOUR_REACH + 2  # newest entries of a changed column: an appended item, its neighbour
PARTIAL_LIMIT = 2000  # entries; past this an incremental publish loads the whole site


class TooMuch(Exception):
    """A change reads so much of the site that one bulk load is cheaper."""


class SparseOutline(Sequence):
    """A column's entries (sitedata.Entry) of which only some are loaded; others raise NotLoaded."""

    __slots__ = ("column", "total", "pages", "pinned", "entries")

    def __init__(self, column: ColumnInfo, total: int, pages: int):
        self.column, self.total, self.pages = column, total, pages
        self.pinned: list[int] = []  # positions; every pinned entry is loaded by prepare()
        self.entries: dict[int, tuple] = {}

    def __len__(self) -> int:
        return self.total

    def _get(self, position: int) -> tuple:
        try:
            return self.entries[position]
        except KeyError:
            raise NotLoaded(f"entry {position} of column {self.column.path!r} was not loaded") from None

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._get(p) for p in range(*index.indices(self.total))]
        if index < 0:
            index += self.total
        if not 0 <= index < self.total:
            raise IndexError("entry position out of range")
        return self._get(index)

    def __iter__(self):
        return (self._get(p) for p in range(self.total))

    def page_rids(self, start: int, stop: int | None = None) -> list[int]:
        """Resource ids of the items with a page, numbered among those (sitemaps)."""
        stop = self.pages if stop is None else min(stop, self.pages)
        found = sorted(
            (e[ENTRY_PAGES_BEFORE], e[ENTRY_RESOURCE])
            for e in self.entries.values()
            if e[ENTRY_HAS_PAGE] and start <= e[ENTRY_PAGES_BEFORE] < stop
        )
        if len(found) != max(0, stop - start):
            raise NotLoaded(f"pages {start}..{stop} of column {self.column.path!r} were not loaded")
        return [rid for _, rid in found]


class SparseItems(Sequence):
    """A column's items in publishing order, of which only some are loaded; others raise NotLoaded."""

    __slots__ = ("_count", "_items", "_column")

    def __init__(self, column: ColumnInfo, count: int):
        self._column, self._count, self._items = column, count, {}

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def _get(self, position: int) -> Item:
        try:
            return self._items[position]
        except KeyError:
            raise NotLoaded(f"item {position} of column {self._column.path!r} was not loaded") from None

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._get(p) for p in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("item position out of range")
        return self._get(index)

    def __iter__(self):
        return (self._get(p) for p in range(self._count))

    def __reversed__(self):
        return (self._get(p) for p in range(self._count - 1, -1, -1))

    def put(self, position: int, item: Item) -> None:
        self._items[position] = item


# The shown placements numbered by the database, in one sort and one pass, newest first. {shown} is
# the ORM's query of the shown placements (id, resource_id, column_id, pinned, has_page, lv: the
# time it went live). rd counts from the newest item of the column (1), pages_after the items
# with a page from the newest down to this one; the oldest item (last = 1) gives the column's
# count (its rd) and how many items have a page (its pages_after).
NUMBERED = """SELECT id, resource_id, column_id, pinned, has_page, {key}, rd, pages_after, last FROM (
 SELECT s.id, s.resource_id, s.column_id, s.pinned, s.has_page, s.lv, ROW_NUMBER() OVER w AS rd,
  SUM(s.has_page) OVER w AS pages_after, CASE WHEN LEAD(s.id) OVER w IS NULL THEN 1 ELSE 0 END AS last
 FROM ({shown}) s
 WINDOW w AS (PARTITION BY s.column_id ORDER BY s.lv DESC, s.id DESC ROWS UNBOUNDED PRECEDING)
) r WHERE r.last = 1 OR {condition}"""


def _shown_sql(site_id: int, column_ids=None, hidden=frozenset()) -> tuple[str, list]:
    """The shown placements, with the time they went live and whether they have a page.

    The order is load_site's: (order key, placement id), the key being the seconds since 1970 of
    the later of placed_at and the first publication. PostgreSQL sorts the timestamps themselves
    (their order is the order of their keys: distinct microseconds are distinct doubles, at these
    dates) and converts only the rows it returns (_key_sql); SQLite sorts the keys.
    """
    held = {"hidden": sorted(hidden)} if hidden else {}  # held back (publishing/held_back.py): another shape
    name = " hidden" if hidden else ""
    if column_ids is None:
        return shaped_sql("numbered" + name, _shown_query, site_id=site_id, **held)
    return shaped_sql(
        "numbered in columns" + name, _shown_query, site_id=site_id, column_ids=sorted(column_ids), **held
    )


def _shown_query(site_id: int, column_ids=None, hidden=()):
    query = shown_placements(site_id, hidden)
    if column_ids is not None:
        query = query.filter(column_id__in=column_ids)
    if connection.vendor == "postgresql":
        live = Greatest(F("placed_at"), Coalesce(F("resource__published_at"), F("placed_at")))
    else:
        placed = Epoch("placed_at")
        live = Greatest(placed, Coalesce(Epoch("resource__published_at"), placed))
    return (
        query.annotate(
            lv=live,
            has_page=Case(
                When(resource__kind__in=NO_PAGE_KINDS, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
        )
        .values_list("id", "resource_id", "column_id", "pinned", "has_page", "lv")
        .order_by()
    )


def _key_sql(column: str) -> str:
    """The order key (a float, as bulk_sql.Epoch gives it) of a `lv` column of _shown_sql."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) AS double precision)"
    return column


def _ranges(positions: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted positions as inclusive (first, last) runs."""
    out: list[tuple[int, int]] = []
    for p in sorted(positions):
        if out and p == out[-1][1] + 1:
            out[-1] = (out[-1][0], p)
        else:
            out.append((p, p))
    return out


class OutlineLoader:
    """Fetches entries and items of a partially loaded site into its columns."""

    def __init__(self, data: SiteData, primaries: dict[int, tuple[str, str]]):
        self.data, self.primaries = data, primaries
        self.where: dict[int, tuple[ColumnInfo, int]] = {}  # placement id -> (column, position)
        self.by_resource: dict[int, list[int]] = {}  # resource id -> placement ids, for `complete` ones
        self.complete: set[int] = set()  # resources whose every shown placement's entry is loaded
        self.loaded: set[int] = set()  # placements whose Item is loaded
        self.resolved: set[int] = set()  # resources whose every Item is loaded (url_of, title_of)

    # --- entries ------------------------------------------------------------------------------

    def _fetch(self, terms: list[tuple[str, list]], column_ids=None, resources: Iterable[int] = ()) -> None:
        """Entries matching any of the SQL terms (over the numbered rows r), in one query."""
        if not terms:
            return
        shown, params = _shown_sql(self.data.site.id, column_ids, self.data.hidden)
        condition = " OR ".join(f"({sql})" for sql, _ in terms)
        for _, term_params in terms:
            params += term_params
        with connection.cursor() as cursor:
            cursor.execute(NUMBERED.format(shown=shown, key=_key_sql("lv"), condition=condition), params)
            rows = cursor.fetchall()
        columns = self.data.columns
        for row in rows:  # the oldest item of each column: its count and items with a page
            if row[8]:
                col = columns.get(row[2])
                if col is None:
                    continue
                total, pages = row[6], row[7]
                if col.outline is None:
                    col.outline = SparseOutline(col, total, pages)
                    col.items = SparseItems(col, total)
                elif (col.outline.total, col.outline.pages) != (total, pages):
                    raise NotLoaded(f"column {col.path!r} changed while the site was being published")
        resources = set(resources)
        for rid in resources:
            self.complete.add(rid)
            self.by_resource[rid] = []
        for pid, rid, cid, pinned, has_page, key, rd, pages_after, _last in rows:
            col = columns.get(cid)
            if col is None:
                continue
            outline = col.outline
            if outline is None:
                raise NotLoaded(f"the count of column {col.path!r} was not loaded")
            position = outline.total - rd
            outline.entries[position] = (key, pid, rid, bool(has_page), bool(pinned), outline.pages - pages_after)
            self.where[pid] = (col, position)
            if rid in resources:
                self.by_resource[rid].append(pid)

    def prepare(self, resource_ids: set[int], changed_columns: set[int]) -> None:
        """The first query of an incremental publish (see the module docstring): counts and more."""
        data = self.data
        around = set()
        for cid in changed_columns:
            if cid in data.columns:
                around.update(node.id for node in data.columns[cid].ancestors)
        terms = [("r.rd <= %s", [HOME_BLOCK]), ("r.pinned = %s", [True])]
        if resource_ids:
            terms.append((f"r.resource_id IN ({', '.join(['%s'] * len(resource_ids))})", sorted(resource_ids)))
        if around:  # the newest items, and those of the sitemap's newest part (fewer than a chunk)
            terms.append(
                (
                    f"r.column_id IN ({', '.join(['%s'] * len(around))})"
                    " AND (r.rd <= %s OR (r.has_page = 1 AND r.pages_after <= %s))",
                    [*sorted(around), EVENT_TAIL, SITEMAP_CHUNK],
                )
            )
        self._fetch(terms, resources=resource_ids)
        for col in data.columns.values():
            if col.outline is None:  # nothing shown
                col.outline = SparseOutline(col, 0, 0)
                col.items = SparseItems(col, 0)
            col.outline.pinned = sorted(p for p, e in col.outline.entries.items() if e[ENTRY_PINNED])
        for col in reversed(data.ordered_columns):  # children before parents
            col.visible = bool(col.items) or any(child.visible for child in col.children)

    def outline(self, wanted: dict[ColumnInfo, Iterable[int]]) -> None:
        """Load these entries (positions per column) where they are missing."""
        missing = {}
        for col, positions in wanted.items():
            have = col.entries.entries
            lacking = [p for p in positions if p not in have and 0 <= p < col.entries.total]
            if lacking:
                missing[col.id] = lacking
        if not missing:
            return
        if sum(len(p) for p in missing.values()) > PARTIAL_LIMIT:
            raise TooMuch
        terms = []
        for cid, positions in missing.items():
            total = self.data.columns[cid].outline.total
            runs = [(total - last, total - first) for first, last in _ranges(positions)]  # as rd
            sql = " OR ".join(["r.rd BETWEEN %s AND %s"] * len(runs))
            terms.append((f"r.column_id = %s AND ({sql})", [cid, *[n for run in runs for n in run]]))
        self._fetch(terms, column_ids=missing.keys())

    def outline_of_resources(self, resource_ids: set[int]) -> None:
        """Every shown placement's entry of these resources (articles that pages link or name).

        Numbered only in the columns that place them (one indexed look-up first), not over the
        whole site: the numbering of a column depends on its own placements alone.
        """
        wanted = sorted(rid for rid in resource_ids if rid not in self.complete)
        if not wanted:
            return
        placing = Placement.objects.filter(
            site_id=self.data.site.id, resource_id__in=wanted, status=PlacementStatus.ACTIVE
        )
        column_ids = sorted(set(placing.values_list("column_id", flat=True)) & self.data.columns.keys())
        if not column_ids:  # shown nowhere on this site
            self.complete.update(wanted)
            self.by_resource.update({rid: [] for rid in wanted})
            return
        terms = [(f"r.resource_id IN ({', '.join(['%s'] * len(wanted))})", wanted)]
        self._fetch(terms, column_ids=column_ids, resources=wanted)

    def position_of(self, placement_id: int) -> tuple[ColumnInfo, int]:
        try:
            return self.where[placement_id]
        except KeyError:
            raise NotLoaded(f"the entry of placement {placement_id} was not loaded") from None

    def placements_of(self, resource_id: int) -> list[int]:
        if resource_id not in self.complete:
            raise NotLoaded(f"the placements of resource {resource_id} were not loaded")
        return self.by_resource[resource_id]

    def position_before(self, col: ColumnInfo, key: float, placement_id: int) -> int:
        shown, params = _shown_sql(self.data.site.id, [col.id], self.data.hidden)
        k = _key_sql("s.lv")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM ({shown}) s WHERE {k} < %s OR ({k} = %s AND s.id < %s)",
                [*params, key, key, placement_id],
            )
            return cursor.fetchone()[0]

    # --- items ----------------------------------------------------------------------------------

    def placements(self, placement_ids: Iterable[int]) -> None:
        """The Items of these placements (their entries are loaded), at their positions."""
        data = self.data
        missing = {pid for pid in placement_ids if pid not in self.loaded}
        if not missing:
            return
        items = list(make_items(data, item_rows(data.site.id, missing)))
        touched = set()
        for item in items:
            col, position = self.position_of(item.placement_id)
            entry = col.entries.entries[position]
            if col is not item.column or entry[ENTRY_KEY] != item.order_key or entry[ENTRY_PINNED] != item.pinned:
                raise NotLoaded(f"placement {item.placement_id} changed while the site was being published")
            item.position = position
            col.items.put(position, item)
            data.items_by_resource.setdefault(item.resource_id, []).append(item)
            touched.add(item.resource_id)
        if len(items) != len(missing):
            raise NotLoaded("placements were withdrawn while the site was being published")
        self.loaded |= missing
        for rid in touched:
            data.items_by_resource[rid].sort(key=lambda i: (i.column.id != i.home_column_id, i.placement_id))
        reposts = [i for i in items if i.is_repost]
        if reposts:
            sites = {i.resource_site_id for i in reposts} - self.primaries.keys()
            if sites:
                self.primaries.update(primary_domains(sites))
            resolve_repost_origins(data, self.primaries, reposts)

    def resources(self, resource_ids: Iterable[int]) -> None:
        """Every placement of these resources on the site (url_of and title_of read them all)."""
        wanted = {rid for rid in resource_ids if rid not in self.resolved}
        if wanted:
            self.outline_of_resources(wanted)
            self.placements(pid for rid in wanted for pid in self.by_resource[rid])
            self.resolved |= wanted


def load_partial(site_id: int, hidden: frozenset[int] = frozenset()) -> SiteData:
    """The site, its columns and domains (3 queries); items come with OutlineLoader.prepare().

    `hidden`: resources held back on the site (publishing/held_back.py), numbered as if not placed.
    """
    data = load_frame(site_id)
    data.hidden = frozenset(hidden)
    data.loader = OutlineLoader(data, load_domains(data, set()))
    return data


def primary_domains(site_ids: set[int]) -> dict[int, tuple[str, str]]:
    """Primary domain and name of the sites that reposted items come from (as load_domains)."""
    rows = Domain.objects.filter(site_id__in=site_ids, is_primary=True).values_list("site_id", "name", "site__name")
    return {sid: (name, site_name) for sid, name, site_name in rows}


def referenced_resources(contents: Iterable[Content]) -> set[int]:
    """Resources that content pages name by url_of and title_of (policies, interpretations, speeches)."""
    out = set()
    for content in contents:
        out.update(content.policies, content.interpretations, resource_ids_in(content.data.get("speeches")))
        if content.replaced_by:
            out.add(content.replaced_by)
    return out


def _subtree(col: ColumnInfo) -> list[ColumnInfo]:
    out, stack = [], [col]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.visible_children)
    return out


def positions_read_by(data: SiteData, keys: Iterable[tuple]) -> dict[ColumnInfo, set[int]]:
    """The positions of the items that rendering these pages reads (publishing/render.py, render_content.py).

    Generous where that is simpler (archived columns, which some lists leave out, are included);
    what it misses raises NotLoaded when rendered.
    """
    wanted: dict[ColumnInfo, set[int]] = {}

    def add(col: ColumnInfo, positions: Iterable[int]) -> None:
        wanted.setdefault(col, set()).update(positions)

    def newest(cols: Iterable[ColumnInfo], count: int) -> None:
        for col in cols:
            for node in _subtree(col):
                size = len(node.items)
                add(node, range(max(0, size - count), size))

    for key in keys:
        kind = key[0]
        if kind == "item":
            col, position = data.position_of(key[1])
            size = len(col.items)
            if size < NEIGHBOUR_REACH:
                add(col, range(size))
            else:
                add(col, range(max(0, position - NEIGHBOUR_REACH), min(size, position + NEIGHBOUR_REACH + 1)))
        elif kind == "column":
            col = data.columns[key[1]]
            add(col, range(len(col.items)) if col.column_type in TEMPLATE_BY_COLUMN_TYPE else col.index_positions())
            newest(col.visible_children, SECTION_BLOCK)
        elif kind == "archive":
            col, number = data.columns[key[1]], key[2]
            add(col, range((number - 1) * PAGE_SIZE, min(len(col.items), number * PAGE_SIZE)))
        elif kind == "rss":
            col = data.columns[key[1]]
            add(col, range(max(0, len(col.items) - PAGE_SIZE), len(col.items)))
        elif kind == "home":
            channels = data.channels
            newest(channels, HOME_BLOCK)
            if not [c for c in channels if not c.archived_at]:
                newest([c for c in data.roots if c.visible], HOME_BLOCK)
    return wanted


def load_for(data: SiteData, keys: list[tuple]) -> None:
    """Load the entries and Items that rendering these pages reads (a partial load; TooMuch past the limit)."""
    loader = data.loader
    wanted = positions_read_by(data, keys)
    loader.outline(wanted)
    pids = [col.entries.entries[p][ENTRY_PLACEMENT] for col, positions in wanted.items() for p in positions]
    if len(pids) > PARTIAL_LIMIT:
        raise TooMuch
    loader.placements(pids)
