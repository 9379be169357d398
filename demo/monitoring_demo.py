"""The demo's supervision (OPS-1, OPS-4, LINK-4): what the monitoring dashboard has to show.

So that the dashboard shows all three states, the demo platform has
- 示范市水务局 (QUIET_SITE) near the warning lines: its own content is QUIET_DAYS older than the
  other sites' (demo.content shifts its dates; the city's news is not reposted to it), so its home
  page has not been updated for 11 days (warning at 10, veto at 14); a consultation has waited
  WAITING_LETTER_DAYS days for an answer (warning at 30; demo.interaction_demo); and 3% of the
  probes of its home page did not open within 15 seconds (warning at 2%, veto at 5%);
- 示范市教育局 across a veto line: a consultation unanswered for more than three months
  (demo.interaction_demo.UNANSWERED_SITE);
- the other sites passing.

The quiet site's content is dated before its quiet days: its articles by demo.content, and what
the other demo modules publish "now" (its guide, annual report, Q&A entries) by `quiet_down`,
before the sites are published.

Made here, as history a running platform would have gathered:
- availability probes (monitoring.availability's Probe rows) every 30 minutes over the 7 full days
  before today and today so far: the home page and a sampled published page of each site;
- a rotated nginx access log of the last 30 days (the format of deploy/nginx.conf.template) beside
  MONITORING_ACCESS_LOG, ingested by the visit statistics' own reader (monitoring.visits.ingest);
- friendly links on the city portal (LINK-4): two proposed by its editor and approved by its
  administrator, one waiting for approval;
- the answers of last night's external link check (every government address answered);
- today's daily check of every site, and this quarter's spot check (OPS-2) drawn and published.

The daily check itself runs after the demo sites are published (`make run`: manage.py check_sites),
since it reads the published pages. Idempotent: probes, visits and links are made once.
"""

from __future__ import annotations

import datetime as dt
import gzip
import random
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from demo import data as demo_data
from demo import dates as demo_dates
from disclosure.models import CatalogueEntry
from monitoring import checks, friend_links, linkcheck, spot_checks, visits
from monitoring.linkcheck_external import host_of, url_hash
from monitoring.models import ExternalLinkStatus, FriendLink, Probe, SiteVisitDay, SpotCheck
from monitoring.models.probes import ProbeFailure
from publishing.models import PublishedFile
from resources.models import Resource
from sites.models import Site

QUIET_SITE = "swj"  # near the warning lines
QUIET_DAYS = 11  # its home page's newest item is this many days old: warning at 10, veto at 14
WAITING_LETTER_DAYS = 35  # its oldest unanswered consultation: warning at 30, veto at more than 90
# Home-page probes not opened within 15 s, per 336 of the last 7 days (48 a day).
FAILED_HOME_PROBES = {QUIET_SITE: 10, demo_data.CITY: 1}  # 2.98%: a warning; 0.30%: passes
PROBE_MINUTES = 30
SEED = 2026_1206

FRIEND_LINKS = [
    ("中国政府网", "https://www.gov.cn/", True),
    ("河北省人民政府", "https://www.hebei.gov.cn/", True),
    ("国家政务服务平台", "https://gjzwfw.www.gov.cn/", False),  # waiting for the administrator
]

HUMAN_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49",
    "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
]
BOT_AGENTS = [
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
]
VISITS_PER_DAY = {demo_data.CITY: 420, "qingshan": 160, "jyj": 140, "wsjkw": 120, QUIET_SITE: 60}
VISIT_DAYS = 30


