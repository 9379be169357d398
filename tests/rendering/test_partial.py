"""Incremental publishes from a partial load leave exactly what a full rebuild would (PUB-8, COL-5).

An incremental publish loads only the items the pages to render read (publishing/partial.py).
After each change below, `publish_changes` must have rendered from a partial load, and a full
rebuild must then find nothing to write and leave the same dependency index. The conftest of
this folder turns the fallback off: an item the partial load missed fails the test.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial.models import Placement
from publishing import affected, outline_store, partial, render, site_loading, sitedata
from publishing.bulk_sql import shaped_sql
from publishing.models import PageDependency
from publishing.publisher import publish_changes, publish_site
from resources.models import PolicyInterpretation, ResourceKind


def changes(resources=(), columns=()):
    [report] = publish_changes(resource_ids=[r.pk for r in resources], column_ids=[c.pk for c in columns])
    assert report.mode == "changes" and report.partial, report
    return report


def assert_same_as_full_rebuild(build):
    index = set(PageDependency.objects.filter(site=build.site).values_list("page_path", "resource_id", "column_id"))
    report = publish_site(build.site.pk)
    assert report.written == [] and report.deleted == [], (report.written, report.deleted)
    rebuilt = set(PageDependency.objects.filter(site=build.site).values_list("page_path", "resource_id", "column_id"))
    assert index == rebuilt, (index - rebuilt, rebuilt - index)


def test_column_with_many_numbered_pages(build):  # PUB-8, COL-5
    col = build.column("tz", "通知", channel=True)
    other = build.column("qt", "其他", channel=True)
    build.many(other, 3, prefix="其他")
    items = build.many(col, 130)  # six full numbered pages, ten items on index.html only
    publish_site(build.site.pk)

    new = build.article(col, "最新通知")
    report = changes([new])
    assert not [p for p in report.written if "/page-" in p]
    assert_same_as_full_rebuild(build)

    when = items[69].published_at + dt.timedelta(seconds=30)  # lands at position 70: page 4 and later change
    backdated = build.article(col, "补发的通知", when=when)
    report = changes([backdated])
    assert {"tz/page-4.html", "tz/page-6.html"} <= set(report.written) and "tz/page-3.html" not in report.written
    assert_same_as_full_rebuild(build)

    build.new_revision(items[100], "改过标题的通知")  # its neighbours and the related lists of newer items
    changes([items[100]])
    assert "改过标题的通知" in build.read(f"tz/{items[101].pk}.html")
    assert_same_as_full_rebuild(build)

    build.withdraw(items[40])  # every later numbered page shifts
    report = changes([items[40]])
    assert f"tz/{items[40].pk}.html" in report.deleted
    assert_same_as_full_rebuild(build)

    Placement.objects.filter(resource=items[3]).update(pinned=True)  # an old item pinned to the top
    changes([items[3]])
    assert items[3].title in build.read("tz/index.html")
    assert_same_as_full_rebuild(build)

    Placement.objects.filter(resource=items[90]).update(column=other)  # moved to another column
    report = changes([items[90]])
    assert f"tz/{items[90].pk}.html" in report.deleted and f"qt/{items[90].pk}.html" in report.written
    assert_same_as_full_rebuild(build)


def test_home_page_of_a_site_with_many_columns(build):  # PUB-8, COL-4, COL-6
    columns = []
    for n in range(4):
        channel = build.column(f"pd{n}", f"频道{n}", channel=True)
        build.many(channel, 2 + n, prefix=f"频道{n}文章")
        for m in range(3):
            child = build.column(f"lm{m}", f"栏目{n}-{m}", parent=channel)
            build.many(child, 3 + 4 * m, prefix=f"栏目{n}-{m}文章")
            columns.append(child)
    staff = build.column("jg", "机构", parent=columns[0].parent, column_type="机构职能")
    for n in range(3):
        build.resource(staff, f"机构{n}", kind=ResourceKind.INSTITUTION, data={"duties": "<p>职责</p>"})
    publish_site(build.site.pk)

    new = build.article(columns[4], "新的一条")
    report = changes([new])
    assert {"index.html", f"{columns[4].parent.path}index.html"} <= set(report.written)
    assert "新的一条" in build.read("index.html")
    assert_same_as_full_rebuild(build)

    newest = build.article(columns[8], "又一条")
    publish_site(build.site.pk)
    build.withdraw(newest)  # the home page shows the next newest again
    changes([newest])
    assert "又一条" not in build.read("index.html")
    assert_same_as_full_rebuild(build)

    institution = build.resource(staff, "新机构", kind=ResourceKind.INSTITUTION, data={"duties": "<p>新职责</p>"})
    changes([institution])  # the institutions page lists every item of its column
    assert "新机构" in build.read(f"{staff.path}index.html")
    assert_same_as_full_rebuild(build)

    columns[2].name = "改名的栏目"  # a column of a channel changes: its pages, its parents, the site map
    columns[2].save()
    changes(columns=[columns[2]])
    assert "改名的栏目" in build.read("sitemap.html")
    assert_same_as_full_rebuild(build)


def test_home_page_of_a_site_with_many_columns_read_in_several_unions(build, monkeypatch):  # PUB-8
    """SQLite takes at most 500 terms in a UNION: the stored outline's reads are split (here by 3)."""
    monkeypatch.setattr(outline_store, "COMPOUND", 3)
    test_home_page_of_a_site_with_many_columns(build)


