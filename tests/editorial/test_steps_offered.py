"""A step is offered on a resource's page exactly when its action would accept it (issue 13,
PUB-1, PUB-2): for each role and each state, the buttons shown equal the actions that succeed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from backoffice.resource_views import workflow_buttons
from columns.models import EditorScope
from editorial import steps, workflow
from sites.models import Role
from tests.editorial.conftest import member
from tests.editorial.factories import edit
from tests.factories import ColumnFactory, UserFactory


class Rollback(Exception):
    pass


def accepted(step, resource, user) -> bool:
    """Run the step's action in a transaction that is rolled back; True if it was accepted."""
    calls = {
        "submit": lambda r: workflow.submit(r, acting_user=user),
        "recall": lambda r: workflow.withdraw_submission(r, acting_user=user),
        "withdraw": lambda r: workflow.withdraw(r, acting_user=user, reason="测试"),
        "schedule": lambda r: workflow.schedule(r, acting_user=user),
    }
    try:
        with transaction.atomic():
            calls[step](type(resource).objects.get(pk=resource.pk))
            raise Rollback
    except Rollback:
        return True
    except (PermissionDenied, ValidationError):
        return False


def states(team):
    """One resource in each state a page can show."""
    draft = team.resource(title="草稿")
    in_review = team.resource(title="待审")
    workflow.submit(in_review, acting_user=team.editor)
    online = team.resource(title="已发布")
    workflow.submit(online, acting_user=team.editor)
    workflow.approve(online, acting_user=team.reviewers[0])
    edited = team.resource(title="已发布又修改")
    workflow.submit(edited, acting_user=team.editor)
    workflow.approve(edited, acting_user=team.reviewers[0])
    edit(edited, author=team.editor, title="已发布又修改（新稿）")
    returned = team.resource(title="已退回")
    workflow.submit(returned, acting_user=team.editor)
    workflow.return_(returned, reason="请补充", acting_user=team.reviewers[0])
    withdrawn = team.resource(title="已撤下")
    workflow.submit(withdrawn, acting_user=team.editor)
    workflow.approve(withdrawn, acting_user=team.reviewers[0])
    workflow.withdraw(withdrawn, acting_user=team.editor)
    waiting = team.resource(title="定时发布")
    workflow.schedule(waiting, publish_at=timezone.now() + timezone.timedelta(days=3), acting_user=team.editor)
    workflow.submit(waiting, acting_user=team.editor)
    workflow.approve(waiting, acting_user=team.reviewers[0])
    return {
        "draft": draft,
        "in review": in_review,
        "online": online,
        "online with a new draft": edited,
        "returned": returned,
        "withdrawn": withdrawn,
        "approved, waiting for its time": waiting,
    }


def people(team):
    scoped = member(team.site, Role.EDITOR, username="sub-unit-editor")
    scope = EditorScope.objects.create(membership=scoped.memberships.get(site=team.site))
    scope.columns.set([ColumnFactory(site=team.site, name="乡镇动态")])
    return {
        "editor": team.editor,
        "site administrator": team.site_admin,
        "reviewer": team.reviewers[0],
        "editor of another site": team.other_editor,
        "editor of other columns": scoped,
        "platform administrator": UserFactory(is_platform_admin=True, is_staff=True),
    }


def test_the_steps_offered_are_the_steps_accepted(team):
    resources = states(team)
    checked = 0
    for who, user in people(team).items():
        request = RequestFactory().get("/")
        request.user = user
        for state, resource in resources.items():
            resource.refresh_from_db()
            buttons = workflow_buttons(request, resource, can_edit=True)
            offered = {step for step in steps.STEPS if buttons[step]}
            succeed = {step for step in steps.STEPS if accepted(step, resource, user)}
            assert offered == succeed, f"{who} on “{state}”: offered {sorted(offered)}, accepted {sorted(succeed)}"
            checked += 1
    assert checked == 6 * 7
    # The table is not trivial: each step is offered to someone and refused to someone.
    assert all(
        any(accepted(step, r, u) for r in resources.values() for u in [team.editor, team.reviewers[0]])
        for step in steps.STEPS
    )


@pytest.mark.parametrize("step", steps.STEPS)
def test_a_step_is_refused_to_a_user_of_another_site(team, step):
    resource = team.resource()
    assert steps.refusal(step, resource, team.other_editor) is not None
    assert not accepted(step, resource, team.other_editor)