def quiet_down(sites: dict[str, Site], now: dt.datetime | None = None) -> int:
    """The quiet site's items published in its quiet days (the guide, the annual report, the Q&A
    entries the other demo modules publish now) are given dates before them, as if published
    then: its home page has nothing newer than QUIET_DAYS (demo data only, like demo.dates)."""
    site = sites.get(QUIET_SITE)
    if site is None:
        return 0
    now = now or timezone.now()
    quiet_since = now - dt.timedelta(days=QUIET_DAYS)
    recent = list(
        Resource.objects.filter(site=site, published_at__gt=quiet_since).order_by("published_at", "pk")
        .values_list("pk", flat=True)
    )  # fmt: skip
    timeline = [
        (pk, quiet_since - dt.timedelta(hours=2 * (len(recent) - position))) for position, pk in enumerate(recent)
    ]
    demo_dates.backdate(timeline, now)
    entries = list(CatalogueEntry.objects.filter(resource_id__in=recent).select_related("resource"))
    for entry in entries:
        entry.disclosed_at = entry.resource.published_at or entry.disclosed_at
    CatalogueEntry.objects.bulk_update(entries, ["disclosed_at"])
    return len(recent)


def build(sites: dict[str, Site], now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        "probes": build_probes(sites, now),
        "visit_lines": build_visits(sites, now),
        "friend_links": build_friend_links(sites),
        "link_answers": record_link_answers(sites, now),
        "spot_checks": build_spot_check(sites, now),
    }


# -- availability probes ----------------------------------------------------------------------


def _pages(site: Site) -> list[str]:
    return list(
        PublishedFile.objects.filter(site=site, path__endswith=".html").exclude(path="index.html")
        .order_by("path").values_list("path", flat=True)[:200]
    )  # fmt: skip


def build_probes(sites: dict[str, Site], now: dt.datetime) -> int:
    if Probe.objects.filter(site__in=list(sites.values())).exists():
        return 0
    local_now = timezone.localtime(now)
    start = local_now.replace(hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=7)
    times = []
    at = start
    while at < local_now:
        times.append(at)
        at += dt.timedelta(minutes=PROBE_MINUTES)
    week = [t for t in times if t < start + dt.timedelta(days=7)]
    rows = []
    for key, site in sites.items():
        host = site.primary_domain
        if not host:
            continue
        rng = random.Random(f"{SEED}-{key}")
        failing = set(rng.sample(range(len(week)), FAILED_HOME_PROBES.get(key, 0)))
        pages = _pages(site) or [""]
        for index, when in enumerate(times):
            failed = index in failing
            rows.append(Probe(
                site=site, path="", is_home=True, url=f"https://{host}/", started_at=when,
                elapsed_ms=None if failed else rng.randint(90, 900), status_code=None if failed else 200,
                opened=not failed, failure=ProbeFailure.TIMEOUT if failed else ProbeFailure.NONE,
            ))  # fmt: skip
            page = pages[rng.randrange(len(pages))]
            rows.append(Probe(
                site=site, path=page, is_home=False, url=f"https://{host}/{page}",
                started_at=when + dt.timedelta(seconds=20), elapsed_ms=rng.randint(60, 700), status_code=200,
                opened=True,
            ))  # fmt: skip
    Probe.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# -- visit statistics --------------------------------------------------------------------------


def _log_line(when: dt.datetime, host: str, address: str, path: str, agent: str, referer: str) -> str:
    stamp = timezone.localtime(when).isoformat(timespec="seconds")
    return "\t".join([stamp, host, address, "GET", path, "200", "8192", agent, referer]) + "\n"


