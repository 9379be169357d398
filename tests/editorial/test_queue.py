"""One review queue across the sites and columns a reviewer reviews (PUB-1, PUB-9)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial import placements, queries, workflow
from sites.models import Role
from tests.editorial.conftest import member, scope
from tests.editorial.factories import edit, make_resource
from tests.factories import ColumnFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def submitted(team, *, site=None, author=None, **kwargs):
    site = site or team.site
    author = author or (team.editor if site == team.site else team.other_editor)
    kwargs.setdefault("column", team.column if site == team.site else team.other_column)
    resource = make_resource(site, author=author, **kwargs)
    workflow.submit(resource, acting_user=author)
    return resource


def queue(user):
    return list(queries.review_queue(user))


def test_the_queue_holds_what_the_reviewer_can_pass_newest_first(team):  # PUB-9
    older = submitted(team, title="较早")
    newer = submitted(team, title="较新")
    draft = team.resource(title="草稿")
    assert queue(team.reviewers[0]) == [newer, older]
    assert draft not in queue(team.reviewers[0])


def test_never_another_sites_items(team):  # PUB-1
    ours = submitted(team)
    theirs = submitted(team, site=team.other_site)
    assert queue(team.reviewers[0]) == [ours]
    assert queue(team.other_reviewer) == [theirs]


def test_one_queue_over_several_sites(team):  # PUB-9
    reviewer = team.reviewers[0]
    MembershipFactory(user=reviewer, site=team.other_site, role=Role.REVIEWER)
    ours = submitted(team)
    theirs = submitted(team, site=team.other_site)
    assert queue(reviewer) == [theirs, ours]


@pytest.mark.parametrize("who", ["editor", "site_admin", "platform_admin", "anonymous"])
def test_people_who_do_not_review_have_an_empty_queue(team, who):  # PUB-1
    submitted(team)
    user = {
        "editor": team.editor,
        "site_admin": team.site_admin,
        "platform_admin": UserFactory(is_platform_admin=True),
        "anonymous": AnonymousUser(),
    }[who]
    assert queue(user) == []


def test_a_scoped_reviewer_sees_only_their_columns(team):  # PUB-9
    policies = ColumnFactory(site=team.site, name="政策文件")
    below = ColumnFactory(site=team.site, parent=team.column, name="部门动态")
    in_news = submitted(team)
    in_below = submitted(team, column=below)
    in_policies = submitted(team, column=policies)
    without_column = submitted(team, column=None)
    scope(team.reviewers[0], team.site, team.column)
    assert set(queue(team.reviewers[0])) == {in_news, in_below}
    assert set(queue(team.reviewers[1])) == {in_news, in_below, in_policies, without_column}


def test_own_work_is_not_in_the_queue(team):  # PUB-1
    admin = team.site_admin
    MembershipFactory(user=admin, site=team.site, role=Role.REVIEWER)
    by_admin = submitted(team, author=admin)
    edited_by_admin = team.resource()
    edit(edited_by_admin, author=admin)
    edit(edited_by_admin, author=team.editor)
    workflow.submit(edited_by_admin, acting_user=team.editor)
    by_editor = submitted(team)
    assert queue(admin) == [by_editor]
    assert set(queue(team.reviewers[0])) == {by_admin, edited_by_admin, by_editor}


def test_edits_before_the_last_publish_do_not_count(team):  # PUB-1
    admin = team.site_admin
    MembershipFactory(user=admin, site=team.site, role=Role.REVIEWER)
    resource = team.resource(author=admin)
    workflow.submit(resource, acting_user=admin)
    workflow.approve(resource, acting_user=team.reviewers[0])
    edit(resource, author=team.editor, title="编辑修改")
    workflow.submit(resource, acting_user=team.editor)
    assert queue(admin) == [resource]
    assert queries.can_review(resource, admin)


def test_earlier_levels_leave_the_reviewers_queue(team):  # PUB-9
    column = ColumnFactory(site=team.site, review_levels=3)
    first, second, third = team.reviewers
    resource = submitted(team, column=column)
    workflow.approve(resource, acting_user=first)
    assert queue(first) == []
    assert queue(second) == [resource] and queue(third) == [resource]
    workflow.approve(resource, acting_user=second)
    assert queue(second) == [] and queue(third) == [resource]
    workflow.return_(resource, reason="需补充", acting_user=third)
    assert queue(first) == queue(second) == queue(third) == []
    workflow.submit(resource, acting_user=team.editor)  # a new submission: every reviewer again
    assert queue(first) == [resource]


def test_the_query_count_does_not_grow_with_the_queue(team):  # PUB-9
    reviewer = team.reviewers[0]
    scope(reviewer, team.site, team.column)
    MembershipFactory(user=reviewer, site=team.other_site, role=Role.REVIEWER)

    def count_queries():
        with CaptureQueriesContext(connection) as captured:
            shown = [
                (r.site.name, str(r.column), r.submitted_revision.created_by.username, r.creator.username)
                for r in queries.review_queue(reviewer)
            ]
        assert shown
        return len(captured.captured_queries)

    for _ in range(2):
        submitted(team)
    few = count_queries()
    for _ in range(6):
        submitted(team)
        submitted(team, site=team.other_site)
    assert len(queue(reviewer)) == 14
    assert count_queries() == few


def test_pending_reposts_for_the_target_sites_reviewers(team):  # RES-3
    resource = team.resource()
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    placement = placements.place(resource, team.other_column, acting_user=team.other_editor)
    assert list(queries.pending_reposts(team.other_reviewer)) == [placement]
    assert list(queries.pending_reposts(member(team.site, Role.REVIEWER))) == []
