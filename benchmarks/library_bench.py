"""Back-office benchmark of issue 3: the resource library and the review queue over 100,000 resources.

    createdb -h 127.0.0.1 -U postgres govbench_library   # once (done here when missing)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govbench_library .venv/bin/python benchmarks/library_bench.py

Loads (once; --reload to rebuild) 100,000 resources with their revisions over four sites and
their columns, in every kind and status, with placements, review submissions and check findings:
written in bulk (bulk_create and SQL), which is fine for a benchmark, then ANALYZEd. Then it asks
the back office for the library's change list (first page, a filtered page, a title search,
page 500) as a platform administrator and as a site editor, and for the review queue as a
site reviewer and as a reviewer of every site, through Django's test client (force_login,
HTTP_HOST=localhost), and prints the median and 95th percentile in milliseconds over --runs
requests, and the number of queries at 20, 50 and 100 rows a page (they must be equal).
"""

import argparse
import datetime as dt
import os
import random
import re
import statistics
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
# The test settings: plain static files (no collectstatic needed) and no HTTPS redirect.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govplatform.settings_test")
warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: no collectstatic needed here

TAG = "benchlib"
SITES = [  # name, domain, share of the resources (the first site has more than 500 pages of 100)
    ("基准市人民政府", f"www.{TAG}.gov.cn", 0.55),
    ("基准市教育局", f"jyj.{TAG}.gov.cn", 0.15),
    ("基准市卫生健康委员会", f"wsjkw.{TAG}.gov.cn", 0.15),
    ("基准市水务局", f"swj.{TAG}.gov.cn", 0.15),
]
COLUMNS = [("gzdt", "工作动态"), ("tzgg", "通知公告"), ("zcwj", "政策文件"), ("zcjd", "政策解读"), ("jgzn", "机构职能")]
KINDS = [("article", 70), ("image", 10), ("policy", 8), ("attachment", 5), ("interpretation", 3), ("institution", 2),
         ("leader", 2)]  # fmt: skip
STATUSES = [("published", 80), ("draft", 8), ("in_review", 7), ("returned", 3), ("withdrawn", 2)]
TOPICS = ["防汛抗旱", "森林防火", "优化营商环境", "乡村振兴", "安全生产", "义务教育招生", "家庭医生签约服务", "河湖长制",
          "数字政府建设", "养老服务", "城市更新", "就业创业"]  # fmt: skip
PATTERNS = ["{}工作推进会召开", "关于做好{}工作的通知", "{}工作取得阶段性成效", "扎实推进{}", "{}专项督查情况通报"]
SEARCH = "防汛"
PER_PAGE = (20, 50, 100)


def ensure_database() -> None:
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("note: DATABASE_URL is not PostgreSQL; the figures of issue 3 are for PostgreSQL")
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


# --- data -------------------------------------------------------------------------------------


def _weighted(rng, pairs):
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


def people():
    from accounts.models import User
    from sites.models import Domain, Membership, Role

    admin, _ = User.objects.get_or_create(
        username=f"{TAG}_admin", defaults={"is_platform_admin": True, "is_staff": True, "real_name": "基准管理员"}
    )
    team = {"admin": admin, "sites": []}
    for number, (_name, domain, _share) in enumerate(SITES):
        site = Domain.objects.get(name=domain).site
        users = {}
        for role in (Role.EDITOR, Role.REVIEWER):
            user, _ = User.objects.get_or_create(
                username=f"{TAG}_{number}_{role}", defaults={"is_staff": True, "real_name": f"基准{role}{number}"}
            )
            Membership.objects.get_or_create(user=user, site=site, role=role)
            users[role] = user
        team["sites"].append((site, users))
    everywhere, _ = User.objects.get_or_create(username=f"{TAG}_all_reviewer", defaults={"is_staff": True})
    for site, _users in team["sites"]:
        Membership.objects.get_or_create(user=everywhere, site=site, role=Role.REVIEWER)
    team["all_reviewer"] = everywhere
    return team