def build_visits(sites: dict[str, Site], now: dt.datetime) -> int:
    """A rotated access log of the last 30 days, read by the statistics' own ingestion (OPS-4)."""
    if SiteVisitDay.objects.filter(site__in=list(sites.values())).exists():
        return 0
    live = Path(settings.MONITORING_ACCESS_LOG)
    live.parent.mkdir(parents=True, exist_ok=True)
    today = timezone.localdate(now)
    rotated = live.with_name(f"{live.name}-{today:%Y%m%d}.gz")
    lines = []
    for key, site in sites.items():
        host = site.primary_domain
        if not host:
            continue
        rng = random.Random(f"{SEED}-visits-{key}")
        pages = ["/"] + ["/" + page for page in _pages(site)]
        weights = [40] + [1] * (len(pages) - 1)  # the home page draws most visitors
        visitors = [(f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                     rng.choice(HUMAN_AGENTS)) for _ in range(VISITS_PER_DAY.get(key, 100))]  # fmt: skip
        for back in range(VISIT_DAYS, 0, -1):
            day = today - dt.timedelta(days=back)
            workday = day.weekday() < 5
            count = int(VISITS_PER_DAY.get(key, 100) * (1.0 if workday else 0.45) * rng.uniform(0.8, 1.2))
            for _ in range(count):
                when = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(7, 22), rng.randint(0, 59))))
                address, agent = rng.choice(visitors)
                lines.append((when, _log_line(when, host, address, rng.choices(pages, weights)[0], agent, "-")))
            for _ in range(count // 5):  # search engines' robots, counted apart
                when = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59))))
                lines.append(
                    (when, _log_line(when, host, "66.249.66.1", rng.choice(pages), rng.choice(BOT_AGENTS), "-"))
                )
    lines.sort(key=lambda pair: pair[0])
    with gzip.open(rotated, "wt", encoding="utf-8") as out:
        out.writelines(line for _when, line in lines)
    visits.ingest(live)
    return len(lines)


# -- the nightly external link check's answers (LINK-2) -----------------------------------------


def record_link_answers(sites: dict[str, Site], now: dt.datetime) -> int:
    """The answers of last night's external link check (monitoring.link_runs, 02:23), as a running
    platform would have them: every government address the demo pages link to answered. A demo
    machine may have no way out to the web; where it has, the next scheduled check replaces them."""
    addresses = set()
    for site in sites.values():
        addresses.update(linkcheck.scan(site).external)
    known = set(
        ExternalLinkStatus.objects.filter(url_hash__in=[url_hash(a) for a in addresses]).values_list("url", flat=True)
    )
    checked_at = timezone.localtime(now).replace(hour=2, minute=23, second=0, microsecond=0)
    if checked_at > now:
        checked_at -= dt.timedelta(days=1)
    rows = [
        ExternalLinkStatus(
            url=address,
            url_hash=url_hash(address),
            host=host_of(address),
            ok=True,
            status_code=200,
            checked_at=checked_at,
        )  # fmt: skip
        for address in sorted(addresses - known)
    ]
    ExternalLinkStatus.objects.bulk_create(rows)
    return len(rows)


# -- the quarter's spot check (OPS-2) -----------------------------------------------------------


def build_spot_check(sites: dict[str, Site], now: dt.datetime) -> int:
    """Today's daily check of every demo site, then this quarter's spot check drawn by the platform
    administrator and its results published on the city portal's 政府网站监管 column."""
    today = timezone.localdate(now)
    year, quarter = spot_checks.quarter_of(today)
    if SpotCheck.objects.filter(year=year, quarter=quarter).exists():
        return 0
    for site in sites.values():
        if checks.is_monitored(site):
            checks.run_checks(site, today=today)
    admin = User.objects.get(username=demo_data.PLATFORM_ADMIN["username"])
    drawn = spot_checks.draw_spot_check(today=today, acting_user=admin)
    spot_checks.publish_spot_check(drawn, summary="本季度随机抽查结果如下，问题已通知各网站主办单位限期整改。",
                                   acting_user=admin)  # fmt: skip
    return 1


# -- friendly links (LINK-4) ----------------------------------------------------------------


def build_friend_links(sites: dict[str, Site]) -> int:
    city = sites.get(demo_data.CITY)
    if city is None or FriendLink.objects.filter(site=city).exists():
        return 0
    editor = User.objects.get(username=f"{demo_data.CITY}_editor")
    admin = User.objects.get(username=f"{demo_data.CITY}_admin")
    for order, (name, url, approved) in enumerate(FRIEND_LINKS):
        link = friend_links.propose_friend_link(city, name=name, url=url, acting_user=editor, sort_order=order)
        if approved:
            friend_links.approve_friend_link(link, acting_user=admin)
    return len(FRIEND_LINKS)
