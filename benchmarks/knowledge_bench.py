"""The knowledge base's suggestions while a citizen types (INT-5): quality and speed.

    .venv/bin/python benchmarks/knowledge_bench.py                 # SQLite file under var/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govbench_knowledge .venv/bin/python benchmarks/knowledge_bench.py

Loads one site with a 知识库 column holding the labelled entries of
benchmarks/data/knowledge_questions.json (60 Q&A entries: 社保, 公积金, 户籍, 教育, 医保, 不动产,
交通 …) as published `qa` resources, indexes them (search.indexer) and asks the engine behind
/search/similar (search/similar.py) each labelled question (240, worded as citizens write):

- precision@3: of the entries shown (at most 3), the share that are an expected entry;
- recall@3: of the expected entries, the share among the first 3 (one expected entry per question,
  so recall@3 is the share of questions answered among the first three);
- hit@1: the expected entry first.

Then adds filler entries (the reference workload's government texts, benchmarks/workload.py) up to
--size (default 10,000) entries, measures the same quality among them, and times the endpoint
itself (the Django test client on the site's host: URL routing, the view, JSON) over every
labelled question: p50/p95, with the machine's load average beside them. Target p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govplatform.settings")

DATA = REPO / "benchmarks" / "data" / "knowledge_questions.json"
DOMAIN = "zsk.bench.gov.cn"
TARGET_P95_MS = 50.0


def labelled() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def insert_entries(site, column, user, entries: list[dict], start: dt.datetime) -> list[int]:
    """Published `qa` resources in bulk (Resource, published Revision, ACTIVE Placement), as the
    workflow leaves them; returns their ids in order."""
    from django.db import transaction

    from editorial.models import Placement, PlacementStatus
    from resources.models import Disclosure, Resource, ResourceKind, ResourceStatus, Revision

    with transaction.atomic():
        resources = []
        for n, entry in enumerate(entries):
            when = start + dt.timedelta(minutes=n)
            resources.append(
                Resource(
                    site=site,
                    kind=ResourceKind.QA,
                    column=column,
                    title=entry["title"],
                    creator=user,
                    status=ResourceStatus.PUBLISHED,
                    disclosure=Disclosure.PROACTIVE,
                    published_at=when,
                    created_at=when,
                    updated_at=when,
                )  # fmt: skip
            )
        resources = Resource.objects.bulk_create(resources, batch_size=1000)
        if not resources or not resources[0].pk:
            raise RuntimeError("the database returned no ids from bulk_create")
        revisions = Revision.objects.bulk_create(
            [
                Revision(
                    resource=r,
                    number=1,
                    title=e["title"],
                    metadata={"source": site.name},
                    created_by=user,
                    data={"question": e["question"], "answer": e["answer"], "source_letter": None},
                )  # fmt: skip
                for r, e in zip(resources, entries, strict=True)
            ],
            batch_size=1000,
        )
        by_resource = {rev.resource_id: rev.pk for rev in revisions}
        if None in by_resource.values():
            by_resource = dict(
                Revision.objects.filter(resource__in=resources).values_list("resource_id", "id")
            )  # fmt: skip
        for r in resources:
            r.current_revision_id = r.published_revision_id = by_resource[r.pk]
        Resource.objects.bulk_update(resources, ["current_revision_id", "published_revision_id"], batch_size=500)
        Placement.objects.bulk_create(
            [
                Placement(
                    resource=r,
                    column=column,
                    site=site,
                    status=PlacementStatus.ACTIVE,
                    placed_by=user,
                    placed_at=r.published_at,
                )
                for r in resources
            ],  # fmt: skip
            batch_size=1000,
        )
    return [r.pk for r in resources]


def fillers(count: int) -> list[dict]:
    """`count` entries from the reference workload's texts: a title as the question, its paragraphs as the answer."""
    from benchmarks.workload import generate

    articles = generate(count)["articles"] if count else []
    return [
        {"title": a["title"][:300], "question": a["title"], "answer": "\n".join(a["paragraphs"][:3])}
        for a in articles[:count]
    ]


def index(ids: list[int]) -> float:
    from search.indexer import index_resources

    started = time.perf_counter()
    for chunk in range(0, len(ids), 500):
        index_resources(ids[chunk : chunk + 500])
    return time.perf_counter() - started


