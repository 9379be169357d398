"""The applicant's pages on the public process (DISC-3), in the frame of the site (TPL-1 to TPL-4):

/disclosure/apply/          the online application (条例 art.29) for natural and legal persons:
                            CSRF, a rate limit per address, a human check with a text alternative;
                            a refused submission shows the form again with everything typed kept;
                            success shows the tracking number and the query code (once).
/disclosure/status/         asks for both; shows the steps, the deadline and the answer, and lets
                            the applicant complete the application when asked to (补正).
/disclosure/status/file/    an attachment of the answer, only with the tracking number and code.
/disclosure/disclosure.css  the pages' styles (the public Content-Security-Policy allows no inline style).

The tracking number and code travel in POST bodies, never in addresses (which logs keep). Pages
are Chinese: public sites are (their templates are written in Chinese), whatever the browser asks.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from auditlog.audit import request_ip
from core import humancheck, masking, ratelimit
from core.upload_headers import upload_headers
from disclosure import deadlines, request_notices
from disclosure import request_actions as actions
from disclosure import request_submission as submission
from disclosure.models.catalogue import Organisation
from disclosure.models.requests import RequestAttachment, RequestStatus
from disclosure.public_forms import ApplicationForm, CompletionForm, LookupForm
from publishing import dynamic_pages
from sites.host_cache import site_for_host

LANGUAGE = "zh-hans"
STYLES = Path(__file__).resolve().parent / "assets" / "disclosure.css"
# Submissions (accepted or not) per address, and lookups of the status page per address.
APPLY_LIMIT, APPLY_WINDOW = 10, 3600
LOOKUP_LIMIT, LOOKUP_WINDOW = 30, 600
APPLY_PATH, STATUS_PATH = "/disclosure/apply/", request_notices.STATUS_PATH
APPLY_CRUMB, STATUS_CRUMB = "政府信息公开申请", "申请办理进度查询"


# What the templates ask of every page (the site's Jinja environment has strict undefined names).
PAGE_DEFAULTS = {
    "unavailable": False,
    "notice": "",
    "error": "",
    "check_error": "",
    "show_errors": False,
    "request_obj": None,
    "completed": False,
}


def _site(request):
    site = site_for_host(request.get_host())
    if site is None:
        raise Http404("no site is served on this host")
    return site


def _page(request, site, template, context, *, title, crumbs, path, status=200):
    context = {**PAGE_DEFAULTS, **context, "csrf_token": get_token(request), "styles": "/disclosure/disclosure.css"}
    html = dynamic_pages.render(site, template, context, path=path, title=title, crumbs=crumbs)
    response = HttpResponse(html, content_type="text/html; charset=utf-8", status=status)
    # The pages show personal data and a query code: never kept by a cache or the browser's history.
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _organisations(site) -> list[Organisation]:
    return list(Organisation.objects.filter(site=site).order_by("sub_unit_id", "id"))


def _kind_wanted(request) -> str:
    wanted = request.POST.get("switch_check") or request.GET.get("check") or ""
    if wanted in (humancheck.IMAGE, humancheck.TEXT):
        return wanted
    return humancheck.kind_of(request.POST.get("check_token", "")) if request.method == "POST" else humancheck.IMAGE


@require_http_methods(["GET", "HEAD", "POST"])
def apply(request):
    site = _site(request)
    with translation.override(LANGUAGE):
        organisations = _organisations(site)
        crumbs = [(APPLY_CRUMB, "")]
        if not organisations:
            return _page(request, site, "disclosure_apply.html", {"unavailable": True}, title=APPLY_CRUMB,
                         crumbs=crumbs, path="disclosure/apply/index.html", status=404)  # fmt: skip
        notice, check_error, status = "", "", 200
        if request.method == "POST":
            form = ApplicationForm(request.POST, organisations=organisations)
            if request.POST.get("switch_check"):
                form.is_bound_only = True  # the visitor asked for the other check: no errors yet
            elif not ratelimit.hit("disclosure-apply", request_ip(request), limit=APPLY_LIMIT, window=APPLY_WINDOW):
                minutes = max(1, ratelimit.remaining_seconds(APPLY_WINDOW) // 60)
                notice = _(
                    "Too many applications were sent from your network. Please try again in %(minutes)d minutes; "
                    "what you typed is kept below."
                ) % {"minutes": minutes}
                status = 429
                form.is_bound_only = True
            else:
                solved = humancheck.verify(request.POST.get("check_token", ""), request.POST.get("check_answer", ""))
                if not solved:
                    check_error = _("The answer to the check was not right. Please answer the new question.")
                if form.is_valid() and solved:
                    try:
                        data = {**form.cleaned_data}
                        created, code = submission.submit(form.chosen_organisation, data)
                    except ValidationError as error:
                        for name, messages in error.message_dict.items():
                            form.add_error(name if name in form.fields else None, messages)
                    else:
                        return _page(request, site, "disclosure_applied.html",
                                     {"request_obj": created, "code": code, "status_path": STATUS_PATH},
                                     title="申请已提交", crumbs=crumbs, path="disclosure/apply/index.html")  # fmt: skip
                status = 400
        else:
            form = ApplicationForm(
                organisations=organisations, initial={"organisation": organisations[0].pk, "applicant_kind": "natural"}
            )
        context = {
            "form": form,
            "show_errors": form.is_bound and not getattr(form, "is_bound_only", False),
            "challenge": humancheck.new(_kind_wanted(request)),
            "check_error": check_error,
            "notice": notice,
            "status_path": STATUS_PATH,
        }
        return _page(request, site, "disclosure_apply.html", context, title=APPLY_CRUMB, crumbs=crumbs,
                     path="disclosure/apply/index.html", status=status)  # fmt: skip


def _lookup(request, site, form):
    """(the request, an error message, HTTP status): the request of this site when the number and
    code match and the address has not asked too often."""
    if not ratelimit.hit("disclosure-status", request_ip(request), limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW):
        minutes = max(1, ratelimit.remaining_seconds(LOOKUP_WINDOW) // 60)
        message = _("Too many lookups from your network. Please try again in %(minutes)d minutes.")
        return None, message % {"minutes": minutes}, 429
    if not form.is_valid():
        return None, "", 400
    found = submission.find(form.cleaned_data["number"], form.cleaned_data["code"])
    if found is None or found.site_id != site.pk:
        return None, _("No application matches this tracking number and query code. Check both and try again."), 200
    return found, "", 200


def _applicant(request_obj) -> str:
    if request_obj.is_legal_person:
        return masking.mask_organisation(request_obj.organisation_name)
    return masking.mask_name(request_obj.name)


def _status_context(found, form) -> dict:
    today = timezone.localdate()
    steps = [
        {"step": step, "message": request_notices.step_message(step)}
        for step in found.steps.filter(shown_to_applicant=True).order_by("at", "id")
    ]
    left = deadlines.working_days_left(found.due_on, today) if found.due_on else None
    return {
        "request_obj": found,
        "applicant": _applicant(found),
        "steps": steps,
        "days_left": left,
        "awaiting_completion": found.status == RequestStatus.AWAITING_COMPLETION,
        "answered": found.status == RequestStatus.ANSWERED,
        "attachments": list(found.attachments.all()) if found.status == RequestStatus.ANSWERED else [],
        "number": form.cleaned_data["number"] if form.is_valid() else "",
        "code": form.cleaned_data["code"] if form.is_valid() else "",
        "completion_form": CompletionForm(),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def status(request):
    site = _site(request)
    with translation.override(LANGUAGE):
        crumbs = [(STATUS_CRUMB, "")]
        page = {"title": STATUS_CRUMB, "crumbs": crumbs, "path": "disclosure/status/index.html"}
        if request.method != "POST":
            return _page(request, site, "disclosure_status.html", {"form": LookupForm()}, **page)
        form = LookupForm(request.POST)
        found, error, code = _lookup(request, site, form)
        if found is None:
            context = {"form": form, "error": error, "show_errors": True}
            return _page(request, site, "disclosure_status.html", context, status=code, **page)
        context = _status_context(found, form)
        if request.POST.get("complete") == "yes":
            completion = CompletionForm(request.POST)
            context["completion_form"] = completion
            if completion.is_valid():
                try:
                    found = actions.complete(found, text=completion.cleaned_data["text"])
                except ValidationError as refusal:
                    completion.add_error(None, refusal.messages)
                else:
                    context = _status_context(found, form)
                    context["completed"] = True
        return _page(request, site, "disclosure_status.html", {"form": form, **context}, **page)


@require_POST
def attachment(request):
    site = _site(request)
    with translation.override(LANGUAGE):
        form = LookupForm(request.POST)
        found, _error, _code = _lookup(request, site, form)
        if found is None or found.status != RequestStatus.ANSWERED:
            raise Http404("no such attachment")
        item = get_object_or_404(RequestAttachment, request=found, pk=request.POST.get("file") or 0)
        headers = upload_headers(item.file.name, download_name=item.original_name)
        response = FileResponse(item.file.open("rb"), content_type=headers.pop("Content-Type"))
        for name, value in headers.items():
            response[name] = value
        response["Cache-Control"] = "no-store"
        return response


@require_safe
def styles(request):
    data = STYLES.read_bytes()
    etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(data, content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=300"
    return response
