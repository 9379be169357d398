"""The letter form and the status page on the public process (INT-1, INT-6), in the site's frame:

/interaction/write/<channel id>/   a channel of the host's site, open for letters. A logged-in
                                   citizen writes as themselves (their contact shown masked; name,
                                   telephone or e-mail typed override it); without an account only
                                   where the channel takes anonymous letters (else links to log in
                                   or register). CSRF, rate limits per address and per account, the
                                   human check (image or a sum in words), the sanitiser on every
                                   field (interaction/letter_forms.py); a refused submission shows
                                   everything typed again. Success shows the tracking number and,
                                   for a writer without an account, the query code (once).
/interaction/status/               the tracking number and query code (POST, never in the
                                   address), or a logged-in citizen's own letter from "my letters"
                                   (`mine`): the steps shown to the writer, the deadline, and the
                                   answer once reviewed; personal data masked.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from auditlog.audit import request_ip
from core import humancheck, ratelimit
from interaction import citizen_session, letter_attachments, letter_status, letters
from interaction.letter_forms import LetterForm, StatusForm
from interaction.models.citizens import ContactKind
from interaction.models.letters import Channel, Letter
from interaction.public_pages import LANGUAGE, kind_wanted, page, site_of

WRITE_LIMIT, WRITE_WINDOW = 10, 3600  # submissions per address, accepted or not
ACCOUNT_WRITE_LIMIT, ACCOUNT_WRITE_WINDOW = 10, 24 * 3600  # letters per account and day
LOOKUP_LIMIT, LOOKUP_WINDOW = 30, 600
STATUS_PATH = "/interaction/status/"
STATUS_CRUMB = "信件查询"
# What the templates ask (the site's Jinja environment has strict undefined names).
WRITE_DEFAULTS = {
    "form": None, "challenge": None, "account": "", "allowed": False, "files_hint": "", "files_again": False,
}  # fmt: skip
STATUS_DEFAULTS = {"letter": None, "info": None, "answer_letter": None, "number": "", "code": "", "mine": ""}


def _too_many(window: int) -> str:
    minutes = max(1, ratelimit.remaining_seconds(window) // 60)
    return _("Too many letters were sent. Please try again in %(minutes)d minutes; what you typed is kept below.") % {
        "minutes": minutes
    }


def _channel(site, channel_id: int) -> Channel:
    channel = Channel.objects.select_related("column", "site").filter(pk=channel_id, site=site).first()
    if channel is None:
        raise Http404("no such channel on this site")
    return channel


def _writer_data(form, citizen) -> dict:
    """What submit() receives: the typed fields, the account's contact where none was typed."""
    data = dict(form.cleaned_data)
    if citizen is not None:
        if citizen.contact_kind == ContactKind.PHONE and not data.get("writer_phone"):
            data["writer_phone"] = citizen.contact
        if citizen.contact_kind == ContactKind.EMAIL and not data.get("writer_email"):
            data["writer_email"] = citizen.contact
    return data


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "HEAD", "POST"])
def write(request, channel_id: int):
    site = site_of(request)
    channel = _channel(site, channel_id)
    citizen = citizen_session.current(request)
    with translation.override(LANGUAGE):
        title = channel.name
        where = {"title": title, "crumbs": [(title, "")], "path": f"interaction/write/{channel.pk}/index.html"}
        context = {
            **WRITE_DEFAULTS,
            "channel": channel,
            "account": letter_status.masked_contact(citizen) if citizen else "",
            "write_path": f"/interaction/write/{channel.pk}/",
            "allowed": channel.is_open and (citizen is not None or channel.allows_anonymous),
        }
        if not context["allowed"]:
            return page(request, site, "interaction_write.html", context, status=200 if channel.is_open else 404,
                        **where)  # fmt: skip
        notice, check_error, status, show_errors = "", "", 200, False
        posted = request.method == "POST"
        form = LetterForm(request.POST if posted else None, request.FILES if posted else None)
        files_chosen = posted and any(request.FILES.getlist("attachments"))
        if request.method == "POST" and not request.POST.get("switch_check"):
            show_errors, status = True, 400
            address_ok = ratelimit.hit("letter-write", request_ip(request), limit=WRITE_LIMIT, window=WRITE_WINDOW)
            account_ok = address_ok and (
                citizen is None
                or ratelimit.hit(
                    "letter-write-account", str(citizen.pk), limit=ACCOUNT_WRITE_LIMIT, window=ACCOUNT_WRITE_WINDOW
                )
            )
            if not account_ok:
                window = WRITE_WINDOW if not address_ok else ACCOUNT_WRITE_WINDOW
                notice, status, show_errors = _too_many(window), 429, False
            else:
                solved = humancheck.verify(request.POST.get("check_token", ""), request.POST.get("check_answer", ""))
                if not solved:
                    check_error = _("The answer to the check was not right. Please answer the new question.")
                if form.is_valid() and solved:
                    try:
                        letter, code = letters.submit(
                            channel,
                            _writer_data(form, citizen),
                            citizen=citizen,
                            files=form.cleaned_data["attachments"],
                        )
                    except ValidationError as error:
                        _add_errors(form, error)
                    else:
                        done = {"channel": channel, "letter": letter, "code": "" if citizen else code,
                                "status_path": STATUS_PATH}  # fmt: skip
                        return page(request, site, "interaction_written.html", done,
                                    **{**where, "title": "信件已提交"})  # fmt: skip
        context.update(form=form, show_errors=show_errors, challenge=humancheck.new(kind_wanted(request)),
                       check_error=check_error, notice=notice, files_hint=letter_attachments.allowed_text(),
                       files_again=files_chosen)  # fmt: skip
        return page(request, site, "interaction_write.html", context, status=status, **where)


