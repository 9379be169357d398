"""Columns of a partial load: sequences of full length of which only some positions are loaded.

A partial load (publishing/partial.py) puts each column's entries (sitedata.Entry) in a
SparseOutline and its Items in a SparseItems. They answer len() like the full lists, so the
renderer computes the same page numbers; reading a position that was not loaded raises
NotLoaded, and the publisher then renders from the whole site instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from publishing.sitedata import ENTRY_HAS_PAGE, ENTRY_PAGES_BEFORE, ENTRY_RESOURCE, ColumnInfo, Item, NotLoaded


class SparseOutline(Sequence):
    """A column's entries (sitedata.Entry) of which only some are loaded; others raise NotLoaded."""

    __slots__ = ("column", "total", "pages", "pinned", "entries")

    def __init__(self, column: ColumnInfo, total: int, pages: int):
        self.column, self.total, self.pages = column, total, pages
        self.pinned: list[int] = []  # positions; every pinned entry is loaded by prepare()
        self.entries: dict[int, tuple] = {}

    def __len__(self) -> int:
        return self.total

    def _get(self, position: int) -> tuple:
        try:
            return self.entries[position]
        except KeyError:
            raise NotLoaded(f"entry {position} of column {self.column.path!r} was not loaded") from None

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._get(p) for p in range(*index.indices(self.total))]
        if index < 0:
            index += self.total
        if not 0 <= index < self.total:
            raise IndexError("entry position out of range")
        return self._get(index)

    def __iter__(self):
        return (self._get(p) for p in range(self.total))

    def page_rids(self, start: int, stop: int | None = None) -> list[int]:
        """Resource ids of the items with a page, numbered among those (sitemaps)."""
        stop = self.pages if stop is None else min(stop, self.pages)
        found = sorted(
            (e[ENTRY_PAGES_BEFORE], e[ENTRY_RESOURCE])
            for e in self.entries.values()
            if e[ENTRY_HAS_PAGE] and start <= e[ENTRY_PAGES_BEFORE] < stop
        )
        if len(found) != max(0, stop - start):
            raise NotLoaded(f"pages {start}..{stop} of column {self.column.path!r} were not loaded")
        return [rid for _, rid in found]


class SparseItems(Sequence):
    """A column's items in publishing order, of which only some are loaded; others raise NotLoaded."""

    __slots__ = ("_count", "_items", "_column")

    def __init__(self, column: ColumnInfo, count: int):
        self._column, self._count, self._items = column, count, {}

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def _get(self, position: int) -> Item:
        try:
            return self._items[position]
        except KeyError:
            raise NotLoaded(f"item {position} of column {self._column.path!r} was not loaded") from None

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._get(p) for p in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("item position out of range")
        return self._get(index)

    def __iter__(self):
        return (self._get(p) for p in range(self._count))

    def __reversed__(self):
        return (self._get(p) for p in range(self._count - 1, -1, -1))

    def put(self, position: int, item: Item) -> None:
        self._items[position] = item
