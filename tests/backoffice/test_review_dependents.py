"""The review page lists the library resources an item shows that are not approved, and approves
them together with it or says why it cannot (RES-5, PUB-1; issue 14 item 5).

The approve button is offered only when the action would accept it (README "Rules").
"""

import pytest
from django.utils import translation

from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from editorial import workflow
from resources.models import ResourceStatus
from tests.editorial.factories import edit
from tests.helpers import admin_url
from tests.resources.factories import make_article, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def submitted(resource, user):
    workflow.submit(resource, acting_user=user)
    resource.refresh_from_db()
    return resource


def with_cover(side, cover_edited_by=None):
    editor = side.users["editor"]
    cover = make_image(side.site, editor, title="办事大厅照片")
    if cover_edited_by is not None:  # a version written by someone else (rows as save_draft writes them)
        edit(cover, author=cover_edited_by, title="办事大厅照片")
    cover = submitted(cover, editor)
    article = make_article(side.site, editor, title="关于调整办事时间的通知", column=side.columns[0], cover_image=cover.pk)
    return cover, submitted(article, editor)


def approve(client, resource, **extra):
    return client.post(
        admin_url("resources_resource_review", resource.pk),
        {"revision_id": resource.submitted_revision_id, "_approve": "1", **extra},
    )


def test_review_page_offers_approving_the_cover_together(sites, login):
    a = sites.a
    cover, article = with_cover(a)
    client = login(a.users["reviewer"])

    page = client.get(admin_url("resources_resource_review", article.pk)).content.decode()
    panel = page[page.index('class="module resource-panel dependents"') :]
    panel = panel[: panel.index("</ul>")]
    assert "办事大厅照片" in panel and admin_url("resources_resource_change", cover.pk) in panel
    assert "审核中" in panel and "将随之一并批准" in panel
    assert 'name="with_dependents" value="1"' in page
    assert "并一并批准其引用的 1 项资源" in page
    assert "其中引用的资源尚未发布" not in page  # listed once, in the panel above

    response = approve(client, article, with_dependents="1")
    assert response.status_code == 302
    cover.refresh_from_db()
    article.refresh_from_db()
    assert cover.status == article.status == ResourceStatus.PUBLISHED
    entry = AuditEntry.objects.get(action=AuditEvent.RESOURCE_APPROVE, object_id=str(cover.pk))
    assert entry.details["together_with"] == article.pk


def test_review_page_refuses_when_the_reviewer_edited_the_cover(sites, login):  # PUB-1
    a = sites.a
    reviewer = a.users["reviewer"]
    cover, article = with_cover(a, cover_edited_by=reviewer)
    client = login(reviewer)

    page = client.get(admin_url("resources_resource_review", article.pk)).content.decode()
    assert "办事大厅照片" in page and "岗位分离" in page
    assert 'name="_approve"' not in page  # no button the action would refuse
    assert 'name="with_dependents"' not in page

    response = approve(client, article, with_dependents="1")  # posted anyway: refused, nothing approved
    assert response.status_code == 200 and "岗位分离" in response.context["error"]
    cover.refresh_from_db()
    article.refresh_from_db()
    assert cover.status == article.status == ResourceStatus.IN_REVIEW


def test_review_page_says_a_draft_cover_must_be_submitted(sites, login):
    a = sites.a
    editor = a.users["editor"]
    cover = make_image(a.site, editor, title="办事大厅照片")
    article = submitted(
        make_article(a.site, editor, title="关于调整办事时间的通知", column=a.columns[0], cover_image=cover.pk), editor
    )
    client = login(a.users["reviewer"])
    page = client.get(admin_url("resources_resource_review", article.pk)).content.decode()
    assert "办事大厅照片" in page and "须由编辑先提交审核" in page
    assert 'name="_approve"' not in page
