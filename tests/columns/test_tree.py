"""COL-1: the column tree of a site is at most three levels deep; moves keep it so."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from auditlog.models import AuditEntry
from columns.models import Column
from lifecycle import column_changes as actions
from tests.factories import ColumnFactory, SiteFactory

pytestmark = pytest.mark.django_db


def fresh(column):
    return Column.objects.get(pk=column.pk)


def refusal(call, *args, **kwargs) -> dict:
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            call(*args, **kwargs)
        error = caught.value
        return (
            {k: " ".join(v) for k, v in error.message_dict.items()}
            if hasattr(error, "error_dict")
            else {"__all__": " ".join(error.messages)}
        )


@pytest.fixture
def tree(site):
    """zwgk/ (level 1) > zcwj/ (level 2) > gfxwj/ (level 3), and a separate xwzx/ > tpxw/."""
    zwgk = ColumnFactory(site=site, name="政务公开", slug="zwgk")
    zcwj = ColumnFactory(site=site, parent=zwgk, name="政策文件", slug="zcwj", column_type="政策文件")
    gfxwj = ColumnFactory(site=site, parent=fresh(zcwj), name="规范性文件", slug="gfxwj", column_type="政策文件")
    xwzx = ColumnFactory(site=site, name="新闻中心", slug="xwzx", sort_order=1)
    tpxw = ColumnFactory(site=site, parent=fresh(xwzx), name="图片新闻", slug="tpxw")
    return {c.slug: fresh(c) for c in (zwgk, zcwj, gfxwj, xwzx, tpxw)}


def new_column(site, parent=None, **fields):
    values = {
        "name": "新栏目",
        "slug": "xlm",
        "description": "说明",
        "column_type": "工作动态",
        "responsible_person": "李四",
    }
    values.update(fields)
    return Column(site=site, parent=parent, **values)


def test_three_levels_are_allowed(tree):  # COL-1
    assert [tree[s].level for s in ("zwgk", "zcwj", "gfxwj")] == [0, 1, 2]


def test_a_fourth_level_is_refused(tree, platform_admin):  # COL-1
    errors = refusal(actions.create_column, new_column(tree["zwgk"].site, tree["gfxwj"]), acting_user=platform_admin)

    assert "at most 3 levels" in errors["parent"]
    assert not Column.objects.filter(slug="xlm").exists()


def test_column_path_shows_its_place(tree):  # COL-1, LINK-1
    assert tree["gfxwj"].path == "zwgk/zcwj/gfxwj/"
    assert tree["xwzx"].path == "xwzx/"


def test_moving_a_subtree_too_deep_is_refused(tree, platform_admin):  # COL-1
    # xwzx/tpxw/ under zwgk/zcwj/ would put tpxw at level 4.
    errors = refusal(actions.move_column, tree["xwzx"], tree["zcwj"], "last-child", acting_user=platform_admin)

    assert "at most 3 levels" in errors["parent"]
    assert fresh(tree["xwzx"]).parent is None
    assert fresh(tree["tpxw"]).path == "xwzx/tpxw/"
    assert not AuditEntry.objects.filter(action="column.move").exists()


def test_reparenting_a_subtree_too_deep_is_refused(tree, platform_admin):  # COL-1
    xwzx = tree["xwzx"]
    xwzx.parent = tree["zcwj"]

    errors = refusal(actions.update_column, xwzx, acting_user=platform_admin)

    assert "parent" in errors
    assert fresh(xwzx).parent is None


def test_moving_a_subtree_within_the_depth_limit(tree, platform_admin):  # COL-1
    actions.move_column(tree["xwzx"], tree["zwgk"], "last-child", acting_user=platform_admin)

    assert fresh(tree["tpxw"]).path == "zwgk/xwzx/tpxw/"
    assert fresh(tree["tpxw"]).level == 2
    entry = AuditEntry.objects.get(action="column.move")
    assert entry.details["before"] == "xwzx/" and entry.details["after"] == "zwgk/xwzx/"


def test_moving_before_a_sibling_reorders(tree, platform_admin):  # COL-1
    actions.move_column(tree["xwzx"], tree["zwgk"], "left", acting_user=platform_admin)

    roots = Column.objects.filter(site=tree["zwgk"].site, parent=None)
    assert [c.slug for c in roots.order_by("tree_id")] == ["xwzx", "zwgk"]
    assert [c.slug for c in roots.order_by("sort_order")] == ["xwzx", "zwgk"]


def test_reordering_leaves_other_sites_untouched(tree, platform_admin):  # COL-1, tenant isolation
    other = ColumnFactory(site=SiteFactory(), slug="other", sort_order=42)

    actions.move_column(tree["xwzx"], tree["zwgk"], "left", acting_user=platform_admin)

    assert fresh(other).sort_order == 42


def test_a_column_cannot_move_under_itself(tree, platform_admin):  # COL-1
    errors = refusal(actions.move_column, tree["zwgk"], tree["zcwj"], "last-child", acting_user=platform_admin)

    assert "parent" in errors
    assert fresh(tree["zwgk"]).parent is None


def test_a_column_cannot_move_to_another_site(tree, platform_admin):  # COL-1
    elsewhere = ColumnFactory(slug="elsewhere")

    refusal(actions.move_column, tree["xwzx"], elsewhere, "last-child", acting_user=platform_admin)

    assert fresh(tree["xwzx"]).site == tree["zwgk"].site
    assert fresh(tree["xwzx"]).parent is None


def test_a_parent_of_another_site_is_refused(site, platform_admin):  # COL-1
    foreign_parent = ColumnFactory()

    errors = refusal(actions.create_column, new_column(site, foreign_parent), acting_user=platform_admin)

    assert "another site" in errors["parent"]


def test_unknown_move_position_is_refused(tree, platform_admin):  # COL-1
    refusal(actions.move_column, tree["xwzx"], tree["zwgk"], "inside", acting_user=platform_admin)

    assert fresh(tree["xwzx"]).parent is None


def test_a_column_with_sub_columns_cannot_be_deleted(tree, platform_admin):  # COL-1
    errors = refusal(actions.delete_column, tree["zcwj"], acting_user=platform_admin)

    assert "still has sub-columns" in errors["__all__"]
    assert Column.objects.filter(pk=tree["zcwj"].pk).exists()


def test_a_leaf_column_can_be_deleted(tree, platform_admin):  # COL-1
    actions.delete_column(tree["gfxwj"], acting_user=platform_admin)

    assert not Column.objects.filter(slug="gfxwj").exists()
    assert fresh(tree["zcwj"]).is_leaf_node()
