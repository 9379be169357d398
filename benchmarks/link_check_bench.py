"""Internal links of the 10,000-article reference workload checked against the manifest (LINK-2).

    .venv/bin/python benchmarks/link_check_bench.py [--articles 10000] [--runs 5] [--reload]

Loads the workload of shared/bench/gen_workload.py (benchmarks/workload.py) into its own database
(DATABASE_URL, else var/bench/linkcheck.sqlite3) and publishes it under var/bench/linkcheck/
(PUBLISH_ROOT overrides) once; later runs reuse both unless --reload. Then it times the link check
of monitoring/linkcheck.py the way the daily check runs it: read every published page, find its
links, compare with the manifest, attribute and store the findings. One page is then given a
broken link to show that it is found. Prints the median, fastest and slowest of --runs runs with
the load average and this process's CPU time beside them (the machine is shared: the CPU time
says more than the clock when other work runs; the goal is <= 10 s).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govplatform.settings")
os.environ.setdefault("PUBLISH_ROOT", str(REPO / "var" / "bench" / "linkcheck"))
os.environ.setdefault("MEDIA_ROOT", str(REPO / "var" / "bench" / "media"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{REPO / 'var' / 'bench' / 'linkcheck.sqlite3'}")
GOAL_SECONDS = 10.0


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def prepare(articles: int, reload: bool):
    from benchmarks.workload import load_reference
    from publishing.models import PublishedFile
    from publishing.publisher import publish_site
    from sites.models import Domain

    existing = Domain.objects.filter(name="www.example.gov.cn").select_related("site").first()
    if existing and not reload and PublishedFile.objects.filter(site=existing.site).count() > articles:
        return existing.site
    started = time.perf_counter()
    site = load_reference(articles)
    print(f"loaded {articles} articles in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    report = publish_site(site.pk, processes=os.cpu_count() or 1, strict=False)
    print(f"published in {time.perf_counter() - started:.0f} s: {report}".splitlines()[0])
    return site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reload", action="store_true", help="load and publish the workload again")
    args = parser.parse_args()
    (REPO / "var" / "bench").mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from monitoring import linkcheck
    from monitoring.models.links import LinkFinding
    from publishing import dependencies

    site = prepare(args.articles, args.reload)
    print(f"database: {connection.vendor}; {load()}")
    times, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        links = linkcheck.check_internal(site)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        print(f"  {times[-1]:.2f} s ({cpu[-1]:.2f} s CPU of this process): {links.pages} pages, {len(links.internal_missing)} missing targets, "
              f"{len(links.external)} external addresses; {load()}")  # fmt: skip
    median = statistics.median(times)
    verdict = "within" if median <= GOAL_SECONDS else "OVER"
    print(f"internal links of {links.pages} pages: median {median:.2f} s, fastest {min(times):.2f} s, "
          f"slowest {max(times):.2f} s, CPU median {statistics.median(cpu):.2f} s ({verdict} the {GOAL_SECONDS:.0f} s goal); "
          f"{load()}")  # fmt: skip

    # A broken link planted in one article page is found and attributed (then the page is restored).
    page = next(p for p in sorted(dependencies.manifest(site.pk)) if p.count("/") == 2 and p[-6].isdigit())
    file = Path(os.environ["PUBLISH_ROOT"]) / site.primary_domain / page
    original = file.read_bytes()
    try:
        file.write_bytes(original.replace(b"</main>", b'<a href="/nowhere/1.html">x</a></main>', 1))
        linkcheck.check_internal(site)
        found = list(LinkFinding.objects.filter(site=site).values_list("page_path", "url", "responsible__username"))
        print(f"planted broken link found: {found}")
    finally:
        file.write_bytes(original)
        linkcheck.check_internal(site)


if __name__ == "__main__":
    main()
