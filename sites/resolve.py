"""Host-to-site resolution: the one function that maps a request's Host to a site."""

from django.conf import settings

from sites.models import Domain, Site


def normalise_host(host: str) -> str:
    """Lower-case, port and trailing dot removed, development suffix stripped.

    `WWW.BD.gov.cn:8001` → `www.bd.gov.cn`; `www.bd.gov.cn.localhost` → `www.bd.gov.cn`.
    Chinese domains arrive as punycode (xn--…) and are decoded to their Unicode form.
    """
    host = (host or "").strip().lower()
    if host.startswith("["):  # IPv6 literal: never a site
        return ""
    host = host.rsplit(":", 1)[0].rstrip(".")
    suffix = getattr(settings, "LOCAL_HOST_SUFFIX", "")
    if suffix and host.endswith(suffix):
        host = host[: -len(suffix)]
    if "xn--" in host:
        try:
            host = host.encode("ascii").decode("idna")
        except UnicodeError:
            return ""
    return host


def site_for_host(host: str) -> Site | None:
    """The site served on `host` (primary or alias domain), or None."""
    name = normalise_host(host)
    if not name:
        return None
    domain = Domain.objects.select_related("site").filter(name=name).first()
    return domain.site if domain else None
