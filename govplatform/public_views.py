"""The public front end: published files of the site that owns the Host (PUB-8, SEC-3).

In production nginx serves these files directly; this view does the same for `make run` and
for tests, with the same layout: PUBLISH_ROOT/<primary domain>/<path>, `index.html` for folders.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse

from sites.resolve import site_for_host


def published_file(request, path: str = ""):
    site = site_for_host(request.get_host())
    if site is None:
        raise Http404("no site is served on this host")
    root = (Path(settings.PUBLISH_ROOT) / site.primary_domain).resolve()
    target = (root / path).resolve()
    if root != target and root not in target.parents:  # ../ in the path
        raise Http404("outside the site")
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        raise Http404("not published")
    content_type, _ = mimetypes.guess_type(target.name)
    response = FileResponse(target.open("rb"), content_type=content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def health(request):
    return HttpResponse("ok", content_type="text/plain")
