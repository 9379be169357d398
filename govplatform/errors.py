"""The page of a database outage: 503, not a generic 500 (TPL-11).

Both URL configurations (back office and public) name `server_error` as their handler500, so
it sees every exception no view or middleware handled, on every host. When the exception is the
database being unreachable for a moment (django.db.OperationalError or InterfaceError: PostgreSQL
restarting, a lost connection, a lock that timed out), the answer is a 503 with Retry-After
and a page in Chinese first and English that says the service is briefly unavailable and that
what was just submitted was not saved, so the user goes back and submits it again. Every other
exception gets Django's usual 500 page.

The page needs nothing that could fail in an outage: a template rendered without a request (no
context processors, no session, no user, no database), and a literal fallback should even that
fail. No traceback is shown; the outage is logged at ERROR with the exception
(logger `govplatform.outage`). With DEBUG on, Django shows its technical page instead, as for
every error. The text is bilingual in the template itself: it must not depend on anything but
the file.

An editor's text is not lost: the resource form keeps a copy in the browser (resources/static/
resources/local_draft.js), and a save whose transaction failed changes nothing (actions are one
transaction each).
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.defaults import server_error as default_server_error

log = logging.getLogger("govplatform.outage")

RETRY_AFTER = 30  # seconds: how long a database restart or a failover takes, about
TEMPLATE = "database_unavailable.html"
FALLBACK = (
    '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>服务暂时不可用 · Service temporarily unavailable</title>'
    "<h1>服务暂时不可用</h1><p>您刚才提交的内容没有保存。请返回上一页，稍后重新提交。</p>"
    '<h2 lang="en">Service temporarily unavailable</h2>'
    '<p lang="en">What you just submitted was not saved. Go back and submit it again in a moment.</p></html>'
)


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
    try:
        html = loader.get_template(TEMPLATE, using="django").render({"retry_after": RETRY_AFTER})
    except Exception:  # the template itself failed: the literal page still says it
        log.exception("the outage page could not be rendered")
        html = FALLBACK
    response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
