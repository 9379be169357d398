"""Links of a site's published pages (LINK-2): read once, checked against the manifest.

`scan(site)` reads every published HTML page of the site from PUBLISH_ROOT (the paths the
manifest lists; a file the manifest does not know is the tamper check's business, not ours) and
collects, per page,
- the site paths it links to or loads (`href`/`src` beginning with `/`, links to the site's own
  domains, and relative references resolved against the page's folder): a path that is not in the
  manifest and not answered by the public process itself (publishing.links.dynamic_prefixes) is a
  broken internal link (断链);
- the addresses on other hosts it links to: government addresses are published as written, the
  others behind the external-link notice (`/-/external.html?url=…`, LINK-3), whose `url` is
  the address. They are checked by monitoring/linkcheck_external.py, rate-limited per host.

Who placed a link (`attribute`): the page of an item is `<column path><resource id>.html`; the
editor responsible is the one who placed it in that column when it is a repost (转载), otherwise the
resource's creator, who wrote the body. Links of the site's templates (home page, lists, footer)
have no editor: the offender says so.

Speed: one query for the manifest's paths, one regular expression pass over each page's bytes,
and a page read only when its file changed since the last scan (monitoring/link_memory.py: the
daily check of an unchanged site stats its pages and reads none); the 10,000-article workload
(11,000 pages) in well under 10 s (benchmarks/link_check_bench.py).
"""

from __future__ import annotations

import html
import os
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from columns.models import Column
from core import weburl
from editorial.models import Placement
from monitoring import link_memory
from monitoring.link_memory import LinkMemory
from monitoring.models.links import LinkFinding, LinkKind, LinkProblem
from publishing.links import EXTERNAL_NOTICE, dynamic_prefixes
from publishing.models import PublishedFile
from publishing.render import JIUCUO

# href/src attributes inside tags only: text that quotes markup is escaped (&lt;a href=…) and is
# no link. From a tag's `<` to its first href or src with no `<` or `>` between (possessive, so
# that the engine does not try again from every space); no element has both attributes.
TAG_LINK_RE = re.compile(rb'<[a-zA-Z](?:[^<>\s]++|\s(?!(?i:href|src)\s*=))*+\s(?i:href|src)\s*=\s*"([^"]*)"')
SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "#")
SKIPPED_BYTES = tuple(scheme.encode() for scheme in SKIPPED_SCHEMES)
NOTICE_PATH = EXTERNAL_NOTICE.lstrip("/")
NOTICE_BYTES = EXTERNAL_NOTICE.encode() + b"?"
# The national error-report link (我为政府网站找错) carries the page's own address: one address to
# check, not one per page.
PER_PAGE_QUERY = (JIUCUO,)
PER_PAGE_BYTES = JIUCUO.encode() + b"?"


@dataclass
class SiteLinks:
    """What one reading of a site's pages found."""

    pages: int = 0
    internal_missing: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # target -> pages
    external: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # address -> pages
    unreadable: list[str] = field(default_factory=list)  # pages in the manifest that could not be read


def own_domains(site) -> set[str]:
    return {name.lower() for name in site.domains.values_list("name", flat=True)}


def _page_folder(path: str) -> str:
    folder = posixpath.dirname(path)
    return folder + "/" if folder else ""


def _site_path(ref: str, folder: str) -> str | None:
    """The file a same-site reference needs (`/a/`, `a.html`, `../b.html`), or None when it leaves the site."""
    ref = ref.split("#", 1)[0].split("?", 1)[0]
    if not ref:
        return None  # `?q` or `#x`: the page itself
    if ref.startswith("/"):
        path = unquote(ref).lstrip("/")
    else:
        path = posixpath.normpath(folder + unquote(ref))
        if path.startswith("../") or path == "..":
            return None  # above the site's root: no file of the site
        path = "" if path == "." else path + ("/" if ref.endswith("/") else "")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return path


