"""Rich text nested thousands of levels deep is refused with a form error, and nothing typed is
lost (SEC-7, TPL-11; issue 12 item 7: the sanitiser's tree walk ran out of recursion, a 500)."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from resources.models import Revision
from resources.sanitize import MAX_NESTING, clean_html, clean_text
from tests.backoffice.test_failed_saves import TYPED
from tests.helpers import admin_url, log_in
from tests.resources.factories import make_article

DEEP = "<p>" + "<em>" * 5000 + "深层嵌套" + "</em>" * 5000 + "</p>"


@pytest.mark.parametrize(
    "body",
    [
        DEEP,
        "<div>" * 5000 + "x",  # never closed
        "<blockquote><ul><li>" * 2000 + "x",
        "<table><tr><td>" * 3000 + "x",
        "<p>" + "<em>" * 500 + "x",  # under the estimate, over the limit
    ],
    ids=["em", "div", "lists", "tables", "em500"],
)
def test_deep_nesting_is_refused_quickly(body):  # SEC-7
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        clean_html(body)
    assert refused.value.code == "nesting"
    assert time.monotonic() - started < 2


def test_a_huge_unclosed_nesting_does_not_stall_the_sanitiser():  # SEC-7
    started = time.monotonic()
    with pytest.raises(ValidationError):
        clean_html("<div>" * 200_000)  # html5ever needs minutes for this (quadratic in the depth)
    assert time.monotonic() - started < 2


def test_ordinary_nesting_is_kept():  # SEC-7
    nested = "<ul><li>" * 20 + "第二十层" + "</li></ul>" * 20
    assert clean_html(nested).count("<ul>") == 20
    table = "<table><tr><td>" + "<strong><em><u>" * 10 + "x" + "</u></em></strong>" * 10 + "</td></tr></table>"
    assert clean_html(table).count("<strong>") == 10
    assert MAX_NESTING >= 50


@pytest.mark.django_db(transaction=True)
def test_a_deeply_nested_body_gets_a_form_error_and_keeps_the_input(sites):  # SEC-7, TPL-11
    a = sites.a
    resource = make_article(a.site, a.users["editor"], column=a.columns[0])
    client = log_in(Client(HTTP_HOST="localhost", raise_request_exception=False), a.users["editor"])
    form = {"base_revision_id": resource.current_revision_id, "subtitle": "", "summary": "", "cover_image": "",
            "attachments": "", **TYPED, "body": DEEP}  # fmt: skip
    response = client.post(admin_url("resources_resource_change", resource.pk), form, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    bound = response.context["form"]
    assert bound["body"].value() == DEEP and bound["title"].value() == TYPED["title"]
    [message] = bound.errors["body"]
    assert "嵌套" in message and str(MAX_NESTING) in message
    assert "深层嵌套" in response.content.decode()  # the text is still in the editor's field
    assert Revision.objects.filter(resource=resource).count() == 1


def test_plain_text_with_absurd_nesting_is_cleaned_quickly():  # SEC-7
    # A title is cleaned before its length is checked: 2 MB of <div> must not stall the request.
    started = time.monotonic()
    assert clean_text("<div>" * 200_000 + "标题<script>alert(1)</script>" + "</div>" * 10) == "标题"
    assert time.monotonic() - started < 2
