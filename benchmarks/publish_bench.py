"""Publishing benchmark against the peers of shared/bench/README.md (PUB-8, TPL-8).

    createdb -h 127.0.0.1 -U postgres govbench   # once (done here when missing)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govbench .venv/bin/python benchmarks/publish_bench.py

Prints: full rebuild pages/s with 2 processes (cold: empty folder and manifest; warm: nothing
changed), queries per rendered page, the home page size with its CSS and script, and one
incremental publish (one newly approved article) in a column of 10 and of 10,000 articles:
files written, queries, and the median, fastest and slowest of --incremental-runs publishes
(alternating between the two columns, after one publish to warm up), with the CPU time of this
process and of its PostgreSQL backend (read from /proc when the server runs on this machine):
on a machine shared with other work the CPU times say more than the clock.
`--only-incremental` skips the full rebuilds. Files go to var/bench/ unless PUBLISH_ROOT is set.

The tables a run fills or empties in bulk are vacuumed and analysed after it (autovacuum would
do it on a normally configured server; it may be off on a benchmark machine).
"""

import argparse
import datetime as dt
import gzip
import itertools
import os
import shutil
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govplatform.settings")
os.environ.setdefault("PUBLISH_ROOT", str(REPO / "var" / "bench" / "publish"))
os.environ.setdefault("MEDIA_ROOT", str(REPO / "var" / "bench" / "media"))

PEERS = {"Wagtail 8.0.1 + PostgreSQL": 82.1, "Hugo 0.168": 1396.0}


def ensure_database() -> None:
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("note: DATABASE_URL is not PostgreSQL; the peers were measured on PostgreSQL")
        return
    import psycopg

    config = dj_database_url.parse(url)
    admin = psycopg.connect(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"] or None,
        dbname="postgres", autocommit=True,
    )  # fmt: skip
    with admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def setup() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


BULK_TABLES = ["resources_resource", "resources_revision", "editorial_placement", "publishing_publishedfile",
               "publishing_pagedependency"]  # fmt: skip


