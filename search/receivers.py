"""Publishing signals and the change feed → index updates (SRCH-1). Connected in SearchConfig.ready()."""

from __future__ import annotations


def _on_resource(sender, resource_id, **kwargs):
    from search.tasks import request_index

    request_index([resource_id])


def _on_placements(sender, resource_id=None, column_ids=(), **kwargs):
    # A reorder (resource_id None) changes no page's text or address: nothing to index.
    if resource_id is not None:
        from search.tasks import request_index

        request_index([resource_id])


def _on_held_back(sender, resource_ids=(), **kwargs):
    """The publisher began or stopped holding back these pages: offer them only when they are there."""
    from search.tasks import request_index

    request_index(resource_ids)


def reindex_what_changed(changes) -> None:
    """The change feed's subscriber: a renamed or moved column changes the address and facets of
    its documents and its descendants' (search.indexer.index_columns).

    Resources are indexed on the publishing signals above (what is online), not here; a reorder
    (`column_lists`) changes no page's text or address.
    """
    if changes.columns:
        from search.tasks import index_columns_task

        index_columns_task.delay(sorted(changes.columns))


def connect_signals() -> None:
    from govplatform import feed
    from publishing import signals

    feed.subscribe(reindex_what_changed)

    signals.resource_published.connect(_on_resource, dispatch_uid="search.resource_published")
    signals.resource_withdrawn.connect(_on_resource, dispatch_uid="search.resource_withdrawn")
    signals.placements_changed.connect(_on_placements, dispatch_uid="search.placements_changed")
    signals.held_back_changed.connect(_on_held_back, dispatch_uid="search.held_back_changed")
