"""Availability (OPS-1): the public home page and sampled published pages of every monitored site,
probed through the address citizens use, at least 20 times a day; the national line is the share of
home-page probes not opened within 15 s over a week (veto at 5%).

The prober asks for each page the way a browser would and waits for the whole answer: a page is
"opened" when a success answer has fully arrived within the time limit (redirects followed). The
address is the site's primary domain (https), or, in development and tests, MONITORING_PROBE_BASE
(e.g. http://127.0.0.1:8001, the public process) with the site's domain as the Host header, which is
how the public process tells sites apart.

Every probe is stored (monitoring.models.Probe); the daily check reads them back. Probing is
network work only: threads wait on the sites, and the rows are written at the end by one thread.
"""

from __future__ import annotations

import datetime
import http.client
import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring.checks import monitored_sites
from monitoring.lines import CheckContext, Line, Measurement, Offender, register
from monitoring.models.probes import Probe, ProbeFailure
from monitoring.visits_parse import ascii_host
from publishing.models import PublishedFile

log = logging.getLogger(__name__)

USER_AGENT = "GovPlatformProbe/1.0 (availability monitor)"  # visit statistics count it as a bot
MAX_REDIRECTS = 5
READ_CHUNK = 64 * 1024
MIN_PROBES_PER_DAY = 20  # the national rule: at least 20 probes a day
WINDOW_DAYS = 7  # ... over a week


@dataclass
class Target:
    site_id: int
    host: str  # the site's primary domain (sent as Host)
    path: str  # "" for the home page, else a published file's path
    is_home: bool


@dataclass
class Outcome:
    target: Target
    url: str
    started_at: datetime.datetime
    elapsed_ms: int | None
    status_code: int | None
    failure: str


def probe_timeout() -> float:
    """Seconds a page may take to arrive (the national rule's 15 s; tests shorten it)."""
    return float(getattr(settings, "MONITORING_PROBE_TIMEOUT", 15))


def address_of(host: str, path: str) -> str:
    """The public address probed for a page: through MONITORING_PROBE_BASE when set, else the domain."""
    base = getattr(settings, "MONITORING_PROBE_BASE", "") or f"https://{host}"
    return base.rstrip("/") + "/" + path.lstrip("/")


def fetch(url: str, host: str, timeout: float) -> tuple[int | None, int | None, str]:
    """Ask for `url` and read the whole answer within `timeout` seconds in total (not per read).

    Returns (elapsed ms or None, last status code or None, failure code or "").
    """
    start = time.monotonic()
    deadline = start + timeout
    status = None
    for _redirect in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None, status, ProbeFailure.TIMEOUT
        connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = connection_class(parts.hostname, parts.port, timeout=remaining)
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", target, headers={"Host": host, "User-Agent": USER_AGENT, "Accept": "text/html"})
            sock = connection.sock  # kept: the connection lets go of it once the answer says it closes
            response = connection.getresponse()
            status = response.status
            # Read the body against the deadline: a server that trickles the page counts as slow.
            while not response.isclosed():  # it closes itself once the whole body has arrived
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None, status, ProbeFailure.TIMEOUT
                sock.settimeout(remaining)
                if not response.read1(READ_CHUNK):  # one receive at a time, so the deadline is seen
                    break
            location = response.getheader("Location")
        except TimeoutError:
            return None, status, ProbeFailure.TIMEOUT
        except (OSError, http.client.HTTPException, ValueError) as error:  # ValueError: a malformed address
            log.debug("probe of %s: %s", url, error)
            if time.monotonic() >= deadline:
                return None, status, ProbeFailure.TIMEOUT
            return None, status, ProbeFailure.CONNECTION
        finally:
            connection.close()
        if status in (301, 302, 303, 307, 308) and location:
            url = urljoin(url, location)
            host = urlsplit(url).netloc if urlsplit(location).netloc else host
            continue
        elapsed = int((time.monotonic() - start) * 1000)
        if status >= 400:
            return elapsed, status, ProbeFailure.HTTP_ERROR
        return elapsed, status, ""
    return None, status, ProbeFailure.REDIRECTS


def targets_for(site, rng: random.Random, samples: int) -> list[Target]:
    """The home page and `samples` published pages chosen at random (a page at a random offset)."""
    host = ascii_host(site.primary_domain)  # a Chinese domain (.政务) is asked for in punycode
    if not host:
        return []
    targets = [Target(site.pk, host, "", True)]
    pages = PublishedFile.objects.filter(site=site, path__endswith=".html").exclude(path="index.html")
    count = pages.count() if samples else 0
    for _i in range(min(samples, count)):
        path = pages.order_by("pk").values_list("path", flat=True)[rng.randrange(count)]
        targets.append(Target(site.pk, host, path, False))
    return targets


