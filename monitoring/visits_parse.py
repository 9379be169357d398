"""Reading nginx's access log lines (format govplatform_visits, deploy/nginx.conf.template) into counts.

One pass over the lines, with small caches in front of everything that costs: a line is split on
tabs, and its host, time, page and browser are each looked up in a dictionary filled on first
sight (a log holds few hosts, minutes, pages and browsers compared to its lines). Visitors are
kept as "address<TAB>browser" strings only for the length of one batch and only as a set, and
leave the batch as a HyperLogLog sketch of salted hashes: no address is stored (personal data).

Counted as a page view: a GET answered 200 or 304 for a page (a folder, an .html file, an address
without extension), of a host that is one of the platform's domains. Style sheets, scripts,
images and attachments are not page views.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import re
from collections import defaultdict
from zoneinfo import ZoneInfo

# Robots by their browser string (User-Agent): search engines, the link checkers and probes of the
# platform itself, tools and libraries, headless browsers, and the empty string ("-").
BOT_PATTERN = re.compile(
    r"bot|spider|crawl|slurp|archiver|fetcher|scrapy|curl|wget|python|java/|go-http-client|okhttp|"
    r"httpclient|libwww|perl|ruby|php/|node-fetch|axios|headless|phantomjs|lighthouse|pingdom|uptime|"
    r"monitor|checker|scanner|nmap|masscan|zgrab|feed|preview|facebookexternalhit|bytespider|"
    r"yisouspider|sogou|360spider|haosouspider|govplatformprobe|lychee|^-?$",
    re.IGNORECASE,
)
PAGE_SUFFIXES = (".html", ".htm", ".shtml")
COUNTED_STATUSES = frozenset({"200", "304"})
SKETCH_PRECISION = 11  # 2,048 one-byte registers: about 2.3% standard error, 2 KB a site a day
SKETCH_SIZE = 1 << SKETCH_PRECISION
_RANK_BITS = 64 - SKETCH_PRECISION
_RANK_MASK = (1 << _RANK_BITS) - 1


def ascii_host(name: str) -> str:
    """A domain as it travels in Host headers and nginx's $host: Chinese domains (.政务) in punycode."""
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return name


def is_bot(agent: str) -> bool:
    return BOT_PATTERN.search(agent) is not None


def page_of(path: str) -> str | None:
    """The page a request path names ("/zwgk/index.html" and "/zwgk/" are one page), None if not a page."""
    if not path.startswith("/"):
        return None
    path = path[:500]
    last = path.rsplit("/", 1)[-1]
    if not last:
        return path
    if last in ("index.html", "index.htm"):
        return path[: -len(last)]
    if last.endswith(PAGE_SUFFIXES) or "." not in last:
        return path
    return None


class Batch:
    """The counts of a run of lines, keyed by site id (from the host) and local day."""

    def __init__(self, hosts: dict[str, int], zone: ZoneInfo):
        self.hosts = hosts  # host name (lower case) -> site id
        self.zone = zone
        self.pages: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])  # (site, day, page) -> [people, robots]
        self.days: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])  # (site, day) -> [people, robots, bytes]
        self.visitors: dict[tuple, set[str]] = defaultdict(set)  # (site, day) -> {"address\tbrowser"}
        self.lines = 0
        self.counted = 0
        self.malformed = 0
        self._day_of: dict[str, datetime.date | None] = {}
        self._page_of: dict[str, str | None] = {}
        self._bot: dict[str, bool] = {}

    def feed(self, text: str) -> None:
        """Count the whole lines of `text` (the caller passes complete lines only)."""
        hosts, day_of, page_cache, bot_cache = self.hosts, self._day_of, self._page_of, self._bot
        pages, days, visitors = self.pages, self.days, self.visitors
        counted = malformed = 0
        lines = text.split("\n")
        if lines and not lines[-1]:
            lines.pop()
        for line in lines:
            fields = line.split("\t")
            if len(fields) < 8:
                malformed += 1
                continue
            if fields[3] != "GET" or fields[5] not in COUNTED_STATUSES:
                continue
            site = hosts.get(fields[1])
            if site is None:
                host = fields[1].lower()
                site = hosts.get(host)
                if site is None:
                    continue  # an address, the back office, a host not (or no longer) on the platform
            uri = fields[4]
            try:
                page = page_cache[uri]
            except KeyError:
                page = page_cache[uri] = page_of(uri.split("?", 1)[0])
            if page is None:
                continue
            stamp = fields[0]
            minute = stamp[:16] + stamp[19:]  # the same minute in the same offset is the same day
            try:
                day = day_of[minute]
            except KeyError:
                day = day_of[minute] = self._local_day(stamp)
            if day is None:
                malformed += 1
                continue
            agent = fields[7]
            try:
                bot = bot_cache[agent]
            except KeyError:
                bot = bot_cache[agent] = is_bot(agent)
            key = (site, day)
            totals = days[key]
            if bot:
                pages[(site, day, page)][1] += 1
                totals[1] += 1
            else:
                pages[(site, day, page)][0] += 1
                totals[0] += 1
                visitors[key].add(fields[2] + "\t" + agent)
            size = fields[6]
            if size != "0":
                try:
                    totals[2] += int(size)
                except ValueError:
                    pass
            counted += 1
        self.lines += len(lines)
        self.counted += counted
        self.malformed += malformed

    def _local_day(self, stamp: str) -> datetime.date | None:
        try:
            moment = datetime.datetime.fromisoformat(stamp)
        except ValueError:
            return None
        if moment.tzinfo is None:
            return moment.date()
        return moment.astimezone(self.zone).date()


# HyperLogLog (Flajolet et al. 2007) over 64-bit salted BLAKE2b hashes: mergeable by taking the
# larger register, so batches, re-reads and the days of a year combine without keeping visitors.


def empty_sketch() -> bytearray:
    return bytearray(SKETCH_SIZE)


def add_to_sketch(sketch: bytearray, visitors, salt: bytes) -> None:
    for visitor in visitors:
        value = int.from_bytes(hashlib.blake2b(visitor.encode(), digest_size=8, key=salt).digest(), "big")
        index = value >> _RANK_BITS
        rank = _RANK_BITS - (value & _RANK_MASK).bit_length() + 1
        if rank > sketch[index]:
            sketch[index] = rank


def merge_sketches(target: bytearray, other: bytes) -> None:
    if len(other) != SKETCH_SIZE:
        return
    for index, rank in enumerate(other):
        if rank > target[index]:
            target[index] = rank


def estimate(sketch: bytes) -> int:
    """The number of distinct visitors a sketch has seen (small counts nearly exact)."""
    if len(sketch) != SKETCH_SIZE:
        return 0
    m = SKETCH_SIZE
    zeros = sketch.count(0)
    if zeros == m:
        return 0
    raw = (0.7213 / (1 + 1.079 / m)) * m * m / sum(2.0**-rank for rank in sketch)
    if raw <= 2.5 * m and zeros:
        return round(m * math.log(m / zeros))  # linear counting for small numbers
    return round(raw)
