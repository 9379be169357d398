"""Which pages a site has, and where each lives (TPL-1 to TPL-10, COL-4 to COL-7).

Page keys and their paths (relative to the site's folder):

    ("home",)                    index.html
    ("column", column id)        <column>/index.html   newest items, pinned first (COL-5)
    ("archive", column id, k)    <column>/page-<k>.html items (k-1)*20 .. k*20-1, oldest first
    ("item", placement id)       <column>/<resource id>.html
    ("rss", column id)           <column>/rss.xml
    ("colmap", column id)        <column>/sitemap.xml   the column's newest URLs
    ("chunk", column id, k)      <column>/sitemap-<k>.xml  1000 URLs each, oldest first
    ("sitemap",) sitemap.xml, ("sitemap_site",) sitemap-site.xml, ("sitemap_html",) sitemap.html,
    ("search",) search/index.html, ("external",) -/external.html, ("404",) 404.html, ("help",) help.html
    ("topics",)                  topics.html  the topic area: current and archived topics (COL-7)

A column's pages exist only while it is visible; numbered pages only when full.
Feature apps add pages of their own, keyed by their provider's key kind (publishing/extensions.py).
"""

from __future__ import annotations

import re

from publishing.sitedata import Item


class PageKeys:
    """The addresses of a Renderer's pages (publishing/render.py).

    Reads the Renderer's `data`, `topics` and the indexes its constructor builds (`_by_placement`,
    `_by_path`, `_column_by_path`).
    """

    def all_keys(self) -> list[tuple]:
        keys: list[tuple] = [("home",), ("sitemap",), ("sitemap_site",), ("sitemap_html",), ("search",)]
        keys += [("external",), ("404",), ("help",)]
        if self.topics:
            keys.append(("topics",))
        for col in self.data.visible_columns:
            keys += [("column", col.id), ("rss", col.id), ("colmap", col.id)]
            keys += [("archive", col.id, k) for k in range(1, col.full_pages + 1)]
            keys += [("chunk", col.id, k) for k in range(1, col.sitemap_chunks + 1)]
            keys += [("item", item.placement_id) for item in col.items if item.has_page]
        for extension in self.extensions.values():
            keys += extension.keys()
        return keys

    def item(self, placement_id: int) -> Item:
        return self._by_placement[placement_id]

    def path_of(self, key: tuple) -> str:
        kind = key[0]
        if kind == "item":
            return self._by_placement[key[1]].path
        if kind in self.extensions:
            return self.extensions[kind].path_of(key)
        if kind in ("column", "archive", "rss", "colmap", "chunk"):
            col = self.data.columns[key[1]]
            return {
                "column": lambda: col.index_path,
                "archive": lambda: col.archive_path(key[2]),
                "rss": lambda: f"{col.path}rss.xml",
                "colmap": lambda: f"{col.path}sitemap.xml",
                "chunk": lambda: f"{col.path}sitemap-{key[2]}.xml",
            }[kind]()
        return {
            "home": "index.html",
            "sitemap": "sitemap.xml",
            "sitemap_site": "sitemap-site.xml",
            "sitemap_html": "sitemap.html",
            "search": "search/index.html",
            "external": "-/external.html",
            "404": "404.html",
            "help": "help.html",
            "topics": "topics.html",
        }[kind]

    def key_of(self, path: str) -> tuple | None:
        """The key of a page path that exists in the current data, else None."""
        if path in self._by_path:
            return ("item", self._by_path[path].placement_id)
        for extension in self.extensions.values():
            key = extension.key_of(path)
            if key is not None:
                return key
        folder, _, name = path.rpartition("/")
        col = self._column_by_path.get(folder + "/") if folder else None
        if path == "topics.html":
            return ("topics",) if self.topics else None
        if col is None:
            for key in (("home",), ("sitemap",), ("sitemap_site",), ("sitemap_html",), ("search",), ("external",)):
                if self.path_of(key) == path:
                    return key
            return {"404.html": ("404",), "help.html": ("help",)}.get(path)
        if not col.visible:
            return None
        if name == "index.html":
            return ("column", col.id)
        if name == "rss.xml":
            return ("rss", col.id)
        if name == "sitemap.xml":
            return ("colmap", col.id)
        match = re.fullmatch(r"page-(\d+)\.html|sitemap-(\d+)\.xml", name)
        if match and match[1] and 1 <= int(match[1]) <= col.full_pages:
            return ("archive", col.id, int(match[1]))
        if match and match[2] and 1 <= int(match[2]) <= col.sitemap_chunks:
            return ("chunk", col.id, int(match[2]))
        return None
