"""A fixed-window rate limit per key (an address, an account …) in Django's cache.

    if not ratelimit.hit("disclosure-apply", address, limit=5, window=3600):
        ... refuse, keeping what was typed ...

The count lives in the default cache: Redis in production (shared by every process), the
local-memory cache in development and tests (per process). Keys are hashed, so an address never
appears in the cache as written. `remaining_seconds` says when the window ends, for the message.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

PREFIX = "ratelimit"


def _key(bucket: str, key: str, window: int, now: float) -> str:
    digest = hashlib.sha256(f"{bucket}\x00{key}".encode()).hexdigest()[:32]
    return f"{PREFIX}:{bucket}:{digest}:{int(now // window)}"


def hit(bucket: str, key: str | None, *, limit: int, window: int, now: float | None = None) -> bool:
    """Count one attempt of `key` in `bucket`; True while at most `limit` attempts were made in
    the current window of `window` seconds."""
    now = time.time() if now is None else now
    name = _key(bucket, key or "-", window, now)
    if cache.add(name, 1, timeout=window + 5):
        return limit >= 1
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=window + 5)
        count = 1
    return count <= limit


def remaining_seconds(window: int, now: float | None = None) -> int:
    now = time.time() if now is None else now
    return int(window - now % window) + 1
