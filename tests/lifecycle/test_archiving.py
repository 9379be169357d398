"""Archiving sites, columns and topics: same addresses, “已归档” and the time, out of navigation (SITE-9, COL-7)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from columns.models import Column
from lifecycle import archiving
from tests.lifecycle.conftest import audit_actions, column, page, public_get, publish_article
from tests.rendering.conftest import parse

pytestmark = pytest.mark.django_db


def archived_time(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def topics(platform, committed):
    """Two topics of the department site, channels with an article each, and a news article."""
    staff = platform.dept_staff
    flood = column(platform.dept, "fxkh", "防汛抗旱", "专题专栏", is_channel=True)
    water = column(platform.dept, "jsjs", "节水建设", "专题专栏", is_channel=True)
    with committed():
        articles = {
            "flood": publish_article(platform.dept, flood, "2024年汛期工作部署", staff),
            "water": publish_article(platform.dept, water, "节水型城市建设推进会", staff),
            "news": publish_article(platform.dept, platform.dept_news, "水务局召开工作会议", staff),
        }
    return flood, water, articles


def test_an_archived_topic_keeps_its_pages_with_the_mark_and_time(platform, topics, committed):  # SITE-9, COL-7
    flood, water, articles = topics

    with committed():
        archived = archiving.archive_column(flood, acting_user=platform.dept_staff.admin)

    when = archived_time(archived.archived_at)
    for path in ("fxkh/index.html", f"fxkh/{articles['flood'].pk}.html"):
        html = page(platform.dept, path)
        assert html is not None, path
        assert "已归档" in html and "归档时间：<time" in html and when in html
    assert public_get(platform.dept.primary_domain, f"/fxkh/{articles['flood'].pk}.html").status_code == 200
    assert "已归档" not in page(platform.dept, f"jsjs/{articles['water'].pk}.html")
    assert audit_actions(platform.dept)[-1] == "column.archive"


def test_an_archived_topic_leaves_navigation_and_the_home_page(platform, topics, committed):  # SITE-9, COL-7
    flood, water, articles = topics
    home = parse(page(platform.dept))
    assert "防汛抗旱" in home.section("频道导航") and "2024年汛期工作部署" in "".join(home.text)

    with committed():
        archiving.archive_column(flood, acting_user=platform.dept_staff.admin)

    for path in ("index.html", "gzdt/index.html", f"jsjs/{articles['water'].pk}.html", "fxkh/index.html"):
        nav = parse(page(platform.dept, path)).section("频道导航")
        assert "防汛抗旱" not in nav and "节水建设" in nav, path
    home = parse(page(platform.dept))
    assert "/fxkh/" not in home.links and "2024年汛期工作部署" not in "".join(home.text)
    assert "/jsjs/" in home.links and "/topics.html" in home.links


def test_the_topic_area_lists_current_and_archived_topics(platform, topics, committed):  # COL-7
    flood, water, articles = topics
    with committed():
        archived = archiving.archive_column(flood, acting_user=platform.dept_staff.admin)

    area = parse(page(platform.dept, "topics.html"))

    assert "节水建设" in area.section("当前专题") and "防汛抗旱" not in area.section("当前专题")
    archived_section = area.section("已归档专题")
    assert "防汛抗旱" in archived_section and "已归档" in archived_section
    assert archived_time(archived.archived_at) in archived_section
    assert "/fxkh/" in area.links


def test_archiving_a_column_archives_its_sub_columns(platform, committed):  # SITE-9
    parent = Column.objects.get(pk=platform.dept_news.pk)
    child = column(platform.dept, "jcdt", "基层动态", parent=parent)
    with committed():
        article = publish_article(platform.dept, child, "各区县水务工作动态", platform.dept_staff)
        archiving.archive_column(parent, acting_user=platform.dept_staff.admin)

    child.refresh_from_db()
    assert child.archived_at is not None
    assert "已归档" in page(platform.dept, f"gzdt/jcdt/{article.pk}.html")


def test_undoing_an_archiving_brings_the_topic_back(platform, topics, committed):  # COL-7
    flood, water, articles = topics
    with committed():
        archiving.archive_column(flood, acting_user=platform.dept_staff.admin)
        archiving.unarchive_column(flood, acting_user=platform.dept_staff.admin)

    assert "防汛抗旱" in parse(page(platform.dept)).section("频道导航")
    assert "已归档" not in page(platform.dept, "fxkh/index.html")


def test_archiving_a_site_marks_every_page(platform, topics, committed):  # SITE-9
    flood, water, articles = topics
    with committed():
        site = archiving.archive_site(platform.dept, acting_user=platform.platform_admin)

    when = archived_time(site.archived_at)
    for path in ("index.html", "gzdt/index.html", f"gzdt/{articles['news'].pk}.html", "topics.html"):
        html = page(platform.dept, path)
        assert "已归档" in html and when in html, path
    assert audit_actions(platform.dept)[-1] == "site.archive"


def test_who_may_archive(platform, topics):  # SITE-9, PUB-1
    flood, water, articles = topics

    with pytest.raises(PermissionDenied):
        archiving.archive_column(flood, acting_user=platform.dept_staff.editor)
    with pytest.raises(PermissionDenied):
        archiving.archive_site(platform.dept, acting_user=platform.dept_staff.admin)
    archiving.archive_column(flood, acting_user=platform.dept_staff.admin)
    with pytest.raises(ValidationError, match="was archived already"):
        archiving.archive_column(flood, acting_user=platform.dept_staff.admin)
