"""Routing by host (SEC-3), the audit context (SEC-2) and the Content-Security-Policy (SEC-7)."""

import base64
import functools
import hashlib

from csp.middleware import CSPMiddleware
from django.conf import settings

from auditlog import audit


def _bare_host(request) -> str:
    # get_host() validates against ALLOWED_HOSTS; the port is irrelevant for routing.
    return request.get_host().rsplit(":", 1)[0].lower() if request.get_host() else ""


class HostRoutingMiddleware:
    """Serve the back office only on BACKOFFICE_HOSTS; every other host gets the public URLs.

    ROOT_URLCONF is the public configuration, so a host that is not listed can never reach
    an admin URL, whatever the path.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.backoffice_hosts = {host.lower() for host in settings.BACKOFFICE_HOSTS}

    def __call__(self, request):
        request.is_backoffice = _bare_host(request) in self.backoffice_hosts
        if request.is_backoffice:
            request.urlconf = settings.BACKOFFICE_URLCONF
        return self.get_response(request)


class AuditContextMiddleware:
    """Makes the client's address available to audit.record() for this request."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted_proxies = getattr(settings, "AUDIT_TRUSTED_PROXIES", 0)

    def __call__(self, request):
        token = audit.current_ip.set(audit.client_ip(request, self.trusted_proxies))
        try:
            return self.get_response(request)
        finally:
            audit.current_ip.reset(token)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """Content-Security-Policy (SEC-7, django-csp): the back-office policy on back-office hosts,
    the strict public policy (PUBLIC_CONTENT_SECURITY_POLICY) everywhere else.

    A view may still set its own policy (django-csp's decorators, or a header it sets itself).
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts
        if getattr(request, "is_backoffice", False):
            parts.config = backoffice_directives()
        else:
            parts.config = settings.PUBLIC_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts


def backoffice_directives() -> dict:
    """The back-office policy of settings, with the hash of the rich-text editor's import map."""
    directives = dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
    directives["script-src"] = [*directives.get("script-src", ()), *editor_importmap_hashes()]
    return directives


@functools.cache
def editor_importmap_hashes() -> tuple[str, ...]:
    """'sha256-…' of django-prose-editor's inline <script type="importmap">.

    The import map is rendered by the widget's media, which knows no request and so carries no
    nonce; its content is fixed for a deployment (the static files' URLs), so its hash allows
    exactly it and nothing else. Every other inline script would need the request's nonce.
    """
    try:
        from django_prose_editor.widgets import importmap
    except ImportError:  # pragma: no cover - the editor is a dependency
        return ()
    html = str(importmap.render())
    content = html[html.index(">") + 1 : html.rindex("</script>")]
    digest = base64.b64encode(hashlib.sha256(content.encode("utf-8")).digest()).decode("ascii")
    return (f"'sha256-{digest}'",)
