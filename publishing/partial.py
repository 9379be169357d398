"""Loading only what an incremental publish renders (PUB-8).

A full rebuild reads every shown item of a site (`load_site`, publishing/site_loading.py). An
approval changes a handful of pages, and those read few items: the article and its neighbours
in publishing order, the newest items of its column (index.html, rss.xml), the newest of each
column (the home page, the channel pages). So an incremental publish starts from
`load_partial(site_id)`: the site, its columns and domains as `load_site` reads them, and no
item. The stored outline (publishing/outline_store.py: every shown placement's order key, and
each column's counts) then gives only the rows asked for, numbered from the newest end of their
column through its index, so that what an approval reads does not grow with the site:

- `OutlineLoader.prepare(...)`, once the change is known: the count of every column, its pinned
  items, its newest HOME_BLOCK items, every placement of the changed resources and of those
  that pages showing them name, and around the changed columns the newest EVENT_TAIL items
  and the sitemap's newest part: an approval needs nothing more (3 queries);
- `.outline(...)`: further positions (entries) when the planner or the pages need them;
- `.placements(...)`, `.resources(...)`: the Items themselves, with the same query and the same
  construction as `load_site`, put at their positions in the columns' SparseItems.

Each column's entries are a SparseOutline and its items a SparseItems (publishing/sparse.py),
of the full length; reading what was not loaded raises NotLoaded, and the publisher then renders
from the whole site, so a partial load can make a publish slower, never different. Asking for more than
PARTIAL_LIMIT entries raises TooMuch: the whole site is loaded instead, in one bulk query.
"""

from __future__ import annotations

from collections.abc import Iterable

from publishing import extensions, outline_store
from publishing.contents import Content, resource_ids_in
from publishing.render import HOME_BLOCK, SECTION_BLOCK, TEMPLATE_BY_COLUMN_TYPE
from publishing.site_loading import (
    item_rows,
    load_domains,
    load_frame,
    make_items,
    resolve_repost_origins,
)
from publishing.sitedata import (
    ENTRY_KEY,
    ENTRY_PINNED,
    ENTRY_PLACEMENT,
    PAGE_SIZE,
    SITEMAP_CHUNK,
    ColumnInfo,
    NotLoaded,
    SiteData,
)
from publishing.sparse import SparseItems, SparseOutline
from sites.models import Domain

NEIGHBOUR_REACH = 64  # an article page looks this far for its previous and next page (render_content)
EVENT_TAIL = 2 * NEIGHBOUR_REACH + 2  # newest entries of a changed column: an appended item, its neighbour
PARTIAL_LIMIT = 2000  # entries; past this an incremental publish loads the whole site


class TooMuch(Exception):
    """A change reads so much of the site that one bulk load is cheaper."""


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
        self.synced: outline_store.Synced | None = None  # what the publisher's sync learnt (no need to ask again)

    # --- entries ------------------------------------------------------------------------------

    def _take(self, rows: list[tuple], resources: Iterable[int] = ()) -> None:
        """Numbered entries (outline_store rows) put at their positions in their columns."""
        columns = self.data.columns
        resources = set(resources)
        for rid in resources:
            self.complete.add(rid)
            self.by_resource[rid] = []
        for pid, rid, cid, pinned, has_page, key, rd, pages_after in rows:
            col = columns.get(cid)
            if col is None:
                continue
            outline = col.outline
            position = outline.total - rd
            if not 0 <= position < outline.total:
                raise NotLoaded(f"column {col.path!r} changed while the site was being published")
            outline.entries[position] = (key, pid, rid, has_page, pinned, outline.pages - pages_after)
            self.where[pid] = (col, position)
            if rid in resources:
                self.by_resource[rid].append(pid)

    def prepare(self, resource_ids: set[int], changed_columns: set[int]) -> None:
        """The first reads of an incremental publish (see the module docstring): counts and more.

        TooMuch when the site's outline was never stored (publishing/outline_store.py).
        """
        data = self.data
        counts = outline_store.tallies(data.site.id, data.hidden, self.synced.tallies if self.synced else None)
        if counts is None:
            raise TooMuch
        for col in data.columns.values():
            total, pages = counts.get(col.id, (0, 0))
            col.outline = SparseOutline(col, total, pages)
            col.items = SparseItems(col, total)
        newest = {cid: HOME_BLOCK for cid in data.columns}
        for cid in changed_columns:
            if cid in data.columns:  # the newest items, and those of the sitemap's newest part
                for node in data.columns[cid].ancestors:
                    outline = node.outline
                    sitemap = SITEMAP_CHUNK + outline.total - outline.pages  # covers SITEMAP_CHUNK with a page
                    newest[node.id] = max(newest[node.id], EVENT_TAIL, min(outline.total, sitemap))
        self._take(outline_store.newest(newest, data.hidden))
        terms = [("e.pinned", [])]
        if resource_ids:
            terms.append((f"e.resource_id IN ({', '.join(['%s'] * len(resource_ids))})", sorted(resource_ids)))
        rows = outline_store.entries_where(terms, data.site.id, data.hidden)
        self._take(rows, resources=resource_ids)
        for col in data.columns.values():
            col.outline.pinned = sorted(p for p, e in col.outline.entries.items() if e[ENTRY_PINNED])
        shown = extensions.visible_columns(data)  # as site_loading._load_items
        for col in reversed(data.ordered_columns):  # children before parents
            col.visible = bool(col.items) or col.id in shown or any(child.visible for child in col.children)

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
        spans = {}
        for cid, positions in missing.items():
            total = self.data.columns[cid].outline.total
            spans[cid] = [(total - last, total - first) for first, last in _ranges(positions)]  # as rd
        self._take(outline_store.runs(spans, self.data.hidden))

    def outline_of_resources(self, resource_ids: set[int]) -> None:
        """Every shown placement's entry of these resources (articles that pages link or name)."""
        wanted = sorted(rid for rid in resource_ids if rid not in self.complete)
        if not wanted:
            return
        condition = f"e.resource_id IN ({', '.join(['%s'] * len(wanted))})"
        self._take(outline_store.entries_where([(condition, wanted)], self.data.site.id, self.data.hidden), wanted)

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
        """How many entries of the column come before (key, placement id): counted from the newest end."""
        return col.outline.total - outline_store.count_newer(col.id, key, placement_id, self.data.hidden)

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


def load_partial(site_id: int, hidden: frozenset[int] = frozenset(), loader=None) -> SiteData:
    """The site, its columns and domains (3 queries); items come with OutlineLoader.prepare().

    `hidden`: resources held back on the site (publishing/held_back.py), numbered as if not placed.
    `loader`: the loader class (the preview's numbers the placements as they are now: live_outline.py).
    """
    data = load_frame(site_id)
    data.hidden = frozenset(hidden)
    data.loader = (loader or OutlineLoader)(data, load_domains(data, set()))
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
