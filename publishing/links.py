"""Links in published pages (LINK-1, LINK-3).

- `rewrite_body`: in a sanitised body, links to non-government sites go through the external-link
  notice page (/-/external.html?url=…, LINK-3); links to the site's own domains become paths (so
  they are checked); library images are pointed at their published copies beside the page.
- `internal_targets`: the site paths a rendered page links to; the publisher refuses a page when
  one of them does not exist (no broken internal links, LINK-2).
  (publishing/readiness.py runs the same check on a body in review, before it is approved.)
"""

import html
import re
from urllib.parse import quote, unquote

from django.conf import settings

from core import weburl
from publishing import extensions

EXTERNAL_NOTICE = "/-/external.html"

A_HREF_RE = re.compile(r'(<a\b[^>]*?\bhref=")([^"]*)(")', re.IGNORECASE)
IMG_SRC_RE = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")', re.IGNORECASE)
TAG_RE = re.compile(r"<[^>]+>")


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def plain_excerpt(value, length: int) -> str:
    """Text without tags, whitespace collapsed, at most `length` characters."""
    if not value:
        return ""
    text = " ".join(html.unescape(TAG_RE.sub(" ", str(value))).split())
    return text if len(text) <= length else text[: length - 1] + "…"


def external_notice_url(url: str) -> str:
    return f"{EXTERNAL_NOTICE}?url={quote(url, safe='')}"


def link_target(href: str, own_domains=frozenset()) -> str:
    """The address to publish for a link, read as browsers read it (core/weburl.py):
    a path for this site's own pages, the parsed address for government sites, the external-link
    notice for everything else on the web (LINK-3). References within the page's host stay as
    written; mail and phone links stay; any other scheme meets the notice, which refuses it."""
    address = weburl.parse(href)
    if address is None:  # no browser can follow it; the notice says the address is not valid
        return external_notice_url(href)
    if address.relative:
        return weburl.prepare(href)
    if address.scheme in ("mailto", "tel"):
        return address.href
    if not address.is_web:
        return external_notice_url(address.href)
    if address.host in own_domains:
        return address.local
    if address.is_government:
        return address.href
    return external_notice_url(address.href)


def rewrite_body(body: str, own_domains, media: dict[str, str]) -> str:
    own = {d.lower() for d in own_domains}

    def on_link(match):
        href = html.unescape(match[2])
        return match[1] + escape(link_target(href, own)) + match[3]

    body = A_HREF_RE.sub(on_link, body)
    if media:

        def on_image(match):
            src = html.unescape(match[2]).strip()
            return match[1] + escape(media.get(src, src)) + match[3]

        body = IMG_SRC_RE.sub(on_image, body)
    return body


def dynamic_prefixes() -> tuple[str, ...]:
    """Paths served by the public process itself (citizen endpoints), not by published files:
    the setting's and those of feature apps' page providers (publishing/extensions.py)."""
    return tuple(getattr(settings, "PUBLIC_DYNAMIC_PATHS", ())) + extensions.dynamic_paths()


_TARGETS: dict[str, str | None] = {}


def target_path(ref: str) -> str | None:
    """The file path inside the site that an internal reference needs, or None when external."""
    cached = _TARGETS.get(ref, False)
    if cached is not False:
        return cached
    raw = ref
    ref = html.unescape(ref).strip()
    path = None
    if ref.startswith("/") and not ref.startswith("//"):
        path = unquote(ref.split("#", 1)[0].split("?", 1)[0]).lstrip("/")
        if path == "" or path.endswith("/"):
            path += "index.html"
    if len(_TARGETS) < 50_000:
        _TARGETS[raw] = path
    return path


def internal_targets(content: str) -> set[str]:
    """Every site path a page links to or loads (href/src), e.g. {'zwgk/index.html', '-/site.css'}."""
    out = set()
    prefixes = dynamic_prefixes()
    pieces = content.split('="/')
    inside_tag = False
    for before, piece in zip(pieces, pieces[1:]):  # noqa: B905 (one shorter by design)
        # Only attributes count: text that quotes markup (`&lt;img src="/x"&gt;`, an article about
        # HTML) is no link. Markup and attribute values are escaped, so the last < or > before the
        # attribute says whether it is inside a tag; with neither, it is in the same tag as before.
        opened, closed = before.rfind("<"), before.rfind(">")
        if opened != closed:
            inside_tag = opened > closed
        if not inside_tag or not (before.endswith("href") or before.endswith("src")):
            continue
        path = target_path("/" + piece[: piece.find('"')])
        if path is not None and not (prefixes and path.startswith(prefixes)):
            out.add(path)
    return out
