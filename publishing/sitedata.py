"""Plain objects the renderer works from, loaded for a whole site in a few bulk queries.

`load_site(site_id)` reads the site, its theme, its column tree and every shown placement with
the title and metadata of the published revision (5 queries whatever the size of the site).
`load_contents(data, items)` reads the heavy part (bodies, attachments, images, policy links)
for the items about to be rendered, in a constant number of queries per batch.

What citizens see (see publishing/queries.py): a resource is online exactly when it has a
published revision; a placement is shown when it is ACTIVE and its resource is online. A column
is visible when it or a descendant shows something (COL-4).

Order inside a column (COL-5, stable pagination): an item goes live in a column at
`live_at = max(placed_at, first published)`; `(live_at, placement id)` is the publishing order.
New items are appended at the end, so numbered archive pages counted from the oldest never change.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from columns.models import Column
from publishing.models import Placement, PlacementStatus
from publishing.output_models import SiteTheme
from resources.models import Asset, PolicyInterpretation, Rendition, Resource, ResourceKind, Revision
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

    def newest(self, count: int) -> list[Item]:
        """Index order (COL-5): pinned first (by their order), then the newest first."""
        pinned = sorted((i for i in self.items if i.pinned), key=lambda i: (i.sort_order, -i.position))
        rest = []
        for item in reversed(self.items):
            if len(pinned) + len(rest) >= count:
                break
            if not item.pinned:
                rest.append(item)
        return (pinned + rest)[:count]

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
class FileRef:
    """An image or attachment that a page shows, published beside the page's column."""

    asset_id: int
    name: str  # the name shown to readers
    source: str  # path under MEDIA_ROOT
    size: int
    content_type: str
    width: int | None = None
    height: int | None = None
    title: str = ""

    def published_path(self, column_path: str) -> str:
        return f"{column_path}files/{self.asset_id}-{safe_name(self.name)}"


@dataclass(slots=True, eq=False)
class Content:
    """The heavy part of an item: the published revision's data and what it refers to."""

    data: dict
    asset: FileRef | None = None
    cover: FileRef | None = None
    attachments: list[FileRef] = field(default_factory=list)
    photo: FileRef | None = None
    media: dict[str, FileRef] = field(default_factory=dict)  # body <img src> under MEDIA_URL
    policies: list[int] = field(default_factory=list)  # of an interpretation
    interpretations: list[int] = field(default_factory=list)  # of a policy
    replaced_by: int | None = None


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


_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_name(name: str) -> str:
    """A file name that is safe on disk and in a URL path, keeping Chinese characters."""
    name = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = _UNSAFE.sub("-", stem).strip("-.")[:60] or "file"
    suffix = _UNSAFE.sub("", suffix)[:10].lower()
    return f"{stem}.{suffix}" if suffix else stem


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


def _load_items(data: SiteData) -> set[int]:
    rows = (
        Placement.objects.filter(
            site_id=data.site.id, status=PlacementStatus.ACTIVE, resource__published_revision__isnull=False
        )
        .values_list(
            "id",
            "resource_id",
            "column_id",
            "pinned",
            "sort_order",
            "placed_at",
            "is_repost",
            "resource__kind",
            "resource__site_id",
            "resource__published_at",
            "resource__published_revision_id",
            "resource__published_revision__title",
            "resource__published_revision__metadata",
            "resource__source",
            "resource__author",
            "resource__keywords",
            "resource__description",
            "resource__index_number",
            "resource__column_id",
            "resource__published_revision__data__url",
        )
        .order_by()
    )
    columns = data.columns
    by_column: dict[int, list[Item]] = {}
    for (pid, rid, cid, pinned, sort_order, placed_at, is_repost, kind, rsite, published_at, rev_id, title, meta,
         source, author, keywords, description, index_number, home_column, link_url) in rows:  # fmt: skip
        if cid not in columns:
            continue
        meta = meta or {}
        pub = published_at or placed_at
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
            is_repost=is_repost or rsite != data.site.id,
            source=_text(meta.get("source")) or source,
            author=_text(meta.get("author")) or author,
            keywords=_keywords(meta.get("keywords")) or keywords,
            description=_text(meta.get("description")) or description,
            index_number=_text(meta.get("index_number")) or index_number,
            resource_site_id=rsite,
            home_column_id=home_column,
            link_url=_text(link_url) if kind in NO_PAGE_KINDS else "",
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


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _keywords(value) -> str:
    if isinstance(value, list | tuple):
        return "，".join(str(v).strip() for v in value if str(v).strip())
    return _text(value)


# --- heavy content ------------------------------------------------------------------------------

MEDIA_SRC_RE = re.compile(r'<img\b[^>]*?\bsrc="([^"]+)"')


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def resource_ids_in(value) -> list[int]:
    if not value:
        return []
    if not isinstance(value, list | tuple):
        value = [value]
    out = []
    for v in value:
        if isinstance(v, dict):
            v = v.get("id") or v.get("resource") or v.get("resource_id")
        n = _int(v)
        if n is not None:
            out.append(n)
    return out