def load(total: int, seed: int = 3) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from columns.models import Column
    from editorial.models import Placement, ReviewFlag, WorkflowEvent
    from resources.models import Resource, Revision
    from sites.models import Domain, Site

    for _name, domain, _share in SITES:
        old = Domain.objects.filter(name=domain).first()
        if old is not None:
            with connection.cursor() as cursor:  # fast: no cascades through the ORM
                site_id = old.site_id
                for sql in (
                    "DELETE FROM editorial_reviewflag WHERE resource_id IN (SELECT id FROM resources_resource WHERE site_id = %s)",
                    "DELETE FROM editorial_workflowevent WHERE resource_id IN (SELECT id FROM resources_resource WHERE site_id = %s)",
                    "DELETE FROM editorial_placement WHERE site_id = %s",
                    "UPDATE resources_resource SET current_revision_id = NULL, published_revision_id = NULL, submitted_revision_id = NULL WHERE site_id = %s",
                    "DELETE FROM resources_revision WHERE resource_id IN (SELECT id FROM resources_resource WHERE site_id = %s)",
                    "DELETE FROM resources_resource WHERE site_id = %s",
                    "DELETE FROM sites_membership WHERE site_id = %s",
                ):  # fmt: skip
                    cursor.execute(sql, [site_id])
            for level in (2, 1, 0):
                for col in Column.objects.filter(site_id=site_id, level=level):
                    col.delete()
            Site.objects.filter(pk=site_id).delete()

    rng = random.Random(seed)
    sites = []
    for number, (name, domain, share) in enumerate(SITES):
        site = Site.objects.create(
            kind="portal", name=name, unit_name=name, organiser=f"{name}办公室", contact_phone="0399-1234567",
            contact_email=f"web@{TAG}.gov.cn", contact_address="基准市人民路1号", id_code=f"13999{number:05d}",
        )  # fmt: skip
        Domain.objects.create(site=site, name=domain, is_primary=True)
        columns = [
            Column.objects.create(site=site, slug=slug, name=label, description=f"{label}栏目", column_type=label[:4],
                                  responsible_person="张三", sort_order=order)
            for order, (slug, label) in enumerate(COLUMNS)
        ]  # fmt: skip
        sites.append((site, columns, share))
    team = people()
    editors = {site.pk: users["editor"] for site, users in team["sites"]}

    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        resources = []
        for site, columns, share in sites:
            for _ in range(round(total * share)):
                when = now - dt.timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
                title = rng.choice(PATTERNS).format(rng.choice(TOPICS)) + f"（第{rng.randint(1, 9999)}期）"
                resources.append(Resource(
                    site=site, kind=_weighted(rng, KINDS), column=rng.choice(columns), title=title,
                    source=site.name, author="基准作者", creator=editors[site.pk], created_at=when, updated_at=when,
                    status=_weighted(rng, STATUSES), published_at=when,
                ))  # fmt: skip
        Resource.objects.bulk_create(resources, batch_size=5000)
        revisions = [
            Revision(resource=r, number=1, title=r.title, metadata={"source": r.source}, created_by=r.creator,
                     data={"body": f"<p>{r.title}的正文。</p>"}, created_at=r.created_at)
            for r in resources
        ]  # fmt: skip
        Revision.objects.bulk_create(revisions, batch_size=5000)
        site_ids = [site.pk for site, _c, _s in sites]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE resources_resource r SET current_revision_id = v.id, "
                "published_revision_id = CASE WHEN r.status = 'published' THEN v.id END, "
                "submitted_revision_id = CASE WHEN r.status = 'in_review' THEN v.id END, "
                "submitted_at = CASE WHEN r.status = 'in_review' THEN r.updated_at END, "  # as submit() sets it
                "published_at = CASE WHEN r.status IN ('published', 'withdrawn') THEN r.published_at END "
                "FROM resources_revision v WHERE v.resource_id = r.id AND r.site_id = ANY(%s)",
                [site_ids],
            )
        published = [r for r in resources if r.status == "published"]
        Placement.objects.bulk_create(
            [Placement(resource=r, column_id=r.column_id, site_id=r.site_id, status="active", placed_by_id=r.creator_id,
                       placed_at=r.updated_at) for r in published],
            batch_size=5000,
        )  # fmt: skip
        in_review = [r for r in resources if r.status == "in_review"]
        by_resource = {revision.resource_id: revision for revision in revisions}
        WorkflowEvent.objects.bulk_create(
            [WorkflowEvent(resource=r, revision=by_resource[r.pk], action="submit", actor_id=r.creator_id,
                           time=r.updated_at) for r in in_review],
            batch_size=5000,
        )  # fmt: skip
        ReviewFlag.objects.bulk_create(
            [ReviewFlag(resource=r, revision=by_resource[r.pk], kind="mobile", field="data.body",
                        excerpt="联系电话:139****6666") for r in in_review[::10]],
            batch_size=5000,
        )  # fmt: skip
    if connection.vendor == "postgresql":
        # The bulk load wrote every resource twice (insert, then the revision links): compact the
        # tables as a library that grew over years would be, and give the planner its statistics.
        with connection.cursor() as cursor:
            for table in ("resources_resource", "resources_revision", "editorial_placement",
                          "editorial_workflowevent", "editorial_reviewflag"):  # fmt: skip
                cursor.execute(f"VACUUM FULL ANALYZE {table}")
    print(f"loaded {len(resources):,} resources in {time.perf_counter() - started:.1f} s")