def quality(site, data: dict, by_key: dict[str, int]) -> dict:
    """precision@3, recall@3 and hit@1 of the labelled questions."""
    from search.similar import similar

    shown = relevant_shown = found = first = wanted = 0
    misses = []
    for item in data["questions"]:
        expected = {by_key[key] for key in item["expected"]}
        got = [int(e["url"].rsplit("/", 1)[-1].split(".")[0]) for e in similar(site, item["question"], "qa", limit=3)]
        hits = [rid for rid in got if rid in expected]
        shown += len(got)
        relevant_shown += len(hits)
        found += len(set(hits))
        wanted += len(expected)
        first += bool(got) and got[0] in expected
        if not hits:
            misses.append(item["question"])
    n = len(data["questions"])
    return {
        "questions": n,
        "precision@3": relevant_shown / shown if shown else 0.0,
        "precision@3 (of 3 slots)": relevant_shown / (3 * n),
        "recall@3": found / wanted,
        "hit@1": first / n,
        "misses": misses,
    }


def add_synonyms(data: dict, add: bool = True) -> int:
    """The site administrators' synonyms for the knowledge base (plain words → the entries' terms);
    `add=False` removes them (a run starts without them)."""
    from search import query
    from search.models import Synonym

    Synonym.objects.filter(official__in=[official for _plain, official in data["synonyms"]]).delete()
    query.bump_synonyms_version()
    query.forget_synonyms()
    if not add:
        return 0
    Synonym.objects.bulk_create([Synonym(plain=plain, official=official) for plain, official in data["synonyms"]])
    query.bump_synonyms_version()
    query.forget_synonyms()
    return len(data["synonyms"])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timing(data: dict, runs: int) -> tuple[float, float]:
    from django.test import Client

    client = Client()
    times = []
    for run in range(runs + 1):
        for item in data["questions"]:
            started = time.perf_counter()
            response = client.get(
                "/search/similar", {"kind": "qa", "q": item["question"]}, HTTP_HOST=DOMAIN, secure=True
            )
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"/search/similar answered {response.status_code}")
            if run:  # the first run warms the caches (segmenter, vocabulary, synonyms)
                times.append(elapsed)
    return percentile(times, 0.5), percentile(times, 0.95)


def show(label: str, result: dict) -> None:
    print(f"{label}: {result['questions']} questions  precision@3 {result['precision@3']:.3f}"
          f"  (of 3 slots {result['precision@3 (of 3 slots)']:.3f})  recall@3 {result['recall@3']:.3f}"
          f"  hit@1 {result['hit@1']:.3f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="entries in the knowledge base for the timing")
    parser.add_argument("--runs", type=int, default=3, help="timed passes over the labelled questions")
    parser.add_argument("--misses", action="store_true", help="print the questions whose entry was not found")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        (REPO / "var").mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{REPO / 'var' / 'knowledge_bench.sqlite3'}"

    from benchmarks.search_bench import setup

    setup()
    from django.db import connection

    from benchmarks.workload import bench_user, make_site
    from columns.models import Column

    data = labelled()
    add_synonyms(data, add=False)
    site = make_site("知识库基准测试市人民政府", DOMAIN, "1399000901")
    parent = Column.objects.create(site=site, slug="hdjl", name="互动交流", column_type="互动交流", is_channel=True,
                                   responsible_person="张三")  # fmt: skip
    column = Column.objects.create(site=site, parent=parent, slug="zsk", name="答问知识库", column_type="知识库",
                                   responsible_person="张三")  # fmt: skip
    user = bench_user()
    start = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)
    ids = insert_entries(site, column, user, data["entries"], start)
    by_key = {entry["id"]: rid for entry, rid in zip(data["entries"], ids, strict=True)}
    index(ids)
    print(f"database: {connection.vendor}  load average {os.getloadavg()} over {os.cpu_count()} cores")
    small = quality(site, data, by_key)
    show(f"{len(ids)} entries", small)
    if args.misses:
        for question in small["misses"]:
            print("  missed:", question)
    print(f"with {add_synonyms(data)} synonyms of the knowledge base (search's synonym list):")
    small = quality(site, data, by_key)
    show(f"{len(ids)} entries", small)
    if args.misses:
        for question in small["misses"]:
            print("  missed:", question)
    extra = max(0, args.size - len(ids))
    if extra:
        more = insert_entries(site, column, user, fillers(extra), start + dt.timedelta(days=30))
        seconds = index(more)
        print(f"added {len(more)} filler entries, indexed in {seconds:.1f} s")
        if connection.vendor == "postgresql":
            from search.backends import backend

            backend().analyze()
        show(f"{len(ids) + len(more)} entries", quality(site, data, by_key))
    p50, p95 = timing(data, args.runs)
    print(f"/search/similar at {len(ids) + extra} entries: p50 {p50:.1f} ms  p95 {p95:.1f} ms"
          f"  (target p95 <= {TARGET_P95_MS:.0f} ms)  load average {os.getloadavg()}")  # fmt: skip


if __name__ == "__main__":
    main()
