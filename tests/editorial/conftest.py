"""A site with a column, its editor, site administrator and three reviewers, and a second site."""

from dataclasses import dataclass

import pytest

from editorial.models import ReviewerScope
from sites.models import Role
from tests.editorial.factories import make_resource
from tests.factories import ColumnFactory, MembershipFactory, SiteFactory, UserFactory


@dataclass
class Team:
    site: object
    column: object
    editor: object
    site_admin: object
    reviewers: list
    other_site: object
    other_column: object
    other_editor: object
    other_reviewer: object

    def resource(self, **kwargs):
        kwargs.setdefault("column", self.column)
        kwargs.setdefault("author", self.editor)
        return make_resource(self.site, **kwargs)


def member(site, role, **user_fields):
    return MembershipFactory(site=site, role=role, user=UserFactory(**user_fields)).user


def scope(user, site, *columns):
    """Limit a reviewer to some columns of a site (PUB-9)."""
    membership = user.memberships.get(site=site, role=Role.REVIEWER)
    review_scope = ReviewerScope.objects.create(membership=membership)
    review_scope.columns.set(columns)
    return review_scope


@pytest.fixture
def team(db):
    site = SiteFactory(name="保定市人民政府")
    other_site = SiteFactory(name="石家庄市人民政府")
    return Team(
        site=site,
        column=ColumnFactory(site=site, name="工作动态", review_levels=1),
        editor=member(site, Role.EDITOR, username="editor"),
        site_admin=member(site, Role.SITE_ADMIN, username="siteadmin"),
        reviewers=[member(site, Role.REVIEWER, username=f"reviewer{n}") for n in (1, 2, 3)],
        other_site=other_site,
        other_column=ColumnFactory(site=other_site, name="转载信息", review_levels=1),
        other_editor=member(other_site, Role.EDITOR, username="other-editor"),
        other_reviewer=member(other_site, Role.REVIEWER, username="other-reviewer"),
    )
