"""The scheduled re-check of friendly links (LINK-4), a beat task (`monitoring.check_friend_links`).

Each distinct address shown in a links area of a monitored site is fetched once per run (many sites
link to the same portal), at most LINKCHECK_MAX_FRIEND addresses, the least recently checked
first; requests to one host are at least LINKCHECK_FRIEND_HOST_INTERVAL seconds apart; each has
LINKCHECK_TIMEOUT seconds (15, as the availability rule gives a home page). lychee (used for the
pages' links) does not report a page's title, which is what tells a parked or sold domain from
the site that was approved, so these few addresses are fetched here, with the standard library.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections import defaultdict
from html import unescape

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from core import weburl
from monitoring.checks import monitored_sites
from monitoring.friend_links import Fetched, apply_check
from monitoring.linkcheck_external import USER_AGENT
from monitoring.models.links import SHOWN_STATES, FriendLink

READ_LIMIT = 512 * 1024  # the title is in the head; a page larger than this is not read further
TITLE_RE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
CHARSET_RE = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def _title(body: bytes, header_charset: str | None) -> str:
    match = TITLE_RE.search(body)
    if not match:
        return ""
    charsets = [header_charset] if header_charset else []
    meta = CHARSET_RE.search(body[:4096])
    if meta:
        charsets.append(meta[1].decode("ascii"))
    for charset in [*charsets, "utf-8", "gb18030"]:
        try:
            return " ".join(unescape(match[1].decode(charset)).split())[:300]
        except (LookupError, UnicodeDecodeError):
            continue
    return ""


def fetch(url: str, *, timeout: float | None = None) -> Fetched:
    """What the address answers: reachable or not, where its redirects end, its page title."""
    timeout = timeout if timeout is not None else float(getattr(settings, "LINKCHECK_TIMEOUT", 15))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only: clean_address)
            body = response.read(READ_LIMIT)
            return Fetched(True, response.geturl(), _title(body, response.headers.get_content_charset()))
    except urllib.error.HTTPError as error:
        return Fetched(False, error.geturl() or url, detail=f"无法打开（{error.code}）")
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        timed_out = isinstance(reason, TimeoutError) or "timed out" in str(reason)
        return Fetched(False, url, detail="连接超时" if timed_out else "无法连接")


def due_links(now, limit: int):
    sites = monitored_sites().values("pk")
    return (
        FriendLink.objects.filter(site__in=sites, state__in=SHOWN_STATES)
        .select_related("site")
        .order_by(F("last_checked_at").asc(nulls_first=True), "pk")[: limit * 4]
    )


def check_friend_links(*, now=None, fetcher=fetch) -> dict:
    """Fetch the due addresses and record each answer on every link to it; counts for the log."""
    now = now or timezone.now()
    limit = int(getattr(settings, "LINKCHECK_MAX_FRIEND", 500))
    interval = float(getattr(settings, "LINKCHECK_FRIEND_HOST_INTERVAL", 1.0))
    by_url: dict[str, list[FriendLink]] = defaultdict(list)
    for link in due_links(now, limit):
        if link.url in by_url or len(by_url) < limit:
            by_url[link.url].append(link)
    last_request: dict[str, float] = {}
    counts = {"addresses": 0, "links": 0}
    for url, links in by_url.items():
        host = (weburl.parse(url).host if weburl.parse(url) else "") or url
        wait = last_request.get(host, 0.0) + interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        fetched = fetcher(url)
        last_request[host] = time.monotonic()
        counts["addresses"] += 1
        for link in links:
            apply_check(link, fetched, now=now)
            counts["links"] += 1
    return counts


@shared_task(name="monitoring.check_friend_links")
def check_friend_links_task() -> dict:
    return check_friend_links()
