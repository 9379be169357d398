"""The demo platform's lifecycle: opened through the workflow, an archived topic, a site history (SITE-5 to SITE-9, COL-7).

A second run of load_demo changes nothing (tests/demo/test_demo_content.py checks the
audit log stays as it was).
"""

import io

import pytest
from django.core.management import call_command

from columns.models import Column
from demo import content as demo_content
from lifecycle.models import ApplicationKind, ApplicationStatus, ChangeFiling, FilingKind, StatusChange
from publishing.publisher import publish_site
from resources.models import Resource
from sites.models import Site, SiteStatus
from tests.lifecycle.conftest import page

pytestmark = pytest.mark.django_db


def test_the_demo_sites_have_a_lifecycle(monkeypatch, settings):  # SITE-5, SITE-6, SITE-8, SITE-9, COL-7
    monkeypatch.setattr(demo_content, "publish_sites", lambda sites: None)

    call_command("load_demo", stdout=io.StringIO())

    sites = {site.unit_name: site for site in Site.objects.all()}
    assert {site.status for site in sites.values()} == {SiteStatus.ONLINE}
    assert StatusChange.objects.filter(before=SiteStatus.APPROVED, after=SiteStatus.ONLINE).count() == 5
    city = sites["示范市人民政府"]
    announcements = Resource.objects.filter(site=city, title__endswith="开通上线的公告")
    assert announcements.count() == 4  # the county and the three departments, on the city portal
    assert all(r.column.column_type == "通知公告" and r.published_revision_id for r in announcements)

    topic = Column.objects.get(site=city, slug="cwcj")
    assert topic.column_type == "专题专栏" and topic.archived_at is not None
    assert Resource.objects.filter(column=topic, published_revision__isnull=False).count() == 3
    publish_site(city.pk)
    area = page(city, "topics.html")
    assert "创建全国文明城市" in area and "已归档" in area
    assert "已归档" in page(city, "cwcj/index.html")

    water = sites["示范市水务局"]
    offline = water.applications.get(kind=ApplicationKind.OFFLINE)
    assert offline.status == ApplicationStatus.APPROVED
    assert ChangeFiling.objects.filter(site=water, kind=FilingKind.PERSON_IN_CHARGE).exists()
    education = sites["示范市教育局"]
    assert education.applications.get(kind=ApplicationKind.OFFLINE).status == ApplicationStatus.PENDING
