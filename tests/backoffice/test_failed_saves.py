"""A save that fails gives the form back with everything the editor typed: body, title and every
metadata field (TPL-11, PUB-4). Three ways to fail: invalid input, someone saving in between
(EditConflict), and the database failing inside the action (tests/outage.py).
"""

import logging

import pytest
from django.test import Client
from django.utils.html import escape

from backoffice.resource_views import DATABASE_FAILED
from editorial import drafts as actions
from resources.models import Revision
from tests.helpers import admin_url, log_in
from tests.outage import inserts_into, outage_fixture  # noqa: F401 (fixture)
from tests.resources.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)

TYPED = {
    "title": "关于做好汛期安全防范工作的通知（第二稿）",
    "body": "<p>各区要在汛前完成<strong>隐患排查</strong>，落实值班值守。</p>",
    "source": "市防汛抗旱指挥部办公室",
    "author": "周敏",
    "keywords": "防汛,值班",
    "description": "汛期安全防范工作的具体要求",
    "classification": "城乡建设、环境保护",  # one of the subject list (DISC-2)
    "note": "补充值班要求",
}


@pytest.fixture
def editing(sites):
    a = sites.a
    resource = make_article(a.site, a.users["editor"], column=a.columns[0])
    client = log_in(Client(HTTP_HOST="localhost", raise_request_exception=False), a.users["editor"])
    url = admin_url("resources_resource_change", resource.pk)
    form = {"base_revision_id": resource.current_revision_id, "subtitle": "", "summary": "", "cover_image": "",
            "attachments": "", **TYPED}  # fmt: skip
    return resource, client, url, form


def assert_everything_typed_is_kept(response) -> str:
    assert response.status_code == 200
    text = response.content.decode()
    bound = response.context["form"]
    for name, value in TYPED.items():
        assert bound[name].value() == value, name
        assert escape(value) in text, name  # drawn in the form the editor sees
    return text


def test_invalid_input_keeps_everything_typed(editing):  # TPL-11
    resource, client, url, form = editing
    response = client.post(url, {**form, "cover_image": "99999"})  # no such image
    assert_everything_typed_is_kept(response)
    assert "cover_image" in response.context["form"].errors
    assert Revision.objects.filter(resource=resource).count() == 1


def test_an_edit_conflict_keeps_everything_typed(editing, sites, make_member):  # TPL-11, PUB-4
    resource, client, url, form = editing
    colleague = make_member(sites.a.site, real_name="孙编辑")
    actions.save_draft(resource, base_revision_id=resource.current_revision_id, title="同事的标题",
                       data={"body": "<p>同事的正文</p>"}, acting_user=colleague)  # fmt: skip

    response = client.post(url, form)

    text = assert_everything_typed_is_kept(response)
    assert "孙编辑" in text
    assert Revision.objects.filter(resource=resource).count() == 2


def test_a_database_error_inside_the_save_keeps_everything_typed(editing, outage, caplog):  # TPL-11
    resource, client, url, form = editing
    outage.once(inserts_into("resources_revision"))  # the connection drops as the version is written

    with caplog.at_level(logging.ERROR):
        response = client.post(url, form)

    text = assert_everything_typed_is_kept(response)
    assert escape(DATABASE_FAILED) in text and "数据库暂时无法完成保存" in text
    assert Revision.objects.filter(resource=resource).count() == 1  # nothing saved
    assert any(
        r.levelno == logging.ERROR and r.exc_info for r in caplog.records if r.name == "backoffice.resource_views"
    )
    assert client.post(url, form).status_code == 302  # saved when the editor tries again
    resource.refresh_from_db()
    assert resource.current_revision.metadata["author"] == "周敏"