def classify(raw: str, folder: str, domains: set[str]) -> tuple[str | None, str | None]:
    """(site path, external address) that one attribute value leads to (either may be None)."""
    ref = html.unescape(raw).strip()
    if not ref or ref.startswith(SKIPPED_SCHEMES):
        return None, None
    if ref.startswith("/") and not ref.startswith("//"):
        if ref.startswith(EXTERNAL_NOTICE + "?"):  # the notice of an address elsewhere (LINK-3)
            target = parse_qs(urlsplit(ref).query).get("url", [""])[0]
            return NOTICE_PATH, (_external(target) if target else None)
        return _site_path(ref, folder), None
    if "://" in ref[:12] or ref.startswith("//"):
        address = weburl.parse(ref)
        if address is None or not address.is_web:
            return None, None
        if address.host in domains:
            return _site_path(address.local, folder), None
        return None, _external(address.href)
    if ":" in ref.split("/", 1)[0]:
        return None, None  # another scheme (ftp:, weixin: …): not checked
    return _site_path(ref, folder), None


def _external(address: str) -> str:
    for prefix in PER_PAGE_QUERY:
        if address.startswith(prefix + "?"):
            return prefix
    return address


def _decoded(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _resolve(raw: bytes, folder: str, domains: set[str], cache: dict):
    """classify() of one attribute value, cached under a key that ignores what names no other
    file (the query of a site path, the page's own address in the error-report links)."""
    if raw[:1] == b"/":
        key = raw
        if raw[:2] != b"//" and not raw.startswith(NOTICE_BYTES):
            key = raw.split(b"?", 1)[0]  # the query names no other file
    elif raw.startswith(PER_PAGE_BYTES):
        return None, JIUCUO
    elif not raw or raw.startswith(SKIPPED_BYTES):
        return None, None
    elif b"://" in raw[:12]:
        key = raw
    else:
        key = (folder, raw)  # relative: resolved against the page's folder
    found = cache.get(key)
    if found is None:
        found = cache[key] = classify(_decoded(raw), folder, domains)
    return found


def links_of(text, page_path: str, domains: set[str], cache: dict | None = None) -> tuple[set[str], set[str]]:
    """(site paths, external addresses) that a page's markup (bytes or text) links to or loads.

    One regular expression pass over the bytes (no decoding of the page). `cache` keeps the answers
    for the next pages: most links (navigation, footer) are the same on every page."""
    cache = {} if cache is None else cache
    data = text.encode("utf-8") if isinstance(text, str) else text
    folder = _page_folder(page_path)
    paths: set[str] = set()
    external: set[str] = set()
    relative = cache.setdefault(("relative", folder), {})  # this folder's answers by attribute value
    for raw in TAG_LINK_RE.findall(data):
        found = cache.get(raw) if raw[:1] == b"/" or b"://" in raw[:12] else relative.get(raw)
        if found is None:
            found = _resolve(raw, folder, domains, cache)
            (cache if raw[:1] == b"/" or b"://" in raw[:12] else relative)[raw] = found
        if found[0] is not None:
            paths.add(found[0])
        if found[1] is not None:
            external.add(found[1])
    return paths, external


def published_pages(site_id: int) -> set[str]:
    return set(PublishedFile.objects.filter(site_id=site_id).values_list("path", flat=True))


def scan(site, *, domain: str | None = None) -> SiteLinks:
    """The links of the site's published pages (see the module docstring); a page whose file is
    unchanged since the last scan is not read again (monitoring/link_memory.py)."""
    domain = domain or site.primary_domain
    found = SiteLinks()
    if not domain:
        return found
    root = os.path.join(settings.PUBLISH_ROOT, domain, "")
    known = published_pages(site.id)
    dynamic = dynamic_prefixes()
    domains = own_domains(site)
    memory = LinkMemory(site.id, link_memory.rules_for(domains))
    cache: dict = {}
    pages = sorted(p for p in known if p.endswith(".html"))
    entries = []
    for page_path in pages:
        file_path = root + page_path
        try:
            sig = link_memory.signature(os.stat(file_path))
            entry = memory.get(page_path, sig)
            if entry is None:
                with open(file_path, "rb") as handle:
                    data = handle.read()
                entry = memory.put(page_path, sig, *links_of(data, page_path, domains, cache))
        except OSError:
            found.unreadable.append(page_path)
            continue
        entries.append((page_path, entry))
    found.pages = len(entries)
    # Each distinct site path is looked up once; a page is then asked whether it links to any missing.
    strings = memory.strings
    linked = set().union(*(entry[1] for _path, entry in entries))
    missing = {n for n in linked if strings[n] not in known and not (dynamic and strings[n].startswith(dynamic))}
    for page_path, (_sig, paths, external) in entries:
        if missing and not missing.isdisjoint(paths):
            for n in missing.intersection(paths):
                found.internal_missing[strings[n]].add(page_path)
        for n in external:
            found.external[strings[n]].add(page_path)
    memory.keep_only(set(pages))
    memory.save()
    return found


@dataclass(frozen=True)
class Placer:
    resource_id: int | None
    user_id: int | None
    name: str


def column_paths(site_id: int) -> dict[int, str]:
    """Column id -> its path in the site (`zwgk/zcwj/`), from one query."""
    rows = {
        cid: (slug, parent)
        for cid, slug, parent in Column.objects.filter(site_id=site_id).values_list("id", "slug", "parent_id")
    }
    paths: dict[int, str] = {}

    def path_of(cid: int) -> str:
        if cid not in paths:
            slug, parent = rows[cid]
            paths[cid] = (path_of(parent) if parent in rows else "") + f"{slug}/"
        return paths[cid]

    for cid in rows:
        path_of(cid)
    return paths


def attribute(site, page_paths) -> dict[str, Placer]:
    """Who placed the links of these pages: item pages only (see the module docstring)."""
    wanted: dict[int, list[str]] = defaultdict(list)
    for page in page_paths:
        folder, _sep, name = page.rpartition("/")
        stem = name[:-5] if name.endswith(".html") else ""
        if folder and stem.isdigit():
            wanted[int(stem)].append(page)
    if not wanted:
        return {}
    paths = column_paths(site.id)
    out: dict[str, Placer] = {}
    placements = (
        Placement.objects.filter(site=site, resource_id__in=list(wanted))
        .select_related("resource__creator", "placed_by")
        .only("resource_id", "column_id", "is_repost", "placed_by__real_name", "placed_by__username",
              "resource__creator__real_name", "resource__creator__username")
    )  # fmt: skip
    for placement in placements:
        column_path = paths.get(placement.column_id)
        person = placement.placed_by if placement.is_repost else placement.resource.creator
        for page in wanted[placement.resource_id]:
            if column_path is not None and page == f"{column_path}{placement.resource_id}.html":
                name = getattr(person, "real_name", "") or person.get_username()
                out[page] = Placer(placement.resource_id, person.pk, name)
    return out


def store(site, kinds: tuple[str, ...], findings: list[LinkFinding], now=None) -> None:
    """Replace the site's findings of these kinds with this run's, keeping when each was first found."""
    now = now or timezone.now()
    with transaction.atomic():
        existing = {
            (kind, page, url): (pk, first)
            for pk, kind, page, url, first in LinkFinding.objects.filter(site=site, kind__in=kinds).values_list(
                "id", "kind", "page_path", "url", "first_found_at"
            )
        }
        for finding in findings:
            finding.site = site
            finding.last_found_at = now
            known = existing.get((finding.kind, finding.page_path, finding.url))
            if known is not None:
                finding.first_found_at = known[1]
            else:
                finding.first_found_at = now
        LinkFinding.objects.filter(id__in=[pk for pk, _first in existing.values()]).delete()
        LinkFinding.objects.bulk_create(findings, batch_size=1000)


def internal_findings(site, links: SiteLinks) -> list[LinkFinding]:
    pages = {page for pages in links.internal_missing.values() for page in pages}
    placers = attribute(site, pages)
    findings = []
    for target, on_pages in links.internal_missing.items():
        for page in on_pages:
            placer = placers.get(page)
            findings.append(
                LinkFinding(
                    page_path=page,
                    url="/" + target,
                    kind=LinkKind.INTERNAL,
                    problem=LinkProblem.BROKEN,
                    detail="本站无此页面",
                    resource_id=placer.resource_id if placer else None,
                    responsible_id=placer.user_id if placer else None,
                )  # fmt: skip
            )
    return findings


def check_internal(site, *, links: SiteLinks | None = None, now=None) -> SiteLinks:
    """Read the site (unless `links` were read already) and store its broken internal links."""
    links = links if links is not None else scan(site)
    store(site, (LinkKind.INTERNAL,), internal_findings(site, links), now=now)
    return links
