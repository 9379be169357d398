"""A citizen searches from a published page and follows a result (SRCH-1, SRCH-2, SRCH-3)."""

import re

import pytest

from publishing.publisher import publish_site
from tests.browser.conftest import site_url
from tests.search.conftest import build, corpus, fresh_search_state  # noqa: F401 (the search corpus fixtures)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_search_from_a_published_page_and_follow_a_result(corpus, live_server, browser_page):  # noqa: F811 (SRCH-1..3)
    publish_site(corpus.portal.pk)
    page = browser_page
    page.goto(site_url(live_server, "www.example.gov.cn"))
    page.get_by_role("searchbox", name="站内搜索").fill("shebao")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=shebao"))
    assert page.get_by_role("heading", level=1).inner_text() == "站内搜索"
    assert "已将拼音“shebao”按“社保”搜索" in page.content()
    results = page.get_by_role("region", name="搜索结果").get_by_role("link")
    assert results.first.inner_text() == "我市社保卡服务网点全面开通"
    # suggestions appear as the user types (the small script)
    field = page.get_by_role("combobox", name="搜索关键词")
    field.fill("")
    field.press_sequentially("公积", delay=50)
    option = page.get_by_role("option", name="关于调整住房公积金缴存基数的通知")
    option.wait_for()
    # follow the first result to its published page
    results.first.click()
    page.wait_for_url(re.compile(rf"/xwzx/{corpus.shebao.pk}\.html$"))
    assert page.get_by_role("heading", level=1).inner_text() == "我市社保卡服务网点全面开通"


def test_the_header_box_of_published_pages_suggests_too(corpus, live_server, browser_page):  # noqa: F811 (SRCH-2)
    publish_site(corpus.portal.pk)
    page = browser_page
    scripts = []
    page.on("request", lambda request: scripts.append(request.url) if "suggest.js" in request.url else None)
    page.goto(site_url(live_server, "www.example.gov.cn"))
    assert scripts == []  # fetched only when the box is used

    box = page.get_by_role("searchbox", name="站内搜索")
    box.click()
    field = page.get_by_role("combobox", name="站内搜索")
    field.press_sequentially("公积", delay=50)
    option = page.get_by_role("option", name="关于调整住房公积金缴存基数的通知")
    option.wait_for()
    assert len(scripts) == 1
    option.click()

    page.wait_for_url(re.compile(r"/search/\?q="))
    assert page.get_by_role("combobox", name="搜索关键词").input_value() == "关于调整住房公积金缴存基数的通知"


def test_search_page_works_without_javascript(corpus, live_server, browser_page):  # noqa: F811
    publish_site(corpus.portal.pk)
    context = browser_page.context.browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(site_url(live_server, "www.example.gov.cn", "/search/?q=%E7%A4%BE%E6%8A%A5"))
    assert "以下是“社保”的搜索结果" in page.inner_text("main")
    page.get_by_role("link", name="2019年").click()
    page.wait_for_url(re.compile(r"year=2019"))
    links = page.get_by_role("region", name="搜索结果").get_by_role("link")
    assert links.all_inner_texts() == ["社保待遇调整工作部署会召开"]
    context.close()
