"""The policy library's search filters and identifier look-ups at 100,000 items (DISC-2, DISC-5).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govbench_disclosure_search \\
        .venv/bin/python benchmarks/disclosure_search_bench.py

Loads the reference workload's site (benchmarks/workload.py, the machinery of
benchmarks/search_bench.py) with N items (default 100,000) and makes every item a policy
document with catalogue metadata: a document number of one of 40 issuing bodies (示教发〔2024〕123号),
an index number, dates of creation and issue, one of 20 subjects, a validity (one in ten repealed,
one in ten expired, one in 25 amended). Then indexes them with search.indexer.reindex and runs
a fixed list of filter queries through the whole search path (engine.search: identifiers,
filters, counts and facets, the ranked page, snippets; no logging): the library without words
and each filter alone and combined, filters with words, and index and document numbers typed
into the search box. Prints p50/p95 per group and overall with the machine's load average
(os.getloadavg, over its cores) beside them. Target: p95 ≤ 50 ms on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govplatform.settings")

from benchmarks.search_bench import load, percentile, setup  # noqa: E402

TARGET_P95_MS = 50.0
ISSUERS = 40
SUBJECTS = ["综合政务", "国民经济管理", "财政金融审计", "国土资源能源", "农业林业水利", "工业交通", "商贸海关旅游",
            "市场监管安全生产", "城乡建设环境保护", "科技教育", "文化广电新闻出版", "卫生体育", "人口与计划生育",
            "劳动人事监察", "公安安全司法", "民政扶贫救灾", "民族宗教", "对外事务", "国防", "其他"]  # fmt: skip
PREFIXES = ["示政发", "示政办发", "示政办字", "示教发", "示卫健发", "示财预", "示发改", "示人社发", "示住建发",
            "示农发", "示交发", "示商发", "示文旅发", "示市监发", "示应急发", "示民发", "示司发", "示公发",
            "示环发", "示水发", "示自然资发", "示科发", "示统字", "示审发", "示税发", "示医保发", "示退役发",
            "示林发", "示气发", "示档发", "示机发", "示信访发", "示外办发", "示侨发", "示宗发", "示残联发",
            "示红发", "示工信发", "示数据发", "示营商发"]  # fmt: skip
ORG_CODE = "11130600MB1234567X"


def issuer(n: int) -> str:
    names = ["市人民政府", "市人民政府办公室", "市教育局", "市卫生健康委员会", "市财政局", "市发展和改革委员会",
             "市人力资源和社会保障局", "市住房和城乡建设局", "市农业农村局", "市交通运输局"]  # fmt: skip
    return f"示例{names[n % len(names)]}" if n < len(names) else f"示例市第{n}委员会"


def make_policies(site) -> int:
    """Every item of the workload's site becomes a policy with catalogue metadata (in SQL)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_issuer (n int PRIMARY KEY, prefix text, name text) ON COMMIT DROP")
        cursor.executemany(
            "INSERT INTO bench_issuer VALUES (%s, %s, %s)", [(n, PREFIXES[n], issuer(n)) for n in range(ISSUERS)]
        )
        cursor.execute("CREATE TEMPORARY TABLE bench_subject (n int PRIMARY KEY, name text) ON COMMIT DROP")
        cursor.executemany("INSERT INTO bench_subject VALUES (%s, %s)", list(enumerate(SUBJECTS)))
        cursor.execute(
            "UPDATE resources_resource r SET kind = 'policy', index_number = %s || '/' ||"
            " extract(year FROM r.published_at)::int || '-' || lpad((r.id %% 100000)::text, 5, '0')"
            " WHERE r.site_id = %s",
            [ORG_CODE, site.pk],
        )
        cursor.execute(
            """
            UPDATE resources_revision v SET
              data = v.data || jsonb_build_object(
                'document_number', i.prefix || '〔' || extract(year FROM r.published_at)::int || '〕'
                                   || (r.id / %(issuers)s %% 2000 + 1) || '号',
                'issuing_body', i.name,
                'signing_date', to_char((r.published_at - (r.id %% 20) * interval '1 day')::date, 'YYYY-MM-DD'),
                'publishing_date', to_char(r.published_at::date, 'YYYY-MM-DD'),
                'validity', CASE WHEN r.id / 3 %% 10 = 0 THEN 'repealed' WHEN r.id / 3 %% 10 = 1 THEN 'expired'
                                 WHEN r.id / 3 %% 25 = 2 THEN 'amended' ELSE 'valid' END),
              metadata = v.metadata || jsonb_build_object('classification', s.name)
            FROM resources_resource r, bench_issuer i, bench_subject s
            WHERE v.id = r.published_revision_id AND r.site_id = %(site)s
              AND i.n = r.id %% %(issuers)s AND s.n = (r.id / 7) %% %(subjects)s
            """,
            {"issuers": ISSUERS, "subjects": len(SUBJECTS), "site": site.pk},
        )
        return cursor.rowcount


def sample(site) -> dict:
    """Real values of the loaded items to look for (an index number, document numbers, words)."""
    from resources.models import Resource
    from search.models import SearchDocument

    docs = list(
        SearchDocument.objects.filter(site=site)
        .order_by("resource_id")
        .values_list("index_number", "document_number", "title")[1000:1040]
    )
    newest = Resource.objects.filter(site=site).order_by("-published_at").values_list("published_at", flat=True)[0]
    return {"docs": docs, "year": newest.year}