def test_links_and_sitemap_chunks(build, monkeypatch):  # PUB-8, TPL-10
    for module in (sitedata, render, affected, partial):
        monkeypatch.setattr(module, "SITEMAP_CHUNK", 10)
    col = build.column("xw", "新闻", channel=True)
    articles = []
    for n in range(26):
        if n % 5 == 2:  # links have no page: they count in the lists, not in the sitemaps
            build.resource(col, f"链接{n}", kind=ResourceKind.LINK, data={"url": f"https://www.gov.cn/{n}.html"})
        else:
            articles.append(build.article(col, f"新闻{n}"))
    publish_site(build.site.pk)
    assert build.file("xw/sitemap-2.xml").exists() and not build.file("xw/sitemap-3.xml").exists()

    for n in range(9):  # 21 articles with a page, 9 more: the thirtieth fills sitemap-3.xml
        changes([build.article(col, f"更新{n}")])
        assert build.file("xw/sitemap-3.xml").exists() == (n == 8)
    assert_same_as_full_rebuild(build)

    build.withdraw(articles[1])  # every later sitemap shifts by one
    report = changes([articles[1]])
    assert {"xw/sitemap-1.xml", "xw/sitemap-2.xml"} <= set(report.written)
    assert_same_as_full_rebuild(build)

    link = build.resource(col, "新链接", kind=ResourceKind.LINK, data={"url": "https://www.gov.cn/new.html"})
    changes([link])
    assert "https://www.gov.cn/new.html" in build.read("xw/index.html")
    assert_same_as_full_rebuild(build)


def test_policies_interpretations_and_reposts(build):  # RES-3, RES-8, PUB-8
    col = build.column("zc", "政策", channel=True)
    build.many(col, 70, prefix="旧政策")
    policy = build.article(col, "关于加强管理的通知", kind=ResourceKind.POLICY,
                           data={"body": "<p>通知。</p>", "document_number": "示政发〔2024〕1号"})  # fmt: skip
    reading = build.article(col, "一图读懂", kind=ResourceKind.INTERPRETATION, data={"body": "<p>解读。</p>"})
    PolicyInterpretation.objects.create(policy=policy, interpretation=reading)
    other = build.make_site("示例县人民政府", "www.xian.gov.cn")
    source = build.column("xw", "新闻", channel=True, site=other)
    original = build.article(source, "县里的好消息", metadata={"source": ""})
    reposts = build.column("zz", "转载", channel=True)
    Placement.objects.create(resource=original, column=reposts, site=build.site, status="active", is_repost=True,
                             placed_by=build.user, placed_at=build.tick())  # fmt: skip
    publish_site(other.pk)
    publish_site(build.site.pk)

    build.new_revision(reading, "图解：关于加强管理的通知")  # the policy page names its interpretation
    changes([reading])
    assert "图解：关于加强管理的通知" in build.read(f"zc/{policy.pk}.html")
    assert_same_as_full_rebuild(build)

    build.new_revision(original, "县里的好消息（更新）")  # shown on both sites
    reports = publish_changes(resource_ids=[original.pk])
    assert {r.domain for r in reports} == {"www.example.gov.cn", "www.xian.gov.cn"} and all(r.partial for r in reports)
    assert "www.xian.gov.cn/xw/" in build.read(f"zz/{original.pk}.html")
    assert_same_as_full_rebuild(build)

    linking = build.article(col, "见通知", data={"body": f'<p><a href="/zc/{policy.pk}.html">通知</a></p>'})
    changes([linking])  # a body that links an article depends on it
    assert PageDependency.objects.filter(page_path=f"zc/{linking.pk}.html", resource_id=policy.pk).exists()
    assert_same_as_full_rebuild(build)


def test_large_change_loads_the_whole_site(build, monkeypatch):  # PUB-8
    monkeypatch.setattr(partial, "PARTIAL_LIMIT", 30)
    col = build.column("tz", "通知", channel=True)
    items = build.many(col, 60)
    publish_site(build.site.pk)
    first = build.article(col, "最早的通知", when=items[0].published_at - dt.timedelta(minutes=5))
    [report] = publish_changes(resource_ids=[first.pk])  # every numbered page changes: one bulk load
    assert report.mode == "changes" and not report.partial
    assert "tz/page-1.html" in report.written
    assert_same_as_full_rebuild(build)


