"""A small published portal for the security tests (files under tmp_path)."""

import pytest

from publishing.publisher import publish_site
from tests.backoffice.conftest import login, sites  # noqa: F401 (fixtures used here too)
from tests.rendering.conftest import DOMAIN, Builder  # noqa: F401 (DOMAIN is re-exported)


@pytest.fixture
def publish_root(settings, tmp_path):
    settings.PUBLISH_ROOT = tmp_path / "publish"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TAMPER_QUARANTINE_ROOT = tmp_path / "quarantine"
    settings.PUBLIC_URL_SCHEME = "https"
    return settings.PUBLISH_ROOT


@pytest.fixture
def published(db, publish_root):
    """A portal with a channel, a column and two articles, published under PUBLISH_ROOT."""
    b = Builder(publish_root)
    b.xwzx = b.column("xwzx", "新闻中心", channel=True)
    b.gzdt = b.column("gzdt", "工作动态", parent=b.xwzx)
    b.first = b.article(b.gzdt, "示例市召开全市工作会议", data={"body": "<p>会议指出。</p>", "summary": "会议"})
    b.second = b.article(b.gzdt, "示例市推进政务服务")
    b.report = publish_site(b.site.pk)
    b.site_root = publish_root / DOMAIN
    b.article_path = f"xwzx/gzdt/{b.first.pk}.html"
    return b
