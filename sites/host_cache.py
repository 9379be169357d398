"""The public process's cache of host-to-site resolution (PUB-8, SITE-3).

`site_for_host(host)` answers what `sites.resolve.site_for_host` answers, without a query on a
warm cache. Each process keeps its own small map: the normalised host to the Site (loaded with
its domains, so `primary_domain` costs nothing, and annotated `may_redirect`: whether any
Redirect names this host or every host of the site, so `public.serving.find_redirect` queries only
then), or to None for a host that no site has. Callers get a copy of the cached Site.

Invalidation is immediate and reaches every process, in the way Django's sites framework clears
SITE_CACHE on save and delete, but across processes: a version token is kept in Django's cache
(Redis when REDIS_URL is set, which every process shares; locmem in the embedded default, where
the one process is the back office and the public site at once). Each lookup reads the token
(one cache GET) and forgets the whole map when it differs from the token the map was built
under. A save or delete of a Site, Domain or Redirect (signals, connected in SitesConfig.ready)
and the few writes that send no signal (QuerySet.update, bulk_create: they call `changed()`)
set a new token after the commit, so no process can reload the old rows under the new token;
they also forget this process's map at once, so the rest of the transaction sees its own change.
Other data the public path reads for a host (the offline application behind the notice) is
read from the database on each such request and needs no entry here.

Bounds and backstops: known and unknown hosts are kept in two LRU maps of MAX_ENTRIES each, so
a flood of random Host headers neither exhausts memory nor pushes real sites out; an entry is
loaded again after MAX_AGE seconds (a write that bypasses the ORM, or a process without a shared
cache, is seen within that time); and when the cache cannot be read, lookups go to the database
and nothing is kept, until the cache answers again with a token.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
import uuid
from collections import OrderedDict

from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_delete, post_save

from sites.models import Domain, Redirect, Site
from sites.resolve import normalise_host

logger = logging.getLogger(__name__)

VERSION_KEY = "sites:host-cache:version"
MAX_ENTRIES = 4096  # per map: known hosts, unknown hosts
MAX_AGE = 60.0  # seconds
COMPLAINT_SECONDS = 60.0  # a cache that cannot be read is logged at most this often
_last_complaint: float | None = None


def load(name: str) -> Site | None:
    """The site of the normalised host `name` from the database, with its domains and `may_redirect`."""
    redirects = Redirect.objects.filter(Q(host=name) | Q(site=OuterRef("pk"), host=""))
    return (
        Site.objects.filter(domains__name=name)
        .annotate(may_redirect=Exists(redirects))
        .prefetch_related("domains")
        .first()
    )


class HostCache:
    """One process's map (the module's `hosts`); tests make more to play other processes."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_age: float = MAX_AGE):
        self.max_entries = max_entries
        self.max_age = max_age
        self._lock = threading.Lock()
        self._version: str | None = None
        self._sites: OrderedDict[str, tuple[float, Site]] = OrderedDict()
        self._unknown: OrderedDict[str, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._sites) + len(self._unknown)

    def clear(self) -> None:
        with self._lock:
            self._sites.clear()
            self._unknown.clear()

    def site_for_host(self, host: str) -> Site | None:
        name = normalise_host(host)
        if not name:
            return None
        version = shared_version()
        now = time.monotonic()
        with self._lock:
            if version != self._version:
                self._sites.clear()
                self._unknown.clear()
                self._version = version
            if version is not None:
                hit = self._sites.get(name)
                if hit is not None and now - hit[0] < self.max_age:
                    self._sites.move_to_end(name)
                    return copy.copy(hit[1])
                loaded_at = self._unknown.get(name)
                if loaded_at is not None and now - loaded_at < self.max_age:
                    self._unknown.move_to_end(name)
                    return None
        site = load(name)
        if version is None:  # the cache did not answer: nothing is kept
            return site
        with self._lock:
            if self._version == version:  # not forgotten while loading
                self._keep(name, site, now)
        return copy.copy(site) if site is not None else None

    def _keep(self, name: str, site: Site | None, now: float) -> None:
        self._sites.pop(name, None)
        self._unknown.pop(name, None)
        if site is None:
            self._unknown[name] = now
            entries = self._unknown
        else:
            self._sites[name] = (now, site)
            entries = self._sites
        while len(entries) > self.max_entries:
            entries.popitem(last=False)


hosts = HostCache()


def site_for_host(host: str) -> Site | None:
    """The site served on `host` (primary or alias domain), or None; cached (see the module)."""
    return hosts.site_for_host(host)


def shared_version() -> str | None:
    """The token every process compares its map with, or None when the cache cannot be read."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:  # first use, or evicted: any new token makes every map stale
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
        return version
    except Exception:
        global _last_complaint
        now = time.monotonic()
        if _last_complaint is None or now - _last_complaint >= COMPLAINT_SECONDS:  # not once per request
            _last_complaint = now
            logger.exception("host cache: the version cannot be read; resolving hosts from the database")
        return None


def bump_shared_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def changed(using: str | None = None) -> None:
    """Sites, domains or redirects changed: every process loads its hosts again.

    This process forgets at once; the others when the transaction commits (at once outside
    one). One new token per transaction, however many rows changed.
    """
    hosts.clear()
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        if any(entry[1] is bump_shared_version for entry in getattr(connection, "run_on_commit", [])):
            return
    transaction.on_commit(bump_shared_version, using=using, robust=True)


def _on_change(sender, using=None, **kwargs) -> None:
    changed(using)


def connect_signals() -> None:
    for model in (Site, Domain, Redirect):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"host_cache.save.{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"host_cache.delete.{model.__name__}")
