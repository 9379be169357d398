"""The plain objects the renderer works from: a site, its column tree and its shown items.

publishing/site_loading.py fills them for a whole site in a few bulk queries (`load_site`), or
for the few items an incremental publish renders (publishing/partial.py); publishing/contents.py
reads the heavy part (bodies, attachments, images, policy links) for the items about to be
rendered.

What citizens see (see editorial/queries.py): a resource is online exactly when it has a
published revision; a placement is shown when it is ACTIVE and its resource is online. A column
is visible when it or a descendant shows something (COL-4).

Order inside a column (COL-5, stable pagination): an item goes live in a column at
`live_at = max(placed_at, first published)`; `(live_at, placement id)` is the publishing order.
New items are appended at the end, so numbered archive pages counted from the oldest never change.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings

from resources.kinds_registry import NO_PAGE_KINDS

PAGE_SIZE = 20  # items of a list page
SITEMAP_CHUNK = 1000  # articles of a numbered sitemap file
RELATED_WINDOW = 30  # related articles are chosen among this many older items of the column
RELATED_COUNT = 5
# NO_PAGE_KINDS (resources/kinds_registry.py): kinds whose placements have no page of their own,
# e.g. a link goes straight to its address.
# An Entry is one shown placement, light: (order key, placement id, resource id, has page, pinned,
# number of items with a page before it in the column).
ENTRY_KEY, ENTRY_PLACEMENT, ENTRY_RESOURCE, ENTRY_HAS_PAGE, ENTRY_PINNED, ENTRY_PAGES_BEFORE = range(6)


class NotLoaded(LookupError):
    """Rendering needed an item that a partial load (publishing/partial.py) did not fetch."""


class Outline(list):
    """The entries of a column whose every item is loaded, in publishing order."""

    def __init__(self, entries=()):
        super().__init__(entries)
        self._page_rids = [e[ENTRY_RESOURCE] for e in self if e[ENTRY_HAS_PAGE]]
        self.pinned = [p for p, e in enumerate(self) if e[ENTRY_PINNED]]

    @classmethod
    def of(cls, items) -> Outline:
        entries, before = [], 0
        for i in items:
            entries.append((i.order_key, i.placement_id, i.resource_id, i.has_page, i.pinned, before))
            before += i.has_page
        return cls(entries)

    @property
    def pages(self) -> int:
        """How many items have a page of their own."""
        return len(self._page_rids)

    def page_rids(self, start: int, stop: int | None = None) -> list[int]:
        """Resource ids of the items with a page, numbered among those (sitemaps)."""
        return self._page_rids[start:stop]


@dataclass(slots=True, eq=False)
class Theme:
    primary: str = "#b4262a"
    secondary: str = "#1f4e8c"
    accent: str = "#f4f1ea"
    logo_layout: str = "logo_left"


@dataclass(slots=True, eq=False)
class SiteInfo:
    id: int
    name: str
    domain: str
    english_domains: list[str]
    id_code: str
    organiser: str
    operator: str
    phone: str
    email: str
    address: str
    icp_number: str
    psb_number: str
    psb_digits: str
    conac_mark: str
    logo_file: str  # path under MEDIA_ROOT, or ""
    theme: Theme
    archived_at: dt.datetime | None = None
    notice: str = ""  # shown prominently on the home page, e.g. a migration notice (SITE-7)

    @property
    def base_url(self) -> str:
        return f"{getattr(settings, 'PUBLIC_URL_SCHEME', 'https')}://{self.domain}"

    @property
    def logo_path(self) -> str:
        """Where the logo is published (stable: the extension of the uploaded file)."""
        if not self.logo_file:
            return ""
        suffix = self.logo_file.rsplit(".", 1)[-1].lower() if "." in self.logo_file else "png"
        return f"-/logo.{suffix}"


@dataclass(slots=True, eq=False)
class ColumnInfo:
    id: int
    parent_id: int | None
    name: str
    slug: str
    description: str
    keywords: str
    column_type: str
    is_channel: bool
    level: int
    order: int
    path: str = ""
    parent: ColumnInfo | None = None
    children: list[ColumnInfo] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)  # publishing order, oldest first (SparseItems: partly)
    visible: bool = False
    archived_at: dt.datetime | None = None
    # The entries of `items` (see Entry): an Outline built from them, or loaded alone, in part
    # (publishing/partial.py).
    outline: Outline | None = None

    @property
    def url(self) -> str:
        return "/" + self.path

    @property
    def index_path(self) -> str:
        return self.path + "index.html"

    @property
    def ancestors(self) -> list[ColumnInfo]:
        """Root first, self last."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def visible_children(self) -> list[ColumnInfo]:
        return [child for child in self.children if child.visible]

    @property
    def full_pages(self) -> int:
        """Numbered archive pages: only full ones exist; the newest remainder is on index.html."""
        return len(self.items) // PAGE_SIZE

    @property
    def entries(self) -> Outline:
        """One Entry per shown item, in publishing order: what ordering, counting and addresses need."""
        if self.outline is None:
            self.outline = Outline.of(self.items)
        return self.outline

    @property
    def sitemap_chunks(self) -> int:
        return self.entries.pages // SITEMAP_CHUNK

    def page_urls(self, start: int, stop: int | None = None) -> list[str]:
        """Addresses of the items with a page, numbered among those (sitemaps)."""
        return [f"/{self.path}{rid}.html" for rid in self.entries.page_rids(start, stop)]

    def archive_path(self, number: int) -> str:
        return f"{self.path}page-{number}.html"

    @property
    def pinned_positions(self) -> list[int]:
        return self.entries.pinned

    def index_positions(self) -> list[int]:
        """Positions of what index.html lists: the pinned items, then the newest unpinned ones.

        Every item newer than the last full numbered page is listed, however many are pinned,
        so each item is on index.html or on a numbered page.
        """
        pinned = self.pinned_positions
        count, skip = len(self.entries), set(pinned)
        wanted = max(PAGE_SIZE - len(pinned), count - self.full_pages * PAGE_SIZE)
        rest, position = [], count - 1
        while position >= 0 and len(rest) < wanted:
            if position not in skip:
                rest.append(position)
            position -= 1
        return pinned + rest

    def index_items(self) -> list[Item]:
        """What index.html lists (COL-5): pinned items first (in their order), then the newest."""
        positions = self.index_positions()
        count = len(self.pinned_positions)
        pinned = sorted((self.items[p] for p in positions[:count]), key=lambda i: (i.sort_order, -i.position))
        return pinned + [self.items[p] for p in positions[count:]]

    @property
    def effective_keywords(self) -> str:
        node = self
        while node is not None:
            if node.keywords.strip():
                return node.keywords.strip()
            node = node.parent
        return self.name


