"""Access log ingestion speed (OPS-4): lines per second read into the visit statistics.

    .venv/bin/python benchmarks/log_ingest_bench.py [--lines 1000000] [--sites 40] [--runs 3] [--regenerate]

Writes a realistic nginx log in the platform's format (deploy/nginx.conf.template, govplatform_visits)
once under var/bench/visits-logs/ (reused unless --regenerate): a day of traffic on --sites sites
(portals draw more than department sites), home pages, column pages and articles viewed on a
long-tailed curve, style sheets, scripts, images and attachments beside them, 304 and 404 answers,
about a fifth of the lines from robots, 30,000 visitors with their own browsers, query strings.
The day is split as logrotate leaves it: access.log.2.gz (compressed), access.log.1, access.log.

Each run empties the statistics and reads all three files through monitoring.visits.ingest (the
beat task's body: parse, count, store), into its own database (DATABASE_URL, else
var/bench/visits.sqlite3). It then runs ingest again to show that a re-run reads nothing. Prints
lines/s of each run and the median, with the load average beside them (the machine is shared;
the goal is >= 50,000 lines/s), and the parser's own speed without the database.
"""

import argparse
import datetime
import gzip
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govplatform.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{REPO / 'var' / 'bench' / 'visits.sqlite3'}")
GOAL = 50_000
FOLDER = REPO / "var" / "bench" / "visits-logs"

BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.0.0 Safari/537.36 Edg/{v}.0.0.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{v} Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.{v}",
    "Mozilla/5.0 (Linux; Android 14; V2{v}A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0 Safari/537.36 QIHU 360SE",
]
ROBOTS = [
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
    "Mozilla/5.0 (compatible; YisouSpider/5.0)",
    "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider)",
    "Mozilla/5.0 (compatible; 360Spider)",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "GovPlatformProbe/1.0 (availability monitor)",
    "-",
]
COLUMNS = ["xwzx/gzdt", "xwzx/tzgg", "zwgk/zcwj", "zwgk/zcjd", "zwgk/rsxx", "bsfw/bszn", "hdjl/zxft", "ztzl/2026"]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def hosts(count: int) -> list[str]:
    return [
        f"www.bench{n}.gov.cn" if n < count // 4 else f"dept{n}.bench{n % (count // 4 or 1)}.gov.cn"
        for n in range(count)
    ]


def generate(lines: int, site_count: int, seed: int = 17) -> list[Path]:
    rng = random.Random(seed)
    names = hosts(site_count)
    host_weights = [8 if name.startswith("www.") else 1 for name in names]
    visitors = []
    for n in range(30_000):
        address = f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        if n % 20 == 0:
            address = f"240e:{rng.randint(0, 0xFFFF):x}:{rng.randint(0, 0xFFFF):x}::{rng.randint(1, 0xFFFF):x}"
        visitors.append((address, rng.choice(BROWSERS).format(v=rng.randint(100, 130))))
    robots = [
        (f"{rng.randint(1, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}", agent)
        for agent in ROBOTS
    ]
    start = datetime.datetime(2026, 11, 20, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    step = 86400 / lines
    FOLDER.mkdir(parents=True, exist_ok=True)
    out = []
    for n in range(lines):
        when = (start + datetime.timedelta(seconds=int(n * step))).isoformat()
        host = rng.choices(names, host_weights)[0]
        address, agent = (
            rng.choice(robots) if rng.random() < 0.2 else visitors[int(rng.paretovariate(1.2)) % len(visitors)]
        )
        kind = rng.random()
        column = COLUMNS[int(rng.paretovariate(1.5)) % len(COLUMNS)]
        status, size = "200", rng.randint(8_000, 60_000)
        if kind < 0.12:
            uri = "/" if rng.random() < 0.8 else "/index.html"
        elif kind < 0.22:
            uri = f"/{column}/"
        elif kind < 0.55:
            uri = f"/{column}/{int(rng.paretovariate(1.1)) % 5000 + 1}.html"
            if rng.random() < 0.05:
                uri += f"?from=search&q={rng.randint(1, 999)}"
        elif kind < 0.85:
            uri = rng.choice(["/-/site.css", "/-/site.js", "/-/logo.png", "/-/theme.css", "/favicon.ico"])
            status, size = ("304", 0) if rng.random() < 0.5 else ("200", rng.randint(1_000, 90_000))
        elif kind < 0.97:
            uri = f"/{column}/files/{rng.randint(1, 9000)}-w640-{rng.randint(1, 99)}.jpg"
        else:
            uri, status, size = f"/{column}/{rng.randint(90000, 99999)}.html", "404", 1520
        out.append(f"{when}\t{host}\t{address}\tGET\t{uri}\t{status}\t{size}\t{agent}\t-\n")
    third = lines * 3 // 10
    parts = [
        ("access.log.2.gz", out[:third]),
        ("access.log.1", out[third : 2 * third]),
        ("access.log", out[2 * third :]),
    ]
    paths = []
    for index, (name, chunk) in enumerate(parts):
        path = FOLDER / name
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "wt", encoding="utf-8") as f:
            f.writelines(chunk)
        stamp = time.time() - (len(parts) - index) * 3600
        os.utime(path, (stamp, stamp))
        paths.append(path)
    return paths


