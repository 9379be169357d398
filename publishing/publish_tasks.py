"""Publishing in the background: the Celery task and how actions ask for it (PUB-8).

Actions report what they changed to the change feed (core.feed.changed) inside their
transaction; the feed merges the changes of one outermost transaction (a bulk operation calling
many actions) and, when it commits, hands them to `publish_what_changed`, which queues one task
with the union of their ids (nothing is published for a change that rolled back). With the
embedded default (no REDIS_URL) Celery runs it eagerly, in-process, right after the commit.

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

`connect()`, called from the publishing app's ready(), subscribes `publish_what_changed`.
"""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from auditlog import audit
from auditlog.events import AuditEvent
from core import feed
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
            AuditEvent.PUBLISH_REFUSED,
            details={"domain": error.report.domain, "refused": error.report.refused},
        )
        return [str(error.report)]
    return [str(report) for report in reports]


def publish_what_changed(changes: feed.Changes) -> None:
    """The change feed's subscriber (PublishingConfig.ready): queue one publish of what changed.

    A reorder changes the lists of its columns, not the columns: both publish those lists.
    """
    columns = changes.columns | changes.column_lists
    if not (changes.resources or columns or changes.sites):
        return
    publish_changes_task.delay(
        resource_ids=sorted(changes.resources), column_ids=sorted(columns), site_ids=sorted(changes.sites)
    )


def request_publish(resource_ids=(), column_ids=(), site_ids=()) -> None:
    """Queue a publish of what depends on these resources, columns and sites, after commit.

    Kept for callers inside publishing and for tests: it reports the change to the change feed
    (core.feed), which merges the changes of one outermost transaction and delivers them
    once at commit (at once in autocommit); `publish_what_changed` then queues the task.
    """
    feed.changed(resources=resource_ids, columns=column_ids, sites=site_ids)


def connect() -> None:
    """Called from the publishing app's ready(): publish what the change feed reports."""
    feed.subscribe(publish_what_changed)