def test_missed_item_falls_back_to_the_whole_site(build, monkeypatch):  # PUB-8
    monkeypatch.setattr("publishing.site_publisher.PARTIAL_FALLBACK", True)
    monkeypatch.setattr(partial, "positions_read_by", lambda data, keys: {})  # loads nothing: rendering misses
    col = build.column("tz", "通知", channel=True)
    build.many(col, 30)
    publish_site(build.site.pk)
    new = build.article(col, "新通知")
    [report] = publish_changes(resource_ids=[new.pk])
    assert report.mode == "changes" and not report.partial and f"tz/{new.pk}.html" in report.written
    assert not list(build.root.rglob(".*.tmp"))  # what the failed attempt staged is gone
    assert_same_as_full_rebuild(build)


def test_queries_do_not_grow_with_the_column(build):  # PUB-8
    small = build.column("small", "小栏目", channel=True)
    large = build.column("large", "大栏目", channel=True)
    build.many(small, 10, prefix="小")
    build.many(large, 300, prefix="大")
    publish_site(build.site.pk)
    counts = []
    for col in (small, large, small, large):
        new = build.article(col, f"{col.name}的新文章")
        with CaptureQueriesContext(connection) as queries:
            changes([new])
        counts.append(len(queries))
    assert counts[2] == counts[3], counts  # the first publish of each may write a new sitemap entry
    assert_same_as_full_rebuild(build)


def test_topic_column_changes(build):  # COL-7, PUB-8
    area = build.column("zt", "专题", channel=True)
    topic = build.column("hb", "环保专题", parent=area, column_type=render.TOPIC_COLUMN_TYPE)
    build.many(topic, 5, prefix="环保")
    news = build.column("xw", "新闻", channel=True)
    build.many(news, 5, prefix="新闻")
    publish_site(build.site.pk)
    assert build.file("topics.html").exists()
    topic.name = "生态环保专题"
    topic.save()
    report = changes(columns=[topic])
    assert "topics.html" in report.written and "生态环保专题" in build.read("topics.html")
    assert_same_as_full_rebuild(build)


def test_shaped_sql_is_the_orm_sql(db):  # PUB-8
    for ids in ([7], [3, 1, 2], list(range(40))):
        compiled = site_loading._item_query(5, ids).query.sql_with_params()
        assert shaped_sql("item_rows", site_loading._item_query, site_id=5, placement_ids=ids) == (
            compiled[0],
            list(compiled[1]),
        )


def test_linked_articles_are_numbered_in_their_own_columns_only(build):  # PUB-8
    """An article that a page links is found in the stored outline by index: one query, no numbering
    of the site's placements (issue 18: it grew with the site), the positions load_site gives."""
    news = build.column("xw", "新闻", channel=True)
    notices = build.column("tz", "通知", channel=True)
    build.many(news, 30, prefix="新闻")
    notice = build.many(notices, 5, prefix="通知")[2]
    full = sitedata_positions(build.site.pk, notice.pk)
    outline_store.sync_site(build.site.pk, [news.pk, notices.pk])
    data = partial.load_partial(build.site.pk)
    data.loader.prepare(set(), set())

    with CaptureQueriesContext(connection) as queries:
        data.loader.outline_of_resources({notice.pk})

    assert len(queries) == 1 and "ROW_NUMBER" not in queries[0]["sql"] and "editorial_placement" not in queries[0]["sql"]
    assert [(col.id, position) for col, position in map(data.position_of, data.placements_of(notice.pk))] == full


def test_an_outline_never_stored_is_read_from_the_whole_site(build):  # PUB-8
    """A site published before the stored outline existed: the partial load says TooMuch, and an
    incremental publish stores the site's outline first, then publishes what changed."""
    news = build.column("xw", "新闻", channel=True)
    build.many(news, 3, prefix="新闻")
    data = partial.load_partial(build.site.pk)
    with pytest.raises(partial.TooMuch):
        data.loader.prepare(set(), set())
    outline_store.sync_resources(build.site.pk, [], [news.pk])
    assert outline_store.tallies(build.site.pk) == {news.pk: (3, 3)}


def sitedata_positions(site_id, resource_id):
    data = site_loading.load_site(site_id)
    return [(col.id, position) for col, position in map(data.position_of, data.placements_of(resource_id))]


def test_a_withdrawal_and_an_approval_in_one_publish(build):  # PUB-8, COL-5
    """The stored outline's sync counts where the withdrawn item was among the rows as they are now
    (the new item included): the numbered pages from its position on are drawn again."""
    col = build.column("xw", "新闻", channel=True)
    items = build.many(col, 45, prefix="要闻")
    publish_site(build.site.pk)
    build.withdraw(items[30])
    build.withdraw(items[5])
    new = build.article(col, "新的一条")
    report = changes([items[30], items[5], new])
    assert f"xw/{items[30].pk}.html" in report.deleted and f"xw/{new.pk}.html" in report.written
    assert_same_as_full_rebuild(build)
