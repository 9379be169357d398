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
- a changed column: its pages and those of its sub-columns, its parents' index, the site map;
- the whole site when the set of visible columns changes (COL-4: navigation and site map are on
  every page), when a channel changes (COL-6), or when the site was never published.
"""

import bisect

from django.db.models import Q

from publishing import dependencies
from publishing.models import Placement
from publishing.sitedata import PAGE_SIZE, RELATED_WINDOW, SITEMAP_CHUNK, Epoch, from_epoch
from resources.models import PolicyInterpretation


class Planner:
    """The position rules of the module docstring, for one site's data."""

    def __init__(self, site_id, data, renderer):
        self.site_id, self.data, self.renderer = site_id, data, renderer

    def _removal_events(self, removed: dict[tuple[int, int], str], events: dict[int, int]) -> None:
        """Where withdrawn items were in their columns' order (from their placements, if kept)."""
        rows = Placement.objects.filter(
            resource_id__in={rid for rid, _ in removed}, column_id__in={cid for _, cid in removed}
        ).values_list("id", "resource_id", "column_id", Epoch("placed_at"), Epoch("resource__published_at"))
        found = {}
        for pid, rid, cid, placed_at, published_at in rows:
            placed_at = from_epoch(placed_at)
            found[(rid, cid)] = (max(placed_at, from_epoch(published_at) or placed_at), pid)
        for (rid, cid), _path in removed.items():
            col = self.data.columns[cid]
            if (rid, cid) in found:
                order = [(i.live_at, i.placement_id) for i in col.items]
                position = bisect.bisect_left(order, found[(rid, cid)])
            else:
                position = 0
            events[cid] = min(events.get(cid, position), position)

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
            keys.update(("item", i.placement_id) for i in node.items if i.has_page)
        for node in col.ancestors:
            if node.visible:
                keys.add(("column", node.id))
        keys.update({("home",), ("sitemap_html",)})

    def _event_keys(self, col, position: int, keys: set, deletions: set, shrunk: bool) -> None:
        items = col.items
        start = position - 1
        while start > 0 and not items[start].has_page:
            start -= 1
        for item in items[max(0, start) : position + RELATED_WINDOW + 1]:
            if item.has_page:
                keys.add(("item", item.placement_id))
        keys.update(("archive", col.id, k) for k in range(position // PAGE_SIZE + 1, col.full_pages + 1))
        with_page_before = sum(1 for i in items[:position] if i.has_page)
        keys.update(("chunk", col.id, k) for k in range(with_page_before // SITEMAP_CHUNK + 1, col.sitemap_chunks + 1))
        for node in col.ancestors:
            if node.visible:
                keys.update({("column", node.id), ("rss", node.id), ("colmap", node.id)})
        keys.update({("home",), ("sitemap",), ("sitemap_site",)})
        if shrunk:  # numbered pages and sitemaps beyond the new count
            for path in dependencies.manifest_under(self.site_id, col.path, ("page-", "sitemap-")):
                if "/" not in path[len(col.path) :] and self.renderer.key_of(path) is None:
                    deletions.add(path)


def plan_changes(site_id, data, renderer, resource_ids: set[int], column_ids: set[int]):
    """(keys to render, paths to delete, manifest entries looked up so far), or None: the whole site."""
    planner = Planner(site_id, data, renderer)
    columns = list(data.columns.values())
    probe = ["index.html"] + [c.index_path for c in columns]
    probe += [f"{c.path}{rid}.html" for c in columns for rid in resource_ids]
    known = dependencies.manifest(site_id, probe)
    old_visible = {c.id for c in columns if c.index_path in known}
    new_visible = {c.id for c in data.visible_columns}
    if (
        "index.html" not in known
        or old_visible != new_visible
        or any(cid not in data.columns or data.columns[cid].is_channel for cid in column_ids)
    ):
        return None

    keys: set[tuple] = set()
    deletions: set[str] = set()
    events: dict[int, int] = {}  # column id -> lowest changed position

    def add_path(path: str):
        key = renderer.key_of(path)
        if key is not None:
            keys.add(key)
        else:
            deletions.add(path)

    for path in dependencies.pages_showing(site_id, resource_ids, column_ids):
        add_path(path)
    removed: dict[tuple[int, int], str] = {}
    for rid in resource_ids:
        shown = {item.path: item for item in data.items_by_resource.get(rid, ())}
        for item in shown.values():
            if item.has_page:
                keys.add(("item", item.placement_id))
            if not item.has_page or item.path not in known:
                events[item.column.id] = min(events.get(item.column.id, item.position), item.position)
        for col in columns:
            path = f"{col.path}{rid}.html"
            if path in known and path not in shown:
                deletions.add(path)
                removed[(rid, col.id)] = path
    if removed:
        planner._removal_events(removed, events)
    for rid in planner._policy_links(resource_ids):
        keys.update(("item", i.placement_id) for i in data.items_by_resource.get(rid, ()) if i.has_page)
    for cid in column_ids:
        planner._column_keys(data.columns[cid], keys)
    shrunk = {cid for _, cid in removed}
    for cid, position in events.items():
        planner._event_keys(data.columns[cid], position, keys, deletions, cid in shrunk)
    keys = sorted(keys, key=lambda k: (k[0] != "item", k))
    paths = [renderer.path_of(k) for k in keys]
    deletions -= set(paths)
    return keys, deletions, known
