"""Publishing signals → index updates (SRCH-1). Connected in SearchConfig.ready()."""

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


def _on_column_saved(sender, instance, created=False, raw=False, **kwargs):
    """A renamed, retyped or moved column changes the address and facets of its documents."""
    if created or raw:
        return
    from django.db import transaction

    from search.tasks import index_columns_task

    column_id = instance.pk
    transaction.on_commit(lambda: index_columns_task.delay([column_id]))


def connect_signals() -> None:
    from django.db.models.signals import post_save

    from columns.models import Column
    from publishing import signals

    post_save.connect(_on_column_saved, sender=Column, dispatch_uid="search.column_saved")

    signals.resource_published.connect(_on_resource, dispatch_uid="search.resource_published")
    signals.resource_withdrawn.connect(_on_resource, dispatch_uid="search.resource_withdrawn")
    signals.placements_changed.connect(_on_placements, dispatch_uid="search.placements_changed")
    signals.held_back_changed.connect(_on_held_back, dispatch_uid="search.held_back_changed")