def filter_queries(site) -> list[tuple[str, str, dict]]:
    """(group, words, filters): the library's filters alone, combined, with words; identifiers."""
    from benchmarks.workload import generator

    values = sample(site)
    year = values["year"]
    words = [w for w in generator().WORDS if len(w) == 2]
    d = dt.date
    out: list[tuple[str, str, dict]] = [("browse", "", {"kind": "policy"})]
    for n in (0, 2, 5, 17, 33):  # a part of the document number: prefix and year, prefix alone
        out.append(("docno", "", {"document_number": f"{PREFIXES[n]}[{year - n % 3}]"}))
    out.append(("docno", "", {"document_number": f"〔{year - 1}〕"}))
    for _index, number, _title in values["docs"][:4]:
        out.append(("docno", "", {"document_number": number}))
    for n in (0, 2, 7, 25):
        out.append(("issuer", "", {"issuing_body": issuer(n)[2:]}))
    out.append(("issuer", "", {"issuing_body": "人民政府"}))
    for months in (1, 6, 12):
        start = d(year - 1, 1, 1)
        end = start + dt.timedelta(days=30 * months)
        out.append(("dates", "", {"written_from": start, "written_to": end}))
        out.append(("dates", "", {"published_from": start, "published_to": end}))
    out.append(("dates", "", {"written_from": d(year, 1, 1)}))
    out.append(("dates", "", {"published_to": d(year - 3, 12, 31)}))
    for n in (0, 9, 13, 19):
        out.append(("subject", "", {"subject": SUBJECTS[n]}))
    for validity in ("valid", "repealed", "amended", "expired"):
        out.append(("validity", "", {"validity": validity}))
    out += [
        ("combined", "", {"subject": SUBJECTS[9], "validity": "valid", "written_from": d(year - 1, 1, 1)}),
        ("combined", "", {"issuing_body": issuer(2)[2:], "published_from": d(year - 2, 1, 1),
                          "published_to": d(year - 1, 12, 31)}),
        ("combined", "", {"document_number": PREFIXES[3], "validity": "repealed"}),
        ("combined", "", {"issuing_body": "人民政府", "subject": SUBJECTS[0], "validity": "valid"}),
        ("combined", "", {"written_from": d(year - 1, 3, 1), "written_to": d(year - 1, 3, 31), "validity": "expired"}),
    ]  # fmt: skip
    for i in range(10):
        word = words[(i * 7) % len(words)]
        chosen = [
            {"kind": "policy"}, {"subject": SUBJECTS[i % 20]}, {"validity": "valid"},
            {"issuing_body": issuer(i % 10)[2:]}, {"written_from": d(year - 1, 1, 1), "written_to": d(year - 1, 12, 31)},
        ][i % 5]  # fmt: skip
        out.append(("words", word, chosen))
    for index_number, number, _title in values["docs"][10:20]:
        out.append(("identifier", index_number.lower(), {}))
        out.append(("identifier", number.replace("〔", "[").replace("〕", "]"), {}))
    return out


def run(site, runs: int, scope: str) -> dict[str, list[float]]:
    from search import engine
    from search.results import Filters

    fixed = filter_queries(site)
    for _group, words, filters in fixed:  # warm-up and a check that each finds something
        outcome = engine.search(site, words, scope=scope, filters=Filters(**filters), log=False)
        if not outcome.total:
            print(f"  note: no result for {words!r} {filters}")
    timings: dict[str, list[float]] = {}
    for _ in range(runs):
        for group, words, filters in fixed:
            started = time.perf_counter()
            engine.search(site, words, scope=scope, filters=Filters(**filters), log=False)
            timings.setdefault(group, []).append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reload", action="store_true", help="load and index again even if the items are there")
    args = parser.parse_args()
    setup()
    from django.db import connection

    from benchmarks.workload import load_reference
    from resources.models import ResourceKind
    from search.indexer import reindex
    from search.models import SearchDocument
    from sites.models import Domain

    domain = Domain.objects.filter(name="www.example.gov.cn").select_related("site").first()
    site = domain.site if domain else None
    ready = (
        site is not None
        and site.resources.filter(kind=ResourceKind.POLICY).count() == args.items
        and SearchDocument.objects.filter(site=site, kind=ResourceKind.POLICY).count() == args.items
    )
    if args.reload or not ready:
        print(f"loading {args.items} items …", flush=True)
        started = time.perf_counter()
        site = load_reference(args.items)
        changed = make_policies(site)
        print(f"  loaded in {time.perf_counter() - started:.0f} s ({changed} policy documents)", flush=True)
        print(f"indexing ({connection.vendor}, load average {load()}) …", flush=True)
        report = reindex(site_id=site.pk)
        print(f"  indexed {report['documents']} in {report['seconds']:.0f} s; load average {load()}", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_searchdocument")
    every_scope = []
    for scope, label in (("site", "site search"), ("all", "platform-wide search of the portal")):
        timings = run(site, args.runs, scope)
        every = [t for values in timings.values() for t in values]
        every_scope += every
        print(
            f"{label}: {len(every) // args.runs} queries × {args.runs} runs at {args.items} items: "
            f"p50 {percentile(every, 0.5):.1f} ms, p95 {percentile(every, 0.95):.1f} ms "
            f"(target p95 ≤ {TARGET_P95_MS:.0f} ms); load average {load()}"
        )
        for group, values in timings.items():
            print(f"  {group:10s} p50 {percentile(values, 0.5):6.1f} ms  p95 {percentile(values, 0.95):6.1f} ms  "
                  f"max {max(values):6.1f} ms")  # fmt: skip
    p95 = percentile(every_scope, 0.95)
    verdict = "met" if p95 <= TARGET_P95_MS else "NOT met"
    print(f"all: p50 {percentile(every_scope, 0.5):.1f} ms, p95 {p95:.1f} ms: target {verdict}; load average {load()}")


if __name__ == "__main__":
    main()
