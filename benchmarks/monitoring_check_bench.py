"""The daily check of many sites (OPS-1, issue 17): target 100 sites x 1,000 pages in <= 60 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govbench_monitoring .venv/bin/python benchmarks/monitoring_check_bench.py --reuse
    ... --sites 10 --pages 1000            # smaller
    ... --build-only                       # build and publish the missing sites, check nothing

Builds --sites sites (default 100), each with 12 columns (channels, 通知公告, 政策文件 and the other
kinds of COL-3) and --pages published articles (default 1,000; about 1,100 published files a
site) dated over the last two years from the reference workload (shared/bench), and publishes each
in full; with --reuse the sites an earlier run built and published are kept (building 100 sites
takes about half an hour on a busy machine). Then the daily check of every monitored site
(monitoring.checks.run_all, in as many processes as MONITORING_CHECK_PROCESSES or the CPUs), three
times, each timed from start to end:

1. cold: the first check ever, nothing remembered of the pages (the page scans and link scans
   dropped): every published page is read (from the OS's file cache when an earlier run left it
   there; the benchmark does not drop that cache, which other programs share);
2. warm: the next day, nothing changed: pages are only stat'ed;
3. warm after --changed (default 1%) of each site's articles were edited and published by
   publish_changes (untimed): the pages those publishes wrote are read again.

Each with the load average and a CPU probe (milliseconds of a fixed piece of Python; about 25 ms
on this machine when idle) before and after, the sites by state, and the seconds of the slowest
lines summed over the processes. Whether a figure meets the target is printed beside it; on a
loaded machine (probe well above 25 ms) rerun it idle before judging.
"""

import argparse
import datetime as dt
import os
import sys
import time
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


def build(sites: int, pages: int, publish: bool, indices=None) -> list:
    """Sites number `indices` (default 0 .. sites - 1), built and published afresh."""
    import shutil

    from django.conf import settings
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
    for s in range(sites) if indices is None else indices:
        domain = f"www.mon{s:03d}.gov.cn"
        # Files of an earlier run's site (another id, the same domain) would be files nobody published.
        shutil.rmtree(Path(settings.PUBLISH_ROOT) / domain, ignore_errors=True)
        with transaction.atomic():
            site = workload.make_site(f"监测基准{s:03d}市人民政府", domain, f"13{s:08d}")
            cols = [
                Column.objects.create(
                    site=site,
                    slug=slug,
                    name=name,
                    column_type=kind,
                    is_channel=channel,
                    sort_order=i,
                    description=f"{name}栏目",
                    responsible_person="张三",
                    responsible_phone="0399-1234567",
                    update_interval_days=30 if kind == "工作动态" else None,
                )  # fmt: skip
                for i, (slug, name, kind, channel) in enumerate(COLUMNS)
            ]
            workload.insert_articles(site, [(cols[n % len(cols)], art) for n, art in enumerate(articles)], user)
        if publish:
            call_command("publish", "--site", domain, "--full", verbosity=0)
        built.append(site)
    return built


def add_missing_tables() -> None:
    """Tables of monitoring models added to 0001_initial after this database was migrated (the
    app's one migration is regenerated while the issue is built): created as they are now."""
    from django.apps import apps
    from django.db import connection

    present = set(connection.introspection.table_names())
    with connection.schema_editor() as editor:
        for model in apps.get_app_config("monitoring").get_models():
            if model._meta.db_table not in present:
                editor.create_model(model)


def existing_sites(count: int) -> dict[int, object]:
    """The sites an earlier run built (www.mon000.gov.cn …) that are still published, by number."""
    from publishing.models import PublishedFile
    from sites.models import Domain

    found = {}
    for name, site in (
        (d.name, d.site) for d in Domain.objects.filter(name__startswith="www.mon").select_related("site")
    ):
        number = name.removeprefix("www.mon").removesuffix(".gov.cn")
        if number.isdigit() and int(number) < count and PublishedFile.objects.filter(site=site).exists():
            found[int(number)] = site
    return found


def prune(sites) -> int:
    """Remove from the kept sites' folders the files their manifest does not list (left by runs
    before the folders were emptied at build time): files nobody published are tampering."""
    from django.conf import settings

    from publishing.models import PublishedFile

    removed = 0
    for site in sites:
        root = Path(settings.PUBLISH_ROOT) / site.primary_domain
        known = set(PublishedFile.objects.filter(site=site).values_list("path", flat=True))
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = Path(folder) / name
                if path.relative_to(root).as_posix() not in known:
                    path.unlink()
                    removed += 1
    return removed


