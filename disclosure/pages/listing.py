"""The browsable lists of the disclosure pages: one `Listing` per column that carries one, cut into
facets (all items, by column, subject, organisation, year; for the policy library by issuing body,
subject, year and validity), each paged like a column (COL-5): the newest page, then numbered
pages of 20 counted from the oldest item, so a new item changes the newest page only.

Addresses (P = the column's path; the folder's "_" cannot begin a column's address, so no column
ever collides with it):

    P_ml/<facet>/index.html      the catalogue (信息公开目录 column): newest items of the facet
    P_ml/<facet>/page-<k>.html   items (k-1)*20 .. k*20-1, oldest first, shown newest first
    P_zc/<facet>/…               the policy library (政策文件 column), the same way

Facets: all; lm<column id>; zt-<subject code>; jg<organisation id>; nd<year>; fw-<hash of the
issuing body>; yx-<validity>.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from disclosure.pages.rows import Row
from publishing.sitedata import PAGE_SIZE, ColumnInfo, SiteData
from resources.models import Validity

CATALOGUE, LIBRARY = "_ml", "_zc"
CATALOGUE_TYPE, LIBRARY_TYPE, ON_REQUEST_TYPE = "信息公开目录", "政策文件", "依申请公开"
VALIDITY_TEXT = {
    Validity.VALID: "有效", Validity.AMENDED: "已修改", Validity.REPEALED: "已废止", Validity.EXPIRED: "已失效",
}  # fmt: skip


@dataclass(slots=True, eq=False)
class Facet:
    id: str
    group: str
    name: str
    rows: list[Row] = field(default_factory=list)  # oldest first (loaded for a whole site)
    column_id: int | None = None
    rank: tuple = ()
    size: int | None = None  # stored lists (disclosure/pages/stored.py): rows are not loaded
    pk: int | None = None

    @property
    def count(self) -> int:
        return len(self.rows) if self.size is None else self.size

    @property
    def full_pages(self) -> int:
        return self.count // PAGE_SIZE

    def newest(self) -> list[Row]:
        """What index.html lists: every item newer than the last full numbered page, at least 20."""
        wanted = max(PAGE_SIZE, len(self.rows) - self.full_pages * PAGE_SIZE)
        return self.rows[-wanted:][::-1]

    def page(self, number: int) -> list[Row]:
        return self.rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE][::-1]

    def position(self, resource_id: int) -> int | None:
        for position, row in enumerate(self.rows):
            if row.resource_id == resource_id:
                return position
        return None


@dataclass(slots=True, eq=False)
class Listing:
    column: ColumnInfo
    folder: str  # CATALOGUE or LIBRARY
    facets: dict[str, Facet] = field(default_factory=dict)
    groups: list[tuple[str, list[Facet]]] = field(default_factory=list)
    member_of: dict[int, list[str]] = field(default_factory=dict)  # resource id -> its facets

    @property
    def path(self) -> str:
        return f"{self.column.path}{self.folder}/"

    @property
    def title(self) -> str:
        return "信息公开目录" if self.folder == CATALOGUE else "政策文件库"

    def facet_path(self, facet_id: str, number: int = 0) -> str:
        return f"{self.path}{facet_id}/" + ("index.html" if number == 0 else f"page-{number}.html")

    def facet_url(self, facet_id: str, number: int = 0) -> str:
        return "/" + self.facet_path(facet_id, number).removesuffix("index.html")

    def add(self, facet_id: str, group: str, name: str, row: Row, rank=(), column_id=None) -> None:
        facet = self.facets.get(facet_id)
        if facet is None:
            facet = self.facets[facet_id] = Facet(facet_id, group, name, column_id=column_id, rank=rank)
        facet.rows.append(row)
        self.member_of.setdefault(row.resource_id, []).append(facet_id)

    def finish(self, group_order: list[str]) -> None:
        for facet in self.facets.values():
            facet.rows.sort(key=lambda r: r.order)
        for group in group_order:
            members = sorted((f for f in self.facets.values() if f.group == group), key=lambda f: f.rank)
            if members:
                self.groups.append((group, members))


def catalogue_columns(data: SiteData) -> list[ColumnInfo]:
    return [c for c in data.visible_columns if c.column_type == CATALOGUE_TYPE]


def library_columns(data: SiteData) -> list[ColumnInfo]:
    """The policy libraries: 政策文件 columns not inside another one (their sub-columns are in them)."""
    return [
        c for c in data.visible_columns
        if c.column_type == LIBRARY_TYPE and not (c.parent and c.parent.column_type == LIBRARY_TYPE)
    ]  # fmt: skip


def subtree_ids(col: ColumnInfo) -> set[int]:
    out, stack = set(), [col]
    while stack:
        node = stack.pop()
        out.add(node.id)
        stack.extend(node.children)
    return out


def build_catalogue(col, rows, data, subjects: dict[int, tuple[str, str, int]], organisations) -> Listing:
    """The catalogue of the whole site (DISC-2), browsable by column, subject, organisation and year."""
    listing = Listing(col, CATALOGUE)
    for row in rows:
        if not row.catalogued:
            continue
        listing.add("all", "全部", "全部信息", row)
        seen = set()
        for cid in row.columns:
            for node in data.columns[cid].ancestors:
                if node.id not in seen and node.visible:
                    seen.add(node.id)
                    listing.add(f"lm{node.id}", "按栏目分类", node.name, row, (node.order,), node.id)
        if row.subject_id in subjects:
            code, name, rank = subjects[row.subject_id]
            listing.add(f"zt-{code}", "按主题分类", name, row, (rank,))
        if row.organisation_id in organisations:
            name = organisations[row.organisation_id]
            listing.add(f"jg{row.organisation_id}", "按发布机构", name, row, (row.organisation_id,))
        if row.year:
            listing.add(f"nd{row.year}", "按年份", f"{row.year}年", row, (-row.year,))
    listing.finish(["按栏目分类", "按主题分类", "按发布机构", "按年份"])
    return listing


def issuing_body_id(name: str) -> str:
    return "fw-" + hashlib.sha256(name.encode()).hexdigest()[:10]


def build_library(col, rows, subjects: dict[int, tuple[str, str, int]]) -> Listing:
    """The policy library of a 政策文件 column and its sub-columns (DISC-5)."""
    listing = Listing(col, LIBRARY)
    inside = subtree_ids(col)
    validities = list(VALIDITY_TEXT)
    for row in rows:
        if row.kind != "policy" or not row.columns & inside:
            continue
        listing.add("all", "全部", "全部文件", row)
        issuing = row.values.get("issuing_body", "")
        if issuing:
            listing.add(issuing_body_id(issuing), "按发文机关", issuing, row, (issuing,))
        if row.subject_id in subjects:
            code, name, rank = subjects[row.subject_id]
            listing.add(f"zt-{code}", "按主题分类", name, row, (rank,))
        written = row.values.get("written_on", "")[:4]
        year = int(written) if written.isdigit() else row.year
        if year:
            listing.add(f"nd{year}", "按成文年份", f"{year}年", row, (-year,))
        if row.validity in VALIDITY_TEXT:
            listing.add(f"yx-{row.validity}", "按有效性", VALIDITY_TEXT[row.validity], row,
                        (validities.index(row.validity),))  # fmt: skip
    listing.finish(["按发文机关", "按主题分类", "按成文年份", "按有效性"])
    return listing


def stored_listing(col, folder: str, stored, data: SiteData, subjects, organisations) -> Listing:
    """A Listing of stored lists (disclosure/pages/stored.py): each facet's name, place and size,
    no rows; named and ranked as build_catalogue and build_library do."""
    listing = Listing(col, folder)
    by_code = {code: (name, rank) for code, name, rank in subjects.values()}
    validities = list(VALIDITY_TEXT)
    catalogue = folder == CATALOGUE
    for pk, facet_id, stored_name, size in stored:
        column_id = None
        if facet_id == "all":
            group, name, rank = "全部", "全部信息" if catalogue else "全部文件", ()
        elif facet_id.startswith("zt-"):
            if facet_id[3:] not in by_code:
                continue
            name, position = by_code[facet_id[3:]]
            group, rank = "按主题分类", (position,)
        elif facet_id.startswith("nd") and facet_id[2:].isdigit():
            year = int(facet_id[2:])
            group, name, rank = "按年份" if catalogue else "按成文年份", f"{year}年", (-year,)
        elif catalogue and facet_id.startswith("lm") and facet_id[2:].isdigit():
            node = data.columns.get(int(facet_id[2:]))
            if node is None:
                continue
            group, name, rank, column_id = "按栏目分类", node.name, (node.order,), node.id
        elif catalogue and facet_id.startswith("jg") and facet_id[2:].isdigit():
            if int(facet_id[2:]) not in organisations:
                continue
            group, name, rank = "按发布机构", organisations[int(facet_id[2:])], (int(facet_id[2:]),)
        elif not catalogue and facet_id.startswith("fw-"):
            group, name, rank = "按发文机关", stored_name, (stored_name,)
        elif not catalogue and facet_id.startswith("yx-") and facet_id[3:] in VALIDITY_TEXT:
            validity = facet_id[3:]
            group, name, rank = "按有效性", VALIDITY_TEXT[validity], (validities.index(validity),)
        else:
            continue
        listing.facets[facet_id] = Facet(facet_id, group, name, column_id=column_id, rank=rank, size=size, pk=pk)
    if catalogue:
        listing.finish(["按栏目分类", "按主题分类", "按发布机构", "按年份"])
    else:
        listing.finish(["按发文机关", "按主题分类", "按成文年份", "按有效性"])
    return listing