@dataclass(slots=True, eq=False)
class Item:
    """One shown placement: a resource in a column (light: no body)."""

    placement_id: int
    resource_id: int
    revision_id: int
    kind: str
    title: str
    pub_date: dt.datetime
    live_at: dt.datetime
    pinned: bool
    sort_order: int
    is_repost: bool
    source: str
    author: str
    keywords: str
    description: str
    index_number: str
    resource_site_id: int
    home_column_id: int | None = None
    link_url: str = ""
    column: ColumnInfo | None = None
    position: int = 0
    original_site: str = ""
    original_url: str = ""
    order_key: float = 0.0  # live_at in seconds since 1970: the publishing order is (order_key, placement_id)

    @property
    def has_page(self) -> bool:
        return self.kind not in NO_PAGE_KINDS

    @property
    def path(self) -> str:
        return f"{self.column.path}{self.resource_id}.html"

    @property
    def url(self) -> str:
        return self.link_url if not self.has_page else "/" + self.path


@dataclass(slots=True, eq=False)
class SiteData:
    site: SiteInfo
    columns: dict[int, ColumnInfo]
    roots: list[ColumnInfo]
    items_by_resource: dict[int, list[Item]]
    # Pages of resources shown on other sites: resource id -> absolute URL (reposts, links).
    external_urls: dict[int, str] = field(default_factory=dict)
    # A partial load (publishing/partial.py) fetches items on demand; None: every item is loaded.
    loader: object | None = None
    # Resources held back on this site (publishing/held_back.py): loaded as if not placed here.
    hidden: frozenset[int] = frozenset()
    _where: dict[int, tuple[ColumnInfo, int]] | None = None
    _placements_of: dict[int, list[int]] | None = None
    _column_by_path: dict[str, ColumnInfo] | None = None

    def _index(self) -> None:
        where, placements_of = {}, {}
        for col in self.columns.values():
            for position, entry in enumerate(col.entries):
                where[entry[ENTRY_PLACEMENT]] = (col, position)
                placements_of.setdefault(entry[ENTRY_RESOURCE], []).append(entry[ENTRY_PLACEMENT])
        self._where, self._placements_of = where, placements_of

    def position_of(self, placement_id: int) -> tuple[ColumnInfo, int]:
        """The column of a shown placement and its position in the column's publishing order."""
        if self.loader is not None:
            return self.loader.position_of(placement_id)
        if self._where is None:
            self._index()
        return self._where[placement_id]

    def placements_of(self, resource_id: int) -> list[int]:
        """The shown placements of a resource on this site."""
        if self.loader is not None:
            return self.loader.placements_of(resource_id)
        if self._placements_of is None:
            self._index()
        return self._placements_of.get(resource_id, [])

    def position_before(self, col: ColumnInfo, key: float, placement_id: int) -> int:
        """Where a placement that is not shown would be in the column's order (a withdrawn item)."""
        if self.loader is not None:
            return self.loader.position_before(col, key, placement_id)
        return bisect.bisect_left([(e[ENTRY_KEY], e[ENTRY_PLACEMENT]) for e in col.entries], (key, placement_id))

    def ensure(self, wanted: dict[ColumnInfo, Iterable[int]]) -> None:
        """Make these entries readable (a partial load fetches what it lacks; a whole site has them)."""
        if self.loader is not None:
            self.loader.outline(wanted)

    def parse_item_path(self, path: str) -> tuple[ColumnInfo, int] | None:
        """(column, resource id) of a path shaped like an item's page, <column path><resource id>.html."""
        folder, _, name = path.rpartition("/")
        stem, dot, suffix = name.partition(".")
        if not (folder and dot and suffix == "html" and stem.isdigit()):
            return None
        if self._column_by_path is None:
            self._column_by_path = {c.path: c for c in self.columns.values()}
        col = self._column_by_path.get(folder + "/")
        return None if col is None else (col, int(stem))

    def placement_at(self, path: str) -> int | None:
        """The shown placement whose page is at `path` (<column path><resource id>.html), if any."""
        parsed = self.parse_item_path(path)
        if parsed is None:
            return None
        col, resource_id = parsed
        for pid in self.placements_of(resource_id):
            where, position = self.position_of(pid)
            if where is col and col.entries[position][ENTRY_HAS_PAGE]:
                return pid
        return None

    @property
    def ordered_columns(self) -> list[ColumnInfo]:
        return sorted(self.columns.values(), key=lambda c: c.order)

    @property
    def visible_columns(self) -> list[ColumnInfo]:
        return [c for c in self.ordered_columns if c.visible]

    @property
    def channels(self) -> list[ColumnInfo]:
        """Top navigation (COL-6): visible channel columns in tree order, never more than 8."""
        return [c for c in self.ordered_columns if c.is_channel and c.visible][:8]

    def url_of(self, resource_id: int) -> str:
        """The page of a resource on this site (its first placement), or on its own site."""
        items = [i for i in self._items_of(resource_id) if i.has_page]
        if items:
            return items[0].url
        return self.external_urls.get(resource_id, "")

    def title_of(self, resource_id: int) -> str:
        items = self._items_of(resource_id)
        return items[0].title if items else ""

    def _items_of(self, resource_id: int) -> list[Item]:
        if self.loader is not None and resource_id not in self.loader.resolved:
            raise NotLoaded(f"the placements of resource {resource_id} were not loaded")
        return self.items_by_resource.get(resource_id, [])
