"""Malformed requests to the public process never crash it (SEC-3, issue 12 item 7).

Every request here goes to the public URL configuration on the host of a published portal: odd
paths (null bytes, bad percent-encoding, invalid UTF-8, `..`, Unicode oddities, very long), odd
query strings for the search and the external-link notice, odd headers and methods. Each must get
an answer (200, 30x, 304, 400, 404, 405 …), never a server error (500).
"""

from urllib.parse import quote

import pytest
from django.test import Client

from search.indexer import reindex
from tests.search.conftest import fresh_search_state  # noqa: F401 (autouse: the search's caches start empty)
from tests.security.conftest import DOMAIN

LONG = "a" * 5000
PATHS = [
    "/%00",
    "/index.html%00",
    "/%00/index.html",
    "/xwzx/%00.html",
    "/xwzx/gzdt/index.html%00.jpg",
    "/-/site.css%00",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/..%2f..%2fetc%2fpasswd",
    "/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
    "/xwzx/../../../../etc/passwd",
    "/.git/config",
    "/./index.html",
    "//etc/passwd",
    "/index.html/",
    "/index.html/.",
    "/%ff",
    "/%ff%fe.html",
    "/%c0%af",
    "/%e0%80%af",
    "/%ed%a0%80",  # a lone surrogate, UTF-8 encoded
    "/%",
    "/%zz",
    "/%2",
    "/xwzx/%E6%96%B0",  # a cut-off UTF-8 sequence
    "/" + quote("İ") + ".html",
    "/" + quote("\u0130\u0307"),
    "/" + quote("\ufeff\u202e\u200b"),
    "/" + quote("ﬀ𝐀\U0010ffff"),
    "/a%0d%0aSet-Cookie:%20x=1",
    "/con",
    "/nul.html",
    "/" + LONG,
    "/" + "a/" * 2500,
    "/" + "%2e%2e/" * 500,
    "/-/health%00",
    "/search/%00",
    "/search/suggest.js%00",
]
SEARCH_QUERIES = [
    "q=%00",
    "q=%ff%fe",
    "q=%",
    "q=%zz",
    "q=" + quote("İ"),
    "q=" + quote("İstanbul İ"),
    "q=" + quote("\u0130\u0307\u0131"),
    "q=" + quote("ß ﬃ Σσς"),
    "q=" + quote("\ufffe\uffff\x01"),
    "q=" + quote("\u202e\u200b") + "%E6%96",
    "q=" + LONG,
    "q=" + quote("社保 " * 2000),
    "q=a&q=b&q=%00",
    "q[]=1",
    "q=%E7%A4%BE%E4%BF%9D&page=-1",
    "q=%E7%A4%BE%E4%BF%9D&page=99999999999999999999999",
    "q=%E7%A4%BE%E4%BF%9D&page=%00",
    "q=%E7%A4%BE%E4%BF%9D&site=abc",
    "q=%E7%A4%BE%E4%BF%9D&site=-1",
    "q=%E7%A4%BE%E4%BF%9D&site=99999999999999999999999",
    "q=%E7%A4%BE%E4%BF%9D&year=%00",
    "q=%E7%A4%BE%E4%BF%9D&year=99999999",
    "q=%E7%A4%BE%E4%BF%9D&type=%ff",
    "q=%E7%A4%BE%E4%BF%9D&scope=%00",
    "q=%E7%A4%BE%E4%BF%9D&scope=platform&site=1",
    "=&&&==",
    "%00=%00",
]
OTHER_QUERIES = [
    ("/search/suggest", "q=%00"),
    ("/search/suggest", "q=" + quote("İ")),
    ("/search/suggest", "q=" + LONG),
    ("/search/suggest.js", "v=%00"),
    ("/search/click", "t=%00"),
    ("/search/click", "t=" + LONG),
    ("/search/click", "t=1:2:3"),
    ("/-/external.html", "url=%00"),
    ("/-/external.html", "url=" + quote("https://evil.example\\.gov.cn/")),
    ("/-/site.css", "v=%00"),
    ("/", "%ff=%fe"),
]
HEADERS = [
    {"HTTP_HOST": DOMAIN + ":99999"},
    {"HTTP_HOST": DOMAIN + ":abc"},
    {"HTTP_HOST": DOMAIN.upper()},
    {"HTTP_HOST": DOMAIN + "."},
    {"HTTP_HOST": "xn--" + DOMAIN},
    {"HTTP_HOST": "xn--zz.gov.cn"},
    {"HTTP_HOST": "[::1]"},
    {"HTTP_HOST": "evil.example"},
    {"HTTP_HOST": DOMAIN + "\x00"},
    {"HTTP_HOST": "a" * 300 + ".gov.cn"},
    {"HTTP_HOST": ""},
    {"HTTP_IF_NONE_MATCH": "\x00" * 10},
    {"HTTP_IF_NONE_MATCH": '"' + LONG},
    {"HTTP_IF_MODIFIED_SINCE": "\x00\xff"},
    {"HTTP_IF_MODIFIED_SINCE": "Sat, 01 Jan 99999 00:00:00 GMT"},
    {"HTTP_RANGE": "bytes=99999999999999999999-"},
    {"HTTP_ACCEPT_LANGUAGE": "\xff\xfe;q=x," * 50},
    {"HTTP_COOKIE": "\xff\x00=;;;=" + LONG},
    {"HTTP_REFERER": "\xff\xfe\x00"},
    {"HTTP_X_FORWARDED_FOR": "\x00"},
    {"HTTP_USER_AGENT": LONG * 4},
]


