"""Reference values posted by staff of site 甲 (A) tell nothing of site 乙 (B) (SEC-3, PUB-1, RES-7).

The focused cases of issue 12 item 3: the resource editor's reference fields (封面图片 …) and the
uniqueness of index numbers (索引号) answer for B's objects exactly as for objects that do not
exist, and an id too long for the database is a form error, not a server error. The walk over
every back-office form is tests/security/test_isolation_walk.py (reference values).
"""

import re

import pytest

from resources.models import Resource
from tests.helpers import admin_url, log_in
from tests.resources import factories as f

pytestmark = pytest.mark.django_db


def article_post(**overrides) -> dict:
    return {"title": "甲市测试文章", "body": "<p>正文。</p>", "summary": "摘要", **overrides}


def normalised(response, *numbers) -> str:
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    for number in numbers:
        text = re.sub(rf"(?<!\d){number}(?!\d)", "ID", text)
    return text


def add_url(site, kind="article") -> str:
    return admin_url("resources_resource_add") + f"?site={site.pk}&kind={kind}"


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_another_sites_resource_as_cover_image_answers_as_a_missing_one(sites, backoffice_client, role):
    a, b = sites.a, sites.b
    b_editor = b.users["editor"]
    secret = f.make_article(b.site, b_editor, title="乙市未发布的内部通知")
    image = f.make_image(b.site, b_editor, title="乙市未发布的图片")
    client = log_in(backoffice_client, a.users[role])
    missing = Resource.objects.order_by("-pk").first().pk + 1000
    count = Resource.objects.count()

    for theirs in (secret, image):
        for field in ("cover_image", "attachments"):
            for_b = client.post(add_url(a.site), article_post(**{field: str(theirs.pk)}))
            for_missing = client.post(add_url(a.site), article_post(**{field: str(missing)}))

            assert for_b.status_code == for_missing.status_code == 200
            assert theirs.title not in for_b.content.decode() and b.site.name not in for_b.content.decode()
            assert normalised(for_b, theirs.pk, missing) == normalised(for_missing, theirs.pk, missing)
    assert Resource.objects.count() == count


@pytest.mark.parametrize("field", ["cover_image", "attachments"])
def test_an_id_too_long_for_the_database_is_a_form_error(sites, backoffice_client, field):
    client = log_in(backoffice_client, sites.a.users["editor"])
    huge = "9" * 40

    response = client.post(add_url(sites.a.site), article_post(**{field: huge}))

    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert huge in response.content.decode()  # the input is kept


def test_a_selected_id_too_long_for_the_database_selects_nothing(sites, backoffice_client):
    client = log_in(backoffice_client, sites.a.users["admin"])

    response = client.post(
        admin_url("columns_column_changelist"),
        {"action": "archive_columns", "_selected_action": ["9" * 40, "-" + "9" * 40]},
        follow=True,
    )

    assert response.status_code == 200
    assert "条目必须选中以对其进行操作" in response.content.decode()  # Django's "Items must be selected …"
