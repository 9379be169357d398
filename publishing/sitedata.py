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

import datetime as dt
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
    items: list[Item] = field(default_factory=list)  # publishing order, oldest first
    visible: bool = False
    archived_at: dt.datetime | None = None

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
    def sitemap_chunks(self) -> int:
        return sum(1 for item in self.items if item.has_page) // SITEMAP_CHUNK

    def archive_path(self, number: int) -> str:
        return f"{self.path}page-{number}.html"

    def index_items(self) -> list[Item]:
        """What index.html lists (COL-5): pinned items first (in their order), then the newest.

        Every item newer than the last full numbered page is listed, however many are pinned,
        so each item is on index.html or on a numbered page.
        """
        pinned = sorted((i for i in self.items if i.pinned), key=lambda i: (i.sort_order, -i.position))
        remainder = len(self.items) - self.full_pages * PAGE_SIZE
        wanted = max(PAGE_SIZE - len(pinned), remainder)
        rest = []
        for item in reversed(self.items):
            if len(rest) >= wanted:
                break
            if not item.pinned:
                rest.append(item)
        return pinned + rest

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
        items = [i for i in self.items_by_resource.get(resource_id, ()) if i.has_page]
        if items:
            return items[0].url
        return self.external_urls.get(resource_id, "")

    def title_of(self, resource_id: int) -> str:
        items = self.items_by_resource.get(resource_id)
        return items[0].title if items else ""


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def load_site(site_id: int) -> SiteData:
    """Site (with theme), columns, shown placements, domains; +1 query when the site shows reposts."""
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

    data = SiteData(site=info, columns=columns, roots=roots, items_by_resource={})
    origin_sites = _load_items(data)
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
    if origin_sites:
        _resolve_repost_origins(data, primaries)
    return data


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


def _load_items(data: SiteData) -> set[int]:
    """One query for every shown placement of the site, texts extracted by the database."""
    rows = (
        Placement.objects.filter(
            site_id=data.site.id, status=PlacementStatus.ACTIVE, resource__published_revision__isnull=False
        )
        .annotate(
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
    columns = data.columns
    if connection.vendor == "postgresql":  # tens of thousands of rows: plain tuples, no per-row converters
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    by_column: dict[int, list[Item]] = {}
    site_id = data.site.id
    for (pid, rid, cid, pinned, sort_order, placed_at, is_repost, kind, rsite, published_at, rev_id, title,
         source, author, keywords, description, index_number, home_column, link_url) in rows:  # fmt: skip
        if cid not in columns:
            continue
        placed_at = from_epoch(placed_at)
        pub = from_epoch(published_at) or placed_at
        item = Item(
            placement_id=pid,
            resource_id=rid,
            revision_id=rev_id,
            kind=kind,
            title=title,
            pub_date=pub,
            live_at=max(placed_at, pub),
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
        by_column.setdefault(cid, []).append(item)
    for cid, items in by_column.items():
        items.sort(key=lambda i: (i.live_at, i.placement_id))
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


def _resolve_repost_origins(data: SiteData, primaries: dict[int, tuple[str, str]]) -> None:
    """The original site and page of reposted resources (RES-3: a reuse shows its original source).

    The original page is the resource's page in its home column on its own site.
    """
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
