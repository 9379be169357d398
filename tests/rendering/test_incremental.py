"""An incremental publish leaves exactly what a full rebuild would (PUB-8, COL-5, LINK-2).

After every kind of change, `publish_changes` runs and then a full rebuild must find nothing
to write: the dependency rules missed no page.
"""

import datetime as dt

from publishing.models import PageDependency
from publishing.publisher import publish_changes, publish_site
from tests.rendering.conftest import BASE


def assert_up_to_date(build):
    report = publish_site(build.site.pk)
    assert report.written == [] and report.deleted == [], (report.written, report.deleted)


def test_append_backdate_edit_withdraw(build):  # PUB-8, COL-5
    col = build.column("tz", "通知", channel=True)
    other = build.column("qt", "其他", channel=True)
    build.article(other, "另一个栏目的文章")
    items = build.many(col, 47)
    publish_site(build.site.pk)

    new = build.article(col, "最新通知")  # appended at the end
    publish_changes(resource_ids=[new.pk])
    assert_up_to_date(build)

    old = build.article(col, "补发的旧通知", when=BASE + dt.timedelta(minutes=65, seconds=30))  # lands in page 1
    report = publish_changes(resource_ids=[old.pk])[0]
    assert "tz/page-1.html" in report.written and "tz/page-2.html" in report.written
    assert_up_to_date(build)

    build.new_revision(items[30], "改过标题的通知")  # an edit: lists, neighbours, related show the title
    publish_changes(resource_ids=[items[30].pk])
    assert_up_to_date(build)

    build.withdraw(items[5])  # a withdrawal in the middle shifts the numbered pages after it
    publish_changes(resource_ids=[items[5].pk])
    assert_up_to_date(build)

    for item in items[6:15]:  # 39 left, under two full pages: page-2 disappears
        build.withdraw(item)
    publish_changes(resource_ids=[i.pk for i in items[6:15]])
    assert not build.file("tz/page-2.html").exists()
    assert_up_to_date(build)


def test_pinning_and_moving_between_columns(build):  # COL-5, RES-3
    from editorial.models import Placement

    a = build.column("a", "甲", channel=True)
    b = build.column("b", "乙", channel=True)
    build.many(a, 5, prefix="甲")
    build.many(b, 5, prefix="乙")
    moved = build.article(a, "要移动的文章")
    publish_site(build.site.pk)
    Placement.objects.filter(resource=moved).update(pinned=True)
    publish_changes(resource_ids=[moved.pk])
    assert_up_to_date(build)
    Placement.objects.filter(resource=moved).update(column=b, pinned=False)
    report = publish_changes(resource_ids=[moved.pk])[0]
    assert f"a/{moved.pk}.html" in report.deleted and f"b/{moved.pk}.html" in report.written
    assert_up_to_date(build)


def test_column_change(build):  # COL-2, TPL-3
    parent = build.column("zw", "政务", channel=True)
    child = build.column("dt", "动态", parent=parent)
    build.many(child, 3)
    publish_site(build.site.pk)
    child.name = "工作动态"
    child.description = "新的说明"
    child.save()
    report = publish_changes(column_ids=[child.pk])[0]
    assert "zw/dt/index.html" in report.written and "zw/index.html" in report.written
    assert_up_to_date(build)
    parent.name = "政务公开"
    parent.save()
    assert publish_changes(column_ids=[parent.pk])[0].mode == "full"  # a channel: every page's navigation
    assert_up_to_date(build)


def test_first_item_of_a_column_shows_it_everywhere(build):  # COL-4
    shown = build.column("xw", "新闻", channel=True)
    build.article(shown, "一条新闻")
    empty = build.column("gg", "公告", channel=True)
    publish_site(build.site.pk)
    assert "/gg/" not in build.read("xw/index.html")
    first = build.article(empty, "第一条公告")
    publish_changes(resource_ids=[first.pk])
    assert 'href="/gg/"' in build.read("xw/index.html")  # navigation on every page
    assert_up_to_date(build)


def test_dependency_index_lists_what_pages_show(portal):  # PUB-8
    publish_site(portal.site.pk)
    shown_on = set(PageDependency.objects.filter(resource_id=portal.second.pk).values_list("page_path", flat=True))
    assert {"index.html", "xwzx/index.html", "xwzx/gzdt/index.html", "xwzx/gzdt/rss.xml"} <= shown_on
    assert f"xwzx/gzdt/{portal.first.pk}.html" in shown_on  # as the next article
