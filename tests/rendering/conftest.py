"""Fixtures for the rendering and publishing tests: rows written directly, files under tmp_path."""

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import User
from columns.models import Column
from editorial.models import Placement, PlacementStatus
from resources.models import Disclosure, Resource, ResourceKind, ResourceStatus, Revision
from sites.models import Domain, Site, SiteKind, SiteStatus

DOMAIN = "www.example.gov.cn"
BASE = timezone.make_aware(dt.datetime(2024, 6, 1, 9, 30), dt.timezone(dt.timedelta(hours=8)))


class Builder:
    """Writes sites, columns, resources, revisions and placements the way the workflow leaves them."""

    def __init__(self, root: Path):
        self.root = root
        self.user = User.objects.create(username="editor-render", real_name="编辑")
        self.clock = BASE
        self.site = self.make_site("示例市人民政府", DOMAIN)

    def make_site(self, name, domain, **fields):
        values = dict(
            kind=SiteKind.PORTAL,
            status=SiteStatus.ONLINE,  # only sites that may be public are published
            name=name,
            unit_name=name,
            organiser=f"{name}办公室",
            operator="示例市大数据中心",
            contact_phone="0399-1234567",
            contact_email="web@example.gov.cn",
            contact_address="示例市人民路1号",
            id_code="1399000001" if domain == DOMAIN else "1399000002",
            icp_number="冀ICP备12345678号",
            psb_number="冀公网安备13060202000001号",
            conac_mark="bszs.conac.cn.123",
        )
        values.update(fields)
        site = Site.objects.create(**values)
        Domain.objects.create(site=site, name=domain, is_primary=True)
        return site

    def column(self, slug, name, *, parent=None, channel=False, column_type="工作动态", site=None, **fields):
        fields.setdefault("description", f"{name}栏目发布的信息")
        return Column.objects.create(
            site=site or self.site,
            parent=parent,
            slug=slug,
            name=name,
            column_type=column_type,
            is_channel=channel,
            responsible_person="张三",
            **fields,
        )

    def tick(self, minutes=60):
        self.clock += dt.timedelta(minutes=minutes)
        return self.clock

    def resource(self, column, title, *, kind=ResourceKind.ARTICLE, data=None, metadata=None, site=None,
                 when=None, pinned=False, publish=True):  # fmt: skip
        when = when or self.tick()
        metadata = {"source": "示例市人民政府办公室", "author": "李明", "keywords": "政务,公开", **(metadata or {})}
        if data is None:
            data = {"body": f"<p>{title}的正文。</p>", "summary": f"{title}的摘要"}
        resource = Resource.objects.create(
            site=site or column.site,
            kind=kind,
            column=column,
            title=title,
            creator=self.user,
            status=ResourceStatus.PUBLISHED if publish else ResourceStatus.DRAFT,
            published_at=when if publish else None,
            disclosure=Disclosure.PROACTIVE,  # as the final approval decides (PUB-10)
        )
        revision = Revision.objects.create(
            resource=resource, number=1, title=title, metadata=metadata, data=data, created_by=self.user
        )
        resource.current_revision = revision
        if publish:
            resource.published_revision = revision
        resource.save()
        Placement.objects.create(
            resource=resource,
            column=column,
            site=column.site,
            status=PlacementStatus.ACTIVE,
            placed_by=self.user,
            placed_at=when,
            pinned=pinned,
        )
        return resource

    def article(self, column, title, **kwargs):
        return self.resource(column, title, **kwargs)

    def many(self, column, count, prefix="文章"):
        """`count` published articles in one column, written in bulk."""
        resources, revisions, placements = [], [], []
        start = self.clock
        for n in range(count):
            when = start + dt.timedelta(minutes=n + 1)
            resources.append(
                Resource(
                    site=column.site,
                    kind=ResourceKind.ARTICLE,
                    column=column,
                    title=f"{prefix}{n}",
                    creator=self.user,
                    status=ResourceStatus.PUBLISHED,
                    published_at=when,
                    disclosure=Disclosure.PROACTIVE,
                )  # fmt: skip
            )
        resources = Resource.objects.bulk_create(resources)
        if not resources[0].pk:  # backends without RETURNING
            resources = list(Resource.objects.filter(column=column, title__startswith=prefix).order_by("id"))
        for resource in resources:
            revisions.append(
                Revision(
                    resource=resource,
                    number=1,
                    title=resource.title,
                    created_by=self.user,
                    metadata={"source": "本网"},
                    data={"body": f"<p>{resource.title}</p>"},
                )  # fmt: skip
            )
        Revision.objects.bulk_create(revisions)
        by_resource = dict(Revision.objects.filter(resource__in=resources).values_list("resource_id", "id"))
        for resource in resources:
            resource.published_revision_id = resource.current_revision_id = by_resource[resource.pk]
            placements.append(
                Placement(
                    resource=resource,
                    column=column,
                    site=column.site,
                    status=PlacementStatus.ACTIVE,
                    placed_by=self.user,
                    placed_at=resource.published_at,
                )  # fmt: skip
            )
        Resource.objects.bulk_update(resources, ["published_revision", "current_revision"])
        Placement.objects.bulk_create(placements)
        self.clock = start + dt.timedelta(minutes=count + 1)
        return resources

    def withdraw(self, resource):
        resource.published_revision = None
        resource.status = ResourceStatus.WITHDRAWN
        resource.save()

    def new_revision(self, resource, title, data=None):
        number = resource.revisions.count() + 1
        revision = Revision.objects.create(
            resource=resource, number=number, title=title, metadata=resource.published_revision.metadata,
            data=data or resource.published_revision.data, created_by=self.user,
        )  # fmt: skip
        resource.published_revision = revision
        resource.current_revision = revision
        resource.title = title
        resource.save()
        return revision

    def file(self, path: str) -> Path:
        return self.root / DOMAIN / path

    def read(self, path: str) -> str:
        return self.file(path).read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def strict_partial_loads(monkeypatch):
    """An incremental publish that misses an item of its partial load fails here (in production
    it renders from the whole site instead): the tests prove the partial loads complete."""
    monkeypatch.setattr("publishing.site_publisher.PARTIAL_FALLBACK", False)


