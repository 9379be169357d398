"""The error-report form on the public process (我为政府网站找错, INT-3), in the frame of the site:

/interaction/error-report/   reached from the footer's local entry of every page (the page's address
                             comes in the `page` query parameter and fills the form); CSRF, a rate
                             limit per address, a human check with a text alternative; a refused
                             submission shows the form again with everything typed kept.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from auditlog.audit import request_ip
from core import humancheck, ratelimit
from interaction import error_reports as actions
from interaction.error_report_forms import ErrorReportForm
from publishing import dynamic_pages
from sites.host_cache import site_for_host

LANGUAGE = "zh-hans"
PATH = "/interaction/error-report/"
CRUMB = "我为政府网站找错"
# Submissions (accepted or not) per address and hour.
REPORT_LIMIT, REPORT_WINDOW = 10, 3600


def _kind_wanted(request) -> str:
    wanted = request.POST.get("switch_check") or request.GET.get("check") or ""
    if wanted in (humancheck.IMAGE, humancheck.TEXT):
        return wanted
    return humancheck.kind_of(request.POST.get("check_token", "")) if request.method == "POST" else humancheck.IMAGE


def _page(request, site, context, status=200):
    context = {"notice": "", "check_error": "", "show_errors": False, "report": None, **context}
    context["csrf_token"] = get_token(request)
    html = dynamic_pages.render(site, "interaction_error_report.html", context,
                                path="interaction/error-report/index.html", title=CRUMB, crumbs=[(CRUMB, "")])  # fmt: skip
    response = HttpResponse(html, content_type="text/html; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def error_report(request):
    site = site_for_host(request.get_host())
    if site is None:
        raise Http404("no site is served on this host")
    with translation.override(LANGUAGE):
        notice, check_error, status, bound_only = "", "", 200, False
        if request.method == "POST":
            form = ErrorReportForm(request.POST)
            if request.POST.get("switch_check"):
                bound_only = True  # the visitor asked for the other check: no errors yet
            elif not ratelimit.hit("error-report", request_ip(request), limit=REPORT_LIMIT, window=REPORT_WINDOW):
                minutes = max(1, ratelimit.remaining_seconds(REPORT_WINDOW) // 60)
                notice = _(
                    "Too many reports were sent from your network. Please try again in %(minutes)d minutes; "
                    "what you typed is kept below."
                ) % {"minutes": minutes}
                status, bound_only = 429, True
            else:
                solved = humancheck.verify(request.POST.get("check_token", ""), request.POST.get("check_answer", ""))
                if not solved:
                    check_error = _("The answer to the check was not right. Please answer the new question.")
                if form.is_valid() and solved:
                    try:
                        report = actions.submit(site, form.cleaned_data)
                    except ValidationError as error:
                        for name, messages in error.message_dict.items():
                            form.add_error(name if name in form.fields else None, messages)
                    else:
                        return _page(request, site, {"report": report, "form": None, "challenge": None})
                status = 400
        else:
            form = ErrorReportForm(initial={"page_url": request.GET.get("page", "")[:500], "kind": "unreachable"})
        context = {
            "form": form,
            "show_errors": form.is_bound and not bound_only,
            "challenge": humancheck.new(_kind_wanted(request)),
            "check_error": check_error,
            "notice": notice,
            "action": PATH,
        }
        return _page(request, site, context, status=status)