def load_contents(items: list[Item]) -> dict[int, Content]:
    """Published revision data of the items' resources and everything they refer to.

    Queries: revisions (1), policy links (1), referenced resources with assets (1), renditions (1),
    body images by file path (1): 5 for any number of items.
    """
    rev_ids = {i.revision_id for i in items if i.has_page}
    contents: dict[int, Content] = {}
    asset_of: dict[int, int | None] = {}
    for rid, data, asset_id in Revision.objects.filter(id__in=rev_ids).values_list("resource_id", "data", "asset_id"):
        contents[rid] = Content(data=data or {})
        asset_of[rid] = asset_id
    if not contents:
        return contents

    for policy_id, interp_id in PolicyInterpretation.objects.filter(
        Q(policy_id__in=contents.keys()) | Q(interpretation_id__in=contents.keys())
    ).values_list("policy_id", "interpretation_id"):
        if policy_id in contents:
            contents[policy_id].interpretations.append(interp_id)
        if interp_id in contents:
            contents[interp_id].policies.append(policy_id)

    refs: set[int] = set()
    media_paths: set[str] = set()
    media_url = settings.MEDIA_URL or "/media/"
    for content in contents.values():
        d = content.data
        refs.update(resource_ids_in(d.get("cover_image")))
        refs.update(resource_ids_in(d.get("attachments")))
        refs.update(resource_ids_in(d.get("photo")))
        content.replaced_by = _int(d.get("replaced_by"))
        body = d.get("body") or ""
        if "<img" in body:
            for src in MEDIA_SRC_RE.findall(body):
                if src.startswith(media_url):
                    media_paths.add(src[len(media_url) :])
        for key in ("policies", "policy"):
            for pid in resource_ids_in(d.get(key)):
                if pid not in content.policies:
                    content.policies.append(pid)
    for content in contents.values():
        for iid in resource_ids_in(content.data.get("interpretations")):
            if iid not in content.interpretations:
                content.interpretations.append(iid)

    own_assets = {aid for aid in asset_of.values() if aid}
    ref_rows = list(
        Resource.objects.filter(id__in=refs, published_revision__isnull=False).values_list(
            "id", "published_revision__title", "published_revision__asset_id"
        )
    )
    asset_ids = own_assets | {aid for _, _, aid in ref_rows if aid}
    assets: dict[int, FileRef] = {}
    asset_query = Asset.objects.filter(id__in=asset_ids)
    if media_paths:
        asset_query = Asset.objects.filter(Q(id__in=asset_ids) | Q(file__in=media_paths))
    for aid, file, name, ctype, size, width, height in asset_query.values_list(
        "id", "file", "original_name", "content_type", "size", "width", "height"
    ):
        assets[aid] = FileRef(aid, name, file, size, ctype, width, height)
    by_file = {ref.source: ref for ref in assets.values()}
    # Images are shown as their largest rendition of at most 1200 px when one exists (RES-5).
    renditions = Rendition.objects.filter(asset_id__in=[a for a, r in assets.items() if r.width], width__lte=1200)
    if media_paths:
        renditions = Rendition.objects.filter(
            Q(asset_id__in=[a for a, r in assets.items() if r.width], width__lte=1200) | Q(file__in=media_paths)
        )
    best: dict[int, tuple[int, str, int]] = {}
    for aid, width, height, file in renditions.values_list("asset_id", "width", "height", "file"):
        if file in media_paths:
            base = assets.get(aid)
            if base is not None:
                by_file[file] = FileRef(aid, f"w{width}-{base.name}", file, 0, base.content_type, width, height)
        if width <= 1200 and (aid not in best or width > best[aid][0]):
            best[aid] = (width, file, height)
    for aid, (width, file, height) in best.items():
        ref = assets[aid]
        if ref.width and ref.width > width:
            assets[aid] = FileRef(aid, ref.name, file, 0, ref.content_type, width, height, ref.title)

    titles = {rid: (title, aid) for rid, title, aid in ref_rows}

    def ref_of(resource_id: int) -> FileRef | None:
        title, aid = titles.get(resource_id, ("", None))
        if aid is None or aid not in assets:
            return None
        ref = assets[aid]
        return FileRef(ref.asset_id, ref.name, ref.source, ref.size, ref.content_type, ref.width, ref.height, title)

    for rid, content in contents.items():
        d = content.data
        if asset_of.get(rid) in assets:
            content.asset = assets[asset_of[rid]]
        covers = [r for r in map(ref_of, resource_ids_in(d.get("cover_image"))) if r]
        content.cover = covers[0] if covers else None
        photos = [r for r in map(ref_of, resource_ids_in(d.get("photo"))) if r]
        content.photo = photos[0] if photos else None
        content.attachments = [r for r in map(ref_of, resource_ids_in(d.get("attachments"))) if r]
        body = d.get("body") or ""
        if media_paths and "<img" in body:
            for src in MEDIA_SRC_RE.findall(body):
                rel = src[len(media_url) :] if src.startswith(media_url) else None
                if rel in by_file:
                    content.media[src] = by_file[rel]
    return contents
