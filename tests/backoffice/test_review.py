"""The review queue (审核队列), the review page, reposts and the word lists in the back office.

Reviewers approve and return through the review page as they would in the browser: the page
shows the difference to the published version (PUB-4) and the findings of the check, which
must be ticked before approving (PUB-3).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from auditlog.models import AuditEntry
from backoffice.review_admin import review_queue_admin
from editorial import drafts as actions
from editorial import placements, workflow
from editorial.models import CheckedWord, Placement, PlacementStatus, ReviewFlag, WordList
from resources.kinds import ArticleForm
from resources.models import ResourceStatus
from sites import memberships
from sites.models import Role
from tests.factories import UserFactory
from tests.helpers import admin_url
from tests.resources.factories import make_article

pytestmark = pytest.mark.django_db

MOBILE_BODY = "<p>请于本周内报名，联系人：王老师，电话13912345678。</p>"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def submitted(side, title="关于开展春季植树活动的通知", column=0, **data):
    resource = make_article(side.site, side.users["editor"], title=title, column=side.columns[column], **data)
    workflow.submit(resource, acting_user=side.users["editor"])
    return resource


def review(client, resource, **data):
    resource.refresh_from_db()
    return client.post(
        admin_url("resources_resource_review", resource.pk), {"revision_id": resource.submitted_revision_id, **data}
    )


# --- the queue ----------------------------------------------------------------------------------


def test_queue_lists_what_waits_for_the_reviewer_on_their_sites_only(sites, login):  # PUB-9, SEC-3
    mine = submitted(sites.a, title="甲市植树活动通知")
    submitted(sites.b, title="乙市植树活动通知")
    make_article(sites.a.site, sites.a.users["editor"], title="甲市未提交的草稿")

    response = login(sites.a.users["reviewer"]).get(admin_url("resources_resource_review_queue"))

    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [mine.pk]
    text = response.content.decode()
    assert "甲市植树活动通知" in text and "乙市植树活动通知" not in text and "甲市未提交的草稿" not in text
    assert admin_url("resources_resource_review", mine.pk) in text


def test_queue_spans_every_site_the_reviewer_reviews(sites, login):  # PUB-9

    reviewer = UserFactory(username="both-reviewer")
    for side in (sites.a, sites.b):
        memberships.grant_role(reviewer, side.site, Role.REVIEWER, acting_user=None)
    a, b = submitted(sites.a, title="甲市通知"), submitted(sites.b, title="乙市通知")

    response = login(reviewer).get(admin_url("resources_resource_review_queue"))

    assert {row.pk for row in response.context["cl"].result_list} == {a.pk, b.pk}
    filtered = login(reviewer).get(admin_url("resources_resource_review_queue") + f"?site={sites.b.site.pk}")
    assert [row.pk for row in filtered.context["cl"].result_list] == [b.pk]


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_have_an_empty_queue(sites, login, role):  # PUB-1
    submitted(sites.a)

    response = login(sites.a.users[role]).get(admin_url("resources_resource_review_queue"))

    assert response.status_code == 200
    assert response.context["cl"].result_list == []


def test_queue_query_count_does_not_grow_with_the_page_size(sites, login):  # PUB-9 (the benchmark)
    for number in range(12):
        submitted(sites.a, title=f"第{number}号通知", body=MOBILE_BODY if number % 3 == 0 else "<p>正文</p>")
    client = login(sites.a.users["reviewer"])
    original = review_queue_admin.list_per_page
    counts = {}
    try:
        for per_page in (3, 6, 12):
            review_queue_admin.list_per_page = per_page
            with CaptureQueriesContext(connection) as queries:
                response = client.get(admin_url("resources_resource_review_queue"))
            assert len(response.context["cl"].result_list) == per_page
            counts[per_page] = len(queries)
    finally:
        review_queue_admin.list_per_page = original

    assert len(set(counts.values())) == 1, counts


# --- the review page ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "reviewer", "admin"])
def test_review_page_of_another_sites_content_is_404(sites, login, role):  # SEC-3
    resource = submitted(sites.b, title="乙市待审通知")
    client = login(sites.a.users[role])

    assert client.get(admin_url("resources_resource_review", resource.pk)).status_code == 404
    assert review(client, resource, _approve="1").status_code == 404
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.IN_REVIEW


def test_reviewer_approves_after_confirming_each_flag(sites, login):  # PUB-3, PUB-2
    a = sites.a
    resource = submitted(a, body=MOBILE_BODY)
    flags = list(ReviewFlag.objects.filter(resource=resource))
    assert flags, "the check flags the mobile number"
    client = login(a.users["reviewer"])

    page = client.get(admin_url("resources_resource_review", resource.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert f'name="flag" value="{flags[0].pk}"' in text
    assert "139****5678" in text  # the finding, with the personal data masked

    refused = review(client, resource, _approve="1")  # nothing ticked
    assert refused.status_code == 200 and refused.context["error"]
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.IN_REVIEW

    response = review(client, resource, _approve="1", flag=[flag.pk for flag in flags])

    assert response.status_code == 302
    assert response.url == admin_url("resources_resource_review_queue")
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED
    assert all(flag.confirmed_by == a.users["reviewer"] for flag in ReviewFlag.objects.filter(resource=resource))
    assert AuditEntry.objects.filter(action="review_flag.confirm", actor=a.users["reviewer"]).exists()
    assert AuditEntry.objects.filter(action="resource.publish", object_id=str(resource.pk)).exists()


def test_return_needs_a_reason_which_the_editor_then_sees(sites, login):  # PUB-2, TPL-11
    a = sites.a
    resource = submitted(a)
    client = login(a.users["reviewer"])

    empty = review(client, resource, _return="1", reason="  ")
    assert empty.status_code == 200 and "reason" in empty.context["return_form"].errors
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.IN_REVIEW

    response = review(client, resource, _return="1", reason="标题中的日期有误，请核实。")

    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.RETURNED
    page = login(a.users["editor"]).get(admin_url("resources_resource_change", resource.pk))
    assert "标题中的日期有误，请核实。" in page.content.decode()
    assert page.context["form"] is not None  # the editor can correct it
    assert page.context["buttons"]["submit"]


def test_review_page_shows_the_difference_to_the_published_version(sites, login):  # PUB-4
    a = sites.a
    resource = submitted(a, body="<p>植树活动定于三月十二日举行。</p>")
    workflow.approve(resource, acting_user=a.users["reviewer"])
    resource.refresh_from_db()
    actions.save_draft(
        resource, base_revision_id=resource.current_revision_id, title=resource.title,
        data={"body": "<p>植树活动定于三月十五日举行。</p>"}, acting_user=a.users["editor"],
    )  # fmt: skip
    workflow.submit(resource, acting_user=a.users["editor"])

    page = login(a.users["reviewer"]).get(admin_url("resources_resource_review", resource.pk))

    text = page.content.decode()
    assert "<del>二</del>" in text and "<ins>五</ins>" in text
    with translation.override("zh-hans"):
        label = str(ArticleForm.base_fields["body"].label)
    assert f"<h3>{label}</h3>" in text  # the field is named as editors know it
    assert page.context["baseline"].number == 1


def test_each_level_needs_another_reviewer(sites, login):  # PUB-9
    from tests.factories import ColumnFactory

    a = sites.a
    column = ColumnFactory(site=a.site, review_levels=2)
    second = UserFactory(username="second-reviewer")
    memberships.grant_role(second, a.site, Role.REVIEWER, acting_user=None)
    resource = make_article(a.site, a.users["editor"], column=column)
    workflow.submit(resource, acting_user=a.users["editor"])
    first_client = login(a.users["reviewer"])

    page = first_client.get(admin_url("resources_resource_review", resource.pk))
    assert page.context["level"] == 1 and not page.context["is_final"]
    assert review(first_client, resource, _approve="1").status_code == 302
    resource.refresh_from_db()
    assert (resource.status, resource.review_level) == (ResourceStatus.IN_REVIEW, 1)

    again = first_client.get(admin_url("resources_resource_review", resource.pk))
    assert again.context["refusal"]  # the same person may not pass level 2
    assert 'name="_approve"' not in again.content.decode()
    assert review(first_client, resource, _approve="1").status_code == 200

    assert review(login(second), resource, _approve="1").status_code == 302
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED


def test_nothing_is_approved_when_another_version_was_submitted_meanwhile(sites, login):  # PUB-9
    a = sites.a
    resource = submitted(a)
    shown = resource.submitted_revision_id
    workflow.withdraw_submission(resource, acting_user=a.users["editor"])
    actions.save_draft(resource, base_revision_id=resource.current_revision_id, title="改过的标题",
                       data={"body": "<p>改过的正文</p>"}, acting_user=a.users["editor"])  # fmt: skip
    workflow.submit(resource, acting_user=a.users["editor"])

    response = login(a.users["reviewer"]).post(
        admin_url("resources_resource_review", resource.pk), {"revision_id": shown, "_approve": "1"}
    )

    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.IN_REVIEW and resource.review_level == 0


def test_content_not_in_review_has_no_review_page(sites, login):  # PUB-2
    resource = make_article(sites.a.site, sites.a.users["editor"])

    response = login(sites.a.users["reviewer"]).get(admin_url("resources_resource_review", resource.pk))

    assert response.status_code == 302
    assert response.url == admin_url("resources_resource_change", resource.pk)


# --- reposts (RES-3, PUB-6) -------------------------------------------------------------------------


@pytest.fixture
def repost(sites):
    """A published article of A offered to a column of B by A's editor."""
    a, b = sites.a, sites.b
    resource = submitted(a, title="甲市防汛工作会议")
    workflow.approve(resource, acting_user=a.users["reviewer"])
    resource.refresh_from_db()
    return placements.place(resource, b.columns[0], acting_user=a.users["editor"])


