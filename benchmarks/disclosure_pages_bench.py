"""Full-rebuild speed of the disclosure pages against article pages (DISC-2, DISC-5, PUB-8).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govbench_pages .venv/bin/python benchmarks/disclosure_pages_bench.py

Loads the reference workload (shared/bench/, --articles, default 100,000 articles in 20 columns),
gives every article a catalogue entry (one organisation, 20 subjects, years from the dates), adds a
信息公开目录 column and a 政策文件 column with --policies policy documents (issuing bodies,
subjects, validity), then:

- one cold full rebuild of the site (--processes, default 2): pages, seconds, pages/s;
- the rendering alone (single process, warm manifest: rendered and hashed, nothing written) of a
  sample (--sample pages) of each kind: article pages, catalogue lists, policy-library lists,
  with pages/s and the ratio of each list kind to articles; the one query that reads the lists'
  rows is timed apart (it runs once per publish).

`--incremental 1000,10000,100000` instead: for each size a site of that many catalogued articles
(and a tenth as many policies) is loaded in bulk and published once, then --runs times one
article is approved into a catalogued column with its catalogue entry, its title edited and
it is withdrawn, each published incrementally (publish_changes): median time, queries, files
written, whether it stayed a partial load, and the load average beside the figures.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import publish_bench  # noqa: E402  (sets the environment and sys.path for Django)


def load(articles: int, policies: int):
    from django.db import connection, transaction

    from benchmarks import workload
    from columns.models import Column
    from disclosure.models import CatalogueEntry, Organisation, SubjectCategory
    from resources.models import Resource, ResourceKind

    site = workload.load_reference(articles)
    user = workload.bench_user()
    zwgk = Column.objects.create(site=site, slug="gkml", name="信息公开目录", column_type="信息公开目录",
                                 description="依法主动公开的政府信息", responsible_person="张三")  # fmt: skip
    zcwj = Column.objects.create(site=site, parent=zwgk, slug="zcwj", name="政策文件", column_type="政策文件",
                                 description="规章和规范性文件", responsible_person="张三")  # fmt: skip
    spare = workload.generate(policies, seed=7)["articles"][:policies]
    policy_ids = workload.insert_articles(site, [(zcwj, art) for art in spare], user)
    bodies = ["示例市人民政府", "示例市人民政府办公室", "示例市发展和改革委员会", "示例市教育局", "示例市财政局"]
    rng = random.Random(15)
    with transaction.atomic(), connection.cursor() as cursor:
        Resource.objects.filter(id__in=policy_ids).update(kind=ResourceKind.POLICY)
        cursor.execute(
            "UPDATE resources_revision SET data = data || jsonb_build_object("
            " 'issuing_body', (ARRAY[%s, %s, %s, %s, %s])[1 + resource_id %% 5],"
            " 'document_number', '示政发〔' || (2015 + resource_id %% 10) || '〕' || resource_id || '号',"
            " 'signing_date', (2015 + resource_id %% 10) || '-03-01',"
            " 'validity', (ARRAY['valid', 'valid', 'valid', 'amended', 'repealed', 'expired'])[1 + resource_id %% 6])"
            " WHERE resource_id = ANY(%s)",
            [*bodies, policy_ids],
        )
    organisation = Organisation.objects.create(site=site, name=site.name, code="13990000X")
    subjects = [
        SubjectCategory.objects.get_or_create(code=f"bench-{n}", defaults={"name": f"主题{n}", "position": 100 + n})[0]
        for n in range(20)
    ]
    rows = Resource.objects.filter(site=site).values_list("id", "published_at").order_by("id")
    CatalogueEntry.objects.bulk_create(
        [
            CatalogueEntry(
                resource_id=rid,
                organisation=organisation,
                subject=rng.choice(subjects),
                index_number=f"13990000X/{when:%Y}-{n:06d}",
                made_on=when.date(),
                disclosed_at=when,
                issuing_organisation=site.name,
            )  # fmt: skip
            for n, (rid, when) in enumerate(rows, start=1)
        ],
        batch_size=5000,
    )
    return site


def rate(publisher, keys, known) -> tuple[int, float]:
    started = time.perf_counter()
    outcomes = publisher.render_keys(keys, known)
    seconds = time.perf_counter() - started
    for o in outcomes:
        if o.tmp and os.path.exists(o.tmp):
            os.unlink(o.tmp)
    return len(keys), seconds


def incremental(sizes: list[int], runs: int, processes: int, reuse: bool = False) -> None:
    import datetime as dt
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benchmarks import workload
    from columns.models import Column
    from disclosure.models import CatalogueEntry, Organisation, SubjectCategory
    from publishing.publisher import publish_changes
    from resources.models import Resource, ResourceStatus, Revision

    def publish(rid):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            [report] = publish_changes(resource_ids=[rid])
        return time.perf_counter() - started, len(queries), report

    from sites.models import Domain

    for size in sizes:
        clock = time.perf_counter()
        domain = Domain.objects.filter(name="www.example.gov.cn").first()
        articles = Resource.objects.filter(site_id=domain.site_id, kind="article").count() if domain else 0
        if reuse and size <= articles <= size + 2 * (runs + 1):  # a previous run's site, published
            site = domain.site
            print(f"\n== {size:,} catalogued articles + {max(10, size // 10):,} policies: a previous run's site ==")
        else:
            site = load(size, max(10, size // 10))
            publish_bench.vacuum()
            loaded = time.perf_counter() - clock
            full = publish_bench.cold_rebuild(site.pk, processes)
            print(f"\n== {size:,} catalogued articles + {max(10, size // 10):,} policies: loaded in {loaded:.0f} s, "
                  f"full rebuild {full.rendered:,} pages in {full.seconds:.0f} s"
                  f" (load average {os.getloadavg()[0]:.1f}) ==")  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE disclosure_listentry, disclosure_listfacet")
        publish_bench.vacuum()
        col = Column.objects.filter(site=site, parent__isnull=False, column_type="工作动态").order_by("id").first()
        organisation = Organisation.objects.get(site=site)
        subject = SubjectCategory.objects.filter(code__startswith="bench-").order_by("position").first()
        spare = iter(workload.generate(runs + 1, seed=11)["articles"])
        results = {"approval": [], "title edit": [], "withdrawal": []}
        for run in range(runs + 1):  # the first round warms up
            art = dict(next(spare), date=dt.datetime.now(dt.UTC).isoformat())
            [rid] = workload.insert_articles(site, [(col, art)], workload.bench_user())
            CatalogueEntry.objects.create(resource_id=rid, organisation=organisation, subject=subject,
                                          index_number=f"13990000X/bench-{rid}", made_on=dt.date.today())  # fmt: skip
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
            if run:
                for name, result in zip(results, (approval, edit, withdrawal), strict=True):
                    results[name].append(result)
        for name, done in results.items():
            times = [t for t, _q, _r in done]
            print(f"  {name}: median {statistics.median(times) * 1000:.0f} ms (fastest {min(times) * 1000:.0f},"
                  f" slowest {max(times) * 1000:.0f}), {statistics.median([q for _t, q, _r in done]):.0f} queries,"
                  f" {statistics.median([len(r.written) for _t, _q, r in done]):.0f} files written,"
                  f" partial load: {'yes' if all(r.partial for _t, _q, r in done) else 'no'}")  # fmt: skip
        print(f"  load average {os.getloadavg()} on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--policies", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--sample", type=int, default=3000)
    parser.add_argument("--incremental", default="", help="sizes, e.g. 1000,10000,100000: incremental publishes")
    parser.add_argument("--runs", type=int, default=5, help="incremental publishes of each kind per size")
    parser.add_argument("--reuse", action="store_true", help="--incremental: measure on the site a run left")
    args = parser.parse_args()
    publish_bench.setup()
    if args.incremental:
        incremental([int(n) for n in args.incremental.split(",")], args.runs, args.processes, args.reuse)
        return
    from publishing import dependencies
    from publishing.site_publisher import SitePublisher

    clock = time.perf_counter()
    site = load(args.articles, args.policies)
    publish_bench.vacuum()
    print(f"loaded {args.articles:,} articles + {args.policies:,} policies, all catalogued, "
          f"in {time.perf_counter() - clock:.0f} s; load average {os.getloadavg()[0]:.1f}")  # fmt: skip

    report = publish_bench.cold_rebuild(site.pk, args.processes)
    print(f"cold full rebuild ({args.processes} processes): {report.rendered:,} pages in {report.seconds:.1f} s"
          f" = {report.rendered / report.seconds:.0f} pages/s; phases "
          + ", ".join(f"{k} {v:.1f} s" for k, v in report.phases.items()))  # fmt: skip

    publisher = SitePublisher(site.pk)
    pages = publisher.renderer.extensions["disclosure"]
    started = time.perf_counter()
    listings = pages.listings()
    print(f"the lists' rows (one query, {sum(len(li.facets.get('all').rows) for li in listings.values()):,} rows):"
          f" {time.perf_counter() - started:.2f} s")  # fmt: skip
    keys = publisher.renderer.all_keys()
    known = dependencies.manifest(site.pk)
    rng = random.Random(1)
    kinds = {
        "article pages": [k for k in keys if k[0] == "item"],
        "catalogue lists": [k for k in keys if k[0] == "disclosure" and "/_ml/" in pages.path_of(k)],
        "policy-library lists": [k for k in keys if k[0] == "disclosure" and "/_zc/" in pages.path_of(k)],
    }
    rates = {}
    for name, subset in kinds.items():
        sample = sorted(rng.sample(subset, min(args.sample, len(subset))))
        count, seconds = rate(publisher, sample, known)
        rates[name] = count / seconds
        print(
            f"  {name}: {len(subset):,} in the site; {count:,} rendered in {seconds:.2f} s = {rates[name]:.0f} pages/s"
        )
    base = rates["article pages"]
    for name in ("catalogue lists", "policy-library lists"):
        print(f"  ratio {name} / article pages: {rates[name] / base:.2f}")
    print(f"load average at the end {os.getloadavg()[0]:.1f} (other work on the machine: {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
