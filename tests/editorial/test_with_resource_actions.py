"""The workflow together with the real library actions (editorial.drafts): create, save, restore (PUB-2, PUB-9)."""

import pytest
from django.core.exceptions import ValidationError

from editorial import checks, queries, workflow
from editorial import drafts as actions
from editorial.models import CheckedWord, FlagKind, ReviewFlag, WordList, WorkflowAction, WorkflowEvent
from resources.models import ResourceKind, ResourceStatus

pytestmark = pytest.mark.django_db


def article(team, **data):
    return actions.create_resource(
        team.site,
        ResourceKind.ARTICLE,
        title=data.pop("title", "关于做好春季防火工作的通知"),
        metadata={"source": "市应急管理局", "author": "李明"},
        data={"body": "<p>请做好春季森林防火工作。</p>", **data},
        column=team.column,
        acting_user=team.editor,
    )


def save(resource, user, **changes):
    current = resource.current_revision
    return actions.save_draft(
        resource,
        base_revision_id=current.pk,
        title=changes.pop("title", current.title),
        metadata=current.metadata,
        data={**current.data, **changes},
        acting_user=user,
    )


def test_edit_of_published_content_through_save_draft(team):  # PUB-9
    resource = article(team)
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    online = resource.published_revision
    new = save(resource, team.editor, title="关于做好春季森林防火工作的通知")
    resource.refresh_from_db()
    assert (resource.status, resource.published_revision) == (ResourceStatus.DRAFT, online)
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[1])
    resource.refresh_from_db()
    assert resource.published_revision == new
    actions_seen = list(WorkflowEvent.objects.filter(resource=resource).order_by("id").values_list("action", flat=True))
    assert actions_seen == [
        WorkflowAction.CREATE,
        WorkflowAction.SUBMIT,
        WorkflowAction.APPROVE,
        WorkflowAction.PUBLISH,
        WorkflowAction.SAVE,
        WorkflowAction.SUBMIT,
        WorkflowAction.APPROVE,
        WorkflowAction.PUBLISH,
    ]


def test_withdrawn_content_stays_offline_when_saved_again(team):  # PUB-2
    resource = article(team)
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    workflow.withdraw(resource, acting_user=team.editor, reason="内容有误")
    save(resource, team.editor, body="<p>更正后的内容。</p>")
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.DRAFT  # save_draft makes any working copy a draft …
    assert not queries.is_online(resource)  # … and it stays offline until approved again
    assert list(queries.shown_placements(team.column)) == []


def test_content_in_review_cannot_be_saved_until_taken_back(team):  # PUB-2
    resource = article(team)
    workflow.submit(resource, acting_user=team.editor)
    with pytest.raises(ValidationError, match="in review"):
        save(resource, team.editor, body="<p>改</p>")
    workflow.withdraw_submission(resource, acting_user=team.editor)
    resource.refresh_from_db()
    save(resource, team.editor, body="<p>改</p>")


def test_a_title_repeated_in_the_data_is_flagged_once(team):  # PUB-3
    CheckedWord.objects.create(list=WordList.WRONG_WORDING, text="一带一路战略", suggestion="“一带一路”倡议")
    resource = article(team, title="推进一带一路战略的通知", summary="联系人电话13812345678")
    assert resource.current_revision.data["title"] == resource.current_revision.title
    workflow.submit(resource, acting_user=team.editor)
    flags = list(ReviewFlag.objects.filter(resource=resource).values_list("kind", "field"))
    # The summary is also the metadata's description: the number is reported once, where first found.
    assert flags == [(FlagKind.WRONG_WORDING, "title"), (FlagKind.MOBILE, "metadata.description")]
    assert len(checks.check_revision(resource.current_revision)) == 2
