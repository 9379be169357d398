"""What the public process answers for a site's lifecycle before it looks for a published file.

- Redirects (SITE-7, SITE-8): an old address of a migrated site, of an old primary domain or of a
  moved column answers 301 with its new address.
- Temporary offline (SITE-6): every page of an offline site answers 503 with a notice of the
  period, drawn in the site's frame, and Retry-After (the files under /-/ that the frame needs
  are still served).

In production nginx serves published files itself and asks the public process only for what
it does not find. The hosts whose answers the lifecycle decides (an offline site, an old primary
domain, a migrated site) are listed as empty files in PUBLISH_ROOT/.routes/, and nginx sends
every request of such a host here first (deploy/nginx.conf.template); `sync_routes` keeps that
list, after the commit of each action that changes it.
"""

import time
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.utils import timezone
from django.utils.http import http_date

from lifecycle.models import ApplicationKind, ApplicationStatus
from lifecycle.rules import local_minute
from publishing.render import Page, Renderer
from publishing.site_loading import load_site
from publishing.static_files import static_files
from sites.models import Domain, Redirect, Site, SiteStatus

ROUTES = ".routes"  # under PUBLISH_ROOT: one empty file per host that nginx hands to this process
NOTICE_SECONDS = 60  # how long a process keeps an offline notice page it rendered
_notices: dict[tuple, tuple[float, bytes]] = {}


def _matches(row: Redirect, path: str) -> bool:
    if not row.is_prefix:
        return row.path == path
    # prefixes are folders ("/zwgk/", "/"): the folder itself, with or without its slash, and what is under it
    return path.startswith(row.path) or path + "/" == row.path


def find_redirect(site: Site, host: str, path: str) -> str | None:
    """The new address of `path` ("zwgk/123.html") on `host`, or None.

    An exact path wins over prefixes, a longer prefix over a shorter one, a host's own redirect
    over one for every host of the site. A site from sites.host_cache says whether any redirect
    names this host or the whole site (`may_redirect`): when none does, there is no query.
    """
    if getattr(site, "may_redirect", True) is False:
        return None
    path = "/" + path.lstrip("/")
    rows = Redirect.objects.filter(Q(host=host) | Q(site=site, host="")).filter(Q(path=path) | Q(is_prefix=True))
    candidates = [row for row in rows.only("host", "path", "is_prefix", "keep_rest", "target") if _matches(row, path)]
    if not candidates:
        return None
    best = max(candidates, key=lambda row: (not row.is_prefix, len(row.path), bool(row.host)))
    rest = path[len(best.path) :] if best.is_prefix and best.keep_rest and path.startswith(best.path) else ""
    return best.target.rstrip("/") + "/" + rest if rest else best.target


def offline_application(site: Site):
    return (
        site.applications.filter(kind=ApplicationKind.OFFLINE, status=ApplicationStatus.IN_EFFECT)
        .order_by("-starts_at")
        .first()
    )


def _render_notice(site: Site, application) -> bytes:
    data = load_site(site.pk)
    _files, assets = static_files(data.site.theme)
    renderer = Renderer(data, assets)
    page = Page(path="index.html", content=b"")
    ctx = renderer.base_context(page, title=f"临时下线公告 - {site.name}", meta=renderer.site_meta())
    ctx.update(
        application=application,
        start=local_minute(application.starts_at) if application else "",
        end=local_minute(application.ends_at) if application else "",
    )
    return renderer.template("offline.html").render(ctx).encode("utf-8")


def offline_notice(site: Site) -> HttpResponse:
    application = offline_application(site)
    key = (site.pk, application.pk if application else None, site.updated_at)
    cached = _notices.get(key)
    now = time.monotonic()
    if cached is None or now - cached[0] > NOTICE_SECONDS:
        for stale in [k for k in _notices if k[0] == site.pk]:
            del _notices[stale]
        cached = _notices[key] = (now, _render_notice(site, application))
    response = HttpResponse(cached[1], status=503, content_type="text/html; charset=utf-8")
    end = application.ends_at if application else None
    if end is not None and end > timezone.now():
        response["Retry-After"] = http_date(end.timestamp())
    else:
        response["Retry-After"] = "3600"
    response["Cache-Control"] = "no-cache"
    return response


def lifecycle_response(request, site: Site, path: str, host: str) -> HttpResponse | None:
    """A redirect or the offline notice, or None: serve the published file."""
    target = find_redirect(site, host, path)
    if target is not None:
        response = HttpResponsePermanentRedirect(target)
        response["Cache-Control"] = "public, max-age=3600"
        return response
    if site.status == SiteStatus.OFFLINE and not path.startswith("-/"):
        return offline_notice(site)
    return None


# --- which hosts nginx sends here first ---------------------------------------------------------


def _nginx_host(name: str) -> str:
    """The host as nginx's $host has it: Chinese domains in their ASCII (punycode) form."""
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return name


def routed_hosts() -> set[str]:
    """Hosts of offline sites and of closed sites with redirects, and hosts that redirect (old domains)."""
    sites = Site.objects.filter(
        Q(status=SiteStatus.OFFLINE) | Q(status=SiteStatus.CLOSED, redirects__isnull=False)
    ).distinct()
    hosts = set(Domain.objects.filter(site__in=sites).values_list("name", flat=True))
    hosts |= set(Redirect.objects.exclude(host="").values_list("host", flat=True))
    return {_nginx_host(host) for host in hosts}


def sync_routes() -> None:
    folder = Path(settings.PUBLISH_ROOT) / ROUTES
    folder.mkdir(parents=True, exist_ok=True)
    wanted = routed_hosts()
    for entry in folder.iterdir():
        if entry.name not in wanted:
            entry.unlink()
    for host in wanted:
        (folder / host).touch()


def sync_routes_on_change(changes) -> None:
    """The change feed's subscriber (after the commit): an action changed a site's domains,
    redirects or offline notice (`addresses`), so the list of routed hosts is written again."""
    if changes.addresses:
        sync_routes()
