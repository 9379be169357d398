"""Rendering published pages from plain objects (TPL-1 to TPL-10, COL-4 to COL-6, LINK-3).

A `Renderer` holds one site's SiteData (publishing/sitedata.py) and turns a page key into bytes,
together with what the page shows (for the dependency index) and the files it needs beside it.
Rendering reads nothing from the database: `load_contents` fetched the bodies beforehand.

Which pages a site has, their keys and paths: publishing/page_keys.py.

Archived columns and topics (SITE-9, COL-7) keep their pages, with the “已归档” banner of
base.html, and leave the top navigation, the home page and their parents' sections.

Numbered pages only exist when full, and never link to newer numbered pages, so a new item
never changes them: it changes index.html and the newest partial set that index.html shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from django.template import engines
from markupsafe import Markup, escape

from publishing import extensions
from publishing.contents import Content, FileRef
from publishing.jinja import href
from publishing.page_keys import PageKeys
from publishing.render_content import ContentPages
from publishing.sitedata import PAGE_SIZE, SITEMAP_CHUNK, ColumnInfo, Item, SiteData
from publishing.text import remove_non_text

HOME_BLOCK = 8  # items per channel block on the home page
SECTION_BLOCK = 6  # items per sub-column block on a column page
ARCHIVE_LINKS = 10  # numbered pages linked from a column's index.html
JIUCUO = "https://zfwzgl.www.gov.cn/exposure/jiucuo.html"
LOCAL_REPORT = "/interaction/error-report/"  # the site's own error-report form (INT-3, public process)
TEMPLATE_BY_COLUMN_TYPE = {"机构职能": "institutions.html", "负责人信息": "leaders.html"}
TOPIC_COLUMN_TYPE = "专题专栏"


class Frame:
    """Header and footer, the same on every page of a site (TPL-1), rendered once and reused.

    The header differs only in which channel is marked current; the footer only in the page
    address given to the error-report link (TPL-4).
    """

    SLOT = "\x00page-url\x00"
    REPORT_SLOT = "\x00report-url\x00"

    def __init__(self, renderer: Renderer):
        self.renderer = renderer
        self._headers: dict = {}
        self._footer: str | None = None

    def header(self, current) -> Markup:
        if current not in self._headers:
            r = self.renderer
            self._headers[current] = Markup(
                r.template("_header.html").render({"site": r.site, "channels": r.channels, "current": current})
            )
        return self._headers[current]

    def footer(self, jiucuo_url: str, page_url: str = "") -> Markup:
        if self._footer is None:
            r = self.renderer
            self._footer = r.template("_footer.html").render(
                {"site": r.site, "psb_text": r.psb_text, "jiucuo_url": self.SLOT, "report_url": self.REPORT_SLOT}
            )
        # The site's own error-report form (INT-3) gets the page's address as well.
        report_url = LOCAL_REPORT + (f"?page={quote(page_url, safe='')}" if page_url else "")
        return Markup(
            self._footer.replace(self.SLOT, str(escape(jiucuo_url))).replace(self.REPORT_SLOT, str(escape(report_url)))
        )


@dataclass(slots=True, eq=False)
class Page:
    path: str
    content: bytes
    resources: set[int] = field(default_factory=set)
    columns: set[int] = field(default_factory=set)
    files: list[tuple[str, FileRef]] = field(default_factory=list)
    unpublished: list[int] = field(default_factory=list)  # shown resources that are not online


class Renderer(PageKeys, ContentPages):
    def __init__(self, data: SiteData, assets: dict[str, str]):
        self.data = data
        self.site = data.site
        self.assets = assets
        self.env = engines["site"].env
        self.channels = [c for c in data.channels if not c.archived_at]  # archived: out of navigation
        # Topics (COL-7): topic columns with something to show, not themselves areas of topics.
        self.topics = [
            c for c in data.visible_columns
            if c.column_type == TOPIC_COLUMN_TYPE and not any(k.column_type == TOPIC_COLUMN_TYPE for k in c.children)
        ]  # fmt: skip
        self._templates: dict = {}
        self._by_placement: dict[int, Item] = {}
        self._by_path: dict[str, Item] = {}
        self._column_by_path = {c.path: c for c in data.columns.values()}
        self._keywords: dict[int, frozenset] = {}
        for items in data.items_by_resource.values():
            for item in items:
                self._by_placement[item.placement_id] = item
                if item.has_page:
                    self._by_path[item.path] = item
        self.psb_text = ""
        if self.site.psb_digits:
            self.psb_text = f"{self.site.psb_number[0]}公网安备 {self.site.psb_digits}号"
        self.frame = Frame(self)
        # Pages of feature apps (publishing/extensions.py), by the first element of their keys.
        self.extensions = {p.key_kind: p.for_site(self) for p in extensions.providers()}

    # --- rendering ------------------------------------------------------------------------------

    def template(self, name: str):
        if name not in self._templates:
            self._templates[name] = self.env.get_template(name)
        return self._templates[name]

    def render(self, key: tuple, contents: dict[int, Content]) -> Page:
        kind = key[0]
        path = self.path_of(key)
        page = Page(path=path, content=b"")
        extension = self.extensions.get(kind)
        method = getattr(self, f"_render_{kind}") if extension is None else extension.render
        # Text saved before the cleaners removed them may hold characters no XML (RSS, site maps)
        # may hold, or lone surrogates that cannot even be encoded (issue 12 item 9).
        text = remove_non_text(method(page, key, contents))
        page.content = text.encode("utf-8")
        return page

    def _base(self, page: Page, *, title: str, meta: list, crumbs=None, current=None, archived_at=None) -> dict:
        url = self.site.base_url + "/" + ("" if page.path == "index.html" else page.path.removesuffix("index.html"))
        return {
            "site": self.site,
            "channels": self.channels,
            "assets": self.assets,
            "title": title,
            "meta": [(name, value) for name, value in meta if value],
            "crumbs": crumbs or [],
            "current": current,
            "archived_at": archived_at or self.site.archived_at,
            "page_url": url,
            "jiucuo_url": f"{JIUCUO}?site_code={quote(self.site.id_code)}&url={quote(url, safe='')}",
            "frame": self.frame,
            "rss": None,
        }

    def base_context(self, page: Page, *, title: str, meta: list, crumbs=None, current=None) -> dict:
        """The context of base.html (head, header, footer) for a page drawn in the site's frame."""
        return self._base(page, title=title, meta=meta, crumbs=crumbs, current=current)

    def site_meta(self) -> list[tuple[str, str]]:
        return [
            ("SiteName", self.site.name),
            ("SiteDomain", ",".join(self.site.english_domains)),
            ("SiteIDCode", self.site.id_code),
        ]

    def column_meta(self, col: ColumnInfo) -> list[tuple[str, str]]:
        """TPL-3: required column tags, filled from the column, its parents or the site."""
        return self.site_meta() + [
            ("ColumnName", col.name),
            ("ColumnDescription", col.description.strip() or col.name),
            ("ColumnKeywords", col.effective_keywords),
            ("ColumnType", col.column_type or (col.parent.column_type if col.parent else "") or col.name),
        ]

    def crumbs_for(self, col: ColumnInfo, last_is_page: bool) -> list[tuple[str, str]]:
        crumbs = [("首页", "/")]
        for node in col.ancestors:
            crumbs.append((node.name, node.url))
        if not last_is_page:
            crumbs[-1] = (col.name, "")
        return crumbs

    def channel_of(self, col: ColumnInfo) -> int | None:
        for node in col.ancestors:
            if node.is_channel:
                return node.id
        return None

    def newest_in_subtree(self, col: ColumnInfo, count: int, current_only: bool = False) -> list[Item]:
        """The newest shown items of a column and its visible descendants (no pinning).

        `current_only`: not from archived descendants (they left the home page, SITE-9).
        """
        pool: list[Item] = []
        stack = [col]
        while stack:
            node = stack.pop()
            pool.extend(i for i in node.items[-count:])
            stack.extend(c for c in node.visible_children if not (current_only and c.archived_at))
        pool.sort(key=lambda i: (i.live_at, i.placement_id), reverse=True)
        seen, out = set(), []
        for item in pool:
            if item.resource_id not in seen:
                seen.add(item.resource_id)
                out.append(item)
            if len(out) == count:
                break
        return out

    def _render_home(self, page: Page, key, contents) -> str:
        roots = self.channels or [c for c in self.data.roots if c.visible and not c.archived_at]
        blocks = []
        for col in roots:
            items = self.newest_in_subtree(col, HOME_BLOCK, current_only=True)
            blocks.append({"column": col, "entries": items})
            page.columns.add(col.id)
            page.resources.update(i.resource_id for i in items)
        meta = self.site_meta() + [
            ("ColumnName", "首页"),
            ("ColumnDescription", f"{self.site.name}首页"),
            ("ColumnKeywords", self.site.name),
            ("ColumnType", "首页"),
        ]
        ctx = self._base(page, title=self.site.name, meta=meta, current="home")
        ctx["blocks"] = blocks
        ctx["topics"] = [c for c in self.topics if not c.archived_at]
        ctx["topic_area"] = bool(self.topics)
        page.columns.update(c.id for c in self.topics)
        # Areas that feature apps add to the home page (e.g. the friendly links, LINK-4).
        ctx["home_sections"] = [Markup(s) for ext in self.extensions.values() if (s := ext.home_section(page))]
        return self.template("home.html").render(ctx)

    def _render_topics(self, page: Page, key, contents) -> str:
        """The topic area (专题区, COL-7): current topics, then archived ones, newest archive first."""
        ctx = self._base(page, title=f"专题专栏 - {self.site.name}", meta=self.site_meta(),
                         crumbs=[("首页", "/"), ("专题专栏", "")])  # fmt: skip
        ctx["current_topics"] = [c for c in self.topics if not c.archived_at]
        ctx["archived_topics"] = sorted((c for c in self.topics if c.archived_at), key=lambda c: c.archived_at,
                                        reverse=True)  # fmt: skip
        page.columns.update(c.id for c in self.topics)
        return self.template("topics.html").render(ctx)

    def _column_context(self, page: Page, col: ColumnInfo, title: str) -> dict:
        ctx = self._base(
            page,
            title=f"{title} - {self.site.name}",
            meta=self.column_meta(col),
            crumbs=self.crumbs_for(col, last_is_page=False),
            current=self.channel_of(col),
            archived_at=col.archived_at,
        )
        ctx.update(column=col, archive_number=0, sections=[], items=[], pages=[], details={})
        ctx["rss"] = {"title": f"{col.name} RSS", "url": f"{col.url}rss.xml"}
        page.columns.add(col.id)
        return ctx

    def _render_column(self, page: Page, key, contents) -> str:
        col = self.data.columns[key[1]]
        ctx = self._column_context(page, col, col.name)
        for child in col.visible_children:
            if child.archived_at and not col.archived_at:
                continue  # archived sub-columns leave their parent's page (SITE-9)
            items = self.newest_in_subtree(child, SECTION_BLOCK, current_only=not col.archived_at)
            ctx["sections"].append({"column": child, "entries": items})
            page.columns.add(child.id)
            page.resources.update(i.resource_id for i in items)
        template = TEMPLATE_BY_COLUMN_TYPE.get(col.column_type, "column.html")
        if template == "column.html":
            items = col.index_items()
            full = col.full_pages
            numbers = list(range(full, max(0, full - ARCHIVE_LINKS), -1))
            pages = [(n, "/" + col.archive_path(n)) for n in numbers]
            if numbers and numbers[-1] > 1:
                pages += [(0, ""), (1, "/" + col.archive_path(1))]
            ctx["pages"] = pages
        else:  # institutions and leaders: every item, in the editors' order
            items = sorted(col.items, key=lambda i: (not i.pinned, i.sort_order, i.position))
            ctx["details"] = {i.resource_id: self._card(i, contents.get(i.resource_id), page) for i in items}
        ctx["items"] = items
        page.resources.update(i.resource_id for i in items)
        for extension in self.extensions.values():  # a column drawn by a feature app (its index page)
            text = extension.column_page(page, col, ctx)
            if text is not None:
                return text
        return self.template(template).render(ctx)

    def _render_archive(self, page: Page, key, contents) -> str:
        col, number = self.data.columns[key[1]], key[2]
        ctx = self._column_context(page, col, f"{col.name}（第{number}页）")
        items = col.items[(number - 1) * PAGE_SIZE : number * PAGE_SIZE][::-1]
        ctx.update(archive_number=number, items=items)
        page.resources.update(i.resource_id for i in items)
        return self.template("column.html").render(ctx)

    def _render_rss(self, page: Page, key, contents) -> str:
        col = self.data.columns[key[1]]
        items = [i for i in col.items[-PAGE_SIZE:][::-1]]
        page.columns.add(col.id)
        page.resources.update(i.resource_id for i in items)
        base = self.site.base_url

        def item_url(item):
            # RSS readers open <link> directly: a linked address takes the same way as on the
            # pages (through the external-link notice when it leaves government sites, LINK-3)
            target = href(item.url)
            return target if not target.startswith("/") else base + target

        return self.template("rss.xml").render(
            {
                "site": self.site,
                "column": col,
                "items": items,
                "description": col.description or col.name,
                "item_url": item_url,
            }  # fmt: skip
        )

    def _urlset(self, urls: list[str]) -> str:
        return self.template("urlset.xml").render({"base_url": self.site.base_url, "urls": urls})

    def _render_colmap(self, page: Page, key, contents) -> str:
        col = self.data.columns[key[1]]
        urls = [col.url] + ["/" + col.archive_path(k) for k in range(1, col.full_pages + 1)]
        urls += col.page_urls(col.sitemap_chunks * SITEMAP_CHUNK)  # from the outline: no item is read
        page.columns.add(col.id)
        return self._urlset(urls)

    def _render_chunk(self, page: Page, key, contents) -> str:
        col, number = self.data.columns[key[1]], key[2]
        return self._urlset(col.page_urls((number - 1) * SITEMAP_CHUNK, number * SITEMAP_CHUNK))

    def _render_sitemap(self, page: Page, key, contents) -> str:
        maps = ["/sitemap-site.xml"]
        for col in self.data.visible_columns:
            maps.append(f"{col.url}sitemap.xml")
            maps += [f"{col.url}sitemap-{k}.xml" for k in range(1, col.sitemap_chunks + 1)]
        return self.template("sitemap_index.xml").render({"base_url": self.site.base_url, "sitemaps": maps})

    def _render_sitemap_site(self, page: Page, key, contents) -> str:
        return self._urlset(["/", "/sitemap.html"] + [c.url for c in self.data.visible_columns])

    def _simple(self, page: Page, template: str, title: str, crumb: str) -> str:
        ctx = self._base(page, title=f"{title} - {self.site.name}", meta=self.site_meta(),
                         crumbs=[("首页", "/"), (crumb, "")])  # fmt: skip
        ctx["roots"] = [c for c in self.data.roots if c.visible]
        page.columns.update(c.id for c in self.data.visible_columns)
        return self.template(template).render(ctx)

    def _render_sitemap_html(self, page, key, contents) -> str:
        return self._simple(page, "sitemap.html", "网站地图", "网站地图")

    def _render_search(self, page, key, contents) -> str:
        return self._simple(page, "search.html", "站内搜索", "站内搜索")

    def _render_external(self, page, key, contents) -> str:
        return self._simple(page, "external.html", "即将离开本网站", "外部链接提示")

    def _render_404(self, page, key, contents) -> str:
        return self._simple(page, "404.html", "页面未找到", "页面未找到")

    def _render_help(self, page, key, contents) -> str:
        return self._simple(page, "help.html", "使用帮助", "使用帮助")
