"""The public search endpoints (SRCH-1 to SRCH-3), served by the public process on site hosts.

/search/             the results page; works without JavaScript (a GET form, links for
                     facets and pages), rendered in the site's own frame
/search/suggest      suggestions as the user types (JSON), from popular queries, the
                     vocabulary (also by pinyin) and titles
/search/suggest.js   the small script that shows them (an ARIA combobox)
/search/similar      entries of the knowledge base like a question being typed (JSON, INT-5)
/search/similar.js   the small script that shows them under a letter's text (an aria-live list)
/search/click        a followed result, sent by the browser's `ping` (no script)
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlencode

from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from auditlog.audit import request_ip
from publishing import dynamic_pages
from search import engine, logs, policy_library, similar, suggest
from search.models import SearchScope
from sites.host_cache import site_for_host
from sites.models import SiteKind

ASSETS = Path(__file__).resolve().parent / "assets"
SCRIPT = ASSETS / "suggest.js"
SIMILAR_SCRIPT = ASSETS / "similar.js"
# Kinds of resources whose entries may be suggested while a citizen types (INT-5: the knowledge base).
SIMILAR_KINDS = frozenset({"qa"})
STYLES = ASSETS / "search.css"
MAX_PARAM_CHARS = 1000  # longer parameters are cut before anything else looks at them


def _site(request):
    site = site_for_host(request.get_host())
    if site is None:
        raise Http404("no site is served on this host")
    return site


def _param(request, name: str) -> str:
    return (request.GET.get(name) or "")[:MAX_PARAM_CHARS]


def _int(value: str, low: int, high: int) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _links(outcome: engine.Outcome, raw_query: str, library: dict | None = None):
    """link(**changes): the address of this search with some parameters changed (None removes);
    the policy library's filters as they were typed are kept (`library`)."""
    base = {
        "q": outcome.query,
        "scope": SearchScope.PLATFORM if outcome.platform_wide else None,
        "site": outcome.filters.site_id,
        "type": outcome.filters.column_type or None,
        "year": outcome.filters.year,
        **(library or {}),
    }

    def link(**changes) -> str:
        params = {**base, **changes}
        if "page" not in changes:
            params.pop("page", None)
        return "/search/?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})

    return link


@require_safe
def search_page(request):
    site = _site(request)
    raw = _param(request, "q")
    filters = engine.Filters(
        site_id=_int(_param(request, "site"), 1, 2**62),
        column_type=_param(request, "type")[:12],
        year=_int(_param(request, "year"), 1900, 2999),
    )
    library = policy_library.read(request.GET, filters)
    page = _int(_param(request, "page"), 1, 10**6) or 1
    visitor = logs.visitor_key(request_ip(request), request.headers.get("User-Agent"))
    outcome = engine.search(
        site, raw, scope=_param(request, "scope"), filters=filters, page=page,
        correct=_param(request, "exact") != "1", visitor=visitor,
    )  # fmt: skip
    link = _links(outcome, raw, library.params)
    numbers = []
    if outcome.pages > 1:
        low = max(1, outcome.page - 4)
        numbers = list(range(low, min(outcome.pages, low + 8) + 1))
    context = {
        "outcome": outcome,
        "link": link,
        "page_numbers": numbers,
        "is_portal": site.kind == SiteKind.PORTAL,
        "typed": raw if outcome.message == "empty" else outcome.query,
        "exact_link": link(q=outcome.corrected_from, exact="1") if outcome.corrected_from else "",
        "library": library,
        "library_link": link(kind=policy_library.POLICY_KIND, type=None, page=None),
    }
    title = "全平台搜索" if outcome.platform_wide else "站内搜索"
    if filters.library:
        title = "政策文件检索"
    if outcome.query:
        title = f"{outcome.query} - {title}"
    html = dynamic_pages.render(
        site, "search_results.html", context, path="search/index.html", title=title, crumbs=[("站内搜索", "")]
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def suggest_view(request):
    site = _site(request)
    found = suggest.suggestions(site, _param(request, "q"), scope=_param(request, "scope"))
    response = JsonResponse({"suggestions": found}, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_safe
def similar_view(request):
    """Entries like the typed question (INT-5): {"entries": [{title, url, snippet}]}, best first."""
    site = _site(request)
    kind = _param(request, "kind")
    if kind not in SIMILAR_KINDS:
        return JsonResponse({"entries": []}, status=400)
    limit = _int(_param(request, "limit"), 1, similar.MAX_RESULTS) or similar.MAX_RESULTS
    found = similar.similar(site, _param(request, "q"), kind, limit=limit)
    response = JsonResponse({"entries": found}, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=60"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def similar_script(request):
    return _asset(request, SIMILAR_SCRIPT, "text/javascript; charset=utf-8")


def _asset(request, path: Path, content_type: str):
    data = path.read_bytes()
    etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(data, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def suggest_script(request):
    return _asset(request, SCRIPT, "text/javascript; charset=utf-8")


@require_safe
def search_styles(request):
    return _asset(request, STYLES, "text/css; charset=utf-8")


@csrf_exempt
@require_POST
def click(request):
    """A ping carries no cookie we need and changes nothing but a counter: no CSRF token."""
    _site(request)
    logs.record_click(_param(request, "t"))
    return HttpResponse(status=204)