# --- measuring --------------------------------------------------------------------------------


def rows_of(response) -> int:
    table = re.search(r'<table id="result_list">(.*?)</table>', response.content.decode(), re.S)
    return len(re.findall(r"<tr[ >]", table.group(1))) - 1 if table else 0


def measure(client, url, admin_instance, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm up: templates, query plans, caches
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    shown = rows_of(response)
    queries = []
    for per_page in PER_PAGE:
        original = admin_instance.list_per_page
        admin_instance.list_per_page = per_page
        try:
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
        finally:
            admin_instance.list_per_page = original
        queries.append(len(captured))
    return statistics.median(times), p95, shown, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--reload", action="store_true", help="load the resources again even if they are there")
    parser.add_argument(
        "--random-page-cost",
        type=float,
        help="set PostgreSQL's random_page_cost for this database first (1.1 is the usual value for SSDs; "
        "the server's default is 4, for spinning disks)",
    )
    args = parser.parse_args()
    setup()
    if args.random_page_cost is not None:
        from django.db import connection

        with connection.cursor() as cursor:
            name = connection.settings_dict["NAME"]
            cursor.execute(f'ALTER DATABASE "{name}" SET random_page_cost = {float(args.random_page_cost)}')
        connection.close()

    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from backoffice.review_admin import review_queue_admin
    from backoffice.site import backoffice
    from resources.models import Resource
    from sites.models import Domain

    main_domain = Domain.objects.filter(name=SITES[0][1]).first()
    loaded = Resource.objects.filter(site__domains__name__endswith=f".{TAG}.gov.cn").count() if main_domain else 0
    if args.reload or loaded != args.resources:
        load(args.resources)
    team = people()
    total = Resource.objects.count()
    version = connection.cursor().connection.info.server_version if connection.vendor == "postgresql" else ""
    cost = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW random_page_cost")
            cost = f", random_page_cost {cursor.fetchone()[0]}"
    print(f"database: {connection.vendor} {version} {connection.settings_dict['NAME']}{cost}; {total:,} resources")

    library = reverse("admin:resources_resource_changelist", urlconf="govplatform.urls_backoffice")
    queue = reverse("admin:resources_resource_review_queue", urlconf="govplatform.urls_backoffice")
    first_site, first_users = team["sites"][0]
    first_column = first_site.columns.order_by("pk").first()
    cases = [
        ("platform admin", team["admin"], [
            ("library: first page", library),
            ("library: filtered (site, kind, status)", f"{library}?site={first_site.pk}&kind__exact=article&status__exact=published"),
            (f"library: title search “{SEARCH}”", f"{library}?q={SEARCH}"),
            ("library: page 500", f"{library}?p=500"),
        ]),
        ("site editor", first_users["editor"], [
            ("library: first page", library),
            ("library: filtered (kind, status, column)",
             f"{library}?kind__exact=article&status__exact=draft&column={first_column.pk}"),
            (f"library: title search “{SEARCH}”", f"{library}?q={SEARCH}"),
            ("library: page 500", f"{library}?p=500"),
        ]),
        ("site reviewer", first_users["reviewer"], [("review queue", queue), ("review queue: page 20", f"{queue}?p=20")]),
        ("reviewer of 4 sites", team["all_reviewer"], [("review queue", queue)]),
    ]  # fmt: skip
    header = f"{'page':44} {'as':20} {'median ms':>10} {'p95 ms':>8} {'rows':>5}  queries at 20/50/100 rows"
    print(header)
    print("-" * len(header))
    for who, user, pages in cases:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        for label, url in pages:
            admin_instance = review_queue_admin if url.startswith(queue) else backoffice._registry[Resource]
            median, p95, shown, queries = measure(client, url, admin_instance, args.runs)
            same = "equal" if len(set(queries)) == 1 else "DIFFERENT"
            print(f"{label:44} {who:20} {median:10.1f} {p95:8.1f} {shown:5}  {'/'.join(map(str, queries))} ({same})")


if __name__ == "__main__":
    main()
