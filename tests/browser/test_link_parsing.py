"""Chromium reads links as core/weburl.py says browsers do (LINK-3, SEC-7).

The external-link notice is decided on the server by parsing each address with the WHATWG URL
rules (ada-url). Here real Chromium resolves, on a page of a government site, every address of the
bypass corpus as written (it leads to evil.example, which is the danger) and as published (it
leads to the site's own notice page, which names evil.example), and agrees with our parser on
where each address leads.
"""

import html

import pytest

from core import weburl
from publishing.links import link_target
from resources.sanitize import clean_html
from tests.security.payloads import LINK_BYPASSES

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PAGE = "https://www.example.gov.cn/xwzx/gzdt/1.html"
RESOLVE = """([hrefs, page]) => hrefs.map(h => {
  const a = document.createElement("a");
  a.setAttribute("href", h);
  try { const u = new URL(a.getAttribute("href"), page); return [u.hostname, u.pathname, u.searchParams.get("url")]; }
  catch (e) { return null; }
})"""


def test_chromium_agrees_with_the_parser_and_the_published_links_reach_the_notice(new_page):  # LINK-3
    page = new_page()
    written = page.evaluate(RESOLVE, [LINK_BYPASSES, PAGE])
    # `https:host` is relative on an https page and leads to host from an http one (and the reverse)
    written_http = page.evaluate(RESOLVE, [LINK_BYPASSES, PAGE.replace("https:", "http:")])
    published = [link_target(href, {"www.example.gov.cn"}) for href in LINK_BYPASSES]
    resolved = page.evaluate(RESOLVE, [published, PAGE])
    # what the sanitiser keeps, if anything, leads to evil.example as the address says
    kept = [html.unescape(clean_html(f'<a href="{html.escape(b)}">x</a>')) for b in LINK_BYPASSES]
    ours_all = [weburl.parse(h) for h in LINK_BYPASSES]
    for href, chromium, chromium_http, ours in zip(LINK_BYPASSES, written, written_http, ours_all, strict=True):
        hosts = {chromium and chromium[0], chromium_http and chromium_http[0]}
        assert "evil.example" in hosts, (href, chromium, chromium_http)  # the danger is real
        assert ours is not None and ours.host == "evil.example", (href, ours)  # and our parser sees it
    for href, target, (host, path, shown) in zip(LINK_BYPASSES, published, resolved, strict=True):
        assert (host, path) == ("www.example.gov.cn", "/-/external.html"), (href, target)
        assert weburl.parse(shown).host == "evil.example", (href, shown)
    assert all("evil.example" in k or "<a" not in k for k in kept)
