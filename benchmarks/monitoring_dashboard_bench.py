"""The monitoring pages of the back office (OPS-1, OPS-7, issue 17): target p95 <= 100 ms each with
30 days of results for 100 sites.

    nice -n 10 .venv/bin/python benchmarks/monitoring_dashboard_bench.py
    (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/govbench_dashboard, created when missing)
    ... --sites 100 --days 30 --runs 50
    ... --reuse                         # measure the sites an earlier run stored
    ... --fresh                         # drop the benchmark's database first (a changed migration)

Stores --days days of check runs (default 30) for --sites monitored sites (default 100), one
result per registered line a day, with the mix the daily check gives (mostly passed, some lines at
a warning or past the veto line with 1 to 200 offenders, some that cannot be computed), then asks
for each monitoring page through Django's test client with a verified session: the dashboard of a
site (as its administrator and as a platform administrator), the platform's overview (every site),
the monthly report and the management ledger. Prints the median and the 95th percentile of --runs
requests, the queries per page and the 1-minute load average beside each figure. Sites of an
earlier run are replaced.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govplatform.settings_test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/govbench_dashboard")
warnings.filterwarnings("ignore", message="No directory at")

from benchmarks import library_bench  # noqa: E402  (after the environment above)

TARGET_MS = 100
PREFIX = "看板基准"


def lines() -> list[tuple[str, str, str, float | None, float | None]]:
    from monitoring import line_modules  # noqa: F401  (registers the lines)
    from monitoring.lines import all_lines

    found = [(line.key, str(line.label), str(line.unit), line.warning, line.veto) for line in all_lines()]
    return found or [("home_page", "首页长期未更新", "天", 10.0, 14.0)]


def drop_database() -> None:
    """Drop the database of DATABASE_URL when it is a benchmark's (govbench_*), never another."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    if not config["NAME"].startswith("govbench_"):
        raise SystemExit(f"--fresh drops only a benchmark database (govbench_*), not {config['NAME']}")
    with psycopg.connect(host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
                         password=config["PASSWORD"] or None, dbname="postgres", autocommit=True) as admin:  # fmt: skip
        admin.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')


def state_of(value, warning, veto) -> str:
    if value is None:
        return "unknown"
    if veto is not None and value >= veto:
        return "veto"
    if warning is not None and value >= warning:
        return "warning"
    return "ok"


def value_for(rng, warning, veto):
    """Mostly below the warning level; some at a warning, some past the veto line, a few unknown."""
    roll = rng.random()
    top = veto or warning or 10.0
    if roll < 0.04:
        return None
    if roll < 0.10 and veto is not None:
        return float(veto + rng.randint(0, 5))
    if roll < 0.20 and warning is not None:
        return float(warning + (rng.random() * ((veto or warning + 1) - warning)) * 0.9)
    return float(rng.randint(0, max(int((warning or top) - 1), 0)))


def build(sites: int, days: int, today: dt.date):
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from monitoring.lines import SEVERITY
    from monitoring.models import CheckRun, LineResult
    from sites.models import Domain, Membership, Role, Site, SiteStatus

    rng = random.Random(17)
    measured = lines()
    Site.objects.filter(name__startswith=PREFIX).delete()
    admin, _ = User.objects.get_or_create(username="dashboard_bench_admin", defaults={"is_staff": True,
                                                                                       "real_name": "看板站点管理员"})
    platform, _ = User.objects.get_or_create(username="dashboard_bench_platform", defaults={
        "is_staff": True, "is_platform_admin": True, "real_name": "看板平台管理员"})  # fmt: skip
    built = []
    now = timezone.now()
    for number in range(sites):
        with transaction.atomic():
            site = Site.objects.create(
                kind="portal", name=f"{PREFIX}{number:03d}市人民政府", unit_name=f"{PREFIX}{number:03d}市人民政府",
                organiser=f"{PREFIX}{number:03d}市人民政府办公室", contact_phone="0312-3000000",
                contact_email="webmaster@example.gov.cn", contact_address="河北省", status=SiteStatus.ONLINE,
            )  # fmt: skip
            Domain.objects.create(site=site, name=f"www.kb{number:03d}.gov.cn", is_primary=True)
            runs, results = [], []
            for back in range(days):
                day = today - dt.timedelta(days=back)
                runs.append(CheckRun(site=site, day=day, started_at=now, finished_at=now, state="ok"))
            CheckRun.objects.bulk_create(runs)
            for run in runs:
                worst = "ok"
                for key, label, unit, warning, veto in measured:
                    value = value_for(rng, warning, veto)
                    state = state_of(value, warning, veto)
                    count = rng.randint(1, 200) if state in ("warning", "veto") else 0
                    offenders = [
                        {"label": f"栏目{n}", "url": f"/lm{n}/", "detail": f"最近更新已 {n} 天",
                         "responsible": "张三 0399-1234567", "object_kind": "column", "object_id": n}
                        for n in range(count)
                    ]  # fmt: skip
                    results.append(LineResult(
                        run=run, line_key=key, label=label, unit=unit, value=value, warning=warning, veto=veto,
                        state=state, offenders=offenders, offender_count=count,
                    ))  # fmt: skip
                    worst = max(worst, state, key=lambda s: SEVERITY[s])
                run.state = worst
            CheckRun.objects.bulk_update(runs, ["state"])
            LineResult.objects.bulk_create(results, batch_size=500)
        built.append(site)
    Membership.objects.get_or_create(user=admin, site=built[0], role=Role.SITE_ADMIN)
    return built, admin, platform, len(measured)


