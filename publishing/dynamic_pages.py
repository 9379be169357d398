"""Dynamic pages of the public process in the frame of their site (TPL-1 to TPL-4): the Jinja2
base template of the published pages (templates/site/base.html) with the same header, meta tags
and footer, for the citizen endpoints that the public process answers itself: the search page,
the online application for disclosure and its status page (DISC-3).

The publisher's Renderer builds that context from a SiteData (publishing/sitedata.py). A dynamic
page needs no articles, so it gets a light SiteData: the site, its theme, domains and column
tree, a column being visible when the publisher has written its index page (the manifest). Each
process keeps it for FRAME_SECONDS.
"""

from __future__ import annotations

import hashlib
import time

from django.db.models import Q

from columns.models import Column
from publishing.models import PublishedFile, SiteTheme
from publishing.render import Page, Renderer
from publishing.sitedata import ColumnInfo, SiteData, SiteInfo, Theme
from publishing.static_files import STATIC_DIR, STATIC_FILES
from sites.models import Domain, Site
from sites.validators import PSB_RE, is_chinese_domain

FRAME_SECONDS = 60
_frames: dict[int, tuple[float, Renderer]] = {}


def _site_info(site: Site) -> SiteInfo:
    try:
        row = site.theme
    except SiteTheme.DoesNotExist:
        row = None
    theme = Theme(row.primary_colour, row.secondary_colour, row.accent_colour, row.logo_layout) if row else Theme()
    psb = PSB_RE.match(site.psb_number or "")
    info = SiteInfo(
        id=site.pk, name=site.name, domain="", english_domains=[], id_code=site.id_code, organiser=site.organiser,
        operator=site.operator, phone=site.contact_phone, email=site.contact_email, address=site.contact_address,
        icp_number=site.icp_number, psb_number=site.psb_number, psb_digits=psb["number"] if psb else "",
        conac_mark=site.conac_mark, logo_file=site.logo.name if site.logo else "", theme=theme,
        archived_at=getattr(site, "archived_at", None),
    )  # fmt: skip
    english = []
    for name, is_primary in Domain.objects.filter(site=site).values_list("name", "is_primary"):
        if is_primary:
            info.domain = name
        elif not is_chinese_domain(name):
            english.append(name)
    info.english_domains = [d for d in [info.domain, *sorted(english)] if d]
    return info


def light_site_data(site: Site) -> SiteData:
    info = _site_info(site)
    columns: dict[int, ColumnInfo] = {}
    roots: list[ColumnInfo] = []
    fields = ["id", "parent_id", "name", "slug", "description", "keywords", "column_type", "is_channel", "level"]
    for order, row in enumerate(Column.objects.filter(site=site).order_by("tree_id", "lft").values(*fields)):
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
    published = set()
    if columns:
        wanted = Q(path__in=[col.index_path for col in columns.values()])
        published = set(PublishedFile.objects.filter(wanted, site=site).values_list("path", flat=True))
    for col in columns.values():
        col.visible = col.index_path in published
    return SiteData(site=info, columns=columns, roots=roots, items_by_resource={})


def _assets(theme: Theme) -> dict[str, str]:
    """The same versioned addresses as the publisher's (publishing/publisher.py)."""
    sources = {f"-/{name}": (STATIC_DIR / name).read_bytes() for name in STATIC_FILES}
    sources["-/theme.css"] = (
        f":root{{--c-main:{theme.primary};--c-second:{theme.secondary};--c-third:{theme.accent}}}\n".encode()
    )
    version = {path: hashlib.sha256(data).hexdigest()[:10] for path, data in sources.items()}
    return {
        "css": f"/-/site.css?v={version['-/site.css']}",
        "theme": f"/-/theme.css?v={version['-/theme.css']}",
        "js": f"/-/site.js?v={version['-/site.js']}",
    }


def renderer_for(site: Site) -> Renderer:
    now = time.monotonic()
    cached = _frames.get(site.pk)
    if cached and now - cached[0] < FRAME_SECONDS:
        return cached[1]
    data = light_site_data(site)
    renderer = Renderer(data, _assets(data.site.theme))
    _frames[site.pk] = (now, renderer)
    return renderer


def forget() -> None:
    _frames.clear()


def render(site: Site, template: str, context: dict, *, path: str, title: str, crumbs: list[tuple[str, str]]) -> str:
    """The page at `path` (e.g. "disclosure/apply/index.html") of `site`: the base context of the
    published pages plus `context`. `crumbs` follow 首页."""
    renderer = renderer_for(site)
    page = Page(path=path, content=b"")
    ctx = renderer.base_context(
        page, title=f"{title} - {renderer.site.name}", meta=renderer.site_meta(), crumbs=[("首页", "/"), *crumbs]
    )
    ctx.update(context)
    return renderer.template(template).render(ctx)
