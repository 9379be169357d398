"""The daily check of many sites (OPS-1, issue 17): target 100 sites x 1,000 pages in <= 60 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govbench_monitoring .venv/bin/python benchmarks/monitoring_check_bench.py
    ... --sites 10 --pages 1000            # smaller
    ... --no-publish                       # leave the files unpublished (page and link lines find nothing)

Builds --sites sites (default 100), each with 12 columns (channels, 通知公告, 政策文件 and the other
kinds of COL-3) and --pages published articles (default 1,000) dated over the last two years from
the reference workload (shared/bench), publishes each site in full (so that the lines reading the
published files have pages to read), then runs the daily check of every monitored site
(monitoring.checks.run_all) once, timed from start to end, and prints the total, the seconds per
site and the time each line took over all sites, with the load average and a CPU probe beside
them. The database is created when missing (PostgreSQL); sites from an earlier run are replaced.
"""

import argparse
import datetime as dt
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/govbench_monitoring")
from benchmarks import publish_bench  # noqa: E402  (sets the environment and sys.path for Django)

CHINA = dt.timezone(dt.timedelta(hours=8))
COLUMNS = [  # slug, name, column type, channel
    ("yw", "要闻动态", "工作动态", True),
    ("bmdt", "部门动态", "工作动态", True),
    ("tzgg", "通知公告", "通知公告", True),
    ("zcwj", "政策文件", "政策文件", True),
    ("zcjd", "政策解读", "政策解读", True),
    ("jgzn", "机构职能", "机构职能", False),
    ("ldxx", "领导信息", "负责人信息", False),
    ("hdjl", "互动交流", "互动交流", False),
    ("sjfb", "数据发布", "数据发布", False),
    ("ztzl", "专题专栏", "专题专栏", False),
    ("rsxx", "人事信息", "人事信息", False),
    ("bsfw", "办事服务", "办事服务", False),
]


def build(sites: int, pages: int, publish: bool) -> list:
    from django.core.management import call_command
    from django.db import transaction

    from benchmarks import workload
    from columns.models import Column

    articles = workload.generate(pages)["articles"][:pages]
    today = dt.date.today()
    # Dates over the last two years, newest first, so that lines see fresh and stale columns.
    for n, art in enumerate(articles):
        art["date"] = (dt.datetime.combine(today, dt.time(9), CHINA) - dt.timedelta(hours=17 * n)).isoformat()
    user = workload.bench_user()
    built = []
    for s in range(sites):
        domain = f"www.mon{s:03d}.gov.cn"
        with transaction.atomic():
            site = workload.make_site(f"监测基准{s:03d}市人民政府", domain, f"13{s:08d}")
            cols = [
                Column.objects.create(
                    site=site, slug=slug, name=name, column_type=kind, is_channel=channel, sort_order=i,
                    description=f"{name}栏目", responsible_person="张三", responsible_phone="0399-1234567",
                    update_interval_days=30 if kind == "工作动态" else None,
                )  # fmt: skip
                for i, (slug, name, kind, channel) in enumerate(COLUMNS)
            ]
            workload.insert_articles(site, [(cols[n % len(cols)], art) for n, art in enumerate(articles)], user)
        if publish:
            call_command("publish", "--site", domain, "--full", verbosity=0)
        built.append(site)
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--no-publish", action="store_true")
    args = parser.parse_args()
    publish_bench.setup()

    from monitoring import checks
    from monitoring.models import CheckRun
    from sites.models import Site

    started = time.perf_counter()
    sites = build(args.sites, args.pages, not args.no_publish)
    print(f"built {len(sites)} sites x {args.pages} pages in {time.perf_counter() - started:.1f} s "
          f"{publish_bench.machine()}")  # fmt: skip
    Site.objects.exclude(pk__in=[s.pk for s in sites]).filter(status__in=checks.MONITORED_STATUSES).update(
        status="closed"
    )  # only the benchmark's sites are checked (a benchmark database holds nothing else worth keeping)
    publish_bench.vacuum()

    per_line: dict[str, float] = defaultdict(float)
    measure = checks.measure_line

    def timed(line, site, context):
        begun = time.perf_counter()
        try:
            return measure(line, site, context)
        finally:
            per_line[line.key] += time.perf_counter() - begun

    checks.measure_line = timed
    before = publish_bench.machine()
    begun = time.perf_counter()
    count = checks.run_all()
    total = time.perf_counter() - begun
    after = publish_bench.machine()
    checks.measure_line = measure
    states = dict.fromkeys(["ok", "warning", "veto", "unknown"], 0)
    for state in CheckRun.objects.filter(site__in=sites, day=dt.date.today()).values_list("state", flat=True):
        states[state] += 1
    print(f"daily check: {count} sites in {total:.2f} s ({total / max(count, 1) * 1000:.0f} ms a site), "
          f"target <= 60 s for 100 x 1,000 {before} {after}")  # fmt: skip
    print("  sites by state: " + ", ".join(f"{k} {v}" for k, v in states.items()))
    for key, seconds in sorted(per_line.items(), key=lambda kv: -kv[1]):
        print(f"  {key:28s} {seconds:7.2f} s")


if __name__ == "__main__":
    main()
