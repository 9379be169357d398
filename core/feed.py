"""One change feed: actions say what changed; subscribers hear it once, after the commit.

An action calls `changed(resources=…, columns=…, sites=…)` inside its transaction. The feed
merges every change made in one outermost transaction (a bulk operation calling many actions)
and, when it commits, calls each subscriber once with one `Changes` value holding the union.
Nothing is delivered for a change that rolled back. In autocommit (no transaction) the change
is committed already and is delivered at once, as Django runs on_commit callbacks at once there.

Subscribers register in their AppConfig.ready() (`subscribe`): the publisher queues a publish of
the dependent pages, search re-indexes the documents of changed columns, monitoring later.
The apps that change things (sites, columns, resources, the lifecycle) therefore never import
the publisher or search, and no Django model signal drives a side effect.

A subscriber that raises is logged and the others are still called: the change is committed
already, so a failing side effect never turns the action into an error nor silences the other
side effects (each subscriber retries or reports its own failures).

This module is core: it imports no app of the platform.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import transaction

log = logging.getLogger(__name__)


KINDS = ("resources", "columns", "column_lists", "sites", "addresses", "held_back")


@dataclass(frozen=True)
class Changes:
    """What one transaction changed, by id.

    resources: resources whose pages (and documents) changed.
    columns: columns that changed themselves (name, address, place in the tree): every page and
        document under them may change.
    column_lists: columns whose lists of items changed (a reorder), not the columns themselves.
    sites: sites whose every page may change (site names, domains, navigation, status).
    addresses: sites whose addresses changed in a way the web server must learn (a domain, a
        redirect, an offline notice): the public process rewrites its list of routes.
    held_back: resources whose pages the publisher began or stopped holding back on some site
        (publishing/held_back.py): search offers a page only when it is there. The publisher
        itself does not act on them (it reported them).
    """

    resources: frozenset[int] = field(default_factory=frozenset)
    columns: frozenset[int] = field(default_factory=frozenset)
    column_lists: frozenset[int] = field(default_factory=frozenset)
    sites: frozenset[int] = field(default_factory=frozenset)
    addresses: frozenset[int] = field(default_factory=frozenset)
    held_back: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self):
        for name in KINDS:
            object.__setattr__(self, name, frozenset(int(i) for i in getattr(self, name)))

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in KINDS)


Subscriber = Callable[[Changes], None]
# While set (`muted()`), changes are not recorded: a bulk load that publishes and indexes in
# full once at its end (the demo platform) need not have every change answered on its own.
_muted: ContextVar[bool] = ContextVar("feed_muted", default=False)
_subscribers: list[Subscriber] = []


def subscribe(callback: Subscriber) -> None:
    """Call `callback(changes)` after every commit that changed something (once: ready() may rerun)."""
    if callback not in _subscribers:
        _subscribers.append(callback)


def deliver(changes: Changes) -> None:
    """Hand `changes` to every subscriber; one that fails is logged and the others still hear."""
    for callback in list(_subscribers):
        try:
            callback(changes)
        except Exception:
            log.exception("subscriber %r of the change feed failed on %r", callback, changes)


class _Batch:
    """The changes of one outermost transaction, delivered once when it commits.

    Every `changed()` registers `send` with on_commit (one more entry in Django's list, nothing
    more); the first to run delivers the union and the others find it sent. Registering per
    change, rather than once, keeps each change's callback inside its own savepoint: when a
    savepoint rolls back, Django drops the callbacks registered in it, and a batch whose every
    callback was dropped is not reused (`pending`). It also lets tests that capture the
    callbacks of a block (django_capture_on_commit_callbacks) deliver what the block changed.

    The ids of a change whose savepoint rolled back stay in the union while other changes of
    the transaction still have callbacks: subscribers may hear of a little more than changed.
    That is safe for what they do (a publish renders the current state of the database and
    writes only what differs; an index update reads it; ids that no longer exist are skipped).
    """

    def __init__(self):
        self.ids: dict[str, set[int]] = {name: set() for name in KINDS}
        self.sent = False
        self.hooks: list | None = None  # the connection's list of on_commit callbacks we appended to

    def add(self, connection, changes: Changes) -> None:
        """Join the ids to the batch and register `send` for the commit (in autocommit: run it now)."""
        for name, ids in self.ids.items():
            ids.update(getattr(changes, name))
        # robust: the change is committed already; a failing delivery is logged, never the action's error
        transaction.on_commit(self.send, robust=True)
        self.hooks = connection.run_on_commit

    def pending(self, connection) -> bool:
        """Not sent, and one of its callbacks still waits for the commit (none after a rollback).

        Django replaces its list of callbacks on every rollback (of a savepoint or of the
        transaction) and only appends to it otherwise, so while it is the list we appended to,
        our callbacks are in it; only after a rollback is it searched (a bulk operation of n
        changes costs n checks, not n² comparisons).
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
        self.sent = True  # first: a change made by a subscriber (run eagerly) starts a new batch
        deliver(Changes(**self.ids))


# The batch being filled on each database connection (connections are per thread).
_batches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def changed(
    *,
    resources: Iterable[int] = (),
    columns: Iterable[int] = (),
    column_lists: Iterable[int] = (),
    sites: Iterable[int] = (),
    addresses: Iterable[int] = (),
    held_back: Iterable[int] = (),
) -> None:
    """Report, inside the action's transaction, what it changed; delivered to subscribers on commit."""
    changes = Changes(
        resources=resources,
        columns=columns,
        column_lists=column_lists,
        sites=sites,
        addresses=addresses,
        held_back=held_back,
    )
    if not changes or _muted.get():
        return
    connection = transaction.get_connection()
    batch = _batches.get(connection)
    if batch is None or not batch.pending(connection):
        batch = _batches[connection] = _Batch()
    batch.add(connection, changes)


@contextmanager
def muted() -> Iterator[None]:
    """Record no change inside the block (its transaction included): nobody hears of them."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)