def changelist_action(client, action, placement, **extra):
    return client.post(
        admin_url("editorial_placement_changelist"), {"action": action, "_selected_action": [placement.pk], **extra}
    )


def test_reviewer_of_the_target_site_accepts_a_repost(sites, login, repost):  # RES-3, PUB-6
    client = login(sites.b.users["reviewer"])
    waiting = client.get(admin_url("editorial_placement_changelist") + "?waiting=me")
    assert [p.pk for p in waiting.context["cl"].result_list] == [repost.pk]

    changelist_action(client, "accept_reposts", repost)

    repost.refresh_from_db()
    assert repost.status == PlacementStatus.ACTIVE and repost.decided_by == sites.b.users["reviewer"]


@pytest.mark.parametrize("who", [("b", "editor"), ("a", "reviewer"), ("a", "editor")])
def test_others_cannot_accept_a_repost(sites, login, repost, who):  # RES-3, PUB-1
    side, role = who
    changelist_action(login(getattr(sites, side).users[role]), "accept_reposts", repost)

    repost.refresh_from_db()
    assert repost.status == PlacementStatus.PENDING


def test_refusing_a_repost_asks_for_the_reason(sites, login, repost):  # RES-3, TPL-11
    client = login(sites.b.users["reviewer"])

    page = changelist_action(client, "refuse_reposts", repost)
    assert page.status_code == 200 and "甲市防汛工作会议" in page.content.decode()
    changelist_action(client, "refuse_reposts", repost, post="yes", reason="")
    repost.refresh_from_db()
    assert repost.status == PlacementStatus.PENDING

    changelist_action(client, "refuse_reposts", repost, post="yes", reason="与本站栏目定位不符")

    repost.refresh_from_db()
    assert repost.status == PlacementStatus.REFUSED


