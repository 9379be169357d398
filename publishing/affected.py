"""Which pages a change affects (PUB-8: only dependent pages are rendered again).

`plan_changes` answers for one site, from the current data, the dependency index and the
manifest; None means "render the whole site" (unchanged files are still not written):

- pages that showed a changed resource or column (dependency index) are rendered again, or
  deleted when they no longer exist (a withdrawn article);
- a resource shown in a column for the first time, or no longer shown, at position p of the
  column's publishing order: its page, its older neighbour (whose "next" link changes), the
  pages whose related window or previous/next covers p, the numbered pages from p's page on
  (none when p is at the end: numbered pages are full and never link newer ones, so an
  approval writes the same few files in a column of 10 as of 10,000), the column's index, RSS
  and sitemap, its parents' index pages, the home page and sitemap.xml;
- a pinned resource: its column's index.html too (pinned items are listed there, however old);
- a changed column: its pages and those of its sub-columns, its parents' index, the site map;
- the pages that feature apps add (publishing/extensions.py): those the dependency index finds,
  and what their provider's `affected` adds or deletes;
- the whole site when the set of visible columns changes (COL-4: navigation and site map are on
  every page), when a channel changes (COL-6), or when the site was never published.

The plan reads only the outline of the items (sitedata.Entry: order, resource, page, pinned),
so it works the same on a whole site and on a partial load (publishing/partial.py).
"""

from django.db.models import Q

from editorial.models import Placement
from publishing import dependencies
from publishing.bulk_sql import Epoch
from publishing.render import Renderer
from publishing.site_loading import order_key
from publishing.sitedata import (
    ENTRY_HAS_PAGE,
    ENTRY_PAGES_BEFORE,
    ENTRY_PINNED,
    ENTRY_PLACEMENT,
    ENTRY_RESOURCE,
    PAGE_SIZE,
    RELATED_WINDOW,
    SITEMAP_CHUNK,
)
from resources.models import PolicyInterpretation


