"""A citizen browses a published site in real Chromium, on a desktop and on a phone (TPL-5, TPL-7,
TPL-9, LINK-3, COL-4, COL-6): home → channel → column → article; the font-size and contrast
switches; the notice before a non-government site; no console or script errors anywhere."""

import re
from urllib.parse import quote

import pytest

from tests.browser.conftest import DESKTOP, PHONE, site_url
from tests.browser.sample_sites import EXTERNAL_URL, GOVERNMENT_URL

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CHANNELS = ["首页", "政务公开", "新闻中心", "通知公告"]  # 互动交流 has no content (COL-4)


def url(live_server, sample_platform, name_or_path: str) -> str:
    path = sample_platform.paths.get(name_or_path, name_or_path)
    return site_url(live_server, sample_platform.domain, path)


def channel_nav(page):
    return page.get_by_role("navigation", name="频道导航")


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def font_px(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def background(page, selector: str = "body") -> str:
    return page.locator(selector).first.evaluate("e => getComputedStyle(e).backgroundColor")


def browse_home_channel_column_article(page, live_server, sample_platform):
    page.goto(url(live_server, sample_platform, "home"))
    nav = channel_nav(page)
    assert nav.is_visible()
    assert nav.get_by_role("link").all_inner_texts() == CHANNELS  # COL-4: no empty channel; COL-6: ≤ 8
    assert nav.get_by_role("link", name="首页").get_attribute("aria-current") == "page"
    assert page.get_by_role("searchbox", name="站内搜索").is_visible()  # TPL-1
    home_block = page.get_by_role("heading", level=2, name="新闻中心")
    assert home_block.is_visible()

    nav.get_by_role("link", name="新闻中心").click()
    page.wait_for_url(re.compile(r"/xwzx/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "新闻中心"
    assert channel_nav(page).get_by_role("link", name="新闻中心").get_attribute("aria-current") == "page"

    page.get_by_role("main").get_by_role("link", name="工作动态", exact=True).click()
    page.wait_for_url(re.compile(r"/xwzx/gzdt/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "工作动态"
    items = page.get_by_role("main").locator("ul.list > li > a")
    assert items.first.inner_text() == "示例市召开全市工作会议"  # the newest first (COL-5)
    assert page.get_by_role("navigation", name="分页").get_by_role("link", name="第1页").is_visible()

    items.first.click()
    page.wait_for_url(re.compile(r"/xwzx/gzdt/\d+\.html$"))
    article = page.get_by_role("article")
    assert article.get_by_role("heading", level=1).inner_text() == "示例市召开全市工作会议"  # TPL-5
    info = article.locator(".info").inner_text()
    assert re.search(r"发布时间：\d{4}-\d\d-\d\d \d\d:\d\d", info) and "来源：示例市人民政府办公室" in info
    assert "会议指出，要持续优化营商环境" in article.inner_text()
    crumbs = page.get_by_role("navigation", name="当前位置").get_by_role("listitem").all_inner_texts()
    assert crumbs == ["首页", "新闻中心", "工作动态", "正文"]
    assert article.get_by_role("link", name="纠错").is_visible()
    assert article.get_by_role("button", name="打印本页").is_visible()  # the script shows it
    assert page.get_by_role("navigation", name="上一篇和下一篇").is_visible()
    assert article.get_by_role("img", name="会议现场").first.is_visible()
    return page


def test_browse_home_channel_article_on_a_desktop(sample_platform, live_server, new_page):  # TPL-5, COL-4, COL-6
    page = new_page(viewport=DESKTOP)
    browse_home_channel_column_article(page, live_server, sample_platform)
    nav_box = channel_nav(page).bounding_box()
    assert nav_box["height"] < 80  # one row of channels on a desktop
    assert horizontal_overflow(page) == 0
    assert page.problems == []


def test_browse_on_a_phone_without_horizontal_scrolling(sample_platform, live_server, new_page):  # TPL-7
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page.goto(url(live_server, sample_platform, "home"))
    for link in channel_nav(page).get_by_role("link").all():  # every channel can be seen and tapped
        box = link.bounding_box()
        assert link.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["height"] >= 24  # big enough to tap (WCAG 2.5.8)
    browse_home_channel_column_article(page, live_server, sample_platform)
    for name in ("home", "channel", "column", "archive", "article", "policy", "leaders", "leader", "institutions",
                 "notices", "sitemap", "search", "external", "404"):  # fmt: skip
        page.goto(url(live_server, sample_platform, name))
        assert horizontal_overflow(page) == 0, f"{name} scrolls sideways on a phone"
    assert page.problems == []


def test_font_size_switch_enlarges_text_and_persists(sample_platform, live_server, new_page):  # TPL-5, TPL-9
    page = new_page()
    page.goto(url(live_server, sample_platform, "article"))
    tools = page.locator("#a11y-tools")
    assert tools.is_visible()
    normal = font_px(page, ".body p")

    tools.get_by_role("button", name="大").click()
    larger = font_px(page, ".body p")
    assert larger >= normal * 1.15

    channel_nav(page).get_by_role("link", name="通知公告").click()  # another page keeps the choice
    page.wait_for_url(re.compile(r"/tzgg/$"))
    assert font_px(page, "main h1") > 1.15 * 1.6 * 16
    page.get_by_role("main").get_by_role("link", name="关于开展政务服务满意度调查的通知").click()
    page.wait_for_url(re.compile(r"/tzgg/\d+\.html$"))
    assert font_px(page, ".body p") == larger

    page.locator("#a11y-tools").get_by_role("button", name="小").click()
    assert font_px(page, ".body p") < normal
    page.locator("#a11y-tools").get_by_role("button", name="中").click()
    assert font_px(page, ".body p") == normal
    page.reload()
    assert font_px(page, ".body p") == normal
    assert page.problems == []


def test_high_contrast_switch(sample_platform, live_server, new_page):  # TPL-9
    page = new_page()
    page.goto(url(live_server, sample_platform, "article"))
    switch = page.get_by_role("button", name="高对比度")
    assert switch.get_attribute("aria-pressed") == "false"
    assert background(page) == "rgb(255, 255, 255)"

    switch.click()
    assert switch.get_attribute("aria-pressed") == "true"
    assert background(page) == "rgb(0, 0, 0)"
    assert background(page, ".site-header") == "rgb(0, 0, 0)"
    assert page.locator(".body p").first.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 0)"

    channel_nav(page).get_by_role("link", name="政务公开").click()  # the choice is kept
    page.wait_for_url(re.compile(r"/zwgk/$"))
    assert background(page) == "rgb(0, 0, 0)"
    switch = page.get_by_role("button", name="高对比度")
    assert switch.get_attribute("aria-pressed") == "true"
    switch.click()
    assert switch.get_attribute("aria-pressed") == "false"
    assert background(page) == "rgb(255, 255, 255)"
    assert page.problems == []


def test_a_link_to_a_non_government_site_shows_the_notice_first(sample_platform, live_server, new_page):  # LINK-3
    page = new_page()
    page.route("https://www.example.com/**", lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", body="<!DOCTYPE html><title>外部网站</title><p>外部网站</p>"))  # fmt: skip
    page.goto(url(live_server, sample_platform, "article"))
    body = page.locator(".body")
    assert body.get_by_role("link", name="中国政府网政策库").get_attribute("href") == GOVERNMENT_URL  # no notice
    body.get_by_role("link", name="第三方统计报告").click()

    page.wait_for_url(re.compile(r"/-/external\.html\?url="))
    assert page.get_by_role("heading", level=1).inner_text() == "您即将离开本网站"
    assert f"目标地址：{EXTERNAL_URL}" in page.get_by_role("main").inner_text()
    go = page.get_by_role("link", name="继续访问")
    assert go.is_visible()
    assert go.get_attribute("href") == EXTERNAL_URL
    assert set(go.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
    assert page.get_by_role("link", name="返回首页").is_visible()
    go.click()
    page.wait_for_url(EXTERNAL_URL)
    assert page.locator("p").inner_text() == "外部网站"
    assert page.problems == []


def test_a_listed_link_to_a_non_government_site_shows_the_notice_first(
    sample_platform, live_server, new_page
):  # LINK-3
    page = new_page()
    page.goto(url(live_server, sample_platform, "notices"))
    main = page.get_by_role("main")
    assert main.get_by_role("link", name="中国政府网").get_attribute("href") == GOVERNMENT_URL
    main.get_by_role("link", name="第三方满意度调查平台").click()
    page.wait_for_url(re.compile(r"/-/external\.html\?url="))
    assert page.get_by_role("link", name="继续访问").get_attribute("href") == EXTERNAL_URL
    assert page.problems == []


def test_the_notice_refuses_an_address_that_is_not_a_web_page(sample_platform, live_server, new_page):  # LINK-3
    page = new_page()
    page.goto(url(live_server, sample_platform, "/-/external.html?url=" + quote("javascript:alert(1)", safe="")))
    assert page.get_by_text("这个链接地址无效，无法继续访问。").is_visible()
    assert not page.get_by_role("link", name="继续访问").is_visible()
    assert page.problems == []


def test_no_console_or_script_errors_on_any_kind_of_page(sample_platform, live_server, new_page):  # TPL-7
    page = new_page()
    seen = []
    for name, path in sample_platform.paths.items():
        response = page.goto(url(live_server, sample_platform, path))
        expected = 404 if name == "404" else 200
        assert response.status == expected, f"{name}: {path} answered {response.status}"
        assert page.locator("h1").first.inner_text(), f"{name} has no heading"
        seen.append(name)
    page.goto(url(live_server, sample_platform, "/search/?q=" + quote("会议")))
    assert page.problems == []
    assert len(seen) == len(sample_platform.paths)
