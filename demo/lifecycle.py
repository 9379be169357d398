"""The lifecycle of the demo sites (SITE-5 to SITE-9, COL-7), built by `manage.py load_demo`.

- Opening: a new demo site is applied for (by its portal's administrator; the city portal, which
  has none above it, by the loader itself) and approved by the platform administrator, so that
  the one who decides is not the one who applied (SITE-11). Once it has its columns, content and
  a passed security check (with a small report) it goes online through lifecycle.opening,
  so its portal carries the opening announcement (开通公告).
- The city portal has a topic of a past campaign with a few articles, archived: its pages say
  “已归档”, and the topic area (topics.html) keeps it.
- The water authority filed a change of its person in charge (变更备案) and has an approved
  temporary offline period for maintenance next month; the education bureau's application for
  one waits for the platform administrator.

Idempotent: each piece is recognised (the topic by its column, the applications by their reason,
the filing by its kind) and made once, through the actions.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from columns.models import Column
from demo import data as demo_data
from demo import images as demo_images
from editorial import drafts as resource_actions
from editorial import workflow
from lifecycle import archiving, decisions, offline, opening
from lifecycle import site_settings as site_actions
from lifecycle.column_changes import create_column
from lifecycle.models import ApplicationKind, ApplicationStatus, ChangeFiling, FilingKind, SiteApplication
from resources.models import Resource, ResourceKind
from sites.models import Site, SiteStatus

TOPIC = {
    "slug": "cwcj",
    "name": "创建全国文明城市",
    "description": "示范市创建全国文明城市工作的部署、进展和成果（专项工作已结束）",
    "articles": [
        ("示范市召开创建全国文明城市动员大会", "全市动员部署创建全国文明城市工作，明确三年目标和责任分工。"),
        ("创文测评指标任务分解到各区县和部门", "市创文办印发测评指标任务分解方案，逐项明确牵头和配合单位。"),
        ("示范市顺利通过全国文明城市年度测评", "经中央文明办测评，示范市创建全国文明城市年度测评成绩位居前列。"),
    ],
}
MAINTENANCE = "机房供电线路改造，网站暂停服务"
EDUCATION_OFFLINE = "网站改版上线前的数据迁移"
OPENING_REASON = "按照政府网站集约化建设要求，在平台上开设本单位网站"
REPORT_LINES = ("Security check report (demo)", "No high or medium risk found.")


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _platform_admin() -> User:
    return _user(demo_data.PLATFORM_ADMIN["username"])


def apply_and_approve(site: Site, *, primary_domain: str, parent_key: str | None) -> Site:
    """Register a new demo site through its opening application and the platform administrator's approval."""
    applicant = _account(parent_key, "admin") if parent_key else None  # None: the loader itself
    application = opening.apply_for_site(site, primary_domain=primary_domain, reason=OPENING_REASON,
                                         acting_user=applicant)  # fmt: skip
    decisions.approve(application, note="同意开设", acting_user=_platform_admin())
    site.refresh_from_db()
    return site


def open_site(site: Site) -> bool:
    """An approved demo site with its content: its security check passed, then online with its announcement."""
    if site.status != SiteStatus.APPROVED:
        return False
    admin = _platform_admin()
    report = ContentFile(demo_images.report_pdf(REPORT_LINES), name=f"{site.primary_domain}-security-check.pdf")
    opening.record_security_check(site, passed=True, report=report, note="等保测评和渗透测试通过", acting_user=admin)
    opening.go_online(site, acting_user=admin)
    return True


def _account(site_key: str, role: str) -> User:
    return _user(f"{site_key}_{role}")


def _archived_topic(city: Site) -> int:
    column = Column.objects.filter(site=city, parent=None, slug=TOPIC["slug"]).first()
    created = 0
    if column is None:
        order = Column.objects.filter(site=city, parent=None).count()
        column = create_column(
            Column(site=city, slug=TOPIC["slug"], name=TOPIC["name"], description=TOPIC["description"],
                   keywords=f"示范市,{TOPIC['name']},专题专栏", column_type="专题专栏", sort_order=order,
                   responsible_person="张建华", responsible_phone=city.contact_phone, update_interval_days=30),
            acting_user=None,
        )  # fmt: skip
    editor, reviewer = _account(demo_data.CITY, "editor"), _account(demo_data.CITY, "reviewer")
    existing = set(Resource.objects.filter(site=city, column=column).values_list("title", flat=True))
    for title, summary in TOPIC["articles"]:
        if title in existing:
            continue
        resource = resource_actions.create_resource(
            city, ResourceKind.ARTICLE, title=title, column=column, acting_user=editor,
            metadata={"source": "示范市创建全国文明城市工作领导小组办公室", "author": "市创文办"},
            data={"body": f"<p>{summary}</p><p>详细情况请关注{TOPIC['name']}专题。</p>", "summary": summary},
        )  # fmt: skip
        workflow.submit(resource, acting_user=editor)
        workflow.approve(resource, acting_user=reviewer)
        created += 1
    column.refresh_from_db()
    if column.archived_at is None:
        archiving.archive_column(column, acting_user=_account(demo_data.CITY, "admin"))
    return created


def _maintenance(site: Site) -> int:
    if SiteApplication.objects.filter(site=site, kind=ApplicationKind.OFFLINE, reason=MAINTENANCE).exists():
        return 0
    start = timezone.localtime().replace(hour=22, minute=0, second=0, microsecond=0) + dt.timedelta(days=30)
    try:
        application = offline.apply_for_offline(site, starts_at=start, ends_at=start + dt.timedelta(hours=8),
                                                reason=MAINTENANCE, acting_user=_account("swj", "admin"))  # fmt: skip
    except ValidationError:  # e.g. the one offline period of that year is taken already
        return 0
    if application.status == ApplicationStatus.PENDING:
        decisions.approve(application, note="同意，请提前在门户网站发布公告", acting_user=_platform_admin())
    return 1


def _pending(site: Site) -> int:
    if SiteApplication.objects.filter(site=site, reason=EDUCATION_OFFLINE).exists():
        return 0
    start = timezone.localtime().replace(hour=20, minute=0, second=0, microsecond=0) + dt.timedelta(days=45)
    try:
        offline.apply_for_offline(site, starts_at=start, ends_at=start + dt.timedelta(days=2),
                                  reason=EDUCATION_OFFLINE, acting_user=_account("jyj", "admin"))  # fmt: skip
    except ValidationError:  # as above
        return 0
    return 1


def _filing(site: Site) -> int:
    if ChangeFiling.objects.filter(site=site, kind=FilingKind.PERSON_IN_CHARGE).exists() or site.person_in_charge:
        return 0
    spec = next(spec for spec in demo_data.SITES if spec["key"] == "swj")
    site.person_in_charge = spec["staff"][0]
    site_actions.update_site(site, acting_user=_platform_admin())
    return 1


def build(sites: dict[str, Site]) -> dict[str, int]:
    """The demo's archived topic, applications and change filing; returns what was created."""
    for site in sites.values():
        site.refresh_from_db()
    return {
        "topic_articles": _archived_topic(sites[demo_data.CITY]),
        "applications": _maintenance(sites["swj"]) + _pending(sites["jyj"]),
        "filings": _filing(sites["swj"]),
    }
