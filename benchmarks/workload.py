"""The reference workload of shared/bench (gen_workload.py) as platform rows.

`load_reference(articles=10000)` builds the site 示例市人民政府 (www.example.gov.cn) with the
workload's 20 columns (the 4 top-level ones are channels) and N published articles, each a
Resource with one Revision and an ACTIVE Placement, written in bulk (COPY-speed inserts; no
workflow, which is fine for a benchmark). `load_columns(...)` builds the site of the incremental
benchmark: one column per requested size, filled with the workload's articles.

The generator is imported from shared/bench (WORKLOAD_GENERATOR overrides its path), never copied.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
from pathlib import Path

from django.db import connection, transaction

from accounts.models import User
from columns.models import Column
from editorial.models import Placement, PlacementStatus
from resources.models import Disclosure, Resource, ResourceKind, ResourceStatus, Revision
from sites.models import Domain, Site, SiteKind, SiteStatus

REPO = Path(__file__).resolve().parents[1]
GENERATOR_CANDIDATES = [
    os.environ.get("WORKLOAD_GENERATOR", ""),
    str(REPO.parent / "shared" / "bench" / "gen_workload.py"),
    "/work/shared/bench/gen_workload.py",
]
SEED = 20240601


def generator():
    for candidate in GENERATOR_CANDIDATES:
        if candidate and Path(candidate).is_file():
            spec = importlib.util.spec_from_file_location("gen_workload", candidate)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise FileNotFoundError("shared/bench/gen_workload.py not found; set WORKLOAD_GENERATOR")


def generate(articles: int, seed: int = SEED) -> dict:
    return generator().generate(seed, articles)


def bench_user() -> User:
    user, _ = User.objects.get_or_create(username="bench", defaults={"real_name": "基准测试"})
    return user


def make_site(name: str, domain: str, id_code: str) -> Site:
    """A fresh site (an old one with the same domain is removed with everything it had)."""
    old = Domain.objects.filter(name=domain).first()
    if old is not None:
        delete_site(old.site)
    site = Site.objects.create(
        kind=SiteKind.PORTAL,
        status=SiteStatus.ONLINE,  # only sites that may be public are published
        name=name,
        unit_name=name,
        organiser=f"{name}办公室",
        operator="示例市大数据中心",
        contact_phone="0399-1234567",
        contact_email="web@example.gov.cn",
        contact_address="示例市人民路1号",
        id_code=id_code,
        icp_number="冀ICP备12345678号",
        psb_number="冀公网安备 13060202000001号",
        conac_mark="bszs.conac.cn.0001",
    )
    Domain.objects.create(site=site, name=domain, is_primary=True)
    return site


def delete_site(site: Site) -> None:
    from publishing.models import PageDependency, PublishedFile

    with transaction.atomic():
        PageDependency.objects.filter(site=site).delete()
        PublishedFile.objects.filter(site=site).delete()
        Placement.objects.filter(site=site).delete()
        resources = Resource.objects.filter(site=site)
        resources.update(current_revision=None, published_revision=None, submitted_revision=None)
        Revision.objects.filter(resource__site=site).delete()
        resources.delete()
        for level in (2, 1, 0):  # children first: the tree protects parents
            for col in Column.objects.filter(site=site, level=level):
                col.delete()
        site.delete()


def column(site, slug, name, parent=None, channel=False, order=0) -> Column:
    return Column.objects.create(
        site=site,
        parent=parent,
        slug=slug,
        name=name,
        description=f"{name}栏目发布{site.name}的相关信息",
        keywords=name,
        column_type="工作动态",
        is_channel=channel,
        sort_order=order,
        responsible_person="张三",
    )


def body_html(article: dict) -> str:
    return "".join(f"<p>{p}</p>" for p in article["paragraphs"])


def insert_articles(site: Site, rows: list[tuple[Column, dict]], user: User) -> list[int]:
    """Published articles in bulk: Resource, Revision (published) and ACTIVE Placement each."""
    resources = []
    for col, art in rows:
        when = dt.datetime.fromisoformat(art["date"])
        resources.append(
            Resource(
                site=site,
                kind=ResourceKind.ARTICLE,
                column=col,
                title=art["title"],
                source=art["source"],
                author=art["author"],
                keywords="，".join(art["keywords"]),
                description=art["summary"],
                creator=user,
                status=ResourceStatus.PUBLISHED,
                disclosure=Disclosure.PROACTIVE,
                published_at=when,
                created_at=when,
                updated_at=when,
            )
        )
    with transaction.atomic():
        Resource.objects.bulk_create(resources, batch_size=2000)
        revisions = [
            Revision(
                resource=resource,
                number=1,
                title=art["title"],
                metadata={
                    "source": art["source"],
                    "author": art["author"],
                    "keywords": "，".join(art["keywords"]),
                    "description": art["summary"],
                },  # fmt: skip
                data={"body": body_html(art), "summary": art["summary"], "subtitle": "", "attachments": []},
                created_by=user,
                created_at=resource.published_at,
            )
            for resource, (_col, art) in zip(resources, rows, strict=True)
        ]
        Revision.objects.bulk_create(revisions, batch_size=2000)
        for resource, revision in zip(resources, revisions, strict=True):
            resource.current_revision_id = resource.published_revision_id = revision.pk
        with connection.cursor() as cursor:  # one statement instead of bulk_update's CASE per row
            cursor.execute(
                "UPDATE resources_resource SET current_revision_id = v.id, published_revision_id = v.id"
                " FROM resources_revision v WHERE v.resource_id = resources_resource.id"
                " AND resources_resource.id BETWEEN %s AND %s AND resources_resource.published_revision_id IS NULL",
                [resources[0].pk, resources[-1].pk],
            )
        Placement.objects.bulk_create(
            [
                Placement(
                    resource=r,
                    column=col,
                    site=site,
                    status=PlacementStatus.ACTIVE,
                    placed_by=user,
                    placed_at=r.published_at,
                )  # fmt: skip
                for r, (col, _art) in zip(resources, rows, strict=True)
            ],
            batch_size=2000,
        )
    return [r.pk for r in resources]


def load_reference(articles: int = 10000, seed: int = SEED, domain: str = "", id_code: str = "1399000001",
                   name: str = "") -> Site:  # fmt: skip
    """The reference workload: one site, 20 columns, N articles (under another domain and name if given)."""
    workload = generate(articles, seed)
    user = bench_user()
    site = make_site(name or workload["site"]["name"], domain or workload["site"]["domain"], id_code)
    columns = {}
    for spec in workload["columns"]:
        parent = columns.get(spec["parent"]) if spec["parent"] else None
        slug = spec["slug"].split("-")[-1]
        columns[spec["slug"]] = column(site, slug, spec["title"], parent, parent is None, spec["weight"])
    insert_articles(site, [(columns[a["column"]], a) for a in workload["articles"]], user)
    return site


def load_columns(sizes: list[int], seed: int = SEED) -> tuple[Site, list[Column], list[dict]]:
    """The incremental benchmark's site: one channel column per size; spare articles for approvals."""
    workload = generate(sum(sizes) + 10, seed)
    user = bench_user()
    site = make_site("示例区人民政府", "www.bench.gov.cn", "1399000002")
    columns, rows, taken = [], [], 0
    for n, size in enumerate(sizes):
        col = column(site, f"c{size}", f"{size}篇的栏目", channel=True, order=n)
        columns.append(col)
        for art in workload["articles"][taken : taken + size]:
            rows.append((col, art))
        taken += size
    insert_articles(site, rows, user)
    return site, columns, workload["articles"][taken:]