def reused(count: int):
    """The sites, users and line count of an earlier run, when it stored at least `count` sites."""
    from accounts.models import User
    from sites.models import Site

    sites = list(Site.objects.filter(name__startswith=PREFIX).order_by("pk")[:count])
    users = {user.username: user for user in User.objects.filter(username__startswith="dashboard_bench_")}
    if len(sites) < count or len(users) < 2:
        return None
    return sites, users["dashboard_bench_admin"], users["dashboard_bench_platform"], len(lines())


def measure(client, url: str, runs: int) -> tuple[float, float, float, int, float]:
    """Median and p95 wall time, median CPU time of this process (the page's own work, whatever
    else the machine runs; the database's time is not in it), queries, load average."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm up: templates, query plans
        assert client.get(url).status_code == 200, url
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    load = os.getloadavg()[0]
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return statistics.median(times), p95, statistics.median(cpu), len(captured), load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="keep the sites of an earlier run when there are enough")
    parser.add_argument("--fresh", action="store_true", help="drop the benchmark's own database first")
    args = parser.parse_args()
    if args.fresh:
        drop_database()
    library_bench.setup()

    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from monitoring.models import LineResult
    from tests.helpers import log_in

    started = time.perf_counter()
    if args.reuse and reused(args.sites) is not None:
        sites, admin, platform, line_count = reused(args.sites)
    else:
        sites, admin, platform, line_count = build(args.sites, args.days, timezone.localdate())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE monitoring_checkrun, monitoring_lineresult")
    total = LineResult.objects.filter(run__site__in=sites).count()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; {len(sites)} sites x {args.days} days x "
          f"{line_count} lines = {total:,} results, stored in {time.perf_counter() - started:.1f} s; "
          f"{args.runs} requests a page")  # fmt: skip

    def url(name, *arguments):
        return reverse(f"admin:{name}", args=arguments, urlconf="govplatform.urls_backoffice")

    site = sites[0].pk
    pages = [
        ("dashboard (site administrator)", admin, url("monitoring_site", site)),
        ("dashboard (platform administrator)", platform, url("monitoring_site", site)),
        (f"overview of {len(sites)} sites", platform, url("monitoring_overview")),
        ("monthly report", admin, url("monitoring_monthly", site)),
        ("management ledger", admin, url("monitoring_ledger", site)),
        # Not a target: what any back-office page costs on this machine now (navigation, session).
        ("work page, for comparison", admin, url("index")),
    ]
    header = f"{'page':36} {'median ms':>9} {'p95 ms':>7} {'cpu ms':>7} {'queries':>7}  {'load':>5}  target"
    print(header)
    print("-" * len(header))
    missed = []
    for label, user, address in pages:
        client = log_in(Client(HTTP_HOST="localhost"), user)
        median, p95, cpu, queries, load = measure(client, address, args.runs)
        met = p95 <= TARGET_MS
        if not met and not label.startswith("work page"):
            missed.append(label)
        print(f"{label:36} {median:9.1f} {p95:7.1f} {cpu:7.1f} {queries:7}  {load:5.2f}  {'met' if met else 'MISSED'}")
    print("all targets met" if not missed else f"targets missed: {missed}")


if __name__ == "__main__":
    main()
