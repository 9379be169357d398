"""The catalogue in the back office (PUB-10, DISC-2): the disclosure choice on the review page,
the organisations of a site administrator, the subject list on the editing form, the late list."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from disclosure.models import CatalogueEntry, Organisation, SubjectCategory
from editorial import workflow
from resources.models import Disclosure, Resource, ResourceStatus, Revision
from tests.helpers import admin_url
from tests.resources.factories import make_article

pytestmark = pytest.mark.django_db

CODE = "11130600MB0123456X"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def submitted(side, title="关于开展春季植树活动的通知"):
    resource = make_article(side.site, side.users["editor"], title=title, column=side.columns[0])
    workflow.submit(resource, acting_user=side.users["editor"])
    resource.refresh_from_db()
    return resource


def review(client, resource, **data):
    return client.post(
        admin_url("resources_resource_review", resource.pk),
        {"revision_id": resource.submitted_revision_id, "_approve": "1", **data},
    )


def test_the_review_page_asks_for_the_attribute_and_keeps_a_missing_reason(sites, login):  # PUB-10
    resource = submitted(sites.a)
    client = login(sites.a.users["reviewer"])
    page = client.get(admin_url("resources_resource_review", resource.pk)).content.decode()
    assert "公开属性" in page and "不予公开理由" in page
    assert '<input type="radio" name="disclosure" value="proactive" required id="id_disclosure_0" checked>' in page
    refused = review(client, resource, disclosure=Disclosure.WITHHELD, disclosure_reason="")
    text = refused.content.decode()
    assert refused.status_code == 200 and "请说明不予公开的理由" in text
    assert 'value="withheld"' in text and "checked" in text.split('value="withheld"')[1][:40]  # kept as chosen
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.IN_REVIEW
    done = review(client, resource, disclosure=Disclosure.WITHHELD, disclosure_reason="涉及个人隐私")
    assert done.status_code == 302
    resource.refresh_from_db()
    assert (resource.disclosure, resource.published_revision) == (Disclosure.WITHHELD, None)


def test_a_proactive_approval_reports_its_index_number(sites, login, platform_admin):  # DISC-2
    Organisation.objects.create(site=sites.a.site, name="甲市人民政府", code=CODE)
    resource = submitted(sites.a)
    client = login(sites.a.users["reviewer"])
    response = review(client, resource, disclosure=Disclosure.PROACTIVE)
    assert response.status_code == 302
    messages = client.get(response["Location"]).content.decode()
    assert f"索引号：{CODE}/{timezone.localdate().year}-00001" in messages


def test_a_site_administrator_sets_up_the_organisation_of_their_site_only(sites, login):  # DISC-2
    client = login(sites.a.users["admin"])
    url = admin_url("disclosure_organisation_add")
    form = client.get(url).content.decode()
    assert sites.a.site.name in form and sites.b.site.name not in form
    refused = client.post(url, {"site": sites.b.site.pk, "name": "乙", "code": CODE})
    assert refused.status_code == 200 and not Organisation.objects.exists()
    bad = client.post(url, {"site": sites.a.site.pk, "name": "甲市人民政府", "code": "12-34"})
    assert bad.status_code == 200 and "统一社会信用代码" in bad.content.decode()
    done = client.post(url, {"site": sites.a.site.pk, "name": "甲市人民政府", "code": CODE.lower()})
    assert done.status_code == 302
    assert Organisation.objects.get().code == CODE
    assert client.get(admin_url("disclosure_subjectcategory_changelist")).status_code in (302, 403)


def test_the_editing_form_offers_the_subject_list(sites, login):  # DISC-2
    SubjectCategory.objects.get_or_create(name="综合政务", defaults={"code": "zhzw"})
    resource = make_article(sites.a.site, sites.a.users["editor"], column=sites.a.columns[0])
    page = login(sites.a.users["editor"]).get(admin_url("resources_resource_change", resource.pk)).content.decode()
    assert '<select name="classification"' in page and '<option value="综合政务"' in page


def test_the_late_list_shows_items_disclosed_after_20_working_days(sites, login):  # DISC-2 (条例 art.26)
    Organisation.objects.create(site=sites.a.site, name="甲市人民政府", code=CODE)
    late, on_time = submitted(sites.a, "迟到的通知"), submitted(sites.a, "及时的通知")
    Revision.objects.filter(pk=late.submitted_revision_id).update(
        created_at=timezone.make_aware(dt.datetime(2025, 9, 15, 9, 0))
    )
    for resource in (late, on_time):
        workflow.approve(Resource.objects.get(pk=resource.pk), acting_user=sites.a.users["reviewer"])
    assert CatalogueEntry.objects.get(resource=late).late
    with translation.override("zh-hans"):
        page = login(sites.a.users["admin"]).get(admin_url("disclosure_catalogueentry_changelist") + "?deadline=late")
    text = page.content.decode()
    assert page.status_code == 200 and "迟到的通知" in text and "及时的通知" not in text
    assert "2025-10-17" in text