def test_removing_a_placement_is_confirmed_and_recorded(sites, login, repost):  # RES-4, TPL-11
    placement = Placement.objects.get(resource=repost.resource, site=sites.a.site)
    client = login(sites.a.users["editor"])

    assert changelist_action(client, "remove_placements", placement).status_code == 200
    assert Placement.objects.filter(pk=placement.pk).exists()
    changelist_action(client, "remove_placements", placement, post="yes")

    assert not Placement.objects.filter(pk=placement.pk).exists()
    assert repost.resource.usage.filter(action="remove", actor=sites.a.users["editor"]).exists()


def test_placements_of_other_sites_are_not_listed(sites, login, repost):  # SEC-3
    other = submitted(sites.b, title="乙市自己的通知")
    workflow.approve(other, acting_user=sites.b.users["reviewer"])

    response = login(sites.a.users["editor"]).get(admin_url("editorial_placement_changelist"))

    titles = {p.resource.title for p in response.context["cl"].result_list}
    assert titles == {"甲市防汛工作会议"}  # its own placement and its repost to B, never B's own content


# --- word lists (PUB-3) ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "reviewer", "admin"])
def test_word_lists_are_for_platform_administrators_only(sites, login, role):  # PUB-3, PUB-1
    client = login(sites.a.users[role])

    assert client.get(admin_url("editorial_checkedword_changelist")).status_code == 403
    client.post(admin_url("editorial_checkedword_add"), {"list": "sensitive", "text": "绝密", "suggestion": ""})
    assert not CheckedWord.objects.exists()


def test_platform_admin_adds_a_wrong_wording_that_the_check_then_flags(sites, login, platform_admin):  # PUB-3
    response = login(platform_admin).post(
        admin_url("editorial_checkedword_add"),
        {"list": WordList.WRONG_WORDING, "text": "一带一路战略", "suggestion": "“一带一路”倡议"},
    )

    assert response.status_code == 302
    word = CheckedWord.objects.get()
    assert word.created_by == platform_admin
    assert AuditEntry.objects.filter(action="word.add", actor=platform_admin).exists()
    resource = submitted(sites.a, body="<p>积极参与一带一路战略建设。</p>")
    assert ReviewFlag.objects.filter(resource=resource, kind="wrong_wording", suggestion="“一带一路”倡议").exists()
