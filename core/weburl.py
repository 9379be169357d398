"""Web addresses read the way browsers read them: the WHATWG URL Standard (LINK-3, SEC-7).

Python's urlsplit follows RFC 3986; browsers do not. They read a backslash as a slash in http(s)
addresses, drop tabs and line breaks anywhere, strip leading and trailing control characters and
spaces, read `https:host` and `//host` as addresses of that host, map full-width dots in host
names to dots and decode percent-encoded host names. So to urlsplit `https://evil.example\\.gov.cn/`
is a government address and to a browser a page of evil.example. Every decision on where a link
leads (this site, a government site, anywhere else) is taken here, with ada-url (the WHATWG parser
that Node.js uses), and what is published is the address as parsed, so that what was checked is
what a browser follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ada_url

# Government hosts: .gov.cn and the Chinese .政务 (xn--zfr164b in the ASCII form hosts are compared in).
GOVERNMENT_SUFFIXES = (".gov.cn", ".xn--zfr164b")
WEB_SCHEMES = ("http", "https")

# What browsers strip or drop before they read an address (the URL parser's first steps).
_EDGES = "".join(chr(code) for code in range(0x21))  # C0 controls and space
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# A reference without a scheme is read against a stand-in for the page it is on; .invalid is
# reserved (RFC 2606) and never a real host. Only its path-absolute form is ever used.
_PAGE = "https://page.invalid/"


@dataclass(frozen=True)
class WebAddress:
    """Where a link leads. For a `relative` reference (`/zwgk/`, `a.html`, `?q`, `#x`) only
    `local` means anything: it stays on the page's own host, whatever that is."""

    href: str  # the absolute address as browsers serialise it (not for a relative reference)
    scheme: str  # lower case, without the colon
    host: str  # ASCII (punycode), lower case, without a trailing dot; "" when there is none
    local: str  # path, query and fragment: `/zwgk/1.html?a=1#b`
    relative: bool

    @property
    def is_web(self) -> bool:
        return self.scheme in WEB_SCHEMES

    @property
    def is_government(self) -> bool:
        return self.is_web and not self.relative and is_government_host(self.host)


def prepare(text: str) -> str:
    """The address as the parser sees it: surrounding controls and spaces stripped, tabs and line breaks dropped."""
    return _TAB_OR_NEWLINE.sub("", str(text).strip(_EDGES))


def parse(text: str) -> WebAddress | None:
    """Where the link `text` (as found in an attribute, entities decoded) leads, or None when no
    browser can follow it (an address that is not valid).

    An address with a scheme is read on its own: `https:evil.example` is https://evil.example/
    (from a page of the same scheme a browser would read it as a relative path; publishing the
    absolute form removes the doubt). `//host`, `\\\\host` and `/\\host` are addresses of that host."""
    prepared = prepare(text)
    has_scheme = _SCHEME.match(prepared) is not None
    try:
        url = ada_url.URL(prepared) if has_scheme else ada_url.URL(prepared, _PAGE)
    except ValueError:
        return None
    # Two slashes of either kind at the start: a network-path reference (//host), not a path.
    relative = not has_scheme and not (len(prepared) >= 2 and prepared[0] in "/\\" and prepared[1] in "/\\")
    return WebAddress(
        href=url.href,
        scheme=url.protocol[:-1].lower(),
        host=url.hostname.lower().rstrip("."),
        local=url.pathname + url.search + url.hash,
        relative=relative,
    )


def without_credentials(address: WebAddress) -> str:
    """The absolute address without user name and password (`https://www.gov.cn@evil.example/`
    is a phishing trick; no government page needs to send credentials in a link)."""
    url = ada_url.URL(address.href)
    url.username = ""
    url.password = ""
    return url.href


def is_government_host(host: str) -> bool:
    """A government host name: .gov.cn or .政务, given in ASCII (punycode) or in Unicode."""
    host = (host or "").strip().lower()
    if any(ch in host for ch in "/\\?#@:%[] \t\r\n"):  # an address or a broken name, not a host name
        return False
    if not host.isascii():
        url = ada_url.URL(_PAGE)
        try:
            url.hostname = host  # IDNA: 政务 → xn--zfr164b, full-width dots → dots
        except ValueError:  # not a valid host name
            return False
        host = url.hostname
    host = host.rstrip(".")
    return host == "gov.cn" or host.endswith(GOVERNMENT_SUFFIXES)
