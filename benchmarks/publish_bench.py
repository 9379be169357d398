"""Publishing benchmark against the peers of shared/bench/README.md (PUB-8, TPL-8).

    createdb -h 127.0.0.1 -U postgres govbench   # once (done here when missing)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govbench .venv/bin/python benchmarks/publish_bench.py

Prints: full rebuild pages/s with 2 processes (cold: empty folder and manifest; warm: nothing
changed), queries per rendered page, files written and seconds for one incremental publish
(one newly approved article) in a column of 10 and of 10,000 articles, and the home page size
with its CSS and script. Files go to var/bench/ unless PUBLISH_ROOT is set.
"""

import argparse
import datetime as dt
import gzip
import os
import shutil
import statistics
import sys
import time
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

    from publishing.publisher import SitePublisher, render_page
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


def approve_one(site, col, article: dict):
    """What the final approval leaves behind: published resource + ACTIVE placement, then the publish."""
    from benchmarks.workload import bench_user, insert_articles
    from publishing.publisher import publish_changes

    fresh = dict(article, date=dt.datetime.now(dt.UTC).isoformat())
    [resource_id] = insert_articles(site, [(col, fresh)], bench_user())
    started = time.perf_counter()
    [report] = publish_changes(resource_ids=[resource_id])
    return report, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--reload", action="store_true", help="load the workload again even if it is there")
    args = parser.parse_args()
    setup()

    from django.conf import settings
    from django.db import connection

    from benchmarks.workload import load_columns, load_reference
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

    print(f"\n== full rebuild, {args.processes} processes, cold (empty folder and manifest) ==")
    rates, cpu = [], []
    for run in range(args.runs):
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

    print("\n== incremental publish: one approved article ==")
    sizes = [10, 10000]
    started = time.perf_counter()
    small_site, columns, spare = load_columns(sizes)
    first = publish_site(small_site.pk)
    print(f"(site with columns of {sizes}: loaded and published in {time.perf_counter() - started:.1f} s, "
          f"{len(first.written)} files)")  # fmt: skip
    counts = {}
    for size, col in zip(sizes, columns, strict=True):
        times, written = [], []
        for run in range(args.runs):
            report, seconds = approve_one(small_site, col, spare.pop())
            times.append(seconds)
            written.append(len(report.written))
        counts[size] = written
        print(f"  column of {size:>6,}: {statistics.median(written)} files written "
              f"({', '.join(sorted({p.split('/')[-1] for p in report.written}))}), "
              f"median {statistics.median(times) * 1000:.0f} ms (runs: {', '.join(f'{t * 1000:.0f}' for t in times)} ms)")  # fmt: skip
    print(f"  same number of files at 10 and 10,000: {counts[sizes[0]] == counts[sizes[1]]}")


if __name__ == "__main__":
    main()
