"""Plain objects the renderer works from, loaded for a whole site in a few bulk queries.

`load_site(site_id)` reads the site, its theme, its column tree and every shown placement with
the title and metadata of the published revision (5 queries whatever the size of the site).
publishing/contents.py reads the heavy part (bodies, attachments, images, policy links) for
the items about to be rendered, in a constant number of queries per batch.

What citizens see (see publishing/queries.py): a resource is online exactly when it has a
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
from django.db import connection
from django.db.models import Case, F, FloatField, Func, TextField, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, NullIf

from columns.models import Column
from publishing.models import Placement, PlacementStatus
from publishing.output_models import SiteTheme
from resources.models import ResourceKind
from sites.models import Domain, Site
from sites.validators import PSB_RE, is_chinese_domain

PAGE_SIZE = 20  # items of a list page
SITEMAP_CHUNK = 1000  # articles of a numbered sitemap file
RELATED_WINDOW = 30  # related articles are chosen among this many older items of the column
RELATED_COUNT = 5
# Kinds whose placements have no page of their own: a link goes straight to its address.
NO_PAGE_KINDS = {ResourceKind.LINK}
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


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def load_site(site_id: int) -> SiteData:
    """Site (with theme), columns, shown placements, domains; +1 query when the site shows reposts."""
    data = load_frame(site_id)
    origin_sites = _load_items(data)
    primaries = load_domains(data, origin_sites)
    if origin_sites:
        _resolve_repost_origins(data, primaries)
    return data


def load_frame(site_id: int) -> SiteData:
    """The site (with its theme) and its column tree, without items: 2 queries."""
    site = Site.objects.select_related("theme").get(pk=site_id)
    try:
        theme_row = site.theme
    except SiteTheme.DoesNotExist:
        theme_row = None
    theme = (
        Theme(theme_row.primary_colour, theme_row.secondary_colour, theme_row.accent_colour, theme_row.logo_layout)
        if theme_row
        else Theme()
    )
    psb = PSB_RE.match(site.psb_number or "")
    info = SiteInfo(
        id=site.pk,
        name=site.name,
        domain="",
        english_domains=[],
        id_code=site.id_code,
        organiser=site.organiser,
        operator=site.operator,
        phone=site.contact_phone,
        email=site.contact_email,
        address=site.contact_address,
        icp_number=site.icp_number,
        psb_number=site.psb_number,
        psb_digits=psb["number"] if psb else "",
        conac_mark=site.conac_mark,
        logo_file=site.logo.name if site.logo else "",
        theme=theme,
        archived_at=getattr(site, "archived_at", None),
        notice=getattr(site, "home_notice", ""),
    )

    column_fields = ["id", "parent_id", "name", "slug", "description", "keywords", "column_type", "is_channel", "level"]
    if "archived_at" in _field_names(Column):
        column_fields.append("archived_at")
    columns: dict[int, ColumnInfo] = {}
    roots: list[ColumnInfo] = []
    rows = Column.objects.filter(site_id=site_id).order_by("tree_id", "lft").values(*column_fields)
    for order, row in enumerate(rows):
        row["keywords"] = row["keywords"] or ""
        row["description"] = row["description"] or ""
        col = ColumnInfo(order=order, **row)
        columns[col.id] = col
        if col.parent_id is None or col.parent_id not in columns:
            roots.append(col)
            col.path = f"{col.slug}/"
        else:
            col.parent = columns[col.parent_id]
            col.parent.children.append(col)
            col.path = f"{col.parent.path}{col.slug}/"

    return SiteData(site=info, columns=columns, roots=roots, items_by_resource={})


def load_domains(data: SiteData, origin_sites: set[int]) -> dict[int, tuple[str, str]]:
    """The site's domains, and the primary domain and name of the sites it reposts from."""
    info, site_id = data.site, data.site.id
    domains = Domain.objects.filter(site_id__in={site_id} | origin_sites).values_list(
        "site_id", "name", "is_primary", "site__name"
    )
    primaries: dict[int, tuple[str, str]] = {}
    english = []
    for sid, name, is_primary, site_name in domains:
        if is_primary:
            primaries[sid] = (name, site_name)
        if sid == site_id and not is_primary and not is_chinese_domain(name):
            english.append(name)
    info.domain = primaries.get(site_id, ("", ""))[0]
    info.english_domains = [d for d in [info.domain, *sorted(english)] if d]
    return primaries


