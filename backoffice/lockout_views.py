"""The back-office pages of login lockouts (SEC-1), for platform administrators only.

The list shows who is locked now and the failures that count towards a lockout; lifting one
goes through a confirmation page, then a POST to the action in accounts/lockouts.py.
Everyone else gets 403 before anything is read.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_ipv46_address
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import lockouts
from sites.permissions import is_platform_admin

# Accounts and addresses shown at most, each (an attack from many addresses keeps the page small).
SHOWN = 200


def _require_platform_admin(request) -> None:
    if not is_platform_admin(request.user):
        raise PermissionDenied


def _target(data) -> tuple[str, str]:
    """The lockout named by `?account=` or `?address=` (exactly one of them); 404 otherwise."""
    given = [(kind, data.get(kind, "").strip()) for kind in lockouts.KINDS if data.get(kind, "").strip()]
    if len(given) != 1:
        raise Http404
    kind, key = given[0]
    if kind == lockouts.ADDRESS:
        try:
            validate_ipv46_address(key)
        except ValidationError as error:
            raise Http404 from error
    return kind, key[:255]


@require_GET
def lockout_list(request, site):
    _require_platform_admin(request)
    now = timezone.now()
    rows = list(lockouts.counted_attempts(now))
    accounts, accounts_hidden = lockouts.summaries(rows, lockouts.ACCOUNT, limit=SHOWN)
    addresses, addresses_hidden = lockouts.summaries(rows, lockouts.ADDRESS, limit=SHOWN)
    context = {
        **site.each_context(request),
        "title": _("Login lockouts"),
        "accounts": accounts,
        "addresses": addresses,
        "accounts_hidden": accounts_hidden,
        "addresses_hidden": addresses_hidden,
        "limit": lockouts.failure_limit(),
        "minutes": int(lockouts.cool_off().total_seconds() // 60),
        "now": now,
    }
    return TemplateResponse(request, "admin/govplatform/lockouts/list.html", context)


@require_http_methods(["GET", "POST"])
def lift(request, site):
    """GET: what lifting would forget; POST: lift it (the action checks permission again)."""
    _require_platform_admin(request)
    kind, key = _target(request.POST if request.method == "POST" else request.GET)
    labels = {lockouts.ACCOUNT: _("account"), lockouts.ADDRESS: _("address")}
    names = {"kind": labels[kind], "key": key}
    if request.method == "POST":
        forgotten = lockouts.lift_lockout(kind, key, acting_user=request.user)
        if forgotten:
            messages.success(
                request,
                _("Lifted: the %(count)d failed logins counted against the %(kind)s %(key)s are forgotten.")
                % {**names, "count": forgotten},
            )
        else:
            messages.info(request, _("Nothing to lift: no failed logins of the %(kind)s %(key)s count now.") % names)
        return redirect("admin:lockouts")
    summary = lockouts.failures_of(kind, key)
    if summary is None:
        messages.info(request, _("Nothing to lift: no failed logins of the %(kind)s %(key)s count now.") % names)
        return redirect("admin:lockouts")
    context = {
        **site.each_context(request),
        "title": _("Lift the lockout of the %(kind)s %(key)s?") % names,
        "summary": summary,
        "kind": kind,
        "key": key,
    }
    return TemplateResponse(request, "admin/govplatform/lockouts/lift.html", context)
