"""A published site with catalogue entries written directly (as disclosure/catalogue.py leaves them),
for the tests of the disclosure pages (DISC-2, DISC-3, DISC-5)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from disclosure.models import CatalogueEntry, Organisation, SubjectCategory
from publishing.publisher import publish_site
from tests.rendering.conftest import Builder, parse

__all__ = ["catalogue", "entry", "parse", "pages_site", "publish_site"]


def entry(resource, organisation, subject=None, **fields):
    serial = CatalogueEntry.objects.filter(organisation=organisation).count() + 1
    values = dict(index_number=f"{organisation.code}/2024-{serial:05d}", made_on=dt.date(2024, 6, 1),
                  document_number="", issuing_organisation="", written_on=None)  # fmt: skip
    values.update(fields)
    return CatalogueEntry.objects.create(resource=resource, organisation=organisation, subject=subject, **values)


def catalogue(build: Builder, resources, subject=None, **fields):
    return [entry(r, build.org, subject, **fields) for r in resources]


@pytest.fixture
def pages_site(db, settings, tmp_path, monkeypatch):
    """A portal: 政务公开 (信息公开目录) with 政策文件 and 依申请公开 beneath it, and a news channel."""
    monkeypatch.setattr("publishing.site_publisher.PARTIAL_FALLBACK", False)  # partial loads must be complete
    settings.PUBLISH_ROOT = tmp_path / "publish"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_URL_SCHEME = "https"
    b = Builder(Path(settings.PUBLISH_ROOT))
    b.zwgk = b.column("zwgk", "政务公开", channel=True, column_type="信息公开目录")
    b.zcwj = b.column("zcwj", "政策文件", parent=b.zwgk, column_type="政策文件")
    b.ysq = b.column("ysqgk", "依申请公开", parent=b.zwgk, column_type="依申请公开")
    b.xwzx = b.column("xwzx", "新闻中心", channel=True)
    b.gzdt = b.column("gzdt", "工作动态", parent=b.xwzx)
    b.org = Organisation.objects.create(site=b.site, name="示例市人民政府办公室", code="13990000X")
    b.education, _ = SubjectCategory.objects.get_or_create(
        code="test-jiaoyu", defaults={"name": "测试教育", "position": 90}
    )
    b.health, _ = SubjectCategory.objects.get_or_create(
        code="test-weisheng", defaults={"name": "测试卫生", "position": 91}
    )
    return b
