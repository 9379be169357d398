"""The editorial workflow: who may do which transition at which review level (PUB-1, PUB-2, PUB-9)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from auditlog.models import AuditEntry
from core import feed
from editorial import queries, workflow
from editorial.models import Placement, PlacementStatus, UsageRecord, WorkflowAction, WorkflowEvent
from resources.models import ResourceStatus
from sites.models import Role
from tests.editorial.conftest import member, scope
from tests.editorial.factories import edit
from tests.factories import ColumnFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def history(resource):
    return [
        (event.action, event.level, event.actor.username if event.actor else None)
        for event in WorkflowEvent.objects.filter(resource=resource).order_by("id")
    ]


def audit_actions(resource):
    return list(
        AuditEntry.objects.filter(object_type="resources.resource", object_id=str(resource.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- submit -----------------------------------------------------------------------------------


def test_editor_submits_a_draft_for_review(team):  # PUB-2
    resource = team.resource()
    workflow.submit(resource, acting_user=team.editor)
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.IN_REVIEW
    assert resource.submitted_revision_id == resource.current_revision_id
    assert resource.review_level == 0
    assert resource.published_revision is None
    assert history(resource) == [(WorkflowAction.SUBMIT, None, "editor")]
    assert audit_actions(resource) == ["resource.submit"]


def test_site_admin_may_submit(team):  # PUB-2
    resource = team.resource(author=team.site_admin)
    workflow.submit(resource, acting_user=team.site_admin)
    assert resource.status == ResourceStatus.IN_REVIEW


@pytest.mark.parametrize("who", ["reviewer", "other_editor", "other_reviewer", "nobody"])
def test_only_editors_of_the_site_submit(team, who):  # PUB-1
    user = {
        "reviewer": team.reviewers[0],
        "other_editor": team.other_editor,
        "other_reviewer": team.other_reviewer,
        "nobody": UserFactory(),
    }[who]
    resource = team.resource()
    with pytest.raises(PermissionDenied):
        workflow.submit(resource, acting_user=user)
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.DRAFT
    assert history(resource) == []


def test_content_in_review_or_published_is_not_submitted_again(team):  # PUB-2
    resource = team.resource()
    workflow.submit(resource, acting_user=team.editor)
    with pytest.raises(ValidationError, match="in review"):
        workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    with pytest.raises(ValidationError):
        workflow.submit(resource, acting_user=team.editor)


# --- approve: who -----------------------------------------------------------------------------


def test_one_level_approval_publishes(team, django_capture_on_commit_callbacks, monkeypatch):  # PUB-2, PUB-9
    resource = team.resource()
    workflow.submit(resource, acting_user=team.editor)
    received = []
    # The test's own subscriber only, so that the static publisher's do not run here.
    monkeypatch.setattr(feed, "_subscribers", [lambda changes: received.extend(changes.resources)])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(resource, acting_user=team.reviewers[0])
        assert received == []  # only after the commit
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED
    assert resource.published_revision_id == resource.current_revision_id
    assert resource.submitted_revision is None
    assert resource.published_at is not None
    assert queries.is_online(resource)
    assert received == [resource.pk]
    assert history(resource) == [
        (WorkflowAction.SUBMIT, None, "editor"),
        (WorkflowAction.APPROVE, 1, "reviewer1"),
        (WorkflowAction.PUBLISH, None, "reviewer1"),
    ]
    assert audit_actions(resource) == ["resource.submit", "resource.approve", "resource.publish"]
    # Publishing places it in its own column (RES-3), recorded as a use (RES-4).
    placement = Placement.objects.get(resource=resource)
    assert (placement.column, placement.status, placement.is_repost) == (team.column, PlacementStatus.ACTIVE, False)
    assert list(queries.shown_placements(team.column)) == [placement]
    assert UsageRecord.objects.filter(resource=resource, action=UsageRecord.Action.PLACE).count() == 1


def test_resource_without_column_needs_one_level(team):  # PUB-9
    resource = team.resource(column=None)
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    assert resource.status == ResourceStatus.PUBLISHED
    assert not Placement.objects.filter(resource=resource).exists()


@pytest.mark.parametrize("who", ["editor", "site_admin", "platform_admin", "other_reviewer", "other_editor", "system"])
def test_only_a_reviewer_of_the_site_approves(team, who):  # PUB-1
    users = {
        "editor": team.editor,
        "site_admin": team.site_admin,
        "platform_admin": UserFactory(is_platform_admin=True),
        "other_reviewer": team.other_reviewer,
        "other_editor": team.other_editor,
        "system": None,
    }
    resource = team.resource()
    workflow.submit(resource, acting_user=team.editor)
    with pytest.raises(PermissionDenied):
        workflow.approve(resource, acting_user=users[who])
    resource.refresh_from_db()
    assert (resource.status, resource.review_level) == (ResourceStatus.IN_REVIEW, 0)
    assert [event[0] for event in history(resource)] == [WorkflowAction.SUBMIT]


def test_a_deactivated_reviewer_cannot_approve(team):  # PUB-1
    resource = team.resource()
    workflow.submit(resource, acting_user=team.editor)
    reviewer = team.reviewers[0]
    reviewer.is_active = False
    reviewer.save()
    with pytest.raises(PermissionDenied):
        workflow.approve(resource, acting_user=reviewer)


def test_nobody_approves_their_own_work(team):  # PUB-1
    # Editor and reviewer of one site are incompatible roles, but a site administrator may also
    # be a reviewer and may write content: the rule is enforced by authorship, whatever the roles.
    admin_reviewer = team.site_admin
    MembershipFactory(user=admin_reviewer, site=team.site, role=Role.REVIEWER)
    resource = team.resource(author=admin_reviewer)
    workflow.submit(resource, acting_user=admin_reviewer)
    with pytest.raises(PermissionDenied, match="someone else must review"):
        workflow.approve(resource, acting_user=admin_reviewer)
    with pytest.raises(PermissionDenied):
        workflow.return_(resource, reason="自己退回", acting_user=admin_reviewer)
    assert resource not in queries.review_queue(admin_reviewer)
    workflow.approve(resource, acting_user=team.reviewers[0])
    assert resource.status == ResourceStatus.PUBLISHED


def test_who_edited_since_the_last_publish_cannot_approve(team):  # PUB-1
    admin_reviewer = team.site_admin
    MembershipFactory(user=admin_reviewer, site=team.site, role=Role.REVIEWER)
    resource = team.resource()
    edit(resource, author=admin_reviewer, title="修改后的标题")  # an edit by the admin …
    edit(resource, author=team.editor, title="编辑再改的标题")  # … then the editor's submitted version
    workflow.submit(resource, acting_user=team.editor)
    with pytest.raises(PermissionDenied, match="separation of duties"):
        workflow.approve(resource, acting_user=admin_reviewer)
    workflow.approve(resource, acting_user=team.reviewers[0])
    # After the publish, the admin's old edit no longer counts: they may review the next edit.
    edit(resource, author=team.editor, title="第三版")
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=admin_reviewer)
    resource.refresh_from_db()
    assert resource.published_revision.title == "第三版"


# --- approve: levels --------------------------------------------------------------------------


def test_three_levels_each_by_a_different_person(team):  # PUB-9
    column = ColumnFactory(site=team.site, name="政策文件", review_levels=3)
    first, second, final = team.reviewers
    resource = team.resource(column=column)
    workflow.submit(resource, acting_user=team.editor)

    workflow.approve(resource, acting_user=first)
    resource.refresh_from_db()
    assert (resource.status, resource.review_level, resource.published_revision) == (ResourceStatus.IN_REVIEW, 1, None)
    with pytest.raises(PermissionDenied, match="level 1"):
        workflow.approve(resource, acting_user=first)

    workflow.approve(resource, acting_user=second)
    resource.refresh_from_db()
    assert (resource.status, resource.review_level) == (ResourceStatus.IN_REVIEW, 2)
    for earlier in (first, second):
        with pytest.raises(PermissionDenied, match="different reviewer"):
            workflow.approve(resource, acting_user=earlier)

    workflow.approve(resource, acting_user=final)
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED
    assert history(resource) == [
        (WorkflowAction.SUBMIT, None, "editor"),
        (WorkflowAction.APPROVE, 1, "reviewer1"),
        (WorkflowAction.APPROVE, 2, "reviewer2"),
        (WorkflowAction.APPROVE, 3, "reviewer3"),
        (WorkflowAction.PUBLISH, None, "reviewer3"),
    ]


def test_two_levels_cannot_be_passed_by_one_person(team):  # PUB-9
    column = ColumnFactory(site=team.site, review_levels=2)
    resource = team.resource(column=column)
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    with pytest.raises(PermissionDenied):
        workflow.approve(resource, acting_user=team.reviewers[0])
    resource.refresh_from_db()
    assert (resource.status, resource.review_level) == (ResourceStatus.IN_REVIEW, 1)


def test_a_new_submission_starts_the_levels_again(team):  # PUB-9
    column = ColumnFactory(site=team.site, review_levels=2)
    first, second, _ = team.reviewers
    resource = team.resource(column=column)
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=first)
    workflow.return_(resource, reason="第二段数据需核实", acting_user=second)
    resource.refresh_from_db()
    assert (resource.status, resource.review_level) == (ResourceStatus.RETURNED, 0)
    edit(resource, author=team.editor, title="数据已核实")
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=first)  # level 1 of the new submission
    workflow.approve(resource, acting_user=second)
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED
    assert resource.published_revision.title == "数据已核实"


def test_a_reviewer_limited_to_some_columns(team):  # PUB-9
    news = team.column
    policies = ColumnFactory(site=team.site, name="政策文件")
    sub_news = ColumnFactory(site=team.site, parent=news, name="部门动态")
    limited = team.reviewers[0]
    scope(limited, team.site, news)

    in_policies = team.resource(column=policies)
    workflow.submit(in_policies, acting_user=team.editor)
    with pytest.raises(PermissionDenied, match="only some columns"):
        workflow.approve(in_policies, acting_user=limited)
    workflow.approve(in_policies, acting_user=team.reviewers[1])  # no scope: every column

    for column in (news, sub_news):  # the scope covers the column and the columns below it
        resource = team.resource(column=column)
        workflow.submit(resource, acting_user=team.editor)
        workflow.approve(resource, acting_user=limited)
        assert resource.status == ResourceStatus.PUBLISHED

    without_column = team.resource(column=None)
    workflow.submit(without_column, acting_user=team.editor)
    with pytest.raises(PermissionDenied):
        workflow.approve(without_column, acting_user=limited)


# --- return and take back ---------------------------------------------------------------------


def test_return_needs_a_reason_and_records_it(team):  # PUB-2
    column = ColumnFactory(site=team.site, review_levels=2)
    resource = team.resource(column=column)
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    for empty in ("", "   "):
        with pytest.raises(ValidationError, match="reason"):
            workflow.return_(resource, reason=empty, acting_user=team.reviewers[1])
    workflow.return_(resource, reason="标题表述不规范", acting_user=team.reviewers[1])
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.RETURNED
    assert resource.submitted_revision is None
    event = WorkflowEvent.objects.filter(resource=resource).first()
    assert (event.action, event.level, event.reason, event.actor) == (
        WorkflowAction.RETURN,
        2,
        "标题表述不规范",
        team.reviewers[1],
    )
    assert AuditEntry.objects.get(action="resource.return").details["reason"] == "标题表述不规范"
    # The editor fixes it and submits again.
    edit(resource, author=team.editor, title="规范后的标题")
    workflow.submit(resource, acting_user=team.editor)
    assert resource.status == ResourceStatus.IN_REVIEW


@pytest.mark.parametrize("who", ["editor", "other_reviewer"])
def test_return_only_by_a_reviewer_of_the_site(team, who):  # PUB-1
    resource = team.resource()
    workflow.submit(resource, acting_user=team.editor)
    with pytest.raises(PermissionDenied):
        workflow.return_(resource, reason="不行", acting_user=getattr(team, who))


def test_editor_takes_a_submission_back(team):  # PUB-2
    resource = team.resource()
    workflow.submit(resource, acting_user=team.editor)
    with pytest.raises(PermissionDenied):
        workflow.withdraw_submission(resource, acting_user=team.reviewers[0])
    workflow.withdraw_submission(resource, acting_user=team.editor)
    resource.refresh_from_db()
    assert (resource.status, resource.submitted_revision) == (ResourceStatus.DRAFT, None)
    assert history(resource)[-1] == (WorkflowAction.RECALL, None, "editor")
    assert "resource.recall" in audit_actions(resource)
    with pytest.raises(ValidationError):
        workflow.approve(resource, acting_user=team.reviewers[0])
    with pytest.raises(ValidationError):
        workflow.withdraw_submission(resource, acting_user=team.editor)


# --- editing published content ----------------------------------------------------------------


def test_editing_published_content_keeps_it_online_until_the_new_version_is_approved(team):  # PUB-9, PUB-4
    column = ColumnFactory(site=team.site, review_levels=2)
    resource = team.resource(column=column, title="原标题")
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    workflow.approve(resource, acting_user=team.reviewers[1])
    resource.refresh_from_db()
    online = resource.published_revision
    first_published_at = resource.published_at

    new = edit(resource, author=team.editor, title="新标题")
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.DRAFT
    assert (resource.published_revision, queries.is_online(resource)) == (online, True)

    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[1])
    resource.refresh_from_db()
    assert resource.published_revision == online  # one level is not enough
    workflow.return_(resource, reason="再改改", acting_user=team.reviewers[2])
    resource.refresh_from_db()
    assert resource.published_revision == online  # returned: the old version stays online

    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    workflow.approve(resource, acting_user=team.reviewers[2])
    resource.refresh_from_db()
    assert resource.published_revision == new
    assert resource.status == ResourceStatus.PUBLISHED
    assert resource.published_at == first_published_at  # the first publication date stays
    assert Placement.objects.filter(resource=resource).count() == 1


# --- withdraw ---------------------------------------------------------------------------------


def publish(team, resource=None):
    resource = resource or team.resource()
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    return resource


@pytest.mark.parametrize("who", ["editor", "site_admin", "reviewer"])
def test_published_content_is_withdrawn_by_the_site(team, who, django_capture_on_commit_callbacks):  # PUB-2
    user = {"editor": team.editor, "site_admin": team.site_admin, "reviewer": team.reviewers[1]}[who]
    resource = publish(team)
    online = resource.published_revision
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.withdraw(resource, acting_user=user, reason="信息已过时")
    assert len(callbacks) == 1
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.WITHDRAWN
    assert not queries.is_online(resource)
    assert list(queries.shown_placements(team.column)) == []
    assert Placement.objects.filter(resource=resource).exists()  # kept, shown again on republish
    event = WorkflowEvent.objects.filter(resource=resource).first()
    assert (event.action, event.revision, event.reason) == (WorkflowAction.WITHDRAW, online, "信息已过时")
    assert queries.last_published_revision(resource) == online  # the history keeps what was online


@pytest.mark.parametrize("who", ["other_editor", "other_reviewer"])
def test_another_site_cannot_withdraw(team, who):  # PUB-1
    resource = publish(team)
    with pytest.raises(PermissionDenied):
        workflow.withdraw(resource, acting_user=getattr(team, who))
    assert queries.is_online(resource)


def test_only_published_content_is_withdrawn(team):  # PUB-2
    resource = team.resource()
    with pytest.raises(ValidationError):
        workflow.withdraw(resource, acting_user=team.editor)


def test_withdrawn_content_stays_offline_while_edited_and_returns_after_review(team):  # PUB-2, PUB-9
    resource = publish(team)
    workflow.withdraw(resource, acting_user=team.editor)
    edit(resource, author=team.editor, title="更正后重新发布")
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.DRAFT
    assert not queries.is_online(resource)
    workflow.submit(resource, acting_user=team.editor)
    assert not queries.is_online(resource)
    workflow.approve(resource, acting_user=team.reviewers[1])
    resource.refresh_from_db()
    assert queries.is_online(resource)
    assert [p.resource for p in queries.shown_placements(team.column)] == [resource]


def test_withdrawn_content_may_be_submitted_again_unchanged(team):  # PUB-2
    resource = publish(team)
    workflow.withdraw(resource, acting_user=team.editor)
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[1])
    assert resource.status == ResourceStatus.PUBLISHED


def test_every_transition_is_recorded_with_actor_and_time(team):  # PUB-2
    resource = publish(team)
    workflow.withdraw(resource, acting_user=team.site_admin, reason="撤回")
    events = list(WorkflowEvent.objects.filter(resource=resource).order_by("id"))
    assert [e.action for e in events] == ["submit", "approve", "publish", "withdraw"]
    assert all(e.time is not None and e.actor is not None for e in events)
    assert audit_actions(resource) == ["resource.submit", "resource.approve", "resource.publish", "resource.withdraw"]


def test_reviewer_and_editor_on_different_sites(team):  # PUB-1
    # One person may edit on one site and review on another: reviewing there is allowed,
    # except for content they wrote themselves.
    person = member(team.other_site, Role.EDITOR, username="both")
    MembershipFactory(user=person, site=team.site, role=Role.REVIEWER)
    resource = team.resource()
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=person)
    assert resource.status == ResourceStatus.PUBLISHED
