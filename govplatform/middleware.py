"""Routing by host (SEC-3) and the audit context."""

from django.conf import settings

from govplatform import audit


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
