"""One resource's page as it will be published, rendered from any of its revisions, written nowhere
(issue 14 item 4, TPL-1 to TPL-5).

`preview_page(resource, revision)` loads the resource's site as the publisher does
(publishing/site_loading.py: theme, header, footer, navigation, the column's other items), puts
the resource into its column with the given revision, the way it will stand once approved (a
new item at the newest end of the column; an online item where it stands, with the new text),
and renders its page with the publisher's Renderer (publishing/render.py). Like an incremental
publish it reads only the items the page shows (publishing/partial.py), so its time does not
grow with the site. Nothing is written: not to the publish folder, not to the manifest, not to
the database.

The page comes back as the publisher would write it; `files` says which library file each of the
page's file addresses (covers, attachments, body images) is, so that a caller that shows the page
somewhere else (the back office's preview) can point them at the library.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from editorial.models import Placement, PlacementStatus
from publishing import partial
from publishing.contents import load_contents
from publishing.live_outline import LiveOutlineLoader
from publishing.partial import NEIGHBOUR_REACH, PARTIAL_LIMIT, TooMuch, load_for, referenced_resources
from publishing.render import Renderer
from publishing.site_loading import load_site
from publishing.sitedata import ENTRY_PLACEMENT, ColumnInfo, Item, NotLoaded
from publishing.static_files import static_files
from resources.kinds_registry import NO_PAGE_KINDS, kind_class

PREVIEW_PLACEMENT = -1  # the placement id of an item that is not shown yet (never a real row)


class NoPage(Exception):  # noqa: N818 (an answer, not a failure)
    """The resource has no page of its own (a link), or no column to be shown in yet."""

    def __init__(self, reason: str):
        self.reason = reason  # "no_page" or "no_column"
        super().__init__(reason)


@dataclass
class Preview:
    html: str
    path: str  # where the page will be published, relative to the site's folder
    base_url: str  # the site's address (https://domain), "" when it has no domain yet
    files: dict[str, str] = field(default_factory=dict)  # "/<published path>" -> library file name
    static: dict[str, bytes] = field(default_factory=dict)  # the /-/ files: "-/site.css" -> bytes
    assets: dict[str, str] = field(default_factory=dict)  # the asset addresses the page links
    logo_file: str = ""  # the library file of the site's logo ("/-/logo.*" on the page)
    unpublished: list[int] = field(default_factory=list)  # referenced resources that are not online
    live_url: str = ""  # the page online now, if it is


def _column_of(resource) -> tuple[int | None, int | None]:
    """(column id, placement id) where the resource's page is: its shown placement on its own site
    (its home column first), else its home column with no placement yet."""
    rows = list(
        Placement.objects.filter(resource=resource, site_id=resource.site_id, status=PlacementStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", "column_id")
    )
    for placement_id, column_id in rows:
        if column_id == resource.column_id:
            return column_id, placement_id
    if rows:
        return rows[0][1], rows[0][0]
    return resource.column_id, None


def _item(resource, revision, column: ColumnInfo, placement_id: int, shown: Item | None) -> Item:
    metadata = revision.metadata or {}
    now = timezone.now()
    when = shown.pub_date if shown is not None else (resource.published_at or resource.publish_at or now)
    return Item(
        placement_id=placement_id,
        resource_id=resource.pk,
        revision_id=revision.pk,
        kind=resource.kind,
        title=revision.title,
        pub_date=when,
        live_at=shown.live_at if shown is not None else when,
        pinned=shown.pinned if shown is not None else False,
        sort_order=shown.sort_order if shown is not None else 0,
        is_repost=False,
        source=str(metadata.get("source") or ""),
        author=str(metadata.get("author") or ""),
        keywords=str(metadata.get("keywords") or ""),
        description=str(metadata.get("description") or ""),
        index_number=kind_class(resource.kind).index_number(revision.data or {}) or resource.index_number,
        resource_site_id=resource.site_id,
        home_column_id=resource.column_id,
        column=column,
        order_key=shown.order_key if shown is not None else now.timestamp(),
    )


def _put_full(data, column: ColumnInfo, resource, revision) -> tuple[Item, Item | None]:
    """The resource's item in a whole-site load (`load_site`): in place, or appended as the newest."""
    shown = next((i for i in column.items if i.resource_id == resource.pk), None)
    item = _item(resource, revision, column, shown.placement_id if shown else PREVIEW_PLACEMENT, shown)
    if shown is not None:  # online here: the new text where the page stands
        item.position = shown.position
        column.items[shown.position] = item
    else:  # once approved, a new item is the newest of its column
        item.position = len(column.items)
        column.items.append(item)
    column.outline = None
    return item, shown


