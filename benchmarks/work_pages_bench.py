"""Benchmark of issue 14: each role's work page (工作台) at 1,000 and 100,000 resources on PostgreSQL.

    nice -n 10 .venv/bin/python benchmarks/work_pages_bench.py
    (DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/govbench_work, created when missing)

Loads the resources with benchmarks/library_bench.py's loader (four sites, their columns, every
kind and status, placements, review submissions and check findings), first 1,000 then 100,000,
adds a site administrator of the first site, and asks for the work page as an editor, a reviewer,
a site administrator, a reviewer of all four sites and a platform administrator, through Django's
test client (a session verified with the second factor, as the back office requires). Prints the
median and 95th percentile of the server time of --runs requests, the queries per page, and the
machine's 1-minute load average when each figure was taken. Target: p95 <= 100 ms and <= 15
queries at both sizes.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govplatform.settings_test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/govbench_work")
warnings.filterwarnings("ignore", message="No directory at")

from benchmarks import library_bench  # noqa: E402  (after the environment above)

SIZES = (1_000, 100_000)
TARGET_MS, TARGET_QUERIES = 100, 15


def team():
    from accounts.models import User
    from sites.models import Membership, Role

    people = library_bench.people()
    first_site, users = people["sites"][0]
    admin, _ = User.objects.get_or_create(
        username=f"{library_bench.TAG}_0_site_admin", defaults={"is_staff": True, "real_name": "基准站点管理员"}
    )
    Membership.objects.get_or_create(user=admin, site=first_site, role=Role.SITE_ADMIN)
    return [
        ("editor", users[Role.EDITOR]),
        ("reviewer", users[Role.REVIEWER]),
        ("site administrator", admin),
        ("reviewer of 4 sites", people["all_reviewer"]),
        ("platform administrator", people["admin"]),
    ]


def measure(client, url: str, runs: int) -> tuple[float, float, int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm up: templates, query plans, caches
        assert client.get(url).status_code == 200
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    load = os.getloadavg()[0]
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return statistics.median(times), p95, len(captured), load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args()
    library_bench.setup()

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from resources.models import Resource
    from tests.helpers import log_in

    url = reverse("admin:index", urlconf="govplatform.urls_backoffice")
    version = connection.cursor().connection.info.server_version if connection.vendor == "postgresql" else ""
    print(f"database: {connection.vendor} {version} {connection.settings_dict['NAME']}; {args.runs} requests a page")
    header = f"{'resources':>9}  {'work page of':24} {'median ms':>9} {'p95 ms':>7} {'queries':>7}  {'load':>5}  target"
    print(header)
    print("-" * len(header))
    failures = []
    for size in args.sizes:
        library_bench.load(size)
        total = Resource.objects.count()
        for role, user in team():
            client = log_in(Client(HTTP_HOST="localhost"), user)
            median, p95, queries, load = measure(client, url, args.runs)
            met = p95 <= TARGET_MS and queries <= TARGET_QUERIES
            if not met:
                failures.append((size, role))
            print(
                f"{total:9,}  {role:24} {median:9.1f} {p95:7.1f} {queries:7}  {load:5.2f}  {'met' if met else 'MISSED'}"
            )
    print("all targets met" if not failures else f"targets missed: {failures}")


if __name__ == "__main__":
    main()
