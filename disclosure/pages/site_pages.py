"""The disclosure pages of one site, drawn by the publisher (publishing/extensions.py).

- the 信息公开目录 column's page: the catalogue's browsing tree (by column, subject, organisation,
  year, with counts) beside what the column shows itself; the catalogue's lists (listing.py),
  each item with its header table (索引号, 主题分类, 发文机关, 成文日期, 文号, 发布日期; DISC-2);
- the 政策文件 column's page: the filters of the policy library (by issuing body, subject, year,
  validity), and the library's lists with each policy's header and validity (DISC-5);
- the 依申请公开 column's page: how to apply, with the online form and the status page that the
  public process answers (/disclosure/apply/, /disclosure/status/; DISC-3), and the office's
  contact from the site's published disclosure guide when there is one (DISC-1);
- the header table on the page of every catalogued item (prefetched for a batch in one query).

Incremental publishing (PUB-8): the pages that listed a changed item are found by the dependency
index and drawn again; `affected` adds, for every list an item entered or left, its newest page
and its numbered pages from the item's place on (those shift), deletes numbered pages beyond
the new count, and draws the column's page again (its counts).

A full rebuild reads every list of the site (rows.load_rows, one query) and stores them
(stored.sync_site). An incremental publish from a partial load (publishing/partial.py) reads
none: `changing` stores the changed items' rows first, then sizes, positions and the items of
the pages drawn come from the stored lists by index range scans (stored.py), so an approval
costs the same at 1,000 and at 100,000 items. A change that moves many list pages (an old
item withdrawn from a long list, a column renamed) raises TooMuch: the publisher then loads the
whole site, and the lists with it.
"""

from __future__ import annotations

import re

from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform

from disclosure.pages import rows as rowdata
from disclosure.pages import stored
from disclosure.pages.listing import (
    CATALOGUE,
    LIBRARY,
    ON_REQUEST_TYPE,
    VALIDITY_TEXT,
    Facet,
    Listing,
    build_catalogue,
    build_library,
    catalogue_columns,
    library_columns,
    stored_listing,
    subtree_ids,
)
from publishing import dependencies
from publishing.extensions import SitePages, header_rows
from publishing.models import PageDependency
from publishing.partial import TooMuch
from publishing.site_loading import shown_placements
from publishing.sitedata import PAGE_SIZE, NotLoaded
from resources.models import ResourceKind

KEY_KIND = "disclosure"
ARCHIVE_LINKS = 10
LIST_PAGES_LIMIT = 60  # list pages an incremental publish draws from the stored lists; past it, the whole site
APPLY_PATH, STATUS_PATH = "/disclosure/apply/", "/disclosure/status/"
FACET_PATH_RE = re.compile(r"(?P<facet>[A-Za-z0-9_-]+)/(?:index\.html|page-(?P<number>[1-9][0-9]*)\.html)")
GUIDE_CONTACT = (  # the guide's fields shown as the office's contact (disclosure/guide.py)
    ("office_name", "受理机构"), ("address", "办公地址"), ("postal_code", "邮政编码"), ("office_hours", "办公时间"),
    ("phone", "联系电话"), ("fax", "传真"), ("email", "电子邮箱"),
)  # fmt: skip


