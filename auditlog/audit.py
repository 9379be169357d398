"""Writing the audit log (SEC-2).

Actions call `record()` inside their transaction, so an entry exists exactly when the change
does. The client's address comes from the request being served (set by AuditContextMiddleware),
so actions need not pass requests around; management commands record no address.
The kind of every entry is a member of AuditEvent, so no page ever meets a code it cannot name.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import models

from auditlog.events import AuditEvent
from auditlog.models import SYSTEM_ACTOR_NAME, AuditEntry

current_ip: ContextVar[str | None] = ContextVar("audit_current_ip", default=None)


def _describe(obj) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk or ""), str(obj)[:300]
    return type(obj).__name__, "", str(obj)[:300]


def record(action: AuditEvent, *, actor=None, obj=None, site=None, details=None) -> AuditEntry:
    """Append one entry. `site` defaults to the object's own site when it has one."""
    if not isinstance(action, AuditEvent):
        # Every caller is code: a plain string is a kind nobody gave a label to, refused at once.
        raise ValueError(f"audit kinds are AuditEvent members, not {action!r}")
    object_type, object_id, object_repr = _describe(obj)
    if site is None:
        site = getattr(obj, "site", None) if obj is not None else None
        if site is None and obj is not None and obj._meta.label_lower == "sites.site":
            site = obj
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.get_username() if actor is not None else SYSTEM_ACTOR_NAME),
        action=action.value,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        site=site,
        site_name=str(site)[:200] if site is not None else "",
        ip=current_ip.get(),
        details=details or {},
    )


def client_ip(request, trusted_proxies: int = 0) -> str | None:
    """The client's address: REMOTE_ADDR, or the address the n-th trusted proxy saw."""
    if trusted_proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= trusted_proxies:
            return forwarded[-trusted_proxies]
    return request.META.get("REMOTE_ADDR") or None


def request_ip(request) -> str | None:
    """The client's address as the audit log records it (also django-axes' address, SEC-1)."""
    return client_ip(request, getattr(settings, "AUDIT_TRUSTED_PROXIES", 0))
