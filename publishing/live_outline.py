"""The outline of a site numbered from its placements as they are now, for the preview (PUB-8).

The publisher reads the stored outline (publishing/outline_store.py), which it keeps up to date
under the site's lock. A preview writes nothing and may come before the publish of what it
shows (items approved while the publish task waits), so it numbers the site's shown placements
in the database (publishing/numbering.py: one query with window functions over the site, which
grows with the site but needs nothing stored) and returns only the rows asked for.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from editorial.models import Placement, PlacementStatus
from publishing import extensions
from publishing.numbering import NUMBERED, key_sql, shown_sql
from publishing.partial import EVENT_TAIL, PARTIAL_LIMIT, OutlineLoader, TooMuch, _ranges
from publishing.render import HOME_BLOCK
from publishing.sitedata import ENTRY_PINNED, SITEMAP_CHUNK, ColumnInfo, NotLoaded
from publishing.sparse import SparseItems, SparseOutline


class LiveOutlineLoader(OutlineLoader):
    """An OutlineLoader whose entries are numbered from the placements themselves."""

    # --- entries (numbered live) ------------------------------------------------------------------------------

    def _fetch(self, terms: list[tuple[str, list]], column_ids=None, resources: Iterable[int] = ()) -> None:
        """Entries matching any of the SQL terms (over the numbered rows r), in one query."""
        if not terms:
            return
        shown, params = shown_sql(self.data.site.id, column_ids, self.data.hidden)
        condition = " OR ".join(f"({sql})" for sql, _ in terms)
        for _, term_params in terms:
            params += term_params
        with connection.cursor() as cursor:
            cursor.execute(NUMBERED.format(shown=shown, key=key_sql("lv"), condition=condition), params)
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

