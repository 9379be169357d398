"""Pages that feature apps add to a site: the publisher's extension point.

The output layer cannot import the apps above it, so a feature app (e.g. disclosure/) registers a
`PageProvider` from its AppConfig.ready():

    from publishing import extensions
    extensions.register(MyProvider())

A provider answers, for one site:

- `visible_columns(data)`: columns shown even without placed items (COL-4 hides a column that shows
  nothing; a column whose page a provider draws has content of its own). Called while the site is
  loaded (publishing/site_loading.py, partial.py), before any renderer exists.
- `for_site(renderer)`: a `SitePages` for one Renderer (one site, one publish), which
  - lists its page keys at a full rebuild (`keys`). A key is a tuple whose first element is the
    provider's `key_kind`, a name no built-in page uses (publishing/page_keys.py);
  - maps keys to paths and back (`path_of`; `key_of` answers None for a path that is not its page
    or no longer exists: an incremental publish then deletes the file);
  - renders a key (`render`) in base.html through `renderer.base_context` (meta tags, header,
    footer), recording in page.resources and page.columns what the page shows: the dependency
    index then finds the page again when those change (PUB-8);
  - may draw the index page of some columns (`column_page`: the context of column.html in, the
    page's text out, or None to leave the column to the built-in page);
  - may give the document header of item pages (`item_header`: 索引号, 主题分类, 发文机关 … see
    HEADER_FIELDS), loaded in bulk for a batch of items by `prefetch` (a full rebuild reads no
    row per item);
  - hears of an incremental publish's changes before anything is planned (`changing`: e.g.
    stored lists brought up to date first, so that `key_of` answers for the new state);
  - says what an incremental publish must render again or delete besides the pages the
    dependency index finds (`affected`);
  - may add an area to the home page (`home_section`: its markup, drawn after the columns'
    blocks; whoever changes what it shows asks for a publish of the site).

`dynamic_paths`: path prefixes (without the leading /) that the public process answers itself, such
as an online form; links to them are not checked against the published files (LINK-2).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publishing.contents import Content
    from publishing.render import Page, Renderer
    from publishing.sitedata import Item, SiteData

# The document header of an item page, in this order: field -> label (RES-7, DISC-2).
HEADER_FIELDS = {
    "index_number": "索引号",
    "subject": "主题分类",
    "issuing_body": "发文机关",
    "written_on": "成文日期",
    "document_number": "文号",
    "published_on": "发布日期",
}


class SitePages:
    """One provider's pages on one site (see the module docstring); the defaults add nothing."""

    def __init__(self, renderer: Renderer):
        self.renderer = renderer

    def keys(self) -> list[tuple]:
        return []

    def path_of(self, key: tuple) -> str:
        raise KeyError(key)

    def key_of(self, path: str) -> tuple | None:
        return None

    def render(self, page: Page, key: tuple, contents: dict[int, Content]) -> str:
        raise KeyError(key)

    def column_page(self, page: Page, col, ctx: dict) -> str | None:
        return None

    def home_section(self, page: Page) -> str | None:
        """Markup of an area of the home page (rendered with the renderer's templates), or None."""
        return None

    def prefetch(self, items: list[Item]) -> None:
        """Load in bulk what `item_header` will read for these items."""

    def item_header(self, item: Item) -> dict[str, str] | None:
        """Values of HEADER_FIELDS for the page of `item` (empty ones are left out), or None."""
        return None

    def changing(self, resource_ids: set[int], column_ids: set[int]) -> None:
        """An incremental publish of these changes begins (called before `key_of` and `affected`)."""

    def affected(self, resource_ids: set[int], column_ids: set[int], showing: set[str]) -> tuple[set, set[str]]:
        """(keys to render, paths to delete) for an incremental publish of these changes.

        `showing`: the pages the dependency index lists for them (rendered again, or deleted
        when `key_of` no longer knows them, by publishing/affected.py).
        """
        return set(), set()


class PageProvider:
    key_kind: str = ""
    dynamic_paths: tuple[str, ...] = ()

    def visible_columns(self, data: SiteData) -> set[int]:
        return set()

    def for_site(self, renderer: Renderer) -> SitePages:
        return SitePages(renderer)


_PROVIDERS: dict[str, PageProvider] = {}
BUILT_IN_KINDS = frozenset(
    {"home", "column", "archive", "item", "rss", "colmap", "chunk", "sitemap", "sitemap_site", "sitemap_html"}
    | {"search", "external", "404", "help", "topics"}
)


def register(provider: PageProvider) -> PageProvider:
    """Add a provider (once per key kind; registering the same kind again replaces it)."""
    if not provider.key_kind or provider.key_kind in BUILT_IN_KINDS:
        raise ValueError(f"a page provider needs a key kind of its own, not {provider.key_kind!r}")
    _PROVIDERS[provider.key_kind] = provider
    return provider


def providers() -> list[PageProvider]:
    return list(_PROVIDERS.values())


def visible_columns(data: SiteData) -> set[int]:
    out: set[int] = set()
    for provider in _PROVIDERS.values():
        out |= provider.visible_columns(data)
    return out


def dynamic_paths() -> tuple[str, ...]:
    return tuple(prefix for provider in _PROVIDERS.values() for prefix in provider.dynamic_paths)


def header_rows(fields: dict[str, str], extra: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """The rows of a document header table: HEADER_FIELDS in order, empty ones left out, then `extra`."""
    rows = [(label, str(fields[name])) for name, label in HEADER_FIELDS.items() if fields.get(name)]
    return rows + [(label, value) for label, value in extra if value]
