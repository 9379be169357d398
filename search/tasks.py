"""Index updates in the background (SRCH-1), queued by the publishing signals.

The signals are sent after the change was committed, so the task reads what is online now. It
is idempotent (it rewrites the documents of the resources from the database), so a retry is safe.
With the embedded default (no REDIS_URL) Celery runs it in-process at once.
"""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError


@shared_task(name="search.index_resources", autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def index_resources_task(resource_ids) -> int:
    from search.indexer import index_resources

    return index_resources(resource_ids)


@shared_task(name="search.index_columns", autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def index_columns_task(column_ids) -> int:
    from search.indexer import index_columns

    return index_columns(column_ids)


@shared_task(name="search.reindex_containing", autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=3)
def reindex_containing_task(word: str) -> int:
    """After a dictionary change: documents whose text contains the word are segmented again."""
    from search.indexer import reindex_containing

    return reindex_containing(word)


@shared_task(name="search.rebuild_vocabulary")
def rebuild_vocabulary_task() -> int:
    from search.vocabulary import rebuild_vocabulary

    return rebuild_vocabulary()


@shared_task(name="search.aggregate_popular_queries")
def aggregate_popular_queries_task() -> dict:
    """Popular queries and which are suggested, recounted from the logs (search/popular.py)."""
    from search.popular import aggregate

    return aggregate()


@shared_task(name="search.purge_logs")
def purge_logs_task() -> dict:
    from search.logs import purge

    return purge()


def request_index(resource_ids) -> None:
    ids = sorted({int(i) for i in resource_ids if i is not None})
    if ids:
        index_resources_task.delay(ids)
