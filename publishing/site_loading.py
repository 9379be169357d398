"""Loading a site's plain objects (publishing/sitedata.py) from the database.

`load_site(site_id)` reads the site, its theme, its column tree and every shown placement with
the title and metadata of the published revision (5 queries whatever the size of the site).
`load_frame` reads the site and its columns alone, for a partial load (publishing/partial.py),
which then fetches items through `item_rows` and `make_items`, the same query and construction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, TextField, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, NullIf

from columns.models import Column
from editorial.models import Placement, PlacementStatus
from publishing import extensions
from publishing.bulk_sql import Epoch, fetch, from_epoch, shaped_sql
from publishing.models import SiteTheme
from publishing.sitedata import NO_PAGE_KINDS, ColumnInfo, Item, SiteData, SiteInfo, Theme
from resources.models import Disclosure
from sites.models import Domain, Site
from sites.validators import PSB_RE, is_chinese_domain


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def load_site(site_id: int, hidden: frozenset[int] = frozenset()) -> SiteData:
    """Site (with theme), columns, shown placements, domains; +1 query when the site shows reposts.

    `hidden`: resources the publisher holds back on this site (publishing/held_back.py), left
    out as if they were not placed here.
    """
    data = load_frame(site_id)
    data.hidden = frozenset(hidden)
    origin_sites = _load_items(data)
    primaries = load_domains(data, origin_sites)
    if origin_sites:
        resolve_repost_origins(data, primaries)
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


def _meta(key: str, fallback: str):
    """A metadata text of the published revision, or the resource's own field (one text column)."""
    text = NullIf(KeyTextTransform(key, "resource__published_revision__metadata"), Value(""))
    return Coalesce(text, F(fallback), output_field=TextField())


def shown_placements(site_id: int, hidden=()):
    """What citizens see: ACTIVE placements of online resources (see editorial/queries.py), only
    of proactively disclosed ones (PUB-10: the actions refuse the others; this is the defence).

    Less the resources in `hidden`, which the publisher holds back (publishing/held_back.py).
    """
    query = Placement.objects.filter(
        site_id=site_id,
        status=PlacementStatus.ACTIVE,
        resource__published_revision__isnull=False,
        resource__disclosure=Disclosure.PROACTIVE,
    )
    return query.exclude(resource_id__in=hidden) if hidden else query


def order_key(placed_at: float, published_at: float | None) -> float:
    """live_at in seconds: an item goes live in a column when placed there, not before it is published."""
    return placed_at if published_at is None or published_at < placed_at else published_at


def item_rows(site_id: int, placement_ids=None, hidden=()) -> list[tuple]:
    """One query for the shown placements of a site (or these of them), texts extracted by the database.

    `hidden` matters only without `placement_ids`: placements asked for by id were found shown.
    """
    if placement_ids is None:
        return fetch(_item_query(site_id, hidden=hidden))
    placement_ids = sorted(placement_ids)
    if connection.vendor != "postgresql" or not placement_ids:
        return fetch(_item_query(site_id, placement_ids))
    sql, params = shaped_sql("item_rows", _item_query, site_id=site_id, placement_ids=placement_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _item_query(site_id: int, placement_ids=None, hidden=()):
    query = shown_placements(site_id, hidden)
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
    for item in make_items(data, item_rows(data.site.id, hidden=data.hidden)):
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
    shown = extensions.visible_columns(data)  # columns drawn by feature apps show something
    for col in reversed(data.ordered_columns):  # children before parents
        col.visible = bool(col.items) or col.id in shown or any(child.visible for child in col.children)
    return {item.resource_site_id for items in data.items_by_resource.values() for item in items if item.is_repost}


def resolve_repost_origins(data: SiteData, primaries: dict[int, tuple[str, str]], reposts=None) -> None:
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
