"""The resource library in the back office (资源库): lists, forms, workflow buttons, history, usage.

Site 甲 (A) and site 乙 (B) come from tests/backoffice/conftest.py; resources are made through
the library's actions, and the pages are used as an editor, reviewer or administrator would.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auditlog.models import AuditEntry
from editorial import drafts as actions
from editorial import placements, workflow
from editorial.models import Placement, PlacementStatus, UsageRecord
from resources.models import Resource, ResourceKind, ResourceStatus
from tests.helpers import admin_url
from tests.resources.factories import image_bytes, make_article, make_policy, upload

pytestmark = pytest.mark.django_db

A_ROLES = ["editor", "reviewer", "admin"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def article(side, title="关于做好春季防火工作的通知", column=0, **data):
    return make_article(side.site, side.users["editor"], title=title, column=side.columns[column], **data)


def published(side, title="示范区召开防汛工作会议", column=0):
    resource = article(side, title=title, column=column)
    workflow.submit(resource, acting_user=side.users["editor"])
    workflow.approve(resource, acting_user=side.users["reviewer"])
    resource.refresh_from_db()
    return resource


def errors_of(response) -> str:
    text = response.content.decode()
    return " ".join(re.findall(r'class="(?:errorlist|errornote)[^"]*"[^>]*>(.*?)</(?:ul|p)>', text, re.S))


def form_data(resource=None, **fields):
    """The article form as the browser posts it."""
    data = {
        "title": "示范市召开春季森林防火工作会议",
        "subtitle": "",
        "body": "<p>会议要求各地压实责任，严防森林火灾。</p>",
        "source": "示范市应急管理局",
        "author": "李明",
        "keywords": "防火,春季",
        "summary": "",
        "cover_image": "",
        "attachments": "",
        "description": "",
        "classification": "",
        "note": "",
    }
    if resource is not None:
        data["base_revision_id"] = resource.current_revision_id
    data.update(fields)
    return data


# --- scoping (PUB-1, SEC-3) -------------------------------------------------------------------


@pytest.mark.parametrize("role", A_ROLES)
def test_each_role_lists_only_its_own_sites_resources(sites, login, role):  # RES-1, PUB-1, SEC-3
    article(sites.a, title="甲市春季防火通知")
    article(sites.b, title="乙市春季防火通知")

    response = login(sites.a.users[role]).get(admin_url("resources_resource_changelist"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "甲市春季防火通知" in text
    assert "乙市春季防火通知" not in text and "乙市人民政府" not in text


def resource_pages(resource):
    revision = resource.current_revision_id
    return [
        admin_url("resources_resource_change", resource.pk),
        admin_url("resources_resource_change", resource.pk) + "?edit=1",
        admin_url("resources_resource_history", resource.pk),
        admin_url("resources_resource_revision", resource.pk, revision),
        admin_url("resources_resource_review", resource.pk),
        admin_url("resources_resource_workflow", resource.pk, "withdraw"),
        admin_url("resources_resource_workflow", resource.pk, "schedule"),
        admin_url("resources_resource_delete", resource.pk),
    ]


@pytest.mark.parametrize("role", A_ROLES)
def test_staff_of_a_get_404_for_every_page_of_bs_resources(sites, login, role):  # SEC-3, PUB-1
    b_resource = published(sites.b, title="乙市防汛会议")
    in_review = article(sites.b, title="乙市待审稿件")
    workflow.submit(in_review, acting_user=sites.b.users["editor"])
    client = login(sites.a.users[role])
    failures = []

    for resource in (b_resource, in_review):
        for url in resource_pages(resource):
            response = client.get(url)
            if response.status_code not in (403, 404) or "乙市" in response.content.decode():
                failures.append(f"GET {url} -> {response.status_code}")
        for step in ("submit", "recall", "withdraw", "schedule"):
            url = admin_url("resources_resource_workflow", resource.pk, step)
            response = client.post(url, {"confirm": "yes", "reason": "x"})
            if response.status_code not in (403, 404):
                failures.append(f"POST {url} -> {response.status_code}")
        for url in (
            admin_url("resources_resource_change", resource.pk),
            admin_url("resources_resource_revision", resource.pk, resource.current_revision_id),
            admin_url("resources_resource_place", resource.pk),
            admin_url("resources_resource_review", resource.pk),
        ):
            data = {**form_data(resource), "column": sites.a.columns[0].pk, "revision_id": resource.pk, "_approve": "1"}
            response = client.post(url, data)
            if response.status_code not in (403, 404):
                failures.append(f"POST {url} -> {response.status_code}")

    assert not failures, "\n".join(failures)
    b_resource.refresh_from_db()
    in_review.refresh_from_db()
    assert (b_resource.status, b_resource.revisions.count()) == (ResourceStatus.PUBLISHED, 1)
    assert in_review.status == ResourceStatus.IN_REVIEW
    assert not Placement.objects.filter(resource=b_resource, site=sites.a.site).exists()


def test_filters_and_search_stay_inside_the_users_sites(sites, login):  # SEC-3
    article(sites.b, title="乙市春季防火通知")
    client = login(sites.a.users["editor"])

    for query in (f"?site={sites.b.site.pk}", "?q=乙市", f"?column={sites.b.columns[0].pk}",
                  f"?creator={sites.b.users['editor'].pk}", "?kind__in=article,image&_to_field=id&_popup=1"):  # fmt: skip
        response = client.get(admin_url("resources_resource_changelist") + query, follow=True)
        assert response.status_code == 200, query
        text = response.content.decode()
        assert "乙市春季防火通知" not in text and "乙市人民政府" not in text, query


def test_platform_admin_sees_every_sites_resources(sites, login, platform_admin):  # PUB-1
    article(sites.a, title="甲市春季防火通知")
    article(sites.b, title="乙市春季防火通知")

    text = login(platform_admin).get(admin_url("resources_resource_changelist")).content.decode()

    assert "甲市春季防火通知" in text and "乙市春季防火通知" in text


# --- the list: filters, search, usage (RES-2, RES-4) ------------------------------------------


def listed(response) -> list[str]:
    return [row.title for row in response.context["cl"].result_list]


def test_library_filters_by_kind_status_column_creator_and_date(sites, login):  # RES-2
    a = sites.a
    draft = article(a, title="草稿：植树节活动安排", column=2)
    online = published(a, title="已发布：防汛工作会议")
    policy = make_policy(a.site, a.users["admin"], title="示范市森林防火办法")
    client = login(a.users["editor"])
    url = admin_url("resources_resource_changelist")

    assert set(listed(client.get(url))) == {draft.title, online.title, policy.title}
    assert listed(client.get(url + "?kind__exact=policy")) == [policy.title]
    assert listed(client.get(url + "?status__exact=published")) == [online.title]
    assert listed(client.get(url + f"?column={a.columns[2].pk}")) == [draft.title]
    assert set(listed(client.get(url + f"?column={a.columns[0].pk}"))) == {online.title}  # with its sub-columns
    assert set(listed(client.get(url + "?creator=me"))) == {draft.title, online.title}
    assert listed(client.get(url + f"?creator={a.users['admin'].pk}")) == [policy.title]
    assert len(listed(client.get(url + "?updated_at__gte=2000-01-01+00:00:00%2B08:00"))) == 3
    assert listed(client.get(url + "?updated_at__lt=2000-01-01+00:00:00%2B08:00")) == []
    assert listed(client.get(url + "?q=植树")) == [draft.title]
    assert listed(client.get(url + f"?q={policy.pk}")) == [policy.title]  # a number finds the ID


def test_title_search_needs_every_word_and_ignores_the_case_of_latin_letters(sites, login):  # RES-2
    a = sites.a
    article(a, title="关于PDF版申请表的说明")
    article(a, title="关于申请表的说明")
    client = login(a.users["editor"])
    url = admin_url("resources_resource_changelist")

    assert listed(client.get(url + "?q=pdf")) == ["关于PDF版申请表的说明"]
    assert listed(client.get(url + "?q=申请表 Pdf")) == ["关于PDF版申请表的说明"]
    assert len(listed(client.get(url + "?q=申请表"))) == 2


def test_list_shows_where_each_resource_is_used(sites, login):  # RES-4
    a = sites.a
    resource = published(a, title="防汛工作会议")
    placements.place(resource, a.columns[2], acting_user=a.users["editor"])

    response = login(a.users["editor"]).get(admin_url("resources_resource_changelist"))

    row = response.context["cl"].result_list[0]
    assert (row.active_uses, row.reposts) == (2, 0)
    assert "2 个栏目" in response.content.decode() or "2 columns" in response.content.decode()


def changelist_queries(client, url, admin_instance, per_page) -> int:
    admin_instance.list_per_page = per_page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == per_page
    return len(queries)


def test_query_count_does_not_grow_with_the_page_size(sites, login, platform_admin):  # RES-1 (the benchmark)
    from backoffice.site import backoffice

    a = sites.a
    for number in range(12):
        resource = article(a, title=f"示范市第{number}号通知", column=number % 3)
        if number % 2:
            workflow.submit(resource, acting_user=a.users["editor"])
    online = published(a, title="已发布的通知")
    placements.place(online, a.columns[2], acting_user=a.users["editor"])
    admin_instance = backoffice._registry[Resource]
    url = admin_url("resources_resource_changelist")
    original = admin_instance.list_per_page
    try:
        for user, query in ((a.users["editor"], ""), (platform_admin, "?kind__exact=article&q=通知")):
            client = login(user)
            counts = {n: changelist_queries(client, url + query, admin_instance, n) for n in (3, 6, 12)}
            assert len(set(counts.values())) == 1, counts
    finally:
        admin_instance.list_per_page = original


# --- adding and editing (RES-1, RES-2, TPL-11) --------------------------------------------------


def test_kind_chooser_offers_every_kind(sites, login):  # RES-1
    response = login(sites.a.users["editor"]).get(admin_url("resources_resource_add"))

    assert response.status_code == 200
    text = response.content.decode()
    assert all(f'value="{kind}"' in text for kind in ResourceKind.values)


def test_editor_creates_and_submits_an_article_through_the_admin(sites, login):  # RES-1, PUB-2
    a = sites.a
    url = admin_url("resources_resource_add") + f"?kind=article&site={a.site.pk}"
    client = login(a.users["editor"])
    assert client.get(url).status_code == 200

    response = client.post(url, {**form_data(), "column": a.columns[1].pk, "_submit": "1"})

    assert response.status_code == 302, errors_of(response)
    resource = Resource.objects.get(title="示范市召开春季森林防火工作会议")
    assert (resource.site, resource.column, resource.kind) == (a.site, a.columns[1], ResourceKind.ARTICLE)
    assert resource.status == ResourceStatus.IN_REVIEW
    assert resource.current_revision.data["body"] == "<p>会议要求各地压实责任，严防森林火灾。</p>"
    assert resource.source == "示范市应急管理局"
    actions_logged = set(AuditEntry.objects.filter(object_id=str(resource.pk)).values_list("action", flat=True))
    assert {"resource.create", "resource.submit"} <= actions_logged


def test_reviewer_cannot_add_content(sites, login):  # PUB-1
    client = login(sites.a.users["reviewer"])
    url = admin_url("resources_resource_add") + f"?kind=article&site={sites.a.site.pk}"

    assert client.get(url).status_code == 403
    assert client.post(url, form_data()).status_code == 403
    assert not Resource.objects.exists()


def test_editor_cannot_add_content_to_another_site(sites, login):  # SEC-3
    url = admin_url("resources_resource_add") + f"?kind=article&site={sites.b.site.pk}"

    response = login(sites.a.users["editor"]).post(url, form_data())

    assert response.status_code == 404
    assert not Resource.objects.exists()


def test_invalid_input_gets_a_message_and_is_kept(sites, login):  # TPL-11
    url = admin_url("resources_resource_add") + f"?kind=article&site={sites.a.site.pk}"

    response = login(sites.a.users["editor"]).post(url, form_data(body="<p> </p>", cover_image="99999"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "示范市召开春季森林防火工作会议" in text  # the title typed is still there
    form = response.context["form"]
    assert "body" in form.errors
    assert not Resource.objects.exists()


def test_errors_of_the_action_are_shown_on_their_fields(sites, login):  # TPL-11, RES-8
    a = sites.a
    url = admin_url("resources_resource_add") + f"?kind=article&site={a.site.pk}"
    policy = make_policy(a.site, a.users["editor"])

    response = login(a.users["editor"]).post(url, form_data(cover_image=str(policy.pk)))

    assert response.status_code == 200
    assert "cover_image" in response.context["form"].errors
    assert Resource.objects.count() == 1


def test_image_is_uploaded_through_the_form(sites, login):  # RES-5
    a = sites.a
    url = admin_url("resources_resource_add") + f"?kind=image&site={a.site.pk}"
    data = {"title": "防汛演练现场", "alt": "救援人员在河道上演练", "caption": "", "description": "", "source": "",
            "author": "", "keywords": "", "classification": "", "note": ""}  # fmt: skip

    response = login(a.users["editor"]).post(url, {**data, "upload": upload("scene.jpg", image_bytes())})

    assert response.status_code == 302, errors_of(response)
    resource = Resource.objects.get(title="防汛演练现场")
    assert resource.current_revision.asset.content_type == "image/jpeg"
    assert resource.current_revision.asset.renditions.exists()


def test_refused_upload_shows_the_reason_and_keeps_the_text(sites, login):  # RES-5, SEC-7, TPL-11
    a = sites.a
    url = admin_url("resources_resource_add") + f"?kind=image&site={a.site.pk}"
    data = {"title": "防汛演练现场", "alt": "救援人员在河道上演练"}

    response = login(a.users["editor"]).post(url, {**data, "upload": upload("evil.jpg", b"<?php system($_GET[1]);")})

    assert response.status_code == 200
    assert "upload" in response.context["form"].errors
    assert "防汛演练现场" in response.content.decode()
    assert not Resource.objects.exists()


# --- edit conflicts, read-only states, restore (PUB-4, PUB-9) ------------------------------------


def test_concurrent_save_shows_who_saved_and_keeps_the_text(sites, login, make_member):  # PUB-4
    from sites.models import Role

    a = sites.a
    resource = article(a)
    colleague = make_member(a.site, Role.EDITOR, real_name="赵编辑")
    opened = form_data(resource, title="关于做好春季防火工作的通知（修改）")
    actions.save_draft(
        resource, base_revision_id=resource.current_revision_id, title="关于做好春季防火工作的紧急通知",
        data={"body": "<p>同事先保存的正文。</p>"}, acting_user=colleague,
    )  # fmt: skip
    client = login(a.users["editor"])

    response = client.post(admin_url("resources_resource_change", resource.pk), {**opened, "body": "<p>我的正文</p>"})

    assert response.status_code == 200
    text = response.content.decode()
    assert "赵编辑" in text  # who saved in between
    assert "我的正文" in text and "关于做好春季防火工作的通知（修改）" in text  # the text is kept
    assert resource.revisions.count() == 2
    assert "<del>" in text or "<ins>" in text  # what the colleague changed

    seen = response.context["form"].data["seen_revision_id"]
    again = client.post(
        admin_url("resources_resource_change", resource.pk),
        {**opened, "body": "<p>我的正文</p>", "seen_revision_id": seen, "_overwrite": "1"},
    )

    assert again.status_code == 302, errors_of(again)
    resource.refresh_from_db()
    assert resource.revisions.count() == 3
    assert resource.current_revision.data["body"] == "<p>我的正文</p>"


def test_reviewers_see_content_read_only(sites, login):  # PUB-1
    resource = article(sites.a)
    client = login(sites.a.users["reviewer"])

    response = client.get(admin_url("resources_resource_change", resource.pk))
    refused = client.post(admin_url("resources_resource_change", resource.pk), form_data(resource))

    assert response.status_code == 200
    assert response.context["form"] is None
    assert "请做好春季森林防火工作" in response.content.decode()
    assert refused.status_code == 302
    assert resource.revisions.count() == 1


def test_content_in_review_is_read_only_until_taken_back(sites, login):  # PUB-2
    a = sites.a
    resource = article(a)
    workflow.submit(resource, acting_user=a.users["editor"])
    client = login(a.users["editor"])

    page = client.get(admin_url("resources_resource_change", resource.pk))
    assert page.context["form"] is None and page.context["buttons"]["recall"]

    client.post(admin_url("resources_resource_workflow", resource.pk, "recall"))

    resource.refresh_from_db()
    assert resource.status == ResourceStatus.DRAFT
    assert client.get(admin_url("resources_resource_change", resource.pk)).context["form"] is not None


def test_published_content_is_read_only_and_editing_starts_a_new_draft(sites, login):  # PUB-9
    a = sites.a
    resource = published(a)
    client = login(a.users["editor"])
    url = admin_url("resources_resource_change", resource.pk)

    page = client.get(url)
    assert page.context["form"] is None
    assert "?edit=1" in page.content.decode()
    editing = client.get(url + "?edit=1")
    assert editing.context["form"] is not None

    response = client.post(url, form_data(resource, title="示范市召开防汛工作会议（更新）"))

    assert response.status_code == 302, errors_of(response)
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.DRAFT
    assert resource.published_revision.number == 1  # still online
    assert resource.current_revision.number == 2


def test_editor_restores_an_old_version_from_the_history(sites, login):  # PUB-4
    a = sites.a
    resource = article(a)
    first = resource.current_revision
    actions.save_draft(resource, base_revision_id=first.pk, title="改错的标题", data={"body": "<p>改错的正文</p>"},
                       acting_user=a.users["editor"])  # fmt: skip
    client = login(a.users["editor"])

    history = client.get(admin_url("resources_resource_history", resource.pk))
    assert history.status_code == 200 and "改错的标题" in history.content.decode()
    page = client.get(admin_url("resources_resource_revision", resource.pk, first.pk))
    assert page.status_code == 200 and "<del>" in page.content.decode()

    response = client.post(
        admin_url("resources_resource_revision", resource.pk, first.pk),
        {"base_revision_id": resource.current_revision_id},
    )

    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.current_revision.number == 3
    assert resource.current_revision.restored_from == first
    assert resource.title == first.title


def test_reviewer_cannot_restore(sites, login):  # PUB-1
    a = sites.a
    resource = article(a)
    first = resource.current_revision
    actions.save_draft(resource, base_revision_id=first.pk, title="第二版", data={"body": "<p>第二版</p>"},
                       acting_user=a.users["editor"])  # fmt: skip

    login(a.users["reviewer"]).post(
        admin_url("resources_resource_revision", resource.pk, first.pk),
        {"base_revision_id": resource.current_revision_id},
    )

    assert resource.revisions.count() == 2


# --- workflow buttons (PUB-2, PUB-5, TPL-11) -----------------------------------------------------


def test_withdraw_asks_for_confirmation_first(sites, login):  # TPL-11, PUB-2
    a = sites.a
    resource = published(a)
    client = login(a.users["editor"])
    url = admin_url("resources_resource_workflow", resource.pk, "withdraw")

    page = client.get(url)
    assert page.status_code == 200 and resource.title in page.content.decode()
    client.post(url, {"reason": "内容过时"})  # no confirmation: nothing happens
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED

    client.post(url, {"reason": "内容过时", "confirm": "yes"})

    resource.refresh_from_db()
    assert resource.status == ResourceStatus.WITHDRAWN
    assert resource.events.filter(action="withdraw", reason="内容过时").exists()


def test_submit_button_and_refusal_message(sites, login):  # PUB-2
    a = sites.a
    resource = article(a)
    client = login(a.users["editor"])
    url = admin_url("resources_resource_workflow", resource.pk, "submit")

    assert client.get(url).status_code == 405
    client.post(url)
    response = client.post(url, follow=True)  # a second time: refused with a message

    resource.refresh_from_db()
    assert resource.status == ResourceStatus.IN_REVIEW
    assert list(response.context["messages"])[-1].level_tag == "error"


def test_schedule_form_sets_and_checks_times(sites, login):  # PUB-5
    a = sites.a
    resource = published(a)
    client = login(a.users["editor"])
    url = admin_url("resources_resource_workflow", resource.pk, "schedule")

    bad = client.post(url, {"publish_at": "", "unpublish_at": "2001-01-01T08:00"})
    assert bad.status_code == 200 and "unpublish_at" in bad.context["form"].errors

    good = client.post(url, {"publish_at": "", "unpublish_at": "2099-01-01T08:00"})

    assert good.status_code == 302
    resource.refresh_from_db()
    assert resource.unpublish_at.year == 2099


# --- usage and reposts (RES-3, RES-4) ------------------------------------------------------------


def test_editor_uses_a_resource_in_another_column_from_its_page(sites, login):  # RES-3, RES-4
    a = sites.a
    resource = published(a)
    client = login(a.users["editor"])
    page = client.get(admin_url("resources_resource_change", resource.pk))
    assert a.columns[2] in page.context["place_columns"]
    assert all(column.site_id == a.site.pk for column in page.context["place_columns"])

    client.post(admin_url("resources_resource_place", resource.pk), {"column": a.columns[2].pk})

    assert Placement.objects.get(resource=resource, column=a.columns[2]).status == PlacementStatus.ACTIVE
    assert UsageRecord.objects.filter(resource=resource, column=a.columns[2], actor=a.users["editor"]).exists()
    page = client.get(admin_url("resources_resource_change", resource.pk))
    assert page.context["usage"]["active_count"] == 2


def test_columns_of_other_sites_cannot_be_chosen(sites, login):  # SEC-3
    a = sites.a
    resource = published(a)

    login(a.users["editor"]).post(admin_url("resources_resource_place", resource.pk), {"column": sites.b.columns[0].pk})

    assert not Placement.objects.filter(resource=resource, site=sites.b.site).exists()


def test_policy_and_interpretation_pages_link_each_other(sites, login):  # RES-8
    a = sites.a
    policy = make_policy(a.site, a.users["editor"], title="示范市森林防火办法")
    client = login(a.users["editor"])
    add = client.get(admin_url("resources_resource_change", policy.pk)).context["interpretation_add_url"]
    form = client.get(add).context["form"]
    assert form.initial["policies"] == str(policy.pk)

    data = {**form_data(title="《示范市森林防火办法》解读"), "policies": str(policy.pk)}
    response = client.post(add, data)

    assert response.status_code == 302, errors_of(response)
    interpretation = Resource.objects.get(kind=ResourceKind.INTERPRETATION)
    assert client.get(admin_url("resources_resource_change", policy.pk)).context["links"] == [interpretation]
    assert client.get(admin_url("resources_resource_change", interpretation.pk)).context["links"] == [policy]
