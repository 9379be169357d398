"""INT-3: the error-report form on the public process (我为政府网站找错), reached from the footer's
local entry of every page with the page's address filled in; CSRF, rate limit, human check, input
kept on refusal; the report lands with its deadlines."""

import re
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import Client

from core import humancheck
from interaction import error_report_views
from interaction.models import ErrorReport, ReportSource
from publishing import dynamic_pages
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db
PAGE = "https://www.example.gov.cn/xwzx/gzdt/12.html"
DATA = {"page_url": PAGE, "kind": "inaccurate", "description": "电话号码已经变更。", "contact_name": "李四",
        "contact": "lisi@example.com"}  # fmt: skip


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    dynamic_pages.forget()
    yield
    cache.clear()


def client_for(site, **kwargs):
    return Client(HTTP_HOST=site.primary_domain, **kwargs)


def text_challenge(client):
    page = client.get("/interaction/error-report/?check=text").content.decode()
    token = re.search(r'name="check_token" value="([^"]+)"', page).group(1)
    question = re.search(r"请回答：(.)加(.)等于几", page)
    value = humancheck.CHINESE_NUMBERS.index(question.group(1)) + humancheck.CHINESE_NUMBERS.index(question.group(2))
    return {"check_token": token, "check_answer": str(value)}


def test_int3_form_prefilled_from_the_page_parameter():
    site = SiteFactory()
    page = client_for(site).get(f"/interaction/error-report/?page={quote(PAGE, safe='')}").content.decode()
    assert "我为政府网站找错" in page and 'name="SiteName"' in page  # in the site's frame
    assert f'value="{PAGE}"' in page
    # the footer of the form's own page carries both entries
    assert "zfwzgl.www.gov.cn/exposure/jiucuo.html" in page and "本站纠错" in page
    own = quote(f"https://{site.primary_domain}/interaction/error-report/", safe="")
    assert f'href="/interaction/error-report/?page={own}" class="report-error"' in page


def test_int3_citizen_reports_an_error():
    site = SiteFactory()
    client = client_for(site)
    response = client.post("/interaction/error-report/", {**DATA, **text_challenge(client)})
    page = response.content.decode()
    assert response.status_code == 200, page
    assert response["Cache-Control"] == "no-store"
    report = ErrorReport.objects.get()
    assert report.site == site and report.source == ReportSource.LOCAL and report.page_url == PAGE
    assert f"编号 {report.pk}" in page and "3个工作日内" in page
    assert report.answer_due_on is not None


def test_int3_refusal_keeps_what_was_typed():
    site = SiteFactory()
    client = client_for(site)
    response = client.post("/interaction/error-report/", {**DATA, "description": "", **text_challenge(client),
                                                          "check_answer": "99"})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 400
    assert "已填写的内容均已保留" in page and "lisi@example.com" in page and f'value="{PAGE}"' in page
    assert "验证" in page and "这个字段是必填项" in page
    assert not ErrorReport.objects.exists()


def test_int3_csrf_required():
    site = SiteFactory()
    client = client_for(site, enforce_csrf_checks=True)
    assert client.post("/interaction/error-report/", DATA).status_code == 403
    assert not ErrorReport.objects.exists()


def test_int3_rate_limit(monkeypatch):
    monkeypatch.setattr(error_report_views, "REPORT_LIMIT", 1)
    site = SiteFactory()
    client = client_for(site)
    assert client.post("/interaction/error-report/", {**DATA, **text_challenge(client)}).status_code == 200
    response = client.post("/interaction/error-report/", {**DATA, **text_challenge(client)})
    page = response.content.decode()
    assert response.status_code == 429 and "分钟后再试" in page
    assert "电话号码已经变更。" in page  # kept
    assert ErrorReport.objects.count() == 1


def test_int3_injection_corpus_in_every_field_is_shown_as_text(monkeypatch, backoffice_client):
    """INT-3, SEC-7: every payload of the corpus in every text field of the error-report form, on
    the refused form (kept input) and the receipt (no active part), and nothing that reads as a tag
    is stored (the sanitiser runs in the action) or reaches the handlers' page."""
    from tests.editorial.conftest import member
    from tests.helpers import admin_url, log_in
    from tests.interaction.test_public_forms import active_parts
    from tests.security.payloads import XSS_PAYLOADS

    monkeypatch.setattr(error_report_views, "REPORT_LIMIT", 10_000)
    site = SiteFactory()
    client = client_for(site)
    fields = ("description", "contact_name", "contact")
    for payload in XSS_PAYLOADS:
        typed = {**DATA, **{name: payload for name in fields}, "page_url": PAGE + "?q=" + quote(payload[:60])}
        kept = client.post("/interaction/error-report/", {**typed, **text_challenge(client), "check_answer": "99"})
        sent = client.post("/interaction/error-report/", {**typed, **text_challenge(client)})
        for response in (kept, sent):
            assert active_parts(response.content.decode()) == [], payload
    assert ErrorReport.objects.exists()
    handler = log_in(backoffice_client, member(site, "site_admin", username="int3-xss-admin"))
    for report in ErrorReport.objects.all():
        assert not re.search(r"<[a-z]+[\s/>]", report.description, re.I)  # no tag stored
        page = handler.get(admin_url("interaction_errorreport_change", report.pk))
        # the back office draws its own icons (svg): what must not be there is the payload's markup
        assert page.status_code == 200 and "<a href=javas" not in page.content.decode()
