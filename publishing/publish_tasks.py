"""Publishing in the background: the Celery task and how actions ask for it (PUB-8).

Actions call `request_publish(...)` inside their transaction; the task is queued when the
transaction commits (nothing is published for a change that rolled back). With the embedded
default (no REDIS_URL) Celery runs it eagerly, in-process, right after the commit.

A worker may die in the middle of a publish (SIGKILL, out of memory, a restart). The task is
acknowledged only when it has finished (`acks_late`), and a pool process that dies while running
it gives the message back to the broker (`reject_on_worker_lost`), so the publish runs again:
at once in another pool process, or, when the whole worker died, once the broker's visibility
timeout has passed and a worker is back. Running it again is safe: every file of the killed run
is old or new (never half), its temporary files are swept, and the task renders from the
database and writes what differs from the manifest, so the second run leaves exactly the files
and manifest of one clean run (tests/publishing/test_killed_publish.py). Transient errors (the
database away for a moment, a full or unmounted disk) are retried with a growing delay.
A page refused for broken links is a content problem, not a failure to retry: it is logged and
recorded in the audit log.

The workflow's signals (publishing.signals, sent after commit) are connected here too:
`connect_signals()` is called from the publishing app's ready().
"""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from govplatform import audit
from publishing.publisher import BrokenLinks, publish_changes

log = logging.getLogger(__name__)


# Errors that pass: the database unreachable or restarting, a lost connection, the disk (OSError).
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)


@shared_task(
    name="publishing.publish_changes",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,  # 5 s, 10 s, 20 s … (with jitter), at most 5 minutes apart
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=10,
)
def publish_changes_task(resource_ids=(), column_ids=(), site_ids=()) -> list[str]:
    try:
        reports = publish_changes(resource_ids, column_ids, site_ids)
    except BrokenLinks as error:
        log.error("%s", error)
        audit.record(
            "publish.refused",
            details={"domain": error.report.domain, "refused": error.report.refused},
        )
        return [str(error.report)]
    return [str(report) for report in reports]


def request_publish(resource_ids=(), column_ids=(), site_ids=()) -> None:
    """Queue a publish of what depends on these resources, columns and sites, after commit."""
    resource_ids = sorted({int(i) for i in resource_ids})
    column_ids = sorted({int(i) for i in column_ids})
    site_ids = sorted({int(i) for i in site_ids})
    if not (resource_ids or column_ids or site_ids):
        return
    # robust: the change is committed already; a failing publish is logged, never the action's error
    transaction.on_commit(
        lambda: publish_changes_task.delay(resource_ids=resource_ids, column_ids=column_ids, site_ids=site_ids),
        robust=True,
    )


def _on_resource(sender, resource_id, **kwargs):
    request_publish(resource_ids=[resource_id])


def _on_placements(sender, resource_id=None, column_ids=(), **kwargs):
    if resource_id is not None:  # placed, moved, pinned, removed: its pages and lists
        request_publish(resource_ids=[resource_id])
    else:  # several resources reordered: the lists of these columns
        request_publish(column_ids=column_ids)


def connect_signals() -> None:
    from publishing import signals

    signals.resource_published.connect(_on_resource, dispatch_uid="publisher.resource_published")
    signals.resource_withdrawn.connect(_on_resource, dispatch_uid="publisher.resource_withdrawn")
    signals.placements_changed.connect(_on_placements, dispatch_uid="publisher.placements_changed")
