"""The change feed → index updates (SRCH-1). Subscribed in SearchConfig.ready()."""

from __future__ import annotations

from core import feed
from search.tasks import index_columns_task, request_index


def reindex_what_changed(changes: feed.Changes) -> None:
    """The change feed's subscriber, after the commit.

    Resources that changed (approved, withdrawn, placed, moved) and the pages the publisher
    began or stopped holding back are indexed again: the index offers what is online. A renamed
    or moved column changes the address and facets of its documents and its descendants'
    (search.indexer.index_columns). A reorder (`column_lists`) changes no page's text or address.
    """
    resource_ids = changes.resources | changes.held_back
    if resource_ids:
        request_index(sorted(resource_ids))
    if changes.columns:
        index_columns_task.delay(sorted(changes.columns))


def connect() -> None:
    feed.subscribe(reindex_what_changed)