def change_pages(sites, share: float) -> int:
    """A day's edits: the titles of `share` of each site's articles changed and published as the
    approval's task does (publish_changes), outside the timed check. Returns the articles changed."""
    from benchmarks import workload
    from publishing.publisher import publish_changes
    from resources.models import Resource, Revision

    user = workload.bench_user()
    changed = 0
    for site in sites:
        resources = list(Resource.objects.filter(site=site).select_related("published_revision").order_by("?"))
        picked = resources[: max(1, round(len(resources) * share))]
        for resource in picked:
            old = resource.published_revision
            number = Revision.objects.filter(resource=resource).count() + 1
            revision = Revision.objects.create(resource=resource, number=number, title=old.title[:150] + "（修订）",
                                               metadata=old.metadata, data=old.data, created_by=user)  # fmt: skip
            Resource.objects.filter(pk=resource.pk).update(published_revision=revision, current_revision=revision,
                                                           title=revision.title)  # fmt: skip
        publish_changes([r.pk for r in picked])
        changed += len(picked)
    return changed


def timed_run(label: str, sites) -> None:
    """One daily check of every monitored site, timed from start to end, with its lines' times."""
    from monitoring import checks
    from monitoring.models import CheckRun

    checks.line_seconds.clear()
    before = publish_bench.machine()
    begun = time.perf_counter()
    count = checks.run_all()
    total = time.perf_counter() - begun
    after = publish_bench.machine()
    states = dict.fromkeys(["ok", "warning", "veto", "unknown"], 0)
    for state in CheckRun.objects.filter(site__in=sites, day=dt.date.today()).values_list("state", flat=True):
        states[state] += 1
    verdict = "meets" if total <= 60 and count >= 100 else "does not meet"
    print(f"{label}: {count} sites in {total:.2f} s ({total / max(count, 1) * 1000:.0f} ms a site; "
          f"{verdict} the target of <= 60 s for 100 x 1,000) before {before} after {after}")  # fmt: skip
    print("  sites by state: " + ", ".join(f"{k} {v}" for k, v in states.items()))
    print("  seconds per line, summed over the processes:")
    for key, seconds in sorted(checks.line_seconds.items(), key=lambda kv: -kv[1])[:8]:
        print(f"    {key:28s} {seconds:7.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--no-publish", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep the sites an earlier run built; build the missing")
    parser.add_argument("--build-only", action="store_true", help="build and publish, check nothing")
    parser.add_argument("--changed", type=float, default=0.01, help="share of pages changed before the last run")
    args = parser.parse_args()
    publish_bench.setup()

    from monitoring import checks
    from sites.models import Site

    started = time.perf_counter()
    kept = existing_sites(args.sites) if args.reuse and not args.no_publish else {}
    missing = [n for n in range(args.sites) if n not in kept]
    built = build(args.sites, args.pages, not args.no_publish, missing) if missing else []
    pruned = prune(kept.values())
    sites = sorted([*kept.values(), *built], key=lambda site: site.pk)
    print(f"{len(kept)} sites kept ({pruned} files nobody published removed), {len(built)} built x {args.pages} pages in {time.perf_counter() - started:.1f} s "
          f"{publish_bench.machine()}")  # fmt: skip
    Site.objects.exclude(pk__in=[s.pk for s in sites]).filter(status__in=checks.MONITORED_STATUSES).update(
        status="closed"
    )  # only the benchmark's sites are checked (a benchmark database holds nothing else worth keeping)
    Site.objects.filter(pk__in=[s.pk for s in sites]).update(status="online")
    if args.build_only:
        return
    from monitoring.models import CheckRun, LinkScan, PageScan

    # Cold: the first check ever, nothing remembered of the pages (their scans and links dropped).
    PageScan.objects.filter(site__in=sites).delete()
    LinkScan.objects.filter(site__in=sites).delete()
    CheckRun.objects.filter(site__in=sites).delete()
    publish_bench.vacuum()
    timed_run("cold (first check, every page read)", sites)
    timed_run("warm (the next day, nothing changed)", sites)
    begun = time.perf_counter()
    changed = change_pages(sites, args.changed)
    print(f"{changed} articles edited and published ({args.changed:.0%} of each site) in "
          f"{time.perf_counter() - begun:.1f} s, not timed")  # fmt: skip
    timed_run(f"warm (the next day, {args.changed:.0%} of the articles changed)", sites)


if __name__ == "__main__":
    main()
