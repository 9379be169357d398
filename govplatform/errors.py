"""The page of a database outage: 503, not a generic 500 (TPL-11).

Both URL configurations (back office and public) name `server_error` as their handler500, so
it sees every exception no view or middleware handled, on every host. When the exception is the
database being unreachable for a moment (django.db.OperationalError or InterfaceError: PostgreSQL
restarting, a lost connection, a lock that timed out), the answer is a 503 with Retry-After
and a page in Chinese first and English that says the service is briefly unavailable and that
what was just submitted was not saved, so the user goes back and submits it again. Every other
exception gets Django's usual 500 page.

The page needs nothing that could fail in an outage: a template rendered without a request (no
context processors, no session, no user, no database), and a plain page from the same texts
should even that fail. The texts are gettext messages (English msgids, translated in
locale/zh_Hans), read from the compiled catalogue files, never from the database; the page shows
them in every language of settings.LANGUAGES, Chinese first; should even the catalogue fail, the
English msgids. No traceback is shown; the outage is logged at ERROR with the exception
(logger `govplatform.outage`). With DEBUG on, Django shows its technical page instead, as for
every error.

An editor's text is not lost: the resource form keeps a copy in the browser (resources/static/
resources/local_draft.js), and a save whose transaction failed changes nothing (actions are one
transaction each).
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, gettext_noop
from django.views.defaults import server_error as default_server_error

log = logging.getLogger("govplatform.outage")

RETRY_AFTER = 30  # seconds: how long a database restart or a failover takes, about
TEMPLATE = "database_unavailable.html"
# The texts of the page (gettext_noop: translated when the page is made, in each language).
TITLE = gettext_noop("Service temporarily unavailable")
CAUSE = gettext_noop("The database cannot be reached at the moment. Please try again shortly.")
NOT_SAVED = gettext_noop("If you just submitted a form (for example, saved a draft), it was not saved.")
AGAIN = gettext_noop("Go back to the previous page and submit it again in about %(seconds)d seconds.")
RESTORE = gettext_noop("On resource pages your browser keeps the text you typed, and restores it when you return.")


def texts(language: str | None) -> dict[str, str]:
    """The page's texts in `language` (a code of settings.LANGUAGES); None: the English msgids."""
    if language is None:
        translate, language = (lambda message: message), "en"
    else:
        translate = gettext
    with translation.override(language):
        return {
            "lang": translation.to_language(language),
            "title": translate(TITLE),
            "cause": translate(CAUSE),
            "not_saved": translate(NOT_SAVED),
            "again": translate(AGAIN) % {"seconds": RETRY_AFTER},
            "restore": translate(RESTORE),
        }


def versions() -> list[dict[str, str]]:
    """The texts in every language of the back office, Chinese first (settings.LANGUAGES)."""
    try:
        return [texts(code) for code, _name in settings.LANGUAGES]
    except Exception:  # a broken catalogue file: the msgids still say it
        log.exception("the outage page's texts could not be translated")
        return [texts(None)]


def plain_page(versions: list[dict[str, str]]) -> str:
    """The page without its template (should the template fail), from the same texts."""
    sections = "".join(
        f'<section lang="{escape(text["lang"])}"><h1>{escape(text["title"])}</h1><p>{escape(text["cause"])}</p>'
        f"<p>{escape(text['not_saved'])} {escape(text['again'])} {escape(text['restore'])}</p></section>"
        for text in versions
    )
    title = " · ".join(escape(text["title"]) for text in versions)
    return f'<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>{title}</title>{sections}</html>'


def database_error_of(error: BaseException | None) -> BaseException | None:
    """The database-outage error that caused `error` (itself, or along its chain of causes)."""
    seen = 0
    while error is not None and seen < 8:
        if isinstance(error, OperationalError | InterfaceError):
            return error
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def server_error(request, *args, **kwargs):
    """handler500: the outage page for a database error, Django's 500 page for anything else."""
    exc_type, error, traceback = sys.exc_info()
    if database_error_of(error) is None:
        return default_server_error(request, *args, **kwargs)
    log.error(
        "database unavailable: %s %s answered 503: %s",
        request.method,
        request.path,
        error,
        exc_info=(exc_type, error, traceback),
    )
    return database_unavailable()


def database_unavailable() -> HttpResponse:
    texts_by_language = versions()
    try:
        html = loader.get_template(TEMPLATE, using="django").render({"versions": texts_by_language})
    except Exception:  # the template itself failed: the plain page still says it
        log.exception("the outage page could not be rendered")
        html = plain_page(texts_by_language)
    response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
