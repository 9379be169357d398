"""A small platform for the lifecycle tests: a city portal, a department site under it, their
notices and news columns, their staff, and helpers that publish and read the public pages.

Sites are written by factories (online already); everything the tests look at is done through
the actions, with the publishing that follows a commit run at once (`committed`).
"""

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from auditlog.models import AuditEntry
from columns.models import Column
from editorial import drafts as resource_actions
from editorial import workflow
from lifecycle import site_settings as site_actions
from resources.models import ResourceKind
from sites.models import Role, SiteStatus
from tests.factories import ColumnFactory, DepartmentSiteFactory, MembershipFactory, SiteFactory, UserFactory
from tests.resources.factories import pdf_bytes

CHINA = dt.timezone(dt.timedelta(hours=8))


def member(site, role, username):
    return MembershipFactory(site=site, role=role, user=UserFactory(username=username)).user


def column(site, slug, name, column_type="工作动态", **fields):
    return ColumnFactory(site=site, slug=slug, name=name, column_type=column_type, **fields)


@dataclass
class Staff:
    admin: object
    editor: object
    reviewer: object


@dataclass
class Platform:
    platform_admin: object
    city: object
    city_staff: Staff
    city_notices: Column
    city_news: Column
    dept: object
    dept_staff: Staff
    dept_notices: Column
    dept_news: Column
    # A second platform administrator: whoever applies never decides their own application (SITE-11).
    other_admin: object = None

    def staff(self, site, tag):
        return Staff(
            admin=member(site, Role.SITE_ADMIN, f"{tag}-admin"),
            editor=member(site, Role.EDITOR, f"{tag}-editor"),
            reviewer=member(site, Role.REVIEWER, f"{tag}-reviewer"),
        )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the actions queued on commit (publishing) at the end of the block."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run


@pytest.fixture
def platform(db, settings):
    settings.PUBLIC_URL_SCHEME = "https"
    admin = UserFactory(username="platform-admin", is_platform_admin=True)
    city = SiteFactory(
        name="示范市人民政府", status=SiteStatus.ONLINE, id_code="1399000001", icp_number="冀ICP备20260001号",
        psb_number="冀公网安备 13999902000001号", conac_mark="DEMO-1",
    )  # fmt: skip
    dept = DepartmentSiteFactory(
        name="示范市水务局", parent=city, status=SiteStatus.ONLINE, id_code="1399000004",
        icp_number="冀ICP备20260001号-4", psb_number="冀公网安备 13999902000004号", conac_mark="DEMO-4",
    )  # fmt: skip
    p = Platform(
        platform_admin=admin,
        city=city,
        city_staff=None,
        city_notices=column(city, "tzgg", "通知公告", "通知公告", is_channel=True),
        city_news=column(city, "xwzx", "新闻中心", is_channel=True),
        dept=dept,
        dept_staff=None,
        dept_notices=column(dept, "tzgg", "通知公告", "通知公告", is_channel=True),
        dept_news=column(dept, "gzdt", "工作动态", is_channel=True),
    )
    p.city_staff = p.staff(city, "city")
    p.dept_staff = p.staff(dept, "dept")
    p.other_admin = UserFactory(username="other-platform-admin", is_platform_admin=True)
    return p


# A column of every required kind (COL-3), as SITE-11 asks of a site that goes online.
REQUIRED_COLUMNS = [
    ("jgzn", "机构职能", "机构职能"),
    ("ldxx", "领导信息", "负责人信息"),
    ("zcwj", "政策文件", "政策文件"),
    ("zcjd", "政策解读", "政策解读"),
    ("gzdt", "工作动态", "工作动态"),
    ("hdjl", "互动交流", "互动交流"),
]


def complete_for_opening(site, staff, acting_user):
    """What SITE-11 asks besides the approval, ID code and security check: the required columns
    with published content, and the ICP, public-security and Party/government mark registrations."""
    for slug, name, column_type in REQUIRED_COLUMNS:
        target = Column.objects.filter(site=site, column_type=column_type).first() or column(
            site, slug, name, column_type
        )
        publish_article(site, target, f"{name}栏目的第一篇内容", staff)
    site.icp_number, site.psb_number, site.conac_mark = "冀ICP备20260009号", "冀公网安备 13999902000009号", "DEMO-9"
    site_actions.update_site(site, acting_user=acting_user)
    return site


def publish_article(site, column, title, staff, body="<p>正文。</p>"):
    """An article written, submitted and approved through the real actions."""
    resource = resource_actions.create_resource(
        site, ResourceKind.ARTICLE, title=title, metadata={"source": site.name}, data={"body": body},
        column=column, acting_user=staff.editor,
    )  # fmt: skip
    workflow.submit(resource, acting_user=staff.editor)
    workflow.approve(resource, acting_user=staff.reviewer)
    resource.refresh_from_db()
    return resource


def page(site_or_domain, path="index.html") -> str | None:
    """A published file of a site (by its current primary domain), or None."""
    domain = site_or_domain if isinstance(site_or_domain, str) else site_or_domain.primary_domain
    target = Path(settings.PUBLISH_ROOT) / domain / path
    return target.read_text(encoding="utf-8") if target.is_file() else None


def public_get(host: str, path: str = "/"):
    return Client(HTTP_HOST=host).get(path)


def routed(host: str) -> bool:
    """nginx hands every request of `host` to the public process first (PUBLISH_ROOT/.routes)."""
    return (Path(settings.PUBLISH_ROOT) / ".routes" / host).is_file()


def report(name="report.pdf"):
    """A real PDF: reports go through the library's checks (resources/uploads.py)."""
    return SimpleUploadedFile(name, pdf_bytes("security check report"), content_type="application/pdf")


def audit_actions(site=None) -> list[str]:
    entries = AuditEntry.objects.all() if site is None else AuditEntry.objects.filter(site=site)
    return list(entries.order_by("id").values_list("action", flat=True))


def at(year, month, day, hour=9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=CHINA)


def soon(days=1, hours=0) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days, hours=hours)
