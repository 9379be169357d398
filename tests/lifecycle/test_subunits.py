"""Sub-units publish into their portal's columns with editors and reviewers limited to them (SITE-10)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from columns.models import Column, SubUnitKind
from editorial import drafts as resource_actions
from editorial import placements, workflow
from lifecycle import subunits
from resources.models import ResourceKind, ResourceStatus
from sites.models import Membership, Role
from tests.factories import UserFactory
from tests.lifecycle.conftest import audit_actions, column, page, publish_article

pytestmark = pytest.mark.django_db

REFUSAL = "You edit only some columns of"


@pytest.fixture
def town(platform):
    """城关镇, a township without a site, publishing into 乡镇动态 (and its sub-columns) of the city portal."""
    towns = column(platform.city, "xzdt", "乡镇动态")
    own = column(platform.city, "cgz", "城关镇", parent=Column.objects.get(pk=towns.pk))
    sub_unit = subunits.create_sub_unit(platform.city, name="城关镇人民政府", kind=SubUnitKind.TOWNSHIP,
                                        columns=[own], acting_user=platform.city_staff.admin)  # fmt: skip
    editor, reviewer = UserFactory(username="town-editor"), UserFactory(username="town-reviewer")
    subunits.add_member(sub_unit, editor, Role.EDITOR, acting_user=platform.city_staff.admin)
    subunits.add_member(sub_unit, reviewer, Role.REVIEWER, acting_user=platform.city_staff.admin)
    return sub_unit, own, editor, reviewer


def article(site, column, user, title="城关镇召开春耕生产部署会"):
    return resource_actions.create_resource(site, ResourceKind.ARTICLE, title=title, data={"body": "<p>正文。</p>"},
                                            column=column, acting_user=user)  # fmt: skip


def test_a_sub_unit_publishes_into_its_columns_of_the_portal(platform, town, committed):  # SITE-10
    sub_unit, own, editor, reviewer = town

    with committed():
        resource = article(platform.city, own, editor)
        workflow.submit(resource, acting_user=editor)
        workflow.approve(resource, acting_user=reviewer)

    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED
    assert "城关镇召开春耕生产部署会" in page(platform.city, f"xzdt/cgz/{resource.pk}.html")
    assert {"sub_unit.create", "sub_unit.add_member", "role.grant"} <= set(audit_actions(platform.city))


def test_a_sub_unit_editor_cannot_touch_other_columns(platform, town, committed):  # SITE-10
    sub_unit, own, editor, reviewer = town
    with committed():
        news = publish_article(platform.city, platform.city_news, "市政府常务会议召开", platform.city_staff)
    draft = article(platform.city, platform.city_news, platform.city_staff.editor, title="市政府新闻")

    with pytest.raises(PermissionDenied, match=REFUSAL):
        article(platform.city, platform.city_news, editor)
    with pytest.raises(PermissionDenied, match=REFUSAL):
        resource_actions.save_draft(draft, base_revision_id=draft.current_revision_id, title="改",
                                    data={"body": "<p>改</p>"}, acting_user=editor)  # fmt: skip
    with pytest.raises(PermissionDenied, match=REFUSAL):
        workflow.submit(draft, acting_user=editor)
    with pytest.raises(PermissionDenied, match=REFUSAL):
        placements.place(news, Column.objects.get(pk=platform.city_notices.pk), acting_user=editor)
    placements.place(news, own, acting_user=editor)  # its own column is fine


def test_a_sub_unit_reviewer_reviews_only_its_columns(platform, town):  # SITE-10, PUB-9
    sub_unit, own, editor, reviewer = town
    other = article(platform.city, platform.city_news, platform.city_staff.editor, title="市政府新闻")
    workflow.submit(other, acting_user=platform.city_staff.editor)

    with pytest.raises(PermissionDenied, match="You review only some columns"):
        workflow.approve(other, acting_user=reviewer)


def test_the_columns_of_a_sub_unit_move_with_its_members(platform, town):  # SITE-10
    sub_unit, own, editor, reviewer = town

    subunits.set_sub_unit_columns(sub_unit, [platform.city_news], acting_user=platform.city_staff.admin)

    assert article(platform.city, platform.city_news, editor).column == platform.city_news
    with pytest.raises(PermissionDenied, match=REFUSAL):
        article(platform.city, own, editor)


def test_sub_units_belong_to_portals_and_their_columns(platform):  # SITE-10
    with pytest.raises(ValidationError, match="is not a portal"):
        subunits.create_sub_unit(platform.dept, name="某科室", kind=SubUnitKind.DEPARTMENT,
                                 columns=[platform.dept_news], acting_user=platform.platform_admin)  # fmt: skip
    with pytest.raises(ValidationError, match="are not columns of"):
        subunits.create_sub_unit(platform.city, name="城关镇", kind=SubUnitKind.TOWNSHIP,
                                 columns=[platform.dept_news], acting_user=platform.platform_admin)  # fmt: skip
    with pytest.raises(PermissionDenied):
        subunits.create_sub_unit(platform.city, name="城关镇", kind=SubUnitKind.TOWNSHIP,
                                 columns=[platform.city_news], acting_user=platform.city_staff.editor)  # fmt: skip


def test_a_portal_editor_is_not_turned_into_a_sub_unit_editor(platform, town):  # SITE-10
    sub_unit, own, editor, reviewer = town

    with pytest.raises(ValidationError, match="a person works for one sub-unit"):
        subunits.add_member(sub_unit, platform.city_staff.editor, Role.EDITOR, acting_user=platform.city_staff.admin)


def test_removing_a_member_ends_the_role(platform, town):  # SITE-10
    sub_unit, own, editor, reviewer = town
    member = sub_unit.members.get(membership__user=editor)

    subunits.remove_member(member, acting_user=platform.city_staff.admin)

    assert not Membership.objects.filter(user=editor, site=platform.city).exists()
    assert "sub_unit.remove_member" in audit_actions(platform.city)


def test_dissolving_a_sub_unit_ends_its_roles_and_is_audited(platform, town):  # SITE-10, SEC-2
    sub_unit, own, editor, reviewer = town

    subunits.delete_sub_unit(sub_unit, acting_user=platform.city_staff.admin)

    assert not Membership.objects.filter(user__in=[editor, reviewer], site=platform.city).exists()
    assert not type(sub_unit).objects.filter(pk=sub_unit.pk).exists()
    assert "sub_unit.delete" in audit_actions(platform.city)


def test_only_the_portals_admin_dissolves_a_sub_unit(platform, town):  # SITE-10, SEC-3
    sub_unit, own, editor, reviewer = town

    with pytest.raises(PermissionDenied):
        subunits.delete_sub_unit(sub_unit, acting_user=editor)
    assert type(sub_unit).objects.filter(pk=sub_unit.pk).exists()
