"""COL-2, COL-3, COL-6, COL-8: what a column records and the rules on a site's columns."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from columns.checks import missing_required_kinds_for
from columns.models import Column
from columns.types import MAX_CHANNELS, STANDARD_COLUMN_TYPES
from lifecycle import column_changes as actions
from sites.models import Role
from tests.factories import ColumnFactory, SiteFactory

pytestmark = pytest.mark.django_db


def new_column(site, parent=None, **fields):
    values = {"name": "工作动态", "slug": "gzdt", "description": "本单位工作动态", "column_type": "工作动态",
              "responsible_person": "王五"}  # fmt: skip
    values.update(fields)
    return Column(site=site, parent=parent, **values)


def field_errors(call, *args, **kwargs) -> dict:
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            call(*args, **kwargs)
        return {k: " ".join(v) for k, v in caught.value.message_dict.items()}


@pytest.mark.parametrize("column_type", ["工作动态", "政策文件", "信息公开指南", "专题活动"])
def test_standard_and_other_chinese_column_types_are_accepted(site, platform_admin, column_type):  # COL-2
    column = actions.create_column(new_column(site, column_type=column_type), acting_user=platform_admin)

    assert Column.objects.get(pk=column.pk).column_type == column_type


@pytest.mark.parametrize("column_type", ["news", "", "动", "工作动态2", "<b>动态</b>"])
def test_bad_column_types_are_refused(site, platform_admin, column_type):  # COL-2
    errors = field_errors(actions.create_column, new_column(site, column_type=column_type), acting_user=platform_admin)

    assert "column_type" in errors
    assert not Column.objects.exists()


def test_standard_list_has_the_types_of_the_annex():  # COL-2
    annex = "首页 概况信息 机构职能 负责人信息 工作动态 政策文件 信息公开指南 信息公开目录 信息公开年报 依申请公开 数据发布 数据开放 政策解读 回应关切 办事服务 咨询投诉 征集调查 在线访谈"
    assert set(annex.split()) <= set(STANDARD_COLUMN_TYPES)


def test_column_records_description_keywords_and_type(site, platform_admin):  # COL-2
    actions.create_column(new_column(site, keywords="动态,要闻"), acting_user=platform_admin)

    column = Column.objects.get(slug="gzdt")
    assert (column.name, column.description, column.keywords, column.column_type) == (
        "工作动态",
        "本单位工作动态",
        "动态,要闻",
        "工作动态",
    )


def test_description_and_responsible_person_are_required(site, platform_admin):  # COL-2, COL-8
    errors = field_errors(
        actions.create_column, new_column(site, description="", responsible_person=""), acting_user=platform_admin
    )

    assert {"description", "responsible_person"} <= set(errors)


def test_column_records_responsible_person_and_update_interval(site, platform_admin):  # COL-8
    actions.create_column(
        new_column(site, responsible_person="赵六", responsible_phone="0312-1234567", update_interval_days=14),
        acting_user=platform_admin,
    )

    column = Column.objects.get(slug="gzdt")
    assert (column.responsible_person, column.responsible_phone, column.update_interval_days) == (
        "赵六",
        "0312-1234567",
        14,
    )


def test_missing_required_kinds_are_reported(site):  # COL-3
    assert missing_required_kinds_for(site) == [
        "机构职能",
        "负责人信息",
        "政策文件",
        "解读回应",
        "工作动态",
        "互动交流",
    ]

    ColumnFactory(site=site, column_type="机构职能")
    ColumnFactory(site=site, column_type="政策解读")
    ColumnFactory(site=site, column_type="在线访谈")

    assert missing_required_kinds_for(site) == ["负责人信息", "政策文件", "工作动态"]


def test_no_missing_kinds_when_all_are_present(site):  # COL-3
    for column_type in ("机构职能", "负责人信息", "政策文件", "回应关切", "工作动态", "咨询投诉"):
        ColumnFactory(site=site, column_type=column_type)

    assert missing_required_kinds_for(site) == []


def test_required_kinds_count_per_site(site):  # COL-3
    other = SiteFactory()
    for column_type in ("机构职能", "负责人信息", "政策文件", "回应关切", "工作动态", "咨询投诉"):
        ColumnFactory(site=other, column_type=column_type)

    assert len(missing_required_kinds_for(site)) == 6


def test_eight_channels_are_allowed_and_a_ninth_refused(site, platform_admin):  # COL-6
    for number in range(MAX_CHANNELS):
        ColumnFactory(site=site, is_channel=True, slug=f"pd{number}")

    errors = field_errors(actions.create_column, new_column(site, is_channel=True), acting_user=platform_admin)

    assert MAX_CHANNELS == 8
    assert "at most 8 channels" in errors["is_channel"]
    assert Column.objects.filter(site=site, is_channel=True).count() == 8


def test_channels_are_counted_per_site(site, platform_admin):  # COL-6
    other = SiteFactory()
    for number in range(MAX_CHANNELS):
        ColumnFactory(site=other, is_channel=True, slug=f"pd{number}")

    actions.create_column(new_column(site, is_channel=True), acting_user=platform_admin)

    assert Column.objects.filter(site=site, is_channel=True).count() == 1


def test_making_a_ninth_column_a_channel_is_refused(site, platform_admin):  # COL-6
    for number in range(MAX_CHANNELS):
        ColumnFactory(site=site, is_channel=True, slug=f"pd{number}")
    column = ColumnFactory(site=site, slug="plain")
    column.is_channel = True

    field_errors(actions.update_column, column, acting_user=platform_admin)

    assert Column.objects.get(pk=column.pk).is_channel is False


def test_slug_is_unique_among_siblings(site, platform_admin):  # LINK-1
    parent = ColumnFactory(site=site, slug="zwgk")
    ColumnFactory(site=site, parent=parent, slug="gzdt")

    errors = field_errors(
        actions.create_column, new_column(site, Column.objects.get(pk=parent.pk)), acting_user=platform_admin
    )

    assert "“gzdt”" in errors["slug"]


def test_top_level_slug_is_unique_in_a_site(site, platform_admin):  # LINK-1
    ColumnFactory(site=site, slug="gzdt")

    field_errors(actions.create_column, new_column(site), acting_user=platform_admin)

    assert Column.objects.filter(site=site, slug="gzdt").count() == 1


def test_same_slug_at_other_places_is_fine(site, platform_admin):  # LINK-1
    ColumnFactory(site=SiteFactory(), slug="gzdt")
    parent = ColumnFactory(site=site, slug="zwgk")
    ColumnFactory(site=site, slug="gzdt")

    actions.create_column(new_column(site, Column.objects.get(pk=parent.pk)), acting_user=platform_admin)

    assert Column.objects.filter(slug="gzdt").count() == 3


@pytest.mark.parametrize("slug", ["Gzdt", "gz dt", "-gzdt", "工作", "gzdt/../x", ""])
def test_slug_is_a_url_segment(site, platform_admin, slug):  # LINK-1
    errors = field_errors(actions.create_column, new_column(site, slug=slug), acting_user=platform_admin)

    assert "slug" in errors


@pytest.mark.parametrize("role", [Role.EDITOR, Role.REVIEWER])
def test_only_site_admins_manage_columns(site, make_member, role):  # PUB-1
    user = make_member(site, role)

    with pytest.raises(PermissionDenied):
        actions.create_column(new_column(site), acting_user=user)

    assert not Column.objects.exists()


def test_site_admin_manages_columns_of_their_own_site_only(site, make_member):  # PUB-1
    admin_of_other = make_member(SiteFactory(), Role.SITE_ADMIN)
    admin = make_member(site, Role.SITE_ADMIN)

    with pytest.raises(PermissionDenied):
        actions.create_column(new_column(site), acting_user=admin_of_other)
    actions.create_column(new_column(site), acting_user=admin)

    assert Column.objects.filter(site=site).count() == 1
