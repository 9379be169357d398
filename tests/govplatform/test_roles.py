"""PUB-1: separate roles; nobody is editor and reviewer of one site; who may grant what."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts import actions
from sites import memberships
from sites.models import Membership, Role
from tests.factories import SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

SEPARATION = "One person cannot be both editor and reviewer of the same site"


@pytest.mark.parametrize("first, second", [(Role.EDITOR, Role.REVIEWER), (Role.REVIEWER, Role.EDITOR)])
def test_editor_and_reviewer_of_the_same_site_are_refused(site, platform_admin, first, second):  # PUB-1
    user = UserFactory()
    memberships.grant_role(user, site, first, acting_user=platform_admin)

    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            memberships.grant_role(user, site, second, acting_user=platform_admin)
        assert SEPARATION in " ".join(caught.value.messages)

    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == [first]


def test_editor_of_one_site_may_review_another(site, platform_admin):  # PUB-1
    other = SiteFactory()
    user = UserFactory()

    memberships.grant_role(user, site, Role.EDITOR, acting_user=platform_admin)
    memberships.grant_role(user, other, Role.REVIEWER, acting_user=platform_admin)

    assert set(Membership.objects.filter(user=user).values_list("site_id", "role")) == {
        (site.pk, Role.EDITOR),
        (other.pk, Role.REVIEWER),
    }


def test_site_admin_may_also_edit(site, platform_admin):  # PUB-1
    user = UserFactory()

    memberships.grant_role(user, site, Role.SITE_ADMIN, acting_user=platform_admin)
    memberships.grant_role(user, site, Role.EDITOR, acting_user=platform_admin)

    assert Membership.objects.filter(user=user, site=site).count() == 2


def test_granting_a_role_twice_keeps_one_membership(site, platform_admin):  # PUB-1
    user = UserFactory()

    first = memberships.grant_role(user, site, Role.EDITOR, acting_user=platform_admin)
    second = memberships.grant_role(user, site, Role.EDITOR, acting_user=platform_admin)

    assert first == second
    assert Membership.objects.filter(user=user).count() == 1


def test_granting_a_role_opens_the_back_office(site, platform_admin):  # PUB-1
    user = UserFactory(is_staff=False)

    memberships.grant_role(user, site, Role.REVIEWER, acting_user=platform_admin)

    user.refresh_from_db()
    assert user.is_staff


@pytest.mark.parametrize("role", [Role.EDITOR, Role.REVIEWER])
def test_site_admin_grants_editor_and_reviewer_on_their_site(site, make_member, role):  # PUB-1
    site_admin = make_member(site, Role.SITE_ADMIN)
    user = UserFactory()

    memberships.grant_role(user, site, role, acting_user=site_admin)

    assert Membership.objects.filter(user=user, site=site, role=role).exists()


def test_site_admin_may_not_grant_site_admin(site, make_member):  # PUB-1
    site_admin = make_member(site, Role.SITE_ADMIN)
    user = UserFactory()

    with pytest.raises(PermissionDenied):
        memberships.grant_role(user, site, Role.SITE_ADMIN, acting_user=site_admin)

    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.REVIEWER, Role.SITE_ADMIN])
def test_site_admin_may_not_grant_roles_on_other_sites(site, make_member, role):  # PUB-1
    site_admin = make_member(site, Role.SITE_ADMIN)
    other = SiteFactory()
    user = UserFactory()

    with pytest.raises(PermissionDenied):
        memberships.grant_role(user, other, role, acting_user=site_admin)

    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.REVIEWER])
def test_editors_and_reviewers_grant_nothing(site, make_member, role):  # PUB-1
    member = make_member(site, role)
    user = UserFactory()

    with pytest.raises(PermissionDenied):
        memberships.grant_role(user, site, Role.EDITOR, acting_user=member)

    assert not Membership.objects.filter(user=user).exists()


def test_site_admin_revokes_an_editor_but_not_another_site_admin(site, make_member):  # PUB-1
    site_admin = make_member(site, Role.SITE_ADMIN)
    editor = Membership.objects.get(user=make_member(site, Role.EDITOR))
    fellow_admin = Membership.objects.get(user=make_member(site, Role.SITE_ADMIN))

    memberships.revoke_role(editor, acting_user=site_admin)
    with pytest.raises(PermissionDenied):
        memberships.revoke_role(fellow_admin, acting_user=site_admin)

    assert not Membership.objects.filter(pk=editor.pk).exists()
    assert Membership.objects.filter(pk=fellow_admin.pk).exists()


def test_only_platform_admins_manage_users(site, make_member):  # PUB-1
    site_admin = make_member(site, Role.SITE_ADMIN)

    with pytest.raises(PermissionDenied):
        actions.create_user("newcomer", acting_user=site_admin)
    with pytest.raises(PermissionDenied):
        actions.deactivate_user(UserFactory(), acting_user=site_admin)


def test_deactivated_platform_admin_has_no_powers(site):  # PUB-1
    admin = UserFactory(is_platform_admin=True, is_active=False)

    with pytest.raises(PermissionDenied):
        memberships.grant_role(UserFactory(), site, Role.EDITOR, acting_user=admin)