def prepare_sites(site_count: int) -> None:
    from columns.models import Column
    from sites.models import Domain, Site, SiteKind, SiteStatus

    for name in hosts(site_count):
        if Domain.objects.filter(name=name).exists():
            continue
        site = Site.objects.create(
            kind=SiteKind.PORTAL if name.startswith("www.") else SiteKind.DEPARTMENT, name=name, unit_name=name,
            organiser=name, contact_phone="0312-3000000", contact_email="webmaster@example.gov.cn",
            contact_address="河北省", status=SiteStatus.ONLINE,
        )  # fmt: skip
        Domain.objects.create(site=site, name=name, is_primary=True)
        parents = {}
        for path in COLUMNS:
            top, sub = path.split("/")
            if top not in parents:
                parents[top] = Column.objects.create(site=site, name=top, slug=top)
            Column.objects.create(site=site, parent=parents[top], name=sub, slug=sub)


def count_lines(paths) -> int:
    total = 0
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as f:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda f=f: f.read(1 << 20), b""))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--sites", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    (REPO / "var" / "bench").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from monitoring.models import AccessLogFile, PageVisitDay, SiteVisitDay
    from monitoring.visits import Lookups, ingest
    from monitoring.visits_parse import Batch

    call_command("migrate", verbosity=0)
    prepare_sites(args.sites)
    paths = [FOLDER / name for name in ("access.log.2.gz", "access.log.1", "access.log")]
    if args.regenerate or not all(p.exists() for p in paths) or count_lines(paths) != args.lines:
        started = time.perf_counter()
        paths = generate(args.lines, args.sites)
        print(f"generated {args.lines} lines in {time.perf_counter() - started:.0f} s under {FOLDER}")
    size = sum(p.stat().st_size for p in paths)
    print(f"database: {connection.vendor}; log: {args.lines} lines, {size / 1e6:.0f} MB on disk; {load()}")

    lookups = Lookups()
    started = time.perf_counter()
    batch = Batch(lookups.hosts, lookups.zone)
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as f:
            batch.feed(f.read().decode("utf-8", "replace"))
    parse = time.perf_counter() - started
    print(f"  parser alone: {batch.lines / parse:,.0f} lines/s ({batch.counted} page views counted); {load()}")

    settings.MONITORING_ACCESS_LOG = FOLDER / "access.log"
    rates = []
    for _ in range(args.runs):
        AccessLogFile.objects.all().delete()
        PageVisitDay.objects.all().delete()
        SiteVisitDay.objects.all().delete()
        started = time.perf_counter()
        report = ingest()
        elapsed = time.perf_counter() - started
        rates.append(report.lines / elapsed)
        print(f"  ingest: {report.lines} lines in {elapsed:.2f} s = {rates[-1]:,.0f} lines/s "
              f"({report.counted} page views, {PageVisitDay.objects.count()} page-day rows); {load()}")  # fmt: skip
        started = time.perf_counter()
        again = ingest()
        print(f"  re-run: {again.lines} new lines in {time.perf_counter() - started:.3f} s")
    median = statistics.median(rates)
    verdict = "meets" if median >= GOAL else "BELOW"
    print(f"log ingestion: median {median:,.0f} lines/s, slowest {min(rates):,.0f}, fastest {max(rates):,.0f} "
          f"({verdict} the {GOAL:,} lines/s goal); {load()}")  # fmt: skip


if __name__ == "__main__":
    main()