def probe(targets: list[Target], *, timeout: float | None = None, workers: int | None = None) -> list[Probe]:
    """Probe every target (in threads) and store one Probe row each; returns the rows."""
    timeout = probe_timeout() if timeout is None else timeout
    workers = workers or int(getattr(settings, "MONITORING_PROBE_WORKERS", 8))

    def one(target: Target) -> Outcome:
        url = address_of(target.host, target.path)
        started_at = timezone.now()
        elapsed_ms, status, failure = fetch(url, target.host, timeout)
        return Outcome(target, url, started_at, elapsed_ms, status, failure)

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(targets) or 1))) as pool:
        outcomes = list(pool.map(one, targets))
    rows = [
        Probe(
            site_id=o.target.site_id,
            path=o.target.path,
            is_home=o.target.is_home,
            url=o.url[:800],
            started_at=o.started_at,
            elapsed_ms=o.elapsed_ms,
            status_code=o.status_code,
            opened=not o.failure,
            failure=o.failure,
        )
        for o in outcomes
    ]
    return Probe.objects.bulk_create(rows)


def probe_sites(sites, *, samples: int | None = None, seed: int | None = None) -> list[Probe]:
    """One round: each site's home page and sampled pages."""
    rng = random.Random(seed)
    samples = int(getattr(settings, "MONITORING_PROBE_SAMPLES", 1)) if samples is None else samples
    targets = [target for site in sites for target in targets_for(site, rng, samples)]
    return probe(targets) if targets else []


@shared_task(name="monitoring.purge_probes")
def purge_probes_task() -> int:
    return purge_probes(timezone.localdate())


@shared_task(name="monitoring.probe_sites")
def probe_monitored_sites() -> int:
    """The beat task (every 30 minutes: 48 rounds a day, so a missed round or two keeps >= 20).

    Only monitored sites: one offline by approval, closed, archived or not yet online is not probed.
    """
    return len(probe_sites(monitored_sites().prefetch_related("domains")))


def purge_probes(today: datetime.date) -> int:
    """Probes older than the retention (MONITORING_PROBE_RETENTION_DAYS, 400 by default: a year of trend)."""
    days = int(getattr(settings, "MONITORING_PROBE_RETENTION_DAYS", 400))
    cutoff = _day_start(today - datetime.timedelta(days=days))
    deleted, _detail = Probe.objects.filter(started_at__lt=cutoff).delete()
    return deleted


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@register
class HomePageAvailability(Line):
    """Share of home-page probes not opened within 15 s over the last 7 full days (OPS-1).

    The window is the 7 days before the check's day, so a check early in the morning measures
    complete days. The national text fails a site "in 5% or more" of the probes: veto at >= 5.
    Warning at 2: one or two failures a week are noise of the network (0.3% each at 48 probes a
    day), a share of 2% means the site fails again and again, and leaves 3 points before the line.
    Cannot be computed when any day of the window had fewer than 20 home-page probes (the rule's
    own minimum): no result is better than a share over too few probes.
    """

    key = "availability"
    label = gettext_lazy("Share of home page probes not opened within 15 seconds")
    unit = "%"
    warning = 2.0
    veto = 5.0
    order = 70

    def measure(self, site, context: CheckContext) -> Measurement:
        first_day = context.today - datetime.timedelta(days=WINDOW_DAYS)
        probes = list(
            Probe.objects.filter(
                site=site, started_at__gte=_day_start(first_day), started_at__lt=_day_start(context.today)
            ).order_by("started_at")
        )
        home = [p for p in probes if p.is_home]
        per_day = {first_day + datetime.timedelta(days=n): 0 for n in range(WINDOW_DAYS)}
        for p in home:
            day = timezone.localdate(p.started_at)
            if day in per_day:
                per_day[day] += 1
        short = [day for day, count in per_day.items() if count < MIN_PROBES_PER_DAY]
        # Home page failures first, then the sampled pages' (listed, not counted in the share).
        offenders = [_offender(p) for p in sorted(probes, key=lambda p: not p.is_home) if not p.opened]
        if short:
            note = _("Fewer than %(minimum)d probes of the home page on %(days)s: the share cannot be computed.") % {
                "minimum": MIN_PROBES_PER_DAY,
                "days": "、".join(f"{day:%m-%d}" for day in short),
            }
            return Measurement(None, offenders, note)
        failed = sum(1 for p in home if not p.opened)
        value = round(100.0 * failed / len(home), 2)
        note = _("%(failed)d of %(total)d probes of the home page over 7 days were not opened within 15 seconds.") % {
            "failed": failed,
            "total": len(home),
        }
        return Measurement(value, offenders, note)


def _offender(p: Probe) -> Offender:
    when = timezone.localtime(p.started_at).strftime("%Y-%m-%d %H:%M")
    if p.failure == ProbeFailure.HTTP_ERROR:
        why = _("the server answered with an error (%(status)s)") % {"status": p.status_code}
    else:
        why = str(ProbeFailure(p.failure).label)
    detail = f"{when} {why}"
    if not p.is_home:
        detail += " " + _("(a sampled page: not counted in the share)")
    return Offender(
        label=_("Home page") if p.is_home else p.path,
        url=p.url,
        detail=detail,
        object_kind="probe",
        object_id=p.pk,
    )