def _own_letter(citizen, site, number: str) -> Letter | None:
    if citizen is None or not number:
        return None
    return citizen.letters.select_related("channel__site", "site", "sub_unit").filter(tracking_number=number).first()


def _shown_here(letter: Letter | None, site) -> Letter | None:
    """A letter is shown on the host of the site it was written to or of the site handling it."""
    if letter is None or site.pk not in (letter.channel.site_id, letter.site_id):
        return None
    return letter


@require_http_methods(["GET", "HEAD", "POST"])
def status(request):
    site = site_of(request)
    citizen = citizen_session.current(request)
    with translation.override(LANGUAGE):
        where = {"title": STATUS_CRUMB, "crumbs": [(STATUS_CRUMB, "")], "path": "interaction/status/index.html"}
        if request.method != "POST":
            return page(request, site, "interaction_status.html", {**STATUS_DEFAULTS, "form": StatusForm()}, **where)
        form = StatusForm(request.POST)
        context = {**STATUS_DEFAULTS, "form": form, "show_errors": True}
        if not ratelimit.hit("letter-status", request_ip(request), limit=LOOKUP_LIMIT, window=LOOKUP_WINDOW):
            minutes = max(1, ratelimit.remaining_seconds(LOOKUP_WINDOW) // 60)
            context.update(error=_("Too many lookups from your network. Please try again in %(minutes)d minutes.")
                           % {"minutes": minutes}, show_errors=False)  # fmt: skip
            return page(request, site, "interaction_status.html", context, status=429, **where)
        mine = (request.POST.get("mine") or "").strip()[:30]
        if mine:
            found = _shown_here(_own_letter(citizen, site, mine), site)
            form = StatusForm()
            context = {**STATUS_DEFAULTS, "form": form}
        elif form.is_valid():
            found = _shown_here(letters.find(form.cleaned_data["number"], form.cleaned_data["code"]), site)
        else:
            return page(request, site, "interaction_status.html", context, status=400, **where)
        if found is None:
            context["error"] = _("No letter matches this tracking number and query code. Check both and try again.")
            return page(request, site, "interaction_status.html", context, **where)
        shown = letters.answer_for_writer(found)
        context.update(
            letter=found,
            info=letter_status.details(found),
            answer_letter=shown,
            number=found.tracking_number,
            code=form.cleaned_data.get("code", "") if form.is_bound and form.is_valid() else "",
            mine=mine,
        )
        return page(request, site, "interaction_status.html", context, **where)
