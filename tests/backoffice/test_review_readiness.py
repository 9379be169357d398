"""What would stop content from going online is said at submission and review (LINK-2, RES-5; issue 12 items 10, 11).

An internal link to a page that does not exist, and a cover image, attachment or related document
that is not published, are shown beside the item in the review queue and on the review page, and
the final approval is refused with the list (each dependency linked), instead of publishing a page
with a hole or a page the publisher must hold back. What the publisher held back is shown on the
item's page and in the library, in Chinese, and its status does not say "published".
"""

import pytest
from django.utils import translation

from editorial import workflow
from publishing.models import HeldBackItem
from resources.models import ResourceStatus
from tests.helpers import admin_url
from tests.resources.factories import make_article, make_image

pytestmark = pytest.mark.django_db

BROKEN = '<p>详见<a href="/old/2019/notice.html">原通知</a>。</p>'


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def submitted(side, **data):
    resource = make_article(
        side.site, side.users["editor"], title="关于调整办事时间的通知", column=side.columns[0], **data
    )
    workflow.submit(resource, acting_user=side.users["editor"])
    resource.refresh_from_db()
    return resource


def approve(client, resource):
    return client.post(
        admin_url("resources_resource_review", resource.pk),
        {"revision_id": resource.submitted_revision_id, "_approve": "1"},
    )


def test_broken_link_is_shown_in_the_queue_and_refuses_the_approval(sites, login):  # LINK-2
    resource = submitted(sites.a, body=BROKEN)
    client = login(sites.a.users["reviewer"])

    queue = client.get(admin_url("resources_resource_review_queue")).content.decode()
    assert "/old/2019/notice.html" in queue
    page = client.get(admin_url("resources_resource_review", resource.pk)).content.decode()
    assert "/old/2019/notice.html" in page and "不存在" in page

    response = approve(client, resource)
    assert response.status_code == 200
    assert "/old/2019/notice.html" in response.context["error"]
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.IN_REVIEW and resource.published_revision_id is None


def test_submission_tells_the_editor_about_a_broken_link(sites, login):  # LINK-2
    a = sites.a
    resource = make_article(a.site, a.users["editor"], column=a.columns[0], body=BROKEN)
    client = login(a.users["editor"])
    response = client.post(admin_url("resources_resource_workflow", resource.pk, "submit"), follow=True)
    said = [str(message) for message in response.context["messages"]]
    assert any("/old/2019/notice.html" in text and "不存在" in text for text in said), said
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.IN_REVIEW  # submitted: the reviewer decides, and sees it too


def test_draft_cover_image_refuses_the_approval_naming_it(sites, login):  # RES-5, issue 12 item 11
    a = sites.a
    cover = make_image(a.site, a.users["editor"], title="办事大厅照片")
    resource = submitted(a, cover_image=cover.pk)
    client = login(a.users["reviewer"])

    page = client.get(admin_url("resources_resource_review", resource.pk)).content.decode()
    assert "办事大厅照片" in page and admin_url("resources_resource_change", cover.pk) in page

    response = approve(client, resource)
    assert response.status_code == 200
    assert "办事大厅照片" in response.context["error"]
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.IN_REVIEW

    workflow.submit(cover, acting_user=a.users["editor"])
    workflow.approve(cover, acting_user=a.users["reviewer"])  # the cover first: then the article
    resource.refresh_from_db()
    assert approve(client, resource).status_code == 302
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED


def test_held_back_item_says_why_and_does_not_claim_published(sites, login):  # LINK-2
    a = sites.a
    resource = submitted(a)
    workflow.approve(resource, acting_user=a.users["reviewer"])
    HeldBackItem.objects.create(site=a.site, resource=resource, missing_paths=["old/2019/notice.html"])
    client = login(a.users["editor"])

    response = client.get(admin_url("resources_resource_change", resource.pk))
    page = response.content.decode()
    assert "/old/2019/notice.html" in page and "暂未发布" in page
    listing = client.get(admin_url("resources_resource_changelist")).content.decode()
    row = listing[listing.index("关于调整办事时间的通知") :]
    row = row[: row.index("</tr>")]
    assert "暂未发布" in row and "已发布" not in row