class DisclosurePages(SitePages):
    def __init__(self, renderer, cache):
        super().__init__(renderer)
        self.data = renderer.data
        self.site_id = renderer.site.id
        self._cache = cache  # the provider's: one load per SiteData, shared by its renderers
        self._headers: dict[int, dict[str, str]] = {}
        self.partial = renderer.data.loader is not None  # an incremental publish from a partial load

    # --- what is listed -------------------------------------------------------------------------

    def listings(self) -> dict[str, Listing]:
        """Folder path (e.g. `zwgk/_ml/`) -> Listing, loaded once per SiteData: every row of a whole
        site (3 queries), or the stored lists' sizes for a partial load (1 query, rows read per page)."""
        cached = self._cache.get("data")
        if cached is not None and cached[0] is self.data:
            return cached[1]
        catalogues, libraries = catalogue_columns(self.data), library_columns(self.data)
        out: dict[str, Listing] = {}
        if (catalogues or libraries) and self.partial:
            facets: dict[int, list] = {}
            for pk, column_id, facet_id, name, size in stored.facets(self.site_id):
                facets.setdefault(column_id, []).append((pk, facet_id, name, size))
            for col, folder in [(c, CATALOGUE) for c in catalogues] + [(c, LIBRARY) for c in libraries]:
                listing = stored_listing(col, folder, facets.get(col.id, ()), self.data, self._subjects(),
                                         self._organisations() if folder == CATALOGUE else {})  # fmt: skip
                out[listing.path] = listing
        elif catalogues or libraries:
            rows = list(self._load_rows().values())
            for col in catalogues:
                listing = build_catalogue(col, rows, self.data, self._subjects(), self._organisations())
                out[listing.path] = listing
            for col in libraries:
                listing = build_library(col, rows, self._subjects())
                out[listing.path] = listing
        self._cache["data"] = (self.data, out)
        return out

    def _load_rows(self, resource_ids=None) -> dict[int, rowdata.Row]:
        libraries = library_columns(self.data)
        inside = set().union(*(subtree_ids(c) for c in libraries)) if libraries else set()
        return rowdata.load_rows(self.data, inside, resource_ids, self._organisations())

    def _cached(self, name: str, load):
        """A value read once per SiteData (shared by the renderers of one publish)."""
        if name not in self._cache or self._cache[name][0] is not self.data:
            self._cache[name] = (self.data, load())
        return self._cache[name][1]

    def _organisations(self) -> dict[int, str]:
        return self._cached("organisations", lambda: rowdata.organisations(self.site_id))

    def _built(self, rows: list[rowdata.Row]) -> list[Listing]:
        """The lists of these rows alone (what the changed items belong to now)."""
        data = self.data
        built = [
            build_catalogue(c, rows, data, self._subjects(), self._organisations()) for c in catalogue_columns(data)
        ]
        return built + [build_library(c, rows, self._subjects()) for c in library_columns(data)]

    def changing(self, resource_ids, column_ids) -> None:
        """Before an incremental publish plans: store the changed items' rows (stored.py)."""
        if not (catalogue_columns(self.data) or library_columns(self.data)):
            return
        if column_ids and self.partial:
            raise TooMuch  # names and places of columns are on every list page: the whole site
        if not resource_ids:
            return
        if self.partial:
            rows = self._load_rows(resource_ids)
            built = self._built(list(rows.values()))
            members = {listing.path: listing.member_of for listing in built}
            self._cache["now"] = (self.data, members, {rid: row.published_at for rid, row in rows.items()})
            self._cache.pop("data", None)  # the stored lists' sizes, read after they are updated
        else:
            built = list(self.listings().values())
        stored.sync_resources(self.site_id, set(resource_ids), built)

    def _members(self, listing: Listing) -> dict[int, list[str]]:
        """resource id -> the facets of `listing` that the changed items are in now."""
        if not self.partial:
            return listing.member_of
        now = self._cache.get("now")
        if now is None or now[0] is not self.data:
            raise NotLoaded("the changed items' lists were not stored before planning")
        return now[1].get(listing.path, {})

    def _position(self, listing: Listing, facet: Facet, resource_id: int) -> int:
        if not self.partial:
            return facet.position(resource_id)
        _data, members, published = self._cache["now"]
        counts = self._cached("after", dict)
        if resource_id not in counts:  # one query per changed item, all its lists at once
            pks = [
                li.facets[f].pk for li in self.listings().values()
                for f in members.get(li.path, {}).get(resource_id, ()) if f in li.facets
            ]  # fmt: skip
            counts[resource_id] = stored.count_after(pks, resource_id, published[resource_id])
        return facet.count - 1 - counts[resource_id][facet.pk]

    def _page_rows(self, facet: Facet, number: int) -> list[rowdata.Row]:
        """The rows of one page, newest first (see Facet.newest, Facet.page)."""
        if facet.size is None:
            return facet.page(number) if number else facet.newest()
        ids = stored.page_ids(facet.pk, facet.size, number)
        rows = self._cached("rows", dict)
        missing = [rid for rid in ids if rid not in rows]
        if missing:
            rows.update(self._load_rows(missing))
        gone = [rid for rid in ids if rid not in rows]
        if gone:  # stored while shown, changed since without a publish: stored again, and the whole site
            stored.sync_resources(self.site_id, set(gone), self._built([]))
            raise NotLoaded(f"listed items {gone[:5]} are no longer shown")
        return [rows[rid] for rid in ids]

    def _by_column(self, column_id: int) -> Listing | None:
        return next((li for li in self.listings().values() if li.column.id == column_id), None)

    def _parse(self, path: str) -> tuple[Listing, str, int] | None:
        """(listing, facet id, page number; 0 for the newest) of a path shaped like a list page."""
        for folder in (CATALOGUE, LIBRARY):
            head, sep, rest = path.partition(f"/{folder}/")
            if sep:
                match = FACET_PATH_RE.fullmatch(rest)
                listing = self.listings().get(f"{head}/{folder}/") if match else None
                if listing is None:
                    return None
                return listing, match["facet"], int(match["number"] or 0)
        return None

    # --- keys and paths -------------------------------------------------------------------------

    def keys(self) -> list[tuple]:
        """Every list page (a full rebuild: the lists are stored again, what changed written)."""
        if self.partial:
            raise TooMuch
        if self._cache.get("stored") is not self.data:
            stored.sync_site(self.site_id, list(self.listings().values()))
            self._cache["stored"] = self.data
        keys = []
        for listing in self.listings().values():
            for facet in listing.facets.values():
                keys += [(KEY_KIND, listing.column.id, facet.id, k) for k in range(facet.full_pages + 1)]
        return keys

    def path_of(self, key: tuple) -> str:
        return self._by_column(key[1]).facet_path(key[2], key[3])

    def key_of(self, path: str) -> tuple | None:
        if "/_" not in path:
            return None
        parsed = self._parse(path)
        if parsed is None:
            return None
        listing, facet_id, number = parsed
        facet = listing.facets.get(facet_id)
        if facet is None or number > facet.full_pages:
            return None
        return (KEY_KIND, listing.column.id, facet_id, number)

    # --- pages ----------------------------------------------------------------------------------

    def _entries(self, listing: Listing, rows: list[rowdata.Row], page) -> list[dict]:
        names = {f.id: f.name for f in listing.facets.values() if f.id.startswith("zt-")}
        codes = {pk: f"zt-{code}" for pk, (code, _name, _rank) in self._subjects().items()}
        out = []
        for row in rows:
            values = dict(row.values)
            if row.subject_id in codes:
                values["subject"] = names.get(codes[row.subject_id], "")
            extra = [("有效性", VALIDITY_TEXT.get(row.validity, ""))] if listing.folder == LIBRARY else []
            cells = header_rows(values, extra)
            out.append(
                {"title": row.title, "url": row.url, "rows": [cells[i : i + 2] for i in range(0, len(cells), 2)]}
            )
            page.resources.add(row.resource_id)
        return out

    def _subjects(self):
        return self._cached("subjects", rowdata.subjects)

    def render(self, page, key, contents) -> str:
        r = self.renderer
        listing = self._by_column(key[1])
        facet: Facet = listing.facets[key[2]]
        number = key[3]
        col = listing.column
        index_url = listing.facet_url(facet.id)
        heading = listing.title if facet.id == "all" else f"{listing.title}：{facet.name}"
        crumbs = r.crumbs_for(col, last_is_page=True)
        if number:
            crumbs += [(heading, index_url), (f"第{number}页", "")]
        else:
            crumbs += [(heading, "")]
        title = heading + (f"（第{number}页）" if number else "")
        ctx = r.base_context(page, title=f"{title} - {col.name} - {r.site.name}", meta=r.column_meta(col),
                             crumbs=crumbs, current=r.channel_of(col))  # fmt: skip
        rows = self._page_rows(facet, number)
        pages = []
        if not number:
            full = facet.full_pages
            numbers = list(range(full, max(0, full - ARCHIVE_LINKS), -1))
            pages = [(n, listing.facet_url(facet.id, n)) for n in numbers]
            if numbers and numbers[-1] > 1:
                pages += [(0, ""), (1, listing.facet_url(facet.id, 1))]
        ctx.update(
            listing=listing, facet=facet, heading=heading, number=number, entries=self._entries(listing, rows, page),
            pages=pages, index_url=index_url, column=col,
            previous_url=listing.facet_url(facet.id, number - 1) if number > 1 else "",
        )  # fmt: skip
        page.columns.add(col.id)
        if facet.column_id is not None:
            page.columns.add(facet.column_id)
        return r.template("disclosure_list.html").render(ctx)

    def column_page(self, page, col, ctx) -> str | None:
        r = self.renderer
        if col.column_type == ON_REQUEST_TYPE:
            ctx.update(apply_url=APPLY_PATH, status_url=STATUS_PATH, contacts=self._contacts(page))
            return r.template("disclosure_on_request.html").render(ctx)
        listing = self._by_column(col.id)
        if listing is None:
            return None
        groups = [
            (group, [(f.name, listing.facet_url(f.id), f.count) for f in facets])
            for group, facets in listing.groups
            if group != "全部"
        ]
        everything = listing.facets.get("all")
        ctx.update(
            listing_title=listing.title,
            listing_all=(listing.facet_url("all"), everything.count) if everything else None,
            listing_groups=groups,
        )
        return r.template("disclosure_column.html").render(ctx)

    def _contacts(self, page) -> list[dict]:
        """The disclosure office of each organisation whose guide the site shows (DISC-1)."""
        kind = getattr(ResourceKind, "GUIDE", None)
        if kind is None:
            return []
        fields = {
            f"g_{name}": KeyTextTransform(name, "resource__published_revision__data") for name, _ in GUIDE_CONTACT
        }
        rows = (
            shown_placements(self.site_id, self.data.hidden)
            .filter(resource__kind=kind)
            .annotate(**fields)
            .order_by("resource_id")
            .values_list("resource_id", *fields)
            .distinct()
        )
        out = []
        for rid, *values in rows:
            page.resources.add(rid)
            shown = [(label, value) for (_name, label), value in zip(GUIDE_CONTACT, values, strict=True) if value]
            if shown:
                out.append({"rows": shown, "url": self.data.url_of(rid) if self.data.loader is None else ""})
        return out

    # --- item pages -----------------------------------------------------------------------------

    def prefetch(self, items) -> None:
        wanted = {i.resource_id for i in items} - self._headers.keys()
        if wanted:
            found = rowdata.entry_headers(wanted)
            for rid in wanted:
                self._headers[rid] = found.get(rid, {})

    def item_header(self, item) -> dict[str, str] | None:
        if item.resource_id not in self._headers:
            self.prefetch([item])  # a page rendered alone (preview): one query
        return self._headers[item.resource_id] or None

    # --- incremental publishing -----------------------------------------------------------------

    def affected(self, resource_ids, column_ids, showing) -> tuple[set, set[str]]:
        keys: set[tuple] = set()
        deletions: set[str] = set()
        if column_ids and self.listings():  # names, places and addresses of columns: every list
            if self.partial:
                raise TooMuch
            for listing in self.listings().values():
                keys.add(("column", listing.column.id))
                for path in dependencies.manifest_under(self.site_id, listing.path, ("",)):
                    if self.key_of(path) is None:
                        deletions.add(path)
            keys.update(self.keys())
        if not resource_ids or not self.listings():
            return keys, deletions
        listed = PageDependency.objects.filter(site_id=self.site_id, resource_id__in=sorted(resource_ids)).filter(
            Q(page_path__contains=f"/{CATALOGUE}/") | Q(page_path__contains=f"/{LIBRARY}/")
        )
        before: dict[tuple[str, str], dict[int, set[int]]] = {}  # (listing, facet) -> resource -> pages
        for path, rid in listed.values_list("page_path", "resource_id"):
            parsed = self._parse_any(path)
            if parsed is not None:
                folder_path, facet_id, number = parsed
                before.setdefault((folder_path, facet_id), {}).setdefault(rid, set()).add(number)
        list_keys = 0
        for listing in self.listings().values():
            members = self._members(listing)
            touched = {facet_id for (folder, facet_id) in before if folder == listing.path}
            for rid in resource_ids:
                touched.update(members.get(rid, ()))
            for facet_id in touched:
                more = set()
                if self._facet_changes(listing, facet_id, before.get((listing.path, facet_id), {}), members,
                                       resource_ids, more, deletions):  # fmt: skip
                    keys.add(("column", listing.column.id))
                keys |= more
                list_keys += len(more)
        if self.partial and list_keys > LIST_PAGES_LIMIT:
            raise TooMuch  # many list pages move (an old item left a long list): read the lists in bulk
        return keys, deletions

    def _parse_any(self, path: str) -> tuple[str, str, int] | None:
        """(listing folder path, facet id, page) of a list page's path, whether or not it exists now."""
        for folder in (CATALOGUE, LIBRARY):
            head, sep, rest = path.partition(f"/{folder}/")
            match = FACET_PATH_RE.fullmatch(rest) if sep else None
            if match:
                return f"{head}/{folder}/", match["facet"], int(match["number"] or 0)
        return None

    def _facet_changes(self, listing: Listing, facet_id: str, before: dict[int, set[int]], members, changed, keys,
                       deletions):  # fmt: skip
        """Keys and deletions of one list whose items changed; True when items entered or left it.

        Numbered pages beyond the new count are deleted when they exist: at most one more page
        per item that left (the plan keeps deletions of files that exist)."""
        facet = listing.facets.get(facet_id)
        now = {rid for rid in changed if facet_id in members.get(rid, ())}
        entered, left = now - before.keys(), before.keys() - now
        if not entered and not left:
            return False  # the same items at the same places: the index found the pages showing them
        size = facet.count if facet is not None else 0
        new_full = size // PAGE_SIZE
        starts = [self._position(listing, facet, rid) // PAGE_SIZE + 1 for rid in entered]
        starts += [min((k for k in before[rid] if k), default=new_full + 1) for rid in left]
        start = min(starts)
        if facet is not None:
            keys.add((KEY_KIND, listing.column.id, facet_id, 0))
            keys.update((KEY_KIND, listing.column.id, facet_id, k) for k in range(start, new_full + 1))
        else:
            deletions.add(listing.facet_path(facet_id, 0))
        shown_before = {k for rid in left for k in before[rid]}
        for k in set(range(new_full + 1, (size + len(left)) // PAGE_SIZE + 2)) | shown_before:
            if k > new_full:
                deletions.add(listing.facet_path(facet_id, k))
        return True