class Epoch(Func):
    """Seconds since 1970 as a float: tens of thousands of them load far faster than datetimes."""

    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS double precision)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        # whole seconds plus the milliseconds of %f (julianday() arithmetic would lose precision)
        template = (
            "(CAST(strftime('%%%%s', %(expressions)s) AS REAL) + CAST(strftime('%%%%f', %(expressions)s) AS REAL)"
            " - CAST(strftime('%%%%S', %(expressions)s) AS REAL))"
        )
        return self.as_sql(compiler, connection, template=template)


def from_epoch(value: float | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromtimestamp(value, dt.UTC)


def _meta(key: str, fallback: str):
    """A metadata text of the published revision, or the resource's own field (one text column)."""
    text = NullIf(KeyTextTransform(key, "resource__published_revision__metadata"), Value(""))
    return Coalesce(text, F(fallback), output_field=TextField())


def shown_placements(site_id: int):
    """What citizens see: ACTIVE placements of online resources (see publishing/queries.py)."""
    return Placement.objects.filter(
        site_id=site_id, status=PlacementStatus.ACTIVE, resource__published_revision__isnull=False
    )


def order_key(placed_at: float, published_at: float | None) -> float:
    """live_at in seconds: an item goes live in a column when placed there, not before it is published."""
    return placed_at if published_at is None or published_at < placed_at else published_at


def fetch(query) -> list[tuple]:
    """The rows of a values_list query; on PostgreSQL as plain tuples, without per-row converters."""
    if connection.vendor != "postgresql":
        return list(query)
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_SENTINEL = -(2**62)  # stands for a value while a query is compiled: never an id
_SHAPES: dict[tuple[str, str], tuple[list[str], tuple, dict[int, str]] | None] = {}


def shaped_sql(key: str, build, **values) -> tuple[str, list]:
    """SQL and parameters of the query `build(**values)`, compiled once per process and `key`.

    The ORM builds and compiles a query in about a millisecond; an incremental publish runs the
    same few queries with other ids. Each value is an int or a non-empty list of ints: the query
    is compiled once with stand-ins, which are then replaced (a list's one placeholder by one per
    element). A query whose SQL cannot be split that way is compiled every time.
    """
    cache_key = (connection.vendor, key)
    if cache_key not in _SHAPES:
        stand_ins, args = {}, {}
        for n, (name, value) in enumerate(values.items()):
            stand_ins[_SENTINEL - n] = name
            args[name] = [_SENTINEL - n] if isinstance(value, list) else _SENTINEL - n
        sql, params = build(**args).query.sql_with_params()
        pieces = sql.split("%s")
        found = [p for p in params if isinstance(p, int) and p in stand_ins]
        ok = len(pieces) == len(params) + 1 and sorted(found) == sorted(stand_ins)
        _SHAPES[cache_key] = (pieces, tuple(params), stand_ins) if ok else None
    shape = _SHAPES[cache_key]
    if shape is None:
        sql, params = build(**values).query.sql_with_params()
        return sql, list(params)
    pieces, params, stand_ins = shape
    out, out_params = [pieces[0]], []
    for piece, param in zip(pieces[1:], params, strict=True):
        name = stand_ins.get(param) if isinstance(param, int) else None
        value = param if name is None else values[name]
        if isinstance(value, list):
            out.append(", ".join(["%s"] * len(value)))
            out_params += value
        else:
            out.append("%s")
            out_params.append(value)
        out.append(piece)
    return "".join(out), out_params


def item_rows(site_id: int, placement_ids=None) -> list[tuple]:
    """One query for the shown placements of a site (or these of them), texts extracted by the database."""
    if placement_ids is None:
        return fetch(_item_query(site_id))
    placement_ids = sorted(placement_ids)
    if connection.vendor != "postgresql" or not placement_ids:
        return fetch(_item_query(site_id, placement_ids))
    sql, params = shaped_sql("item_rows", _item_query, site_id=site_id, placement_ids=placement_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _item_query(site_id: int, placement_ids=None):
    query = shown_placements(site_id)
    if placement_ids is not None:
        query = query.filter(id__in=placement_ids)
    return (
        query.annotate(
            e_placed=Epoch("placed_at"),
            e_published=Epoch("resource__published_at"),
            m_source=_meta("source", "resource__source"),
            m_author=_meta("author", "resource__author"),
            m_keywords=_meta("keywords", "resource__keywords"),
            m_description=_meta("description", "resource__description"),
            m_index=_meta("index_number", "resource__index_number"),
            # only links read their address: reading `data` of every row would fetch every body
            m_url=Case(
                When(
                    resource__kind__in=NO_PAGE_KINDS, then=KeyTextTransform("url", "resource__published_revision__data")
                )
            ),
        )
        .values_list(
            "id",
            "resource_id",
            "column_id",
            "pinned",
            "sort_order",
            "e_placed",
            "is_repost",
            "resource__kind",
            "resource__site_id",
            "e_published",
            "resource__published_revision_id",
            "resource__published_revision__title",
            "m_source",
            "m_author",
            "m_keywords",
            "m_description",
            "m_index",
            "resource__column_id",
            "m_url",
        )
        .order_by()
    )


def make_items(data: SiteData, rows: list[tuple]):
    """Items of item_rows (their column set, not yet their position), for placements in known columns."""
    columns = data.columns
    site_id = data.site.id
    for (pid, rid, cid, pinned, sort_order, placed_at, is_repost, kind, rsite, published_at, rev_id, title,
         source, author, keywords, description, index_number, home_column, link_url) in rows:  # fmt: skip
        if cid not in columns:
            continue
        key = order_key(placed_at, published_at)
        placed = from_epoch(placed_at)
        pub = placed if published_at is None else from_epoch(published_at)
        item = Item(
            placement_id=pid,
            resource_id=rid,
            revision_id=rev_id,
            kind=kind,
            title=title,
            pub_date=pub,
            live_at=pub if key == published_at else placed,
            order_key=key,
            pinned=pinned,
            sort_order=sort_order,
            is_repost=is_repost or rsite != site_id,
            source=source or "",
            author=author or "",
            keywords=keywords or "",
            description=description or "",
            index_number=index_number or "",
            resource_site_id=rsite,
            home_column_id=home_column,
            link_url=(link_url or "").strip() if kind in NO_PAGE_KINDS else "",
        )
        item.column = columns[cid]
        yield item


def _load_items(data: SiteData) -> set[int]:
    """Every shown placement of the site, in one query; returns the sites it reposts from."""
    columns = data.columns
    by_column: dict[int, list[Item]] = {}
    for item in make_items(data, item_rows(data.site.id)):
        by_column.setdefault(item.column.id, []).append(item)
    for cid, items in by_column.items():
        items.sort(key=lambda i: (i.order_key, i.placement_id))
        for position, item in enumerate(items):
            item.position = position
        columns[cid].items = items
        for item in items:
            data.items_by_resource.setdefault(item.resource_id, []).append(item)
    for items in data.items_by_resource.values():
        items.sort(key=lambda i: (i.column.id != i.home_column_id, i.placement_id))
    for col in reversed(data.ordered_columns):  # children before parents
        col.visible = bool(col.items) or any(child.visible for child in col.children)
    return {item.resource_site_id for items in data.items_by_resource.values() for item in items if item.is_repost}


def _resolve_repost_origins(data: SiteData, primaries: dict[int, tuple[str, str]], reposts=None) -> None:
    """The original site and page of reposted resources (RES-3: a reuse shows its original source).

    The original page is the resource's page in its home column on its own site.
    """
    if reposts is None:
        reposts = [i for items in data.items_by_resource.values() for i in items if i.is_repost]
    home_columns = {i.home_column_id for i in reposts if i.home_column_id}
    paths: dict[int, str] = {}
    rows = Column.objects.filter(site_id__in={i.resource_site_id for i in reposts}).values_list(
        "id", "parent_id", "slug"
    )
    parents = {cid: (parent, slug) for cid, parent, slug in rows}

    def path_of(cid):
        if cid not in paths:
            parent, slug = parents[cid]
            paths[cid] = (path_of(parent) if parent in parents else "") + f"{slug}/"
        return paths[cid]

    scheme = getattr(settings, "PUBLIC_URL_SCHEME", "https")
    for item in reposts:
        domain, site_name = primaries.get(item.resource_site_id, ("", ""))
        item.original_site = site_name
        if item.home_column_id in home_columns and item.home_column_id in parents and domain:
            item.original_url = f"{scheme}://{domain}/{path_of(item.home_column_id)}{item.resource_id}.html"
            data.external_urls[item.resource_id] = item.original_url
