"""Search logs without personal data (SRCH-3: ranking by real use).

Nothing identifies the person: no IP address, user agent, cookie, session or account is stored,
and numbers long enough to be an ID card, phone or bank card number, and e-mail addresses, are
masked in the stored query. Masked queries never become suggestions. To count distinct visitors
(search/popular.py: a suggestion needs many), each entry keeps a keyed hash of the address and
user agent (`visitor_key`: HMAC with a key derived from SECRET_KEY, 64 bits), which tells two
visitors apart but cannot be turned back into an address without the key. A click is recorded when
the browser pings the signed address of a result (the `ping` attribute of the result link: no
script needed); each result counts once per search, and its document's click count, which lifts its
ranking, rises once per visitor and day.
Logs and clicks are kept SEARCH_LOG_RETENTION_DAYS (a year by default) and then purged daily,
with the popular queries nobody asked for in that time: ranking and suggestions follow recent
use, and the tables stay bounded.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from search.models import PopularQuery, SearchClick, SearchDocument, SearchLog

CLICK_SALT = "search.click"
VISITOR_SALT = "search.visitor"
CLICK_MAX_AGE = 24 * 3600
_LONG_NUMBER_RE = re.compile(r"\d[\d\s-]{4,}\d")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask(query: str) -> tuple[str, bool]:
    """The query with long numbers and e-mail addresses replaced by *; whether anything was."""
    masked = _EMAIL_RE.sub("*", query)
    masked = _LONG_NUMBER_RE.sub(lambda m: "*" * len(m.group()), masked)
    return masked, masked != query


@contextmanager
def _statistics_transaction():
    """One transaction for a search's or a click's records, committed without waiting for the
    disk on PostgreSQL. These are statistics: a database crash may lose the last fraction of a
    second of them, which is acceptable; making every citizen's search wait for a flush is not
    (about 8 ms of a 30 ms search page on this machine). Inside a caller's transaction nothing is
    relaxed: that transaction's durability is not ours to lower."""
    relax = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if relax:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def visitor_key(address: str | None, user_agent: str | None) -> str:
    """A keyed hash of the visitor's address and user agent ('' without an address)."""
    if not address:
        return ""
    value = f"{address}\n{(user_agent or '')[:500]}"
    return salted_hmac(VISITOR_SALT, value, algorithm="sha256").hexdigest()[:16]


def record_search(outcome, visitor: str = "") -> int | None:
    """Log a search. Popular queries are counted from these entries later (search/popular.py),
    not here: nothing a single search does reaches the suggestions."""
    query, _masked = mask(outcome.query)
    corrected = mask(outcome.corrected_from)[0] if outcome.corrected_from else ""
    if not query:
        return None
    with _statistics_transaction():
        entry = SearchLog.objects.create(
            site=outcome.site,
            scope=outcome.scope,
            query=query[:100],
            corrected=corrected[:200],
            results=outcome.total,
            page=outcome.page,
            visitor=visitor[:16],
        )
    return entry.pk


def click_token(log_id: int, hit) -> str:
    return signing.dumps([log_id, hit.resource_id, hit.site_id, hit.position], salt=CLICK_SALT)


def record_click(token: str) -> bool:
    """Count a followed result once per search; False for a bad, old or repeated token."""
    try:
        log_id, resource_id, site_id, position = signing.loads(token, salt=CLICK_SALT, max_age=CLICK_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    visitor = SearchLog.objects.filter(pk=log_id).values_list("visitor", flat=True).first()
    if visitor is None:
        return False
    try:
        with _statistics_transaction():
            click = SearchClick.objects.create(log_id=log_id, resource_id=resource_id, site_id=site_id,
                                               position=position)  # fmt: skip
            if not _clicked_recently(click, visitor):
                SearchDocument.objects.filter(resource_id=resource_id, site_id=site_id).update(clicks=F("clicks") + 1)
    except IntegrityError:
        return False
    return True


def _clicked_recently(click: SearchClick, visitor: str) -> bool:
    """Whether the same visitor followed the same result in the day before `click`.

    Every click is logged, but a document's click count, which lifts its ranking, rises once per
    visitor, page and day: one person searching and pinging a result again and again cannot
    steer what every citizen sees first. Visitors without a known address share one key ('')."""
    return (
        SearchClick.objects.filter(
            resource_id=click.resource_id,
            site_id=click.site_id,
            log__visitor=visitor,
            time__gt=click.time - timedelta(days=1),
            time__lte=click.time,
        )  # fmt: skip
        .exclude(pk=click.pk)
        .exists()
    )


def purge(now=None) -> dict[str, int]:
    """Delete search logs (with their clicks) and popular queries older than the retention period."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SEARCH_LOG_RETENTION_DAYS)
    with transaction.atomic():
        clicks, _ = SearchClick.objects.filter(log__time__lt=cutoff).delete()
        logs, _ = SearchLog.objects.filter(time__lt=cutoff).delete()
        popular, _ = PopularQuery.objects.filter(last_searched__lt=cutoff).delete()
    return {"logs": logs, "clicks": clicks, "popular": popular}
