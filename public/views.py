"""The public front end: published files of the site that owns the Host (PUB-8, SEC-3).

In production nginx serves these files directly; this view does the same for `make run` and
for tests, with the same layout: PUBLISH_ROOT/<primary domain>/<path>, `index.html` for folders.
Unknown paths get the site's published 404.html with status 404. Before the file lookup,
public.serving answers old addresses with 301 and an offline site with its notice (SITE-6 to SITE-8). Responses carry ETag and
Last-Modified and answer conditional requests with 304. Only published files are served:
no back-office URL is mounted on public hosts, and hidden files (temporary files of a publish
in progress, dot-folders) are never served.

Library files that pages show are published as <column path>files/<asset id>[-w<width>]-<name>
(publishing/contents.py), with the extension of the type their content was found to be. They are
served as the back office serves uploads (backoffice/media_views.py): images inline with their
own type, everything else as a download of a fixed type, with nosniff and a sandboxing policy,
whatever the extension says (SEC-7). nginx does the same (deploy/nginx.conf.template).
"""

import mimetypes
import re
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.http import require_safe

from core.upload_headers import upload_headers
from public.serving import lifecycle_response
from sites.host_cache import site_for_host  # no query on a warm cache (PUB-8)
from sites.resolve import normalise_host

CACHE_CONTROL = "public, max-age=300"
# No published path is longer (nginx's default large_client_header_buffers is 8k for the request line).
MAX_PATH_CHARS = 2000
# Versioned assets (/-/site.css?v=…) never change under the same version.
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
mimetypes.add_type("application/rss+xml", ".xml", strict=False)
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".svg": "image/svg+xml",
}
# The name of a library file published beside a page; pages are index.html, <id>.html, page-<n>.html.
LIBRARY_FILE_RE = re.compile(r"(?:^|/)files/(?P<prefix>[0-9]+(?:-w[0-9]+)?-)(?P<name>[^/]*)$")


def _site(request):
    site = site_for_host(request.get_host())
    if site is None or not site.primary_domain:
        raise Http404("no site is served on this host")
    return site


def _resolve(root: Path, path: str) -> Path | None:
    """The published file at `path`, or None. A path no file can have (a null byte, a control
    character, a name too long for the file system) is not found, like any other (SEC-3)."""
    parts = [p for p in path.split("/") if p]
    if any(p.startswith(".") for p in parts):  # ../, temporary files, hidden folders
        return None
    if any(ord(ch) < 32 for ch in path) or len(path) > MAX_PATH_CHARS:
        return None
    try:
        target = (root / "/".join(parts)).resolve()
        if root != target and root not in target.parents:
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None
    except (OSError, ValueError):  # ENAMETOOLONG, a segment too long; the OS refuses the name
        return None


def _not_found(root: Path):
    page = root / "404.html"
    if page.is_file():
        return HttpResponse(page.read_bytes(), status=404, content_type=CONTENT_TYPES[".html"])
    return HttpResponse("404 页面未找到", status=404, content_type="text/plain; charset=utf-8")


@require_safe
def published_file(request, path: str = ""):
    site = _site(request)
    root = (Path(settings.PUBLISH_ROOT) / site.primary_domain).resolve()
    if "\x00" in path:  # no file, redirect or database text can hold it (PostgreSQL refuses it)
        return _not_found(root)
    # Redirects of old addresses and the notice of an offline site come first (SITE-6 to SITE-8).
    answer = lifecycle_response(request, site, path, normalise_host(request.get_host()))
    if answer is not None:
        return answer
    target = _resolve(root, path)
    if target is None:
        return _not_found(root)
    try:
        stat = target.stat()
    except OSError:  # removed by a publish since it was found
        return _not_found(root)
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    last_modified = http_date(stat.st_mtime)
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        if etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*":
            return _not_modified(etag, last_modified)
    else:
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if since is not None and int(stat.st_mtime) <= since:
            return _not_modified(etag, last_modified)
    library_file = LIBRARY_FILE_RE.search(path)
    if library_file:
        headers = upload_headers(target.name, download_name=library_file["name"], same_origin=False)
        response = FileResponse(target.open("rb"), content_type=headers.pop("Content-Type"))
        for name, value in headers.items():
            response[name] = value
    else:
        suffix = target.suffix.lower()
        content_type = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        response = FileResponse(target.open("rb"), content_type=content_type)
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    response["Cache-Control"] = (
        IMMUTABLE_CACHE_CONTROL if request.GET.get("v") and path.startswith("-/") else CACHE_CONTROL
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _not_modified(etag: str, last_modified: str):
    response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    return response


def health(request):
    return HttpResponse("ok", content_type="text/plain")
