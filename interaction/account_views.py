"""The citizen's account pages on the public process (INT-6), in the frame of the site:

/interaction/account/register/   phone or e-mail, password, human check → a code is sent
/interaction/account/verify/     the code → the account is verified and logged in
/interaction/account/login/      phone or e-mail and password (an unverified account gets a new code)
/interaction/account/logout/     POST only
/interaction/account/            "my letters": status and deadlines of the letters written logged in

CSRF on every form; rate limits per address (and per account for logins and codes); a refused
submission shows the form again with what was typed (never the passwords). The session is the
signed cookie of interaction/citizen_session.py, never the back office's.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from auditlog.audit import request_ip
from core import humancheck, ratelimit
from interaction import citizen_session, citizens, letter_status
from interaction.models.letters import Channel
from interaction.public_forms import LoginForm, RegisterForm, VerifyForm
from interaction.public_pages import LANGUAGE, kind_wanted, page, site_of

ACCOUNT_PATH = "/interaction/account/"
REGISTER_LIMIT, REGISTER_WINDOW = 10, 3600
LOGIN_LIMIT, LOGIN_WINDOW = 20, 900  # per address
ACCOUNT_LOGIN_LIMIT = 10  # per account, same window
VERIFY_LIMIT, VERIFY_WINDOW = 20, 900
CRUMB = "用户中心"


def _too_many(window: int) -> str:
    minutes = max(1, ratelimit.remaining_seconds(window) // 60)
    return _("Too many attempts. Please try again in %(minutes)d minutes; what you typed is kept below.") % {
        "minutes": minutes
    }


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def _forget_passwords(form) -> None:
    """What was typed is kept on refusal, except the passwords (never sent back to the browser)."""
    if form.is_bound:
        form.data = form.data.copy()
        for name in ("password", "password2"):
            form.data.pop(name, None)


def _account_page(request, site, template, context, *, title, status=200):
    if "form" in context:
        _forget_passwords(context["form"])
    crumbs = [(CRUMB, ACCOUNT_PATH), (title, "")] if title != CRUMB else [(CRUMB, "")]
    return page(request, site, template, context, title=title, crumbs=crumbs,
                path="interaction/account/index.html", status=status)  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def register(request):
    site = site_of(request)
    with translation.override(LANGUAGE):
        notice, check_error, status = "", "", 200
        form = RegisterForm(request.POST if request.method == "POST" else None)
        show_errors = False
        if request.method == "POST" and not request.POST.get("switch_check"):
            show_errors = True
            if not ratelimit.hit("citizen-register", request_ip(request), limit=REGISTER_LIMIT, window=REGISTER_WINDOW):
                notice, status, show_errors = _too_many(REGISTER_WINDOW), 429, False
            else:
                solved = humancheck.verify(request.POST.get("check_token", ""), request.POST.get("check_answer", ""))
                if not solved:
                    check_error = _("The answer to the check was not right. Please answer the new question.")
                if form.is_valid() and solved:
                    try:
                        citizen = citizens.register(form.cleaned_data["contact"], form.cleaned_data["password"])
                    except ValidationError as error:
                        _add_errors(form, error)
                    else:
                        verify_form = VerifyForm(initial={"contact": citizen.contact})
                        return _account_page(request, site, "interaction_verify.html",
                                             {"form": verify_form, "sent": True}, title="验证")  # fmt: skip
                status = 400
        context = {
            "form": form,
            "show_errors": show_errors,
            "challenge": humancheck.new(kind_wanted(request)),
            "check_error": check_error,
            "notice": notice,
        }
        return _account_page(request, site, "interaction_register.html", context, title="注册", status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    site = site_of(request)
    with translation.override(LANGUAGE):
        if request.method != "POST":
            form = VerifyForm(initial={"contact": request.GET.get("contact", "")[:254]})
            return _account_page(request, site, "interaction_verify.html", {"form": form}, title="验证")
        form = VerifyForm(request.POST)
        context = {"form": form, "show_errors": True}
        status = 400
        if not ratelimit.hit("citizen-verify", request_ip(request), limit=VERIFY_LIMIT, window=VERIFY_WINDOW):
            context.update(notice=_too_many(VERIFY_WINDOW), show_errors=False)
            status = 429
        elif form.is_valid():
            citizen = citizens.find(form.cleaned_data["contact"])
            try:
                if citizen is None:
                    raise ValidationError({"contact": _("No account is registered with this phone number or e-mail.")})
                if request.POST.get("resend"):
                    if not ratelimit.hit("citizen-code", str(citizen.pk), limit=5, window=3600):
                        raise ValidationError(_("Too many codes were asked for this account. Please try again later."))
                    citizens.send_code(citizen)
                    context.update(sent=True, show_errors=False, form=VerifyForm(initial={"contact": citizen.contact}))
                    status = 200
                else:
                    citizens.verify(citizen, form.cleaned_data["code"])
                    response = HttpResponseRedirect(ACCOUNT_PATH)
                    citizen_session.login(response, citizen)
                    return response
            except ValidationError as error:
                _add_errors(form, error)
        return _account_page(request, site, "interaction_verify.html", context, title="验证", status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def login(request):
    site = site_of(request)
    with translation.override(LANGUAGE):
        next_path = request.POST.get("next") or request.GET.get("next") or ACCOUNT_PATH
        if not next_path.startswith("/interaction/") or "//" in next_path:
            next_path = ACCOUNT_PATH
        form = LoginForm(request.POST if request.method == "POST" else None)
        context = {"form": form, "show_errors": False, "next": next_path}
        status = 200
        if request.method == "POST":
            context["show_errors"] = True
            status = 400
            if not ratelimit.hit("citizen-login", request_ip(request), limit=LOGIN_LIMIT, window=LOGIN_WINDOW):
                context.update(notice=_too_many(LOGIN_WINDOW), show_errors=False)
                status = 429
            elif form.is_valid():
                contact = form.cleaned_data["contact"]
                known = citizens.find(contact)
                if known is not None and not ratelimit.hit(
                    "citizen-login-account", str(known.pk), limit=ACCOUNT_LOGIN_LIMIT, window=LOGIN_WINDOW
                ):
                    context.update(notice=_too_many(LOGIN_WINDOW), show_errors=False)
                    status = 429
                else:
                    citizen = citizens.authenticate(contact, form.cleaned_data["password"])
                    if citizen is None:
                        form.add_error(None, _("The phone number, e-mail or password is not right."))
                    elif not citizen.is_verified:
                        try:
                            citizens.send_code(citizen)
                        except ValidationError as error:
                            _add_errors(form, error)
                        else:
                            verify_form = VerifyForm(initial={"contact": citizen.contact})
                            return _account_page(request, site, "interaction_verify.html",
                                                 {"form": verify_form, "sent": True}, title="验证")  # fmt: skip
                    else:
                        response = HttpResponseRedirect(next_path)
                        citizen_session.login(response, citizen)
                        return response
        return _account_page(request, site, "interaction_login.html", context, title="登录", status=status)


@require_POST
def logout(request):
    site_of(request)
    response = HttpResponseRedirect(ACCOUNT_PATH + "login/")
    citizen_session.logout(response)
    return response


@require_http_methods(["GET", "HEAD"])
def home(request):
    """ "My letters" (INT-6): every letter written while logged in, on any site, with its status
    and deadline; a visitor not logged in is sent to the login page."""
    site = site_of(request)
    citizen = citizen_session.current(request)
    if citizen is None:
        return HttpResponseRedirect(ACCOUNT_PATH + "login/")
    with translation.override(LANGUAGE):
        letters = [letter_status.summary(letter) for letter in citizen.letters.select_related("channel__site", "site")]
        channels = list(Channel.objects.filter(site=site, is_open=True).order_by("name", "id"))
        context = {"contact": letter_status.masked_contact(citizen), "letters": letters, "channels": channels,
                   "site_pk": site.pk}  # fmt: skip
        return _account_page(request, site, "interaction_account.html", context, title=CRUMB)
