"""The Jinja2 environment of the public page templates (templates/site/).

Autoescape is always on; the only HTML that is marked safe is the body that resources/sanitize.py
cleaned on save and publishing/links.py rewrote. Filters here are the few formatting rules
of the texts: dates as YYYY-MM-DD HH:MM in China time (PUB-7).
"""

import datetime as dt
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jinja2 import Environment, StrictUndefined

from core import weburl
from publishing.links import link_target

CHINA = ZoneInfo("Asia/Shanghai")


def to_china(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(CHINA)


def pubdate(value: dt.datetime | None) -> str:
    """`2024-06-01 09:30` (PUB-7, the PubDate meta tag)."""
    value = to_china(value)
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def day(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_china(value)
    return value.strftime("%Y-%m-%d")


def rfc822(value: dt.datetime | None) -> str:
    """RSS 2.0 dates: `Sat, 01 Jun 2024 09:30:00 +0800`."""
    value = to_china(value)
    return value.strftime("%a, %d %b %Y %H:%M:%S %z") if value else ""


def iso(value: dt.datetime | None) -> str:
    value = to_china(value)
    return value.isoformat(timespec="minutes") if value else ""


def urlpath(value: str) -> str:
    """Percent-encode a path for an href (Chinese file names of attachments)."""
    return quote(value, safe="/#?=&-._~%")


def href(value: str) -> str:
    """The address of a listed item: a path of the site, percent-encoded; a web address elsewhere
    (a resource of the kind "link") as it is, or through the external-link notice when it leaves
    government sites (LINK-3), read as browsers read it (`https://evil.example\\.gov.cn/` is no
    government address)."""
    if value.startswith("/") and value[1:2] not in ("/", "\\"):  # a path of the site (most items)
        return urlpath(value)
    address = weburl.parse(value)
    if address is not None and address.relative:
        return urlpath(weburl.prepare(value))
    return link_target(value)


def environment(**options) -> Environment:
    options.setdefault("autoescape", True)
    options["undefined"] = StrictUndefined  # a misspelt name fails the publish, not the page
    options.setdefault("trim_blocks", True)
    options.setdefault("lstrip_blocks", True)
    options.setdefault("auto_reload", False)
    options.setdefault("cache_size", 100)
    env = Environment(**options)
    env.filters.update(pubdate=pubdate, day=day, rfc822=rfc822, iso=iso, urlpath=urlpath, href=href)
    return env
