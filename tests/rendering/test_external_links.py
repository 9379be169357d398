"""Links leave government sites only through the external-link notice, with addresses read the way
browsers read them (LINK-3, SEC-7).

Browsers follow the WHATWG URL Standard, not RFC 3986: `https://evil.example\\.gov.cn/` leads to
evil.example. Every link a citizen can follow is checked here as a browser resolves it (ada-url,
the WHATWG parser Node.js uses) on the page it is on: in article bodies (cleaned on save, and as
stored before this check existed), in listed link resources (column pages and RSS), and in search
results. tests/browser/test_browsing.py does the same in Chromium for one page.
"""

import html
import re
from urllib.parse import parse_qs

import ada_url
import pytest

from publishing.jinja import href as href_filter
from publishing.publisher import publish_site
from resources.kinds import clean_revision_data
from resources.models import ResourceKind
from resources.sanitize import clean_html
from search.results import Hit
from tests.rendering.conftest import BASE, DOMAIN
from tests.security.payloads import LINK_BYPASSES

LINK_RE = re.compile(r'<a href="([^"]*)"[^>]*>(?:<[^>]+>)*绕过')


def destination(href: str, page: str) -> ada_url.URL:
    """Where a browser goes when the link `href` (as written in the HTML) is followed on `page`."""
    return ada_url.URL(html.unescape(href), page)


def assert_through_the_notice(href: str, page: str) -> None:
    """The link opens the notice of the page's own site, which names the real destination."""
    target = destination(href, page)
    assert (target.hostname, target.pathname) == (DOMAIN, "/-/external.html"), (href, target.href)
    shown = ada_url.URL(parse_qs(target.search[1:])["url"][0])
    assert shown.hostname == "evil.example", shown.href


def bypass_links(page_html: str) -> list[str]:
    return LINK_RE.findall(page_html)


@pytest.mark.parametrize("link", LINK_BYPASSES)
def test_a_body_link_that_leaves_for_another_host_goes_through_the_notice(portal, link):  # LINK-3
    body = clean_html(f'<p>正文<a href="{html.escape(link)}">绕过</a></p>')  # what the forms store
    stored_raw = f'<p>正文<a href="{html.escape(link)}">绕过</a></p>'  # saved before this check
    cleaned = portal.article(portal.gzdt, "清理后的外链", data={"body": body})
    raw = portal.article(portal.gzdt, "旧的外链", data={"body": stored_raw})
    publish_site(portal.site.pk, strict=False)
    for article in (cleaned, raw):
        path = f"xwzx/gzdt/{article.pk}.html"
        links = bypass_links(portal.read(path))
        for href in links:
            assert_through_the_notice(href, f"https://{DOMAIN}/{path}")
    assert len(bypass_links(portal.read(f"xwzx/gzdt/{raw.pk}.html"))) == 1  # still a link, to the notice


@pytest.mark.parametrize("link", LINK_BYPASSES)
def test_the_sanitiser_keeps_links_as_browsers_read_them(link):  # LINK-3, SEC-7
    # What is stored (and published) is the address that was checked: absolute, canonical, no
    # backslash, tab or control character for a browser to read differently.
    body = clean_html(f'<p><a href="{html.escape(link)}">绕过</a></p>')
    for href in bypass_links(body):
        href = html.unescape(href)
        target = destination(href, f"https://{DOMAIN}/xwzx/1.html")
        assert href == target.href and target.hostname == "evil.example", (link, href)
    assert clean_html(body) == body


def test_the_sanitiser_normalises_government_links():  # LINK-3, SEC-7
    body = clean_html(
        '<p><a href="HTTPS://WWW.SHIFAN\uff0eGOV\u3002CN\\zwgk\\1.html">市政府</a>'
        '<a href="//www.gov.cn/zhengce/">政策</a><a href="https://user:pw@www.gov.cn/">账号</a></p>'
    )
    assert re.findall(r'href="([^"]*)"', body) == [
        "https://www.shifan.gov.cn/zwgk/1.html",
        "https://www.gov.cn/zhengce/",
        "https://www.gov.cn/",  # no user name or password in a published link
    ]


def test_government_links_written_oddly_need_no_notice(portal):  # LINK-3
    body = '<p><a href="https://WWW.SHIFAN\uff0eGOV\u3002CN\\zwgk\\1.html">市政府</a></p>'  # stored unsanitised
    article = portal.article(portal.gzdt, "政府网站链接", data={"body": body})
    publish_site(portal.site.pk)
    assert 'href="https://www.shifan.gov.cn/zwgk/1.html"' in portal.read(f"xwzx/gzdt/{article.pk}.html")


@pytest.mark.parametrize("link", LINK_BYPASSES)
def test_a_listed_link_resource_goes_through_the_notice(portal, link):  # LINK-3
    portal.resource(portal.gzdt, "绕过", kind=ResourceKind.LINK, data={"url": link}, when=BASE)
    publish_site(portal.site.pk, strict=False)
    [href] = bypass_links(portal.read("xwzx/gzdt/index.html"))
    assert_through_the_notice(href, f"https://{DOMAIN}/xwzx/gzdt/")
    assert_through_the_notice(href_filter(link), f"https://{DOMAIN}/xwzx/gzdt/")
    # RSS readers open <link> directly: the notice again, as an absolute address
    rss = portal.read("xwzx/gzdt/rss.xml")
    [item_link] = re.findall(r"<item>\s*<title>绕过</title>\s*<link>([^<]*)</link>", rss)
    assert_through_the_notice(item_link, f"https://{DOMAIN}/xwzx/gzdt/rss.xml")


@pytest.mark.parametrize("link", LINK_BYPASSES)
def test_the_link_form_stores_the_address_a_browser_follows(portal, link):  # LINK-3
    try:
        data, _ = clean_revision_data(ResourceKind.LINK, {"url": link}, {"title": "绕过"}, site=portal.site)
    except Exception as refused:  # a clear form error is fine too
        assert "url" in refused.message_dict, refused
        return
    stored = data["url"]
    target = ada_url.URL(stored)
    assert stored == target.href and target.hostname == "evil.example", (link, stored)


@pytest.mark.parametrize("url", [*LINK_BYPASSES, "https://www.example.com/"])
def test_a_search_hit_that_leaves_government_sites_goes_through_the_notice(url):  # LINK-3, SRCH-3
    hit = Hit(position=1, resource_id=1, site_id=1, title="绕过", url=url, site_name="", external=False,
              published_at=BASE, column_name="", column_type="", snippet="")  # fmt: skip
    target = destination(hit.href, f"https://{DOMAIN}/search/?q=x")
    assert (target.hostname, target.pathname) == (DOMAIN, "/-/external.html"), hit.href


def test_search_hits_on_government_sites_are_direct():  # LINK-3, SRCH-3
    def hit(url):
        return Hit(position=1, resource_id=1, site_id=1, title="", url=url, site_name="", external=False,
                   published_at=BASE, column_name="", column_type="", snippet="").href  # fmt: skip

    assert hit("/xwzx/政策/1.html") == "/xwzx/%E6%94%BF%E7%AD%96/1.html"
    assert hit("https://www.linshi.gov.cn/xwzx/1.html") == "https://www.linshi.gov.cn/xwzx/1.html"