@pytest.fixture
def citizen(published):
    reindex()  # the search finds the portal's articles: highlighting and snippets run too
    return Client(HTTP_HOST=DOMAIN, raise_request_exception=False)


def assert_answered(response, what) -> None:
    assert response.status_code < 500, (what, response.status_code)


@pytest.mark.parametrize("path", PATHS)
def test_odd_paths(citizen, path):  # SEC-3
    assert_answered(citizen.get(path), path)
    assert_answered(citizen.head(path), path)


def test_a_null_byte_in_a_path_is_not_found(citizen):  # SEC-3
    for path in ("/%00", "/index.html%00", "/xwzx/%00.html"):
        assert citizen.get(path).status_code == 404


@pytest.mark.parametrize("query", SEARCH_QUERIES)
def test_odd_search_queries(citizen, query):  # SEC-3, SRCH-1
    assert_answered(citizen.get("/search/?" + query), query)


@pytest.mark.parametrize(("path", "query"), OTHER_QUERIES)
def test_odd_query_strings(citizen, path, query):  # SEC-3
    assert_answered(citizen.get(f"{path}?{query}"), (path, query))


@pytest.mark.parametrize("headers", HEADERS, ids=lambda h: ",".join(h))
def test_odd_headers(citizen, headers):  # SEC-3
    for path in ("/", "/index.html", "/search/?q=%E7%A4%BE%E4%BF%9D", "/-/site.css", "/%00"):
        assert_answered(citizen.get(path, **headers), (path, headers))


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options", "trace"])
def test_odd_methods(citizen, method):  # SEC-3
    for path in ("/", "/%00", "/search/", "/search/click", "/" + LONG):
        assert_answered(getattr(citizen, method)(path), (method, path))


@pytest.mark.parametrize("path", ["a" * 5000, "assets/" + "b" * 300 + ".png", "assets/%00.png", "x/" * 3000])
def test_odd_upload_paths_in_the_back_office(login, platform_admin, settings, tmp_path, path):  # SEC-3, SEC-7
    # The same file-system lookup on the back office's side: a name the OS refuses is not found.
    settings.MEDIA_ROOT = tmp_path / "media"
    client = login(platform_admin)
    client.raise_request_exception = False
    assert client.get(f"/media/{path}", secure=True).status_code == 404