class Planner:
    """The position rules of the module docstring, for one site's data."""

    def __init__(self, site_id, data, renderer):
        self.site_id, self.data, self.renderer = site_id, data, renderer

    def key_of(self, path: str) -> tuple | None:
        """The key of a page path that exists in the current data, else None."""
        placement = self.data.placement_at(path)
        if placement is not None:
            return ("item", placement)
        key = self.renderer.key_of(path)
        return None if key is not None and key[0] == "item" else key

    def path_of(self, key: tuple) -> str:
        if key[0] == "item":
            col, position = self.data.position_of(key[1])
            return f"{col.path}{col.entries[position][ENTRY_RESOURCE]}.html"
        return self.renderer.path_of(key)

    def _removal_events(self, removed: dict[tuple[int, int], str], events: dict[int, set[int]]) -> None:
        """Where withdrawn items were in their columns' order (from their placements, if kept; the
        stored outline's entries they had, when the publisher's sync removed them)."""
        synced = getattr(self.data.loader, "synced", None)
        found = {k: v for k, v in synced.removed.items() if k in removed} if synced else {}
        if len(found) < len(removed):
            rows = Placement.objects.filter(
                resource_id__in={rid for rid, _ in removed}, column_id__in={cid for _, cid in removed}
            ).values_list("id", "resource_id", "column_id", Epoch("placed_at"), Epoch("resource__published_at"))
            for pid, rid, cid, placed_at, published_at in rows:
                found[(rid, cid)] = (order_key(placed_at, published_at), pid)
        for (rid, cid), _path in removed.items():
            col = self.data.columns[cid]
            if synced and not self.data.hidden and (rid, cid) in synced.newer:  # counted by the sync
                position = len(col.entries) - synced.newer[(rid, cid)]
            else:
                position = self.data.position_before(col, *found[(rid, cid)]) if (rid, cid) in found else 0
            events.setdefault(cid, set()).add(position)

    def _policy_links(self, resource_ids: set[int]) -> set[int]:
        """Policies and interpretations linked to the changed resources show each other (RES-8)."""
        if not resource_ids:
            return set()
        out = set()
        for policy, interpretation in PolicyInterpretation.objects.filter(
            Q(policy_id__in=resource_ids) | Q(interpretation_id__in=resource_ids)
        ).values_list("policy_id", "interpretation_id"):
            out.update((policy, interpretation))
        return out - resource_ids

    def _page_keys(self, resource_id: int) -> set[tuple]:
        data = self.data
        out = set()
        for pid in data.placements_of(resource_id):
            col, position = data.position_of(pid)
            if col.entries[position][ENTRY_HAS_PAGE]:
                out.add(("item", pid))
        return out

    def _column_keys(self, col, keys: set) -> None:
        """A column changed (name, description, keywords…): its subtree, its parents, site map."""
        stack = [col]
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            if not node.visible:
                continue
            keys.update({("column", node.id), ("rss", node.id), ("colmap", node.id)})
            keys.update(("archive", node.id, k) for k in range(1, node.full_pages + 1))
            self.data.ensure({node: range(len(node.entries))})
            keys.update(("item", e[ENTRY_PLACEMENT]) for e in node.entries if e[ENTRY_HAS_PAGE])
        for node in col.ancestors:
            if node.visible:
                keys.add(("column", node.id))
        keys.update({("home",), ("sitemap_html",)})

    def _event_keys(self, col, position: int, keys: set, deletions: set, shrunk: int) -> None:
        entries, count = col.entries, len(col.entries)
        low, top = max(0, position - 8), min(count, position + RELATED_WINDOW + 1)
        self.data.ensure({col: range(low, top)})
        start = position - 1
        while start > 0 and not entries[start][ENTRY_HAS_PAGE]:
            start -= 1
            if start < low:  # a long run of items without a page (links)
                low = max(0, low - 256)
                self.data.ensure({col: range(low, start + 1)})
        for entry in entries[max(0, start) : top]:
            if entry[ENTRY_HAS_PAGE]:
                keys.add(("item", entry[ENTRY_PLACEMENT]))
        keys.update(("archive", col.id, k) for k in range(position // PAGE_SIZE + 1, col.full_pages + 1))
        with_page_before = entries[position][ENTRY_PAGES_BEFORE] if position < count else entries.pages
        keys.update(("chunk", col.id, k) for k in range(with_page_before // SITEMAP_CHUNK + 1, col.sitemap_chunks + 1))
        for node in col.ancestors:
            if node.visible:
                keys.update({("column", node.id), ("rss", node.id), ("colmap", node.id)})
        keys.update({("home",), ("sitemap",), ("sitemap_site",)})
        if shrunk and self._may_shrink(col, shrunk):  # numbered pages and sitemaps beyond the new count
            for path in dependencies.manifest_under(self.site_id, col.path, ("page-", "sitemap-")):
                if "/" not in path[len(col.path) :] and self.key_of(path) is None:
                    deletions.add(path)


    def _may_shrink(self, col, removed: int) -> bool:
        """Whether `removed` fewer items can leave a numbered page or sitemap beyond the new count."""
        total, pages = len(col.entries), col.entries.pages
        return (total + removed) // PAGE_SIZE != total // PAGE_SIZE or (
            (pages + removed) // SITEMAP_CHUNK != pages // SITEMAP_CHUNK
        )


def plan_changes(site_id, data, renderer, resource_ids: set[int], column_ids: set[int]):
    """(keys to render, their paths, paths to delete, manifest entries looked up so far), or None: the whole site."""
    planner = Planner(site_id, data, renderer)
    columns = list(data.columns.values())
    probe = ["index.html"] + [c.index_path for c in columns]
    probe += [f"{c.path}{rid}.html" for c in columns for rid in resource_ids]
    known = dependencies.manifest(site_id, probe)
    if "index.html" not in known or any(cid not in data.columns or data.columns[cid].is_channel for cid in column_ids):
        return None
    showing = dependencies.pages_showing(site_id, resource_ids, column_ids)
    linked = planner._policy_links(resource_ids)
    if data.loader is not None:  # a partial load: the entries the rules below read first
        named = {parsed[1] for parsed in map(data.parse_item_path, showing) if parsed}
        changed = set(column_ids) | {c.id for c in columns for rid in resource_ids if f"{c.path}{rid}.html" in known}
        synced = getattr(data.loader, "synced", None)
        if synced is not None:  # the columns of the resources' entries before and after the publisher's sync
            changed |= synced.columns
        else:
            changed |= set(
                Placement.objects.filter(site_id=site_id, resource_id__in=resource_ids).values_list(
                    "column_id", flat=True
                )
            )
        data.loader.prepare(resource_ids | linked | named, changed)
        planner.renderer = Renderer(data, renderer.assets)  # what it knew of the columns is known now
    for extension in planner.renderer.extensions.values():  # feature apps' derived data, before key_of
        extension.changing(resource_ids, column_ids)
    if {c.id for c in columns if c.index_path in known} != {c.id for c in data.visible_columns}:
        return None

    keys: set[tuple] = set()
    deletions: set[str] = set()
    events: dict[int, set[int]] = {}  # column id -> changed positions

    def add_path(path: str):
        key = planner.key_of(path)
        if key is not None:
            keys.add(key)
        else:
            deletions.add(path)

    for path in showing:
        add_path(path)
    removed: dict[tuple[int, int], str] = {}
    for rid in resource_ids:
        shown = set()
        for pid in data.placements_of(rid):
            col, position = data.position_of(pid)
            has_page = col.entries[position][ENTRY_HAS_PAGE]
            path = f"{col.path}{rid}.html"
            shown.add(path)
            if has_page:
                keys.add(("item", pid))
            if col.entries[position][ENTRY_PINNED]:  # pinned: on top of index.html, however old
                keys.add(("column", col.id))
            if not has_page or path not in known:
                events.setdefault(col.id, set()).add(position)
        for col in columns:
            path = f"{col.path}{rid}.html"
            if path in known and path not in shown:
                deletions.add(path)
                removed[(rid, col.id)] = path
    if removed:
        planner._removal_events(removed, events)
    for rid in linked:
        keys.update(planner._page_keys(rid))
    for cid in column_ids:
        planner._column_keys(data.columns[cid], keys)
    shrunk: dict[int, int] = {}
    for _, cid in removed:
        shrunk[cid] = shrunk.get(cid, 0) + 1
    for cid, positions in events.items():  # each change's neighbours; numbered pages from the lowest on
        for n, position in enumerate(sorted(positions)):
            planner._event_keys(data.columns[cid], position, keys, deletions, shrunk.get(cid, 0) if n == 0 else 0)
    for extension in planner.renderer.extensions.values():  # feature apps' pages (publishing/extensions.py)
        more, gone = extension.affected(resource_ids, column_ids, showing)
        keys |= more
        deletions |= gone
    keys = sorted(keys, key=lambda k: (k[0] != "item", k))
    paths = [planner.path_of(k) for k in keys]
    deletions -= set(paths)
    return keys, paths, deletions, known