def vacuum() -> None:
    """VACUUM ANALYZE the tables a run fills or empties in bulk (PostgreSQL; outside a transaction)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(BULK_TABLES)}")


def backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when it runs on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cold_rebuild(site_id: int, processes: int):
    from django.conf import settings

    from publishing.models import PageDependency, PublishedFile
    from publishing.publisher import publish_site

    shutil.rmtree(Path(settings.PUBLISH_ROOT) / "www.example.gov.cn", ignore_errors=True)
    PublishedFile.objects.filter(site_id=site_id).delete()
    PageDependency.objects.filter(site_id=site_id).delete()
    os.sync()  # the previous run's deleted files are trimmed before the clock starts
    return publish_site(site_id, processes=processes)


def queries_per_page(site_id: int) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from publishing.publisher import render_page
    from publishing.site_publisher import SitePublisher
    from resources.models import Resource

    article = Resource.objects.filter(site_id=site_id).order_by("id").first()
    col = article.column
    out = {}
    for name, path in [
        ("home", "index.html"),
        ("channel", f"{col.parent.path}index.html"),
        ("column", f"{col.path}index.html"),
        ("numbered page", f"{col.path}page-1.html"),
        ("article", f"{col.path}{article.pk}.html"),
        ("rss", f"{col.path}rss.xml"),
    ]:
        with CaptureQueriesContext(connection) as queries:
            render_page(site_id, path)
        out[name] = len(queries)
    # in a full rebuild: every page rendered, no file written (warm), queries counted
    publisher = SitePublisher(site_id)
    from publishing import dependencies

    known = dependencies.manifest(site_id)
    keys = publisher.renderer.all_keys()
    with CaptureQueriesContext(connection) as queries:
        publisher.render_keys(keys, known)
    out["full rebuild, per page"] = round(len(queries) / len(keys), 4)
    return out


@dataclass
class Approval:
    report: object
    seconds: float
    cpu: float  # this process
    backend_cpu: float | None  # its PostgreSQL backend
    queries: int


def approve_one(site, col, article: dict) -> Approval:
    """What the final approval leaves behind: published resource + ACTIVE placement, then the publish."""
    from django.db import connection

    from benchmarks.workload import bench_user, insert_articles
    from publishing.publisher import publish_changes

    fresh = dict(article, date=dt.datetime.now(dt.UTC).isoformat())
    [resource_id] = insert_articles(site, [(col, fresh)], bench_user())
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    backend = backend_cpu()
    cpu, started = time.process_time(), time.perf_counter()
    with connection.execute_wrapper(count):
        [report] = publish_changes(resource_ids=[resource_id])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = backend_cpu()
    used = None if backend is None or after is None else after - backend
    return Approval(report, seconds, cpu, used, len(queries))


def incremental(runs: int) -> None:
    from benchmarks.workload import load_columns
    from publishing.publisher import publish_site

    print(f"\n== incremental publish: one approved article, {runs} runs each (medians) ==")
    sizes = [10, 10000]
    started = time.perf_counter()
    small_site, columns, spare = load_columns(sizes)
    spare = itertools.cycle(spare)  # the same texts again are new articles all the same
    first = publish_site(small_site.pk)
    vacuum()
    print(f"(site with columns of {sizes}: loaded and published in {time.perf_counter() - started:.1f} s, "
          f"{len(first.written)} files; one publish to warm up first)")  # fmt: skip
    approve_one(small_site, columns[0], next(spare))
    results: dict[int, list[Approval]] = {size: [] for size in sizes}
    for _run in range(runs):  # alternating, so that both columns see the same machine
        for size, col in zip(sizes, columns, strict=True):
            results[size].append(approve_one(small_site, col, next(spare)))

    def ms(values) -> str:
        return f"{statistics.median(values) * 1000:.0f} ms"

    for size in sizes:
        done = results[size]
        times = [a.seconds for a in done]
        written = [len(a.report.written) for a in done]
        names = sorted({p.rsplit("/", 1)[-1] for p in done[-1].report.written})
        backend = [a.backend_cpu for a in done if a.backend_cpu is not None]
        print(f"  column of {size:>6,}: {statistics.median(written):.0f} files written ({', '.join(names)}), "
              f"{statistics.median([a.queries for a in done]):.0f} queries, "
              f"partial load: {'yes' if all(a.report.partial for a in done) else 'no'}")  # fmt: skip
        print(f"    median {ms(times)} (fastest {min(times) * 1000:.0f}, slowest {max(times) * 1000:.0f}); "
              f"CPU time: this process {ms([a.cpu for a in done])}, "
              f"PostgreSQL backend {ms(backend) if backend else 'n/a'}")  # fmt: skip
        print(f"    runs: {', '.join(f'{t * 1000:.0f}' for t in times)} ms; files: {', '.join(map(str, written))}")
    same = [len(a.report.written) for a in results[sizes[0]]] == [len(a.report.written) for a in results[sizes[1]]]
    print(f"  same number of files at 10 and 10,000 in every run: {same}")
    print(f"  (machine load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3, help="full rebuilds")
    parser.add_argument("--incremental-runs", type=int, default=7, help="incremental publishes per column")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--reload", action="store_true", help="load the workload again even if it is there")
    parser.add_argument("--only-incremental", action="store_true", help="skip the full rebuilds")
    args = parser.parse_args()
    setup()
    if args.only_incremental:
        incremental(args.incremental_runs)
        return

    from django.conf import settings
    from django.db import connection

    from benchmarks.workload import load_reference
    from publishing.publisher import publish_site
    from resources.models import Resource
    from sites.models import Domain

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; publish root: {settings.PUBLISH_ROOT}")
    domain = Domain.objects.filter(name="www.example.gov.cn").first()
    if args.reload or domain is None or Resource.objects.filter(site_id=domain.site_id).count() != args.articles:
        started = time.perf_counter()
        site = load_reference(args.articles)
        print(f"loaded the reference workload ({args.articles} articles) in {time.perf_counter() - started:.1f} s")
    else:
        site = domain.site
    vacuum()

    print(f"\n== full rebuild, {args.processes} processes, cold (empty folder and manifest) ==")
    rates, cpu = [], []
    for run in range(args.runs):
        vacuum()  # the previous run's manifest and index rows are dead now
        before = os.times()
        report = cold_rebuild(site.pk, args.processes)
        after = os.times()
        used = sum(after[:4]) - sum(before[:4])  # this process and its workers
        cpu.append(used / report.rendered * 1000)
        html = sum(1 for p in report.written if p.endswith(".html"))
        rates.append(report.rendered / report.seconds)
        print(f"run {run + 1}: {report.rendered} pages ({html} HTML) and {len(report.written)} files "
              f"in {report.seconds:.2f} s = {rates[-1]:.0f} pages/s")  # fmt: skip
    rate = statistics.median(rates)
    print(f"median: {rate:.0f} pages/s; Python CPU time {statistics.median(cpu):.2f} ms per page "
          f"(machine load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")  # fmt: skip
    for peer, peer_rate in PEERS.items():
        print(f"  vs {peer} ({peer_rate:,.0f} pages/s): x{rate / peer_rate:.2f}")
    warm = publish_site(site.pk, processes=args.processes)
    print(f"warm rebuild (nothing changed): {warm.rendered} pages in {warm.seconds:.2f} s "
          f"= {warm.rendered / warm.seconds:.0f} pages/s, {len(warm.written)} files written")  # fmt: skip
    single = cold_rebuild(site.pk, 1)
    print(f"cold rebuild, 1 process: {single.rendered / single.seconds:.0f} pages/s")

    print("\n== queries per rendered page ==")
    for name, count in queries_per_page(site.pk).items():
        print(f"  {name}: {count}")

    print("\n== home page with CSS and script ==")
    root = Path(settings.PUBLISH_ROOT) / "www.example.gov.cn"
    files = ["index.html", "-/site.css", "-/theme.css", "-/site.js"]
    raw = sum((root / f).stat().st_size for f in files)
    packed = sum(len(gzip.compress((root / f).read_bytes())) for f in files)
    print(f"  {', '.join(f'{f} {(root / f).stat().st_size:,} B' for f in files)}")
    print(f"  total {raw:,} bytes ({packed:,} bytes gzipped)")

    incremental(args.incremental_runs)


if __name__ == "__main__":
    main()
