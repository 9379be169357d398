"""The back-office login in two steps (SEC-1): password, then a code from an authenticator app or a
backup code; enrolment of the app on the first login.

Nobody is logged in until both factors are checked: after the password the session only holds a
short-lived "pending" record (who, when, which backend, where to go next). Wrong passwords and
wrong codes both count towards django-axes' lockout by account and by address, and both are
audited (accounts/signals.py).
"""

from __future__ import annotations

import time

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import twofactor

PENDING_KEY = "login_pending"
# The password step is good for this long; then the password is asked again.
PENDING_SECONDS = 300


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True, "spellcheck": "false"}
        ),
    )


def _safe_next(request, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def _context(request, site, **extra) -> dict:
    return {**site.each_context(request), "is_nav_sidebar_enabled": False, **extra}


def pending_user(request):
    """The user who passed the password step in this session, if still valid, else None."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()
    # A password changed since the first step ends the attempt.
    if user is None or not constant_time_compare(pending.get("hash", ""), user.get_session_auth_hash()):
        return None
    return user


def _finish_login(request, user, device) -> str:
    """Log the user in with both factors; returns where to go next."""
    pending = request.session.pop(PENDING_KEY)
    user.otp_device = device  # django-otp stores it in the session on user_logged_in
    auth_login(request, user, backend=pending["backend"])
    return _safe_next(request, pending.get("next", ""))


def _code_refused(request, user, form: CodeForm):
    """Count a wrong code like a wrong password (axes, audit); the lockout page once over the limit."""
    credentials = {"username": user.get_username(), "second_factor": True}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request, second_factor=True)
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(PENDING_KEY, None)
        return get_lockout_response(request, None, credentials)
    form.add_error(
        "token",
        _("This code is not right, or it has been used already. Check the time on your phone and try the newest code."),
    )
    return None


@sensitive_post_parameters()
@csrf_protect
@never_cache
def password_step(request, site, extra_context=None):
    """The admin's login page: username and password (AdminSite.login)."""
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "GET" and site.has_permission(request):
        return HttpResponseRedirect(_safe_next(request, next_url))
    form = AdminAuthenticationForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        request.session.cycle_key()  # a fresh session id for the half-logged-in state
        request.session[PENDING_KEY] = {
            "user": user.pk,
            "hash": user.get_session_auth_hash(),
            "backend": user.backend,
            "at": time.time(),
            "next": next_url,
        }
        step = "admin:login_verify" if twofactor.has_second_factor(user) else "admin:login_enrol"
        return redirect(step)
    context = _context(
        request, site, form=form, title=_("Log in"), app_path=request.get_full_path(), next=next_url,
        username=request.user.get_username(), **(extra_context or {}),
    )  # fmt: skip
    return render(request, "admin/login.html", context)


@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def verify_step(request, site):
    """Second step: a code from the authenticator app or one backup code."""
    user = pending_user(request)
    if user is None:
        messages.info(request, _("Your login took too long or was interrupted; please enter your password again."))
        return redirect("admin:login")
    if not twofactor.has_second_factor(user):
        return redirect("admin:login_enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify(user, form.cleaned_data["token"])
        if device is not None:
            destination = _finish_login(request, user, device)
            if isinstance(device, StaticDevice):
                left = twofactor.backup_codes_left(user)
                messages.warning(
                    request,
                    _("You used a backup code; %(left)d left. Set up an authenticator app under “Two-factor login”.")
                    % {"left": left},
                )
            return HttpResponseRedirect(destination)
        lockout = _code_refused(request, user, form)
        if lockout is not None:
            return lockout
    context = _context(request, site, form=form, title=_("Two-factor login"), login_user=user,
                       has_app=twofactor.has_app(user))  # fmt: skip
    return render(request, "admin/twofactor/verify.html", context)


@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def enrol_step(request, site):
    """Set up an authenticator app: on the first login (no second factor yet), or later from the
    security page by a user logged in with both factors (a new phone)."""
    user = pending_user(request)
    logging_in = user is not None
    if logging_in and twofactor.has_second_factor(user):
        return redirect("admin:login_verify")  # a new app only after the present factor is shown
    if not logging_in:
        if not site.has_permission(request):
            return redirect("admin:login")
        user = request.user
    device = twofactor.start_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_enrolment(user, device, form.cleaned_data["token"])
        if codes is not None:
            device.refresh_from_db()
            destination = _finish_login(request, user, device) if logging_in else reverse("admin:security")
            return _show_backup_codes(request, site, codes, destination)
        if logging_in:
            lockout = _code_refused(request, user, form)
            if lockout is not None:
                return lockout
        else:
            form.add_error(
                "token",
                _(
                    "This code is not right, or it has been used already. Check the time on your phone and try the newest code."
                ),
            )
    context = _context(
        request, site, form=form, title=_("Set up two-factor login"), login_user=user, logging_in=logging_in,
        qr_code=twofactor.qr_code_svg(device), secret=twofactor.grouped_secret(device),
        issuer=settings.OTP_TOTP_ISSUER,
    )  # fmt: skip
    return render(request, "admin/twofactor/enrol.html", context)


def _show_backup_codes(request, site, codes: list[str], destination: str):
    """The new backup codes, shown once (they are not kept in the session or sent anywhere)."""
    context = _context(request, site, title=_("Your backup codes"), codes=codes, destination=destination)
    response = render(request, "admin/twofactor/backup_codes.html", context)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def security_page(request, site):
    """The user's own second factor: app set up or not, backup codes left, new codes."""
    user = request.user
    if request.method == "POST" and request.POST.get("action") == "new-backup-codes":
        codes = twofactor.issue_backup_codes(user, acting_user=user)
        return _show_backup_codes(request, site, codes, reverse("admin:security"))
    context = _context(
        request, site, title=_("Two-factor login"), has_app=twofactor.has_app(user),
        codes_left=twofactor.backup_codes_left(user),
    )  # fmt: skip
    return render(request, "admin/twofactor/security.html", context)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once an account or address is over the limit (HTTP 429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    request.session.pop(PENDING_KEY, None)
    return render(request, "admin/twofactor/locked_out.html", {"minutes": minutes, "title": _("Too many attempts")},
                  status=429)  # fmt: skip
