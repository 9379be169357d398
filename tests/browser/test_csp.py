"""The Content-Security-Policy breaks nothing: the back office's rich-text editor starts, and
published pages load without a single violation (SEC-7)."""

import pytest

from publishing.publisher import publish_site
from tests.backoffice.conftest import sites  # noqa: F401 (fixture)
from tests.browser.conftest import site_url
from tests.helpers import admin_url, browser_log_in
from tests.rendering.conftest import DOMAIN, Builder

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def watch_violations(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console", lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_the_rich_text_editor_runs_under_the_back_office_policy(sites, live_server, browser_page):  # noqa: F811 (SEC-7)
    page = browser_page
    problems = watch_violations(page)
    browser_log_in(page, live_server.url, sites.a.users["editor"])

    url = live_server.url + admin_url("resources_resource_add") + f"?kind=article&site={sites.a.site.pk}"
    response = page.goto(url)

    assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
    page.locator(".prose-menubar").first.wait_for()  # the editor's module loaded through the import map
    editor = page.locator(".ProseMirror[contenteditable=true]:visible").first
    editor.click()
    page.keyboard.type("政务公开")
    assert "政务公开" in editor.inner_text()
    assert problems == []


def test_published_pages_load_without_violations(settings, tmp_path, live_server, browser_page):  # SEC-7
    settings.PUBLISH_ROOT = tmp_path / "publish"
    settings.MEDIA_ROOT = tmp_path / "media"
    b = Builder(settings.PUBLISH_ROOT)
    news = b.column("xwzx", "新闻中心", channel=True)
    article = b.article(news, "示例市召开全市工作会议", data={"body": "<p>会议指出。</p>"})
    publish_site(b.site.pk)
    page = browser_page
    problems = watch_violations(page)

    for path in ("/", f"/xwzx/{article.pk}.html", "/no-such-page.html"):
        page.goto(site_url(live_server, DOMAIN, path))
        assert page.locator("h1").first.inner_text()

    assert problems == []
