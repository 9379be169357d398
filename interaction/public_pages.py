"""What the citizen's pages of the interaction app share: the site of the host, the frame of the
site (publishing/dynamic_pages.py), the human check's kind and the stylesheet."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.views.decorators.http import require_safe

from core import humancheck
from interaction import citizen_session
from publishing import dynamic_pages
from sites.host_cache import site_for_host

LANGUAGE = "zh-hans"
STYLES = Path(__file__).resolve().parent / "assets" / "interaction.css"
STYLES_PATH = "/interaction/interaction.css"
# What the templates ask of every page (the site's Jinja environment has strict undefined names).
PAGE_DEFAULTS = {"notice": "", "error": "", "check_error": "", "show_errors": False, "sent": False, "next": ""}


def site_of(request):
    site = site_for_host(request.get_host())
    if site is None:
        raise Http404("no site is served on this host")
    return site


def kind_wanted(request) -> str:
    wanted = request.POST.get("switch_check") or request.GET.get("check") or ""
    if wanted in (humancheck.IMAGE, humancheck.TEXT):
        return wanted
    return humancheck.kind_of(request.POST.get("check_token", "")) if request.method == "POST" else humancheck.IMAGE


def page(request, site, template, context, *, title, crumbs, path, status=200):
    context = {
        **PAGE_DEFAULTS,
        "citizen": citizen_session.current(request),
        **context,
        "csrf_token": get_token(request),
        "styles": STYLES_PATH,
    }
    html = dynamic_pages.render(site, template, context, path=path, title=title, crumbs=crumbs)
    response = HttpResponse(html, content_type="text/html; charset=utf-8", status=status)
    # Personal data and query codes: never kept by a cache or the browser's history.
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def styles(request):
    data = STYLES.read_bytes()
    etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(data, content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    return response
