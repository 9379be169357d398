"""Publishing in the background: the Celery task and how actions ask for it (PUB-8).

Actions call `request_publish(...)` inside their transaction; the task is queued when the
transaction commits (nothing is published for a change that rolled back). With the embedded
default (no REDIS_URL) Celery runs it eagerly, in-process, right after the commit. All the
requests made inside one outermost transaction (a bulk operation calling many actions) are
merged into one task, queued once at commit, with the union of their ids (PublishBatch).

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
import weakref

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


class PublishBatch:
    """The publish requests of one outermost transaction, queued as one task when it commits.

    Every request registers `send` with on_commit (one more entry in Django's list, nothing
    more); the first to run queues the union of the ids and the others find it sent. Registering
    per request, rather than once, keeps each request's callback inside its own savepoint: when
    a savepoint rolls back, Django drops the callbacks registered in it, and a batch whose every
    callback was dropped is not reused (`pending`). It also lets tests that capture the callbacks
    of a block (django_capture_on_commit_callbacks) run the publish of what the block requested.

    The ids of a request whose savepoint rolled back stay in the union while other requests of
    the transaction still have callbacks: the task may publish a little more than changed. That
    is safe, since a publish renders the current state of the database and writes only what
    differs; ids that no longer exist are skipped (publishing.publisher.refusals).
    """

    def __init__(self):
        self.resource_ids: set[int] = set()
        self.column_ids: set[int] = set()
        self.site_ids: set[int] = set()
        self.sent = False
        self.hooks: list | None = None  # the connection's list of on_commit callbacks we appended to

    def add(self, connection, resource_ids, column_ids, site_ids) -> None:
        """Join the ids to the batch and register `send` for the commit (in autocommit: run it now)."""
        self.resource_ids.update(resource_ids)
        self.column_ids.update(column_ids)
        self.site_ids.update(site_ids)
        # robust: the change is committed already; a failing publish is logged, never the action's error
        transaction.on_commit(self.send, robust=True)
        self.hooks = connection.run_on_commit

    def pending(self, connection) -> bool:
        """Not sent, and one of its callbacks still waits for the commit (none after a rollback).

        Django replaces its list of callbacks on every rollback (of a savepoint or of the
        transaction) and only appends to it otherwise, so while it is the list we appended to,
        our callbacks are in it; only after a rollback is it searched (a bulk operation of n
        requests costs n checks, not n² comparisons).
        """
        if self.sent:
            return False
        hooks = connection.run_on_commit
        if hooks is self.hooks:
            return True
        self.hooks = hooks
        return any(func == self.send for _sids, func, _robust in hooks)

    def send(self) -> None:
        if self.sent:
            return
        self.sent = True  # first: a request made while the task runs (eagerly) starts a new batch
        publish_changes_task.delay(
            resource_ids=sorted(self.resource_ids), column_ids=sorted(self.column_ids), site_ids=sorted(self.site_ids)
        )


# The batch being filled on each database connection (connections are per thread).
_batches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def request_publish(resource_ids=(), column_ids=(), site_ids=()) -> None:
    """Queue a publish of what depends on these resources, columns and sites, after commit.

    Inside a transaction the request joins the transaction's PublishBatch; in autocommit (no
    transaction) the batch is sent at once, as Django runs on_commit callbacks at once there.
    """
    resource_ids = {int(i) for i in resource_ids}
    column_ids = {int(i) for i in column_ids}
    site_ids = {int(i) for i in site_ids}
    if not (resource_ids or column_ids or site_ids):
        return
    connection = transaction.get_connection()
    batch = _batches.get(connection)
    if batch is None or not batch.pending(connection):
        batch = _batches[connection] = PublishBatch()
    batch.add(connection, resource_ids, column_ids, site_ids)


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