def _put_partial(data, column: ColumnInfo, resource, revision) -> tuple[Item, Item | None]:
    """The same in a partial load (publishing/partial.py): only the items the page reads are fetched
    (its neighbours and older related items), as an incremental publish does. NotLoaded or TooMuch
    when the page would read more: the caller then loads the whole site."""
    loader = data.loader
    loader.prepare({resource.pk}, {column.id})
    placed = [pid for pid in loader.by_resource.get(resource.pk, []) if loader.where[pid][0] is column]
    if placed:
        load_for(data, [("item", placed[0])])
        shown = column.items[loader.where[placed[0]][1]]
        item = _item(resource, revision, column, shown.placement_id, shown)
        item.position = shown.position
        column.items.put(shown.position, item)
        return item, shown
    total = len(column.items)
    reach = range(max(0, total - NEIGHBOUR_REACH), total)
    loader.outline({column: reach})
    if len(reach) > PARTIAL_LIMIT:
        raise TooMuch
    loader.placements([column.entries.entries[p][ENTRY_PLACEMENT] for p in reach])
    item = _item(resource, revision, column, PREVIEW_PLACEMENT, None)
    item.position = total
    outline = column.outline
    outline.entries[total] = (item.order_key, item.placement_id, resource.pk, True, False, outline.pages)
    outline.total, outline.pages = total + 1, outline.pages + 1
    column.items._count += 1  # noqa: SLF001 (the sparse list grows by the one item it is given)
    column.items.put(total, item)
    return item, None


def _render(data, column: ColumnInfo, resource, revision, *, partial: bool):
    item, shown = (_put_partial if partial else _put_full)(data, column, resource, revision)
    if shown is None:
        node = column
        while node is not None:  # the column (and its parents) show something once it is approved
            node.visible = True
            node = node.parent
    data.items_by_resource[resource.pk] = [item] + [
        other for other in data.items_by_resource.get(resource.pk, []) if other.placement_id != item.placement_id
    ]
    contents = load_contents([item])
    if partial:  # the resources the page names by address and title (policies, interpretations …)
        data.loader.resources(referenced_resources(contents.values()) - {resource.pk})
    static, assets = static_files(data.site.theme)
    page = Renderer(data, assets).render(("item", item.placement_id), contents)
    return page, shown, static, assets


def load_partial(site_id: int):
    """The preview's partial load: its entries numbered from the placements as they are now (live_outline.py)."""
    return partial.load_partial(site_id, frozenset(), LiveOutlineLoader)


def preview_page(resource, revision) -> Preview:
    """The page of `resource` showing `revision` (one of its revisions), as the publisher renders it.

    Reads what an incremental publish of the page would read; falls back to the whole site when
    that is more than a partial load holds. Raises NoPage when the resource has no page (a link)
    or no column yet.
    """
    if resource.kind in NO_PAGE_KINDS:
        raise NoPage("no_page")
    column_id, _placement_id = _column_of(resource)
    if column_id is None:
        raise NoPage("no_column")
    try:
        data = load_partial(resource.site_id)
        column = data.columns.get(column_id)
        if column is None:
            raise NoPage("no_column")
        page, shown, static, assets = _render(data, column, resource, revision, partial=True)
    except (NotLoaded, TooMuch):
        data = load_site(resource.site_id)
        column = data.columns[column_id]
        page, shown, static, assets = _render(data, column, resource, revision, partial=False)
    live_url = f"{data.site.base_url}/{shown.path}" if shown is not None and data.site.domain else ""
    return Preview(
        html=page.content.decode("utf-8"),
        path=page.path,
        base_url=data.site.base_url if data.site.domain else "",
        files={"/" + path: ref.source for path, ref in page.files},
        static=static,
        assets=assets,
        logo_file=data.site.logo_file,
        unpublished=list(page.unpublished),
        live_url=live_url,
    )
