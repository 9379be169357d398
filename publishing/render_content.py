"""Content pages: articles, policy documents, interpretations, leaders, institutions (TPL-5, RES-6..8).

A mixin of publishing.render.Renderer. Article pages show title, publish date (PUB-7), source,
body, attachments, share/print/纠错 tools, previous/next and related articles; related articles
are chosen among OLDER items of the column only, so a new item never changes older pages.
Policy documents show their document information, a banner when they are amended, repealed or
expired with the date and a link to the replacing document, and links to their interpretations;
interpretations link back (RES-8), and the history of their validity (RES-7, DISC-5). Items of the
disclosure catalogue show its header table (索引号, 主题分类, 发文机关 …, DISC-2), given by feature apps
(publishing/extensions.py) and by the kind's own fields (Kind.header_keys).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from publishing import links
from publishing.contents import Content, FileRef
from publishing.contents import resource_ids_in as _ids_from
from publishing.extensions import header_rows
from publishing.jinja import pubdate
from publishing.media_use import may_publish
from publishing.sitedata import RELATED_COUNT, RELATED_WINDOW, Item
from resources.kinds_registry import kind_class
from resources.models import Validity

if TYPE_CHECKING:
    from publishing.render import Page

VALIDITY_TEXT = {Validity.AMENDED: "已修改", Validity.REPEALED: "已废止", Validity.EXPIRED: "已失效"}
KEYWORD_SPLIT = re.compile(r"[,，、;；\s]+")


@dataclass(slots=True)
class ShownFile:
    url: str
    name: str
    title: str
    kind: str
    size: str
    width: int | None
    height: int | None
    alt: str


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def first(data: dict, *keys, default=""):
    for key in keys:
        value = data.get(key)
        if value not in (None, "", [], {}):
            return value
    return default


class ContentPages:
    def _card(self, item: Item, content: Content | None, page: Page) -> dict:
        if content is None:
            return {}
        d = content.data
        photo = ""
        if content.photo:
            photo_path = content.photo.published_path(item.column.path)
            page.files.append((photo_path, content.photo))
            photo = "/" + photo_path
        return {
            "duties": links.plain_excerpt(first(d, "duties"), 120),
            "phone": first(d, "phone"),
            "address": first(d, "address"),
            "position": first(d, "position"),
            "photo": photo,
        }

    # --- content pages --------------------------------------------------------------------------

    def keywords_of(self, item: Item) -> frozenset:
        kw = self._keywords.get(item.placement_id)
        if kw is None:
            kw = frozenset(w for w in KEYWORD_SPLIT.split(item.keywords) if w)
            self._keywords[item.placement_id] = kw
        return kw

    def related(self, item: Item) -> list[Item]:
        """Up to 5 OLDER items of the column, those sharing keywords first: new items never change old pages."""
        col_items = item.column.items
        window = [i for i in col_items[max(0, item.position - RELATED_WINDOW) : item.position] if i.has_page]
        mine = self.keywords_of(item)
        scored = sorted(
            ((len(mine & self.keywords_of(other)), other.position, other) for other in window),
            key=lambda t: (t[0], t[1]),
            reverse=True,
        )
        return [other for _, _, other in scored[:RELATED_COUNT]]

    def _file(self, ref: FileRef, item: Item, page: Page) -> ShownFile:
        path = ref.published_path(item.column.path)
        page.files.append((path, ref))
        suffix = ref.extension.upper()  # the type of the content, not of the uploader's name (SEC-7)
        return ShownFile("/" + path, ref.name, ref.title, suffix, human_size(ref.size), ref.width, ref.height,
                         ref.title or item.title)  # fmt: skip

    def _render_item(self, page: Page, key, contents) -> str:
        item = self._by_placement[key[1]]
        col = item.column
        content = contents.get(item.resource_id) or Content(data={})
        d = content.data
        page.unpublished = content.unpublished  # the publisher holds such a page back
        source = item.source or item.original_site or self.site.name
        page.resources.add(item.resource_id)
        page.columns.add(col.id)

        neighbours = [i for i in col.items if i.has_page] if len(col.items) < 64 else None
        previous = next_item = None
        if neighbours is not None:
            idx = neighbours.index(item)
            previous = neighbours[idx - 1] if idx > 0 else None
            next_item = neighbours[idx + 1] if idx + 1 < len(neighbours) else None
        else:
            pos = item.position
            previous = next((i for i in reversed(col.items[max(0, pos - 64) : pos]) if i.has_page), None)
            next_item = next((i for i in col.items[pos + 1 : pos + 65] if i.has_page), None)
        related = self.related(item)
        for other in (previous, next_item, *related):
            if other is not None:
                page.resources.add(other.resource_id)

        media = {}
        for src, ref in content.media.items():
            sites = content.media_sites.get(src, frozenset())
            if not may_publish(sites, page_site_id=self.site.id, owner_site_id=item.resource_site_id):
                continue  # not this site's to publish: the path stays, so the page is held back saying it
            media[src] = "/" + ref.published_path(col.path)
            page.files.append((ref.published_path(col.path), ref))
        body = d.get("body") or ""
        if body:
            body = links.rewrite_body(body, self.site.english_domains, media)
        cover = None
        if content.cover:
            cover = self._file(content.cover, item, page)
            page.resources.update(d_id for d_id in _ids_from(d.get("cover_image")))
        attachments = [self._file(ref, item, page) for ref in content.attachments]
        page.resources.update(_ids_from(d.get("attachments")))
        kind = kind_class(item.kind)
        if content.asset is not None and kind.file_on_page:
            shown = self._file(content.asset, item, page)
            if kind.file_on_page == "cover":
                cover = shown
            else:
                attachments.insert(0, shown)
        for name, source, size, content_type in kind.page_files(d, item.resource_id):  # made from the data
            ref = FileRef(item.resource_id, name, source, size, content_type, variant="data")
            attachments.append(self._file(ref, item, page))

        image_url = ""
        if cover is not None:
            image_url = self.site.base_url + quote(cover.url)
        elif media:
            image_url = self.site.base_url + quote(next(iter(media.values())))
        description = item.description or first(d, "summary")
        ctx = self._base(
            page,
            title=f"{item.title} - {self.site.name}",
            meta=[],
            crumbs=self.crumbs_for(col, last_is_page=True) + [("正文", "")],
            current=self.channel_of(col),
            archived_at=col.archived_at,
        )
        ctx["meta"] = [
            (name, value)
            for name, value in self.site_meta()
            + [
                ("ColumnName", col.name),
                ("ColumnType", col.column_type or col.name),
                ("ArticleTitle", item.title),
                ("PubDate", pubdate(item.pub_date)),
                ("ContentSource", source),
                ("Keywords", item.keywords),
                ("Author", item.author),
                ("Description", links.plain_excerpt(description, 200)),
                ("Image", image_url),
                ("Url", ctx["page_url"]),
            ]
            if value
        ]
        ctx.update(
            item=item,
            source=source,
            subtitle=first(d, "subtitle"),
            body=body,
            cover=cover,
            attachments=attachments,
            previous=previous,
            next=next_item,
            related=related,
            links=[],
            links_heading="",
        )
        ctx["header"] = header_rows(self._header_fields(item, content))  # 索引号 …: catalogued items
        ctx["header_caption"] = "信息索引"
        if kind.page_links is not None:
            name, ctx["links_heading"] = kind.page_links
            ids = getattr(content, name, None)  # Content holds the policy links; other kinds keep them in data
            ctx["links"] = self._linked(_ids_from(d.get(name)) if ids is None else ids, page)
        for part in kind.page_parts:  # each part is one method below, named by the kind class
            ctx.update(getattr(self, f"_{part}_part")(item, content, page))
        ctx.update(kind.page_context(d, self.site))  # the parts of a feature app's kind
        return self.template(kind.page_template).render(ctx)

    def _policy_part(self, item: Item, content: Content, page: Page) -> dict:
        policy = self._policy(item, content, page)
        return {"policy": policy, "header": policy["rows"], "header_caption": "文件信息"}

    def _header_fields(self, item: Item, content: Content) -> dict[str, str]:
        """The document header (publishing/extensions.py HEADER_FIELDS): the catalogue's values
        (feature apps) first, then those the kind's own form asks for (Kind.header_keys)."""
        d = content.data
        fields = {name: str(first(d, key)) for name, key in kind_class(item.kind).header_keys.items()}
        if item.index_number:
            fields["index_number"] = item.index_number
        for extension in self.extensions.values():
            fields.update({name: value for name, value in (extension.item_header(item) or {}).items() if value})
        if not any(fields.values()):
            return {}
        fields["published_on"] = fields.get("published_on") or pubdate(item.pub_date)[:10]
        return fields

    def _leader_part(self, item: Item, content: Content, page: Page) -> dict:
        d = content.data
        page.resources.update(_ids_from(d.get("photo")))
        return {
            "photo": self._file(content.photo, item, page) if content.photo else None,
            "leader": {
                "position": first(d, "position"),
                "sections": self._sections(d, (("resume", "简历"), ("responsibilities", "工作分工"))),
            },
        }

    def _institution_part(self, item: Item, content: Content, page: Page) -> dict:
        d = content.data
        rows = [("联系电话", first(d, "phone")), ("办公地址", first(d, "address")), ("办公时间", first(d, "hours"))]
        return {
            "institution": {
                "rows": [(k, v) for k, v in rows if v],
                "sections": self._sections(d, (("duties", "主要职责"),)),
            }
        }

    def _sections(self, d: dict, fields) -> list[tuple[str, str]]:
        out = []
        for key, heading in fields:
            value = d.get(key)
            if not value:
                continue
            if isinstance(value, list):
                value = "".join(f"<p>{links.escape(str(v))}</p>" for v in value)
            elif "<" not in str(value):
                value = "".join(f"<p>{links.escape(p)}</p>" for p in str(value).splitlines() if p.strip())
            else:
                value = links.rewrite_body(str(value), self.site.english_domains, {})
            out.append((heading, value))
        return out

    def _linked(self, resource_ids: list[int], page: Page) -> list[dict]:
        out = []
        for rid in resource_ids:
            page.resources.add(rid)
            url = self.data.url_of(rid)
            title = self.data.title_of(rid)
            if url and title:
                out.append({"url": url, "title": title})
        return out

    def _policy(self, item: Item, content: Content, page: Page) -> dict:
        d = content.data
        validity = first(d, "validity", default=Validity.VALID)
        fields = self._header_fields(item, content)
        rows = header_rows(fields, [("有效性", {"valid": "有效", **VALIDITY_TEXT}.get(validity, ""))])
        replaced = None
        if content.replaced_by:
            page.resources.add(content.replaced_by)
            url, title = self.data.url_of(content.replaced_by), self.data.title_of(content.replaced_by)
            if url and title:
                replaced = {"url": url, "title": title}
        return {
            "rows": rows,
            "history": [(day, {"valid": "有效", **VALIDITY_TEXT}.get(status, "")) for day, status in content.history],
            "validity_text": VALIDITY_TEXT.get(validity, ""),
            "validity_date": str(first(d, "validity_date")),
            "replaced_by": replaced,
        }
