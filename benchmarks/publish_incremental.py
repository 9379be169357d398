"""Incremental publishes at several site sizes (PUB-8; issue 18 item 3), for benchmarks/publish_bench.py.

One site per size with the reference workload's 20 columns (www.inc<N>.example.gov.cn), loaded
and published in full once (kept for the next run). Then rounds, the sizes interleaved within
each round: a newly approved article in a leaf column, its title edited (a new published
revision), its withdrawal, each published by `publish_changes` as the approval's task does. The
first round warms up. Per size and step: the median time (fastest, slowest), queries, files
written, whether the partial load served it, and the phases; the load and the CPU probe of
each round beside them. Target: the same at every size, <= 50 ms and <= 25 queries (PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from dataclasses import dataclass

from benchmarks.publish_bench import machine, vacuum

STEPS = ("approval", "title edit", "withdrawal")


@dataclass
class Step:
    seconds: float
    queries: int
    report: object


def publish(resource_id: int) -> Step:
    from django.db import connection

    from publishing.publisher import publish_changes

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        [report] = publish_changes(resource_ids=[resource_id])
    return Step(time.perf_counter() - started, count[0], report)


def sized_site(size: int, reload: bool):
    """The site of `size` shown articles, published in full (loaded and published when missing)."""
    from benchmarks.publish_bench import empty_site
    from benchmarks.workload import load_reference
    from editorial.models import Placement, PlacementStatus
    from publishing.models import PublishedFile
    from publishing.publisher import publish_site
    from sites.models import Domain

    name = f"www.inc{size}.example.gov.cn"
    domain = Domain.objects.filter(name=name).first()
    if domain and not reload:
        shown = Placement.objects.filter(
            site_id=domain.site_id, status=PlacementStatus.ACTIVE, resource__published_revision__isnull=False
        ).count()
        if shown == size and PublishedFile.objects.filter(site_id=domain.site_id).exists():
            return domain.site, "a previous run's site"
    started = time.perf_counter()
    site = load_reference(size, domain=name, id_code=f"139{size:07d}",
                          name=f"示例{size}号区人民政府")  # fmt: skip
    loaded = time.perf_counter() - started
    empty_site(site.pk, name)
    report = publish_site(site.pk, processes=2)
    vacuum()
    return site, f"loaded in {loaded:.0f} s, published in full ({report.rendered:,} pages) in {report.seconds:.0f} s"


def one_round(site, col, article: dict) -> dict[str, Step]:
    from benchmarks import workload
    from resources.models import Resource, ResourceStatus, Revision

    fresh = dict(article, date=dt.datetime.now(dt.UTC).isoformat())
    [rid] = workload.insert_articles(site, [(col, fresh)], workload.bench_user())
    approval = publish(rid)
    resource = Resource.objects.get(pk=rid)
    old = resource.published_revision
    revision = Revision.objects.create(resource=resource, number=2, title=old.title + "（修订）",
                                       metadata=old.metadata, data=old.data, created_by=old.created_by)  # fmt: skip
    Resource.objects.filter(pk=rid).update(published_revision=revision, current_revision=revision,
                                           title=revision.title)  # fmt: skip
    edit = publish(rid)
    Resource.objects.filter(pk=rid).update(published_revision=None, status=ResourceStatus.WITHDRAWN)
    withdrawal = publish(rid)
    return dict(zip(STEPS, (approval, edit, withdrawal), strict=True))


def incremental(sizes: list[int], runs: int, reload: bool = False) -> None:
    from benchmarks import workload
    from columns.models import Column

    print(f"\n== incremental publishes at {', '.join(f'{s:,}' for s in sizes)} articles: {runs} rounds "
          f"(sizes interleaved) after one to warm up ==")  # fmt: skip
    sites = {}
    for size in sizes:
        site, how = sized_site(size, reload)
        col = Column.objects.filter(site=site, parent__isnull=False).order_by("tree_id", "lft").first()
        sites[size] = (site, col)
        print(f"  site of {size:,} articles: {how} {machine()}")
    spare = iter(workload.generate(len(sizes) * (runs + 1), seed=18)["articles"])
    results: dict[int, dict[str, list[Step]]] = {size: {step: [] for step in STEPS} for size in sizes}
    for run in range(runs + 1):
        state = machine()
        times = []
        for size in sizes:
            done = one_round(*sites[size], next(spare))
            times.append("/".join(f"{s.seconds * 1000:.0f}" for s in done.values()))
            if run:
                for step, result in done.items():
                    results[size][step].append(result)
        print(f"  round {run}{' (warm-up)' if not run else ''}: "
              f"{'; '.join(f'{s:,}: {t} ms' for s, t in zip(sizes, times, strict=True))} {state}")  # fmt: skip
    for size in sizes:
        print(f"  {size:>7,} articles:")
        for step, done in results[size].items():
            seconds = [d.seconds * 1000 for d in done]
            phases = {name: statistics.median([d.report.phases.get(name, 0) * 1000 for d in done])
                      for name in done[0].report.phases}  # fmt: skip
            print(f"    {step:>10}: median {statistics.median(seconds):.0f} ms (fastest {min(seconds):.0f}, "
                  f"slowest {max(seconds):.0f}), {statistics.median([d.queries for d in done]):.0f} queries, "
                  f"{statistics.median([len(d.report.written) for d in done]):.0f} files written, partial load: "
                  f"{'yes' if all(d.report.partial for d in done) else 'no'}; "
                  f"{', '.join(f'{k} {v:.0f}' for k, v in phases.items())} ms")  # fmt: skip
    print(f"  {machine()}")
