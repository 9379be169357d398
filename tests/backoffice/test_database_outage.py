"""The database away for a moment: a clear 503 page on every host, never a lost or half-saved draft
(TPL-11, PUB-4, SEC-3).

The outage is made by tests/outage.py: every SQL statement fails as when PostgreSQL refuses
connections, or the database goes away in the middle of the action's transaction. The page is
govplatform/errors.py (the handler500 of both URL configurations).
"""

import logging

import pytest
from django.db import OperationalError
from django.test import Client

from resources.models import Revision
from tests.helpers import admin_url, log_in
from tests.outage import inserts_into, outage_fixture  # noqa: F401 (fixture)
from tests.resources.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)

ZH = "服务暂时不可用"
EN = "Service temporarily unavailable"


def back_office(user) -> Client:
    # raise_request_exception=False: the client answers what a browser would get, as in production.
    return log_in(Client(HTTP_HOST="localhost", raise_request_exception=False), user)


def assert_outage_page(response) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    assert text.index(ZH) < text.index(EN)  # Chinese first, then English
    assert "内容没有保存" in text and "返回上一页" in text and "重新提交" in text  # nothing saved: go back, resubmit
    assert "was not saved" in text and "submit it again" in text
    assert "Traceback" not in text and "OperationalError" not in text and "127.0.0.1" not in text
    return text


def edited(resource, **changes) -> dict:
    data = {
        "base_revision_id": resource.current_revision_id,
        "title": "关于做好春季防火工作的通知（修改稿）",
        "subtitle": "",
        "body": "<p>各地要压实防火责任，加强巡查。</p>",
        "summary": "",
        "cover_image": "",
        "attachments": "",
        "source": "市应急管理局",
        "author": "王芳",
        "keywords": "防火,巡查",
        "description": "",
        "classification": "",
        "note": "改正文",
    }
    return {**data, **changes}


def stored(resource) -> tuple:
    resource.refresh_from_db()
    revision = resource.current_revision
    return (resource.title, resource.current_revision_id, Revision.objects.filter(resource=resource).count(),
            revision.title, revision.data.get("body"), revision.metadata.get("author"))  # fmt: skip


def test_a_public_request_during_an_outage_gets_the_503_page(sites, outage, caplog):  # TPL-11, SEC-3
    public = Client(HTTP_HOST=sites.a.site.primary_domain, raise_request_exception=False)
    outage.down = True

    with caplog.at_level(logging.ERROR, logger="govplatform.outage"):
        response = public.get("/search/", {"q": "防火"})  # a citizen's search reads the database

    assert_outage_page(response)
    assert "Content-Security-Policy" in response  # the public policy applies: the page needs no inline code
    (logged,) = [r for r in caplog.records if r.name == "govplatform.outage"]
    assert logged.levelno == logging.ERROR
    assert isinstance(logged.exc_info[1], OperationalError)  # the exception, with its traceback, is in the log

    outage.end()
    assert public.get("/search/", {"q": "防火"}).status_code == 200


def test_a_back_office_page_during_an_outage_gets_the_503_page(sites, outage, caplog):  # TPL-11
    resource = make_article(sites.a.site, sites.a.users["editor"], column=sites.a.columns[0])
    client = back_office(sites.a.users["editor"])
    outage.down = True

    with caplog.at_level(logging.ERROR, logger="govplatform.outage"):
        response = client.get(admin_url("resources_resource_change", resource.pk))

    assert_outage_page(response)
    assert [r.levelname for r in caplog.records if r.name == "govplatform.outage"] == ["ERROR"]
    outage.end()
    assert client.get(admin_url("resources_resource_change", resource.pk)).status_code == 200


def test_other_errors_still_get_the_usual_500(sites, monkeypatch):  # TPL-11
    monkeypatch.setattr("public.views.site_for_host", lambda host: 1 / 0)
    response = Client(HTTP_HOST=sites.a.site.primary_domain, raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_saving_during_an_outage_changes_nothing_and_works_once_the_database_is_back(sites, outage):  # TPL-11, PUB-4
    resource = make_article(sites.a.site, sites.a.users["editor"], column=sites.a.columns[0])
    before = stored(resource)
    client = back_office(sites.a.users["editor"])
    url = admin_url("resources_resource_change", resource.pk)
    form = edited(resource)
    outage.down = True

    assert_outage_page(client.post(url, form))

    outage.end()
    assert stored(resource) == before  # the stored draft is as it was
    response = client.post(url, form)  # the same POST, the database back
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.current_revision.data["body"] == "<p>各地要压实防火责任，加强巡查。</p>"
    assert resource.title == "关于做好春季防火工作的通知（修改稿）"


def test_the_database_going_away_in_the_middle_of_a_save_leaves_no_partial_write(sites, outage):  # TPL-11, PUB-4
    resource = make_article(sites.a.site, sites.a.users["editor"], column=sites.a.columns[0])
    before = stored(resource)
    client = back_office(sites.a.users["editor"])
    url = admin_url("resources_resource_change", resource.pk)
    form = edited(resource)
    outage.after(inserts_into("resources_revision"))  # the new version is written, then the server is gone

    response = client.post(url, form)

    assert outage.refused, "the outage began inside the save"
    assert_outage_page(response)  # the form cannot be drawn again either: the database is still away
    outage.end()
    assert stored(resource) == before  # the revision written before the outage was rolled back
    assert client.post(url, form).status_code == 302  # the same POST, once the database is back
    assert Revision.objects.filter(resource=resource).count() == before[2] + 1