@pytest.fixture
def publish_root(settings, tmp_path):
    settings.PUBLISH_ROOT = tmp_path / "publish"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_URL_SCHEME = "https"
    return settings.PUBLISH_ROOT


@pytest.fixture
def build(db, publish_root):
    return Builder(Path(publish_root))


@pytest.fixture
def portal(build):
    """A small portal: two channels with content, an empty channel, a policy column."""
    b = build
    b.zwgk = b.column("zwgk", "政务公开", channel=True, column_type="信息公开目录", keywords="政务公开,信息公开")
    b.zcwj = b.column("zcwj", "政策文件", parent=b.zwgk, column_type="政策文件", description="")
    b.xwzx = b.column("xwzx", "新闻中心", channel=True)
    b.gzdt = b.column("gzdt", "工作动态", parent=b.xwzx)
    b.empty = b.column("kong", "空栏目", channel=True)
    b.first = b.article(b.gzdt, "示例市召开全市工作会议", data={"body": "<p>会议指出。</p>", "summary": "全市工作会议"})
    b.second = b.article(b.gzdt, "示例市推进政务服务", metadata={"author": ""})
    b.policy = b.article(b.zcwj, "示例市关于加强管理的通知", kind=ResourceKind.POLICY,
                         data={"body": "<p>各区政府：</p>", "document_number": "示政发〔2024〕1号",
                               "issuing_body": "示例市人民政府", "validity": "valid"})  # fmt: skip
    return b


class PageParser(HTMLParser):
    """Meta tags, links, and the text of elements with an id or class we look at."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.links: list[str] = []
        self.srcs: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self._stack: list[str] = []
        self.sections: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "meta" and "name" in attrs:
            self.meta.setdefault(attrs["name"], []).append(attrs.get("content"))
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if "src" in attrs:
            self.srcs.append(attrs["src"])
        if tag in ("nav", "footer", "ol", "section", "main") and tag not in ("meta", "img", "input", "link", "br"):
            self._stack.append(attrs.get("aria-label") or attrs.get("class") or tag)

    def handle_endtag(self, tag):
        if tag in ("nav", "footer", "ol", "section", "main") and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        for name in self._stack:
            self.sections.setdefault(name, []).append(data)

    def section(self, name) -> str:
        return "".join(self.sections.get(name, [])).strip()


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser
