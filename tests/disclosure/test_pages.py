"""The published pages of information disclosure: the catalogue (DISC-2), the 依申请公开 column
(DISC-3), the header table of catalogued items (RES-7), published through the real publisher."""

from publishing.publisher import publish_changes, publish_site
from resources.models import ResourceKind
from tests.disclosure.pages_helpers import catalogue, entry, pages_site, parse  # noqa: F401 (fixture)


def assert_up_to_date(build):
    """A full rebuild after an incremental publish finds nothing to write (PUB-8)."""
    report = publish_site(build.site.pk)
    assert report.written == [] and report.deleted == [], (report.written, report.deleted)


def test_catalogue_browsable_by_column_subject_organisation_and_year(pages_site):  # noqa: F811  # DISC-2
    b = pages_site
    news = b.many(b.gzdt, 3, prefix="工作动态")
    policy = b.article(b.zcwj, "示例市关于加强管理的通知", kind=ResourceKind.POLICY,
                       data={"body": "<p>各区政府：</p>", "document_number": "示政发〔2024〕1号",
                             "issuing_body": "示例市人民政府", "signing_date": "2024-05-20", "validity": "valid"})  # fmt: skip
    hidden = b.article(b.gzdt, "没有编入目录的文章")
    catalogue(b, news, b.education)
    entry(policy, b.org, b.health, document_number="示政发〔2024〕1号", issuing_organisation="示例市人民政府")
    publish_site(b.site.pk)

    column = parse(b.read("zwgk/index.html"))
    text = "".join(column.text)
    assert "信息公开目录" in text and "浏览全部（4条）" in text
    for link in ("/zwgk/_ml/all/", f"/zwgk/_ml/zt-{b.education.code}/", f"/zwgk/_ml/jg{b.org.pk}/", "/zwgk/_ml/nd2024/",
                 f"/zwgk/_ml/lm{b.gzdt.pk}/", f"/zwgk/_ml/lm{b.zcwj.pk}/"):  # fmt: skip
        assert link in column.links, link

    everything = b.read("zwgk/_ml/all/index.html")
    page = parse(everything)
    assert f"/zwgk/zcwj/{policy.pk}.html" in page.links and f"/xwzx/gzdt/{news[0].pk}.html" in page.links
    assert f"/xwzx/gzdt/{hidden.pk}.html" not in page.links  # not catalogued: not listed
    for label in ("索引号", "主题分类", "发文机关", "成文日期", "文号", "发布日期"):
        assert label in everything
    assert "13990000X/2024-00004" in everything and "示政发〔2024〕1号" in everything and "2024-05-20" in everything
    assert page.meta["ColumnName"] == ["政务公开"] and page.meta["SiteIDCode"] == ["1399000001"]
    assert "site-footer" in everything or "<footer" in everything

    subject_page = parse(b.read(f"zwgk/_ml/zt-{b.education.code}/index.html"))
    assert {f"/xwzx/gzdt/{n.pk}.html" for n in news} <= set(subject_page.links)
    assert f"/zwgk/zcwj/{policy.pk}.html" not in subject_page.links
    assert f"/zwgk/zcwj/{policy.pk}.html" in parse(b.read(f"zwgk/_ml/lm{b.zcwj.pk}/index.html")).links
    assert f"/zwgk/zcwj/{policy.pk}.html" in parse(b.read(f"zwgk/_ml/jg{b.org.pk}/index.html")).links

    article = b.read(f"xwzx/gzdt/{news[1].pk}.html")  # the item's own page: its header table
    assert "13990000X/2024-00002" in article and "测试教育" in article and "信息索引" in article
    assert "信息索引" not in b.read(f"xwzx/gzdt/{hidden.pk}.html")
    policy_page = b.read(f"zwgk/zcwj/{policy.pk}.html")
    assert "13990000X/2024-00004" in policy_page and "测试卫生" in policy_page and "有效性" in policy_page


def test_catalogue_pages_are_numbered_from_the_oldest(pages_site):  # noqa: F811  # DISC-2, COL-5
    b = pages_site
    items = b.many(b.gzdt, 45, prefix="目录信息")
    catalogue(b, items, b.education)
    publish_site(b.site.pk)
    newest = parse(b.read("zwgk/_ml/all/index.html"))
    listed = [link for link in newest.links if link.startswith("/xwzx/gzdt/")]
    assert len(listed) == 20 and listed[0] == f"/xwzx/gzdt/{items[-1].pk}.html"
    first = parse(b.read("zwgk/_ml/all/page-1.html"))
    assert f"/xwzx/gzdt/{items[0].pk}.html" in first.links and f"/xwzx/gzdt/{items[19].pk}.html" in first.links
    assert b.file("zwgk/_ml/all/page-2.html").exists() and not b.file("zwgk/_ml/all/page-3.html").exists()
    before = {n: b.read(f"zwgk/_ml/all/page-{n}.html") for n in (1, 2)}

    new = b.article(b.gzdt, "新编入目录的信息")  # approved and catalogued: appended, numbered pages stay
    entry(new, b.org, b.health)
    report = publish_changes(resource_ids=[new.pk])[0]
    assert "zwgk/_ml/all/index.html" in report.written and f"zwgk/_ml/zt-{b.health.code}/index.html" in report.written
    assert "zwgk/index.html" in report.written  # the counts of the browsing tree
    assert {n: b.read(f"zwgk/_ml/all/page-{n}.html") for n in (1, 2)} == before
    assert_up_to_date(b)


def test_catalogue_follows_edits_and_withdrawals(pages_site):  # noqa: F811  # DISC-2, PUB-8
    b = pages_site
    items = b.many(b.gzdt, 41, prefix="目录信息")
    catalogue(b, items, b.education)
    publish_site(b.site.pk)

    b.new_revision(items[3], "改过标题的目录信息")
    publish_changes(resource_ids=[items[3].pk])
    assert "改过标题的目录信息" in b.read("zwgk/_ml/all/page-1.html")
    assert_up_to_date(b)

    b.withdraw(items[5])  # 40 left: two full pages, shifted from page 1 on
    publish_changes(resource_ids=[items[5].pk])
    assert f"/xwzx/gzdt/{items[5].pk}.html" not in parse(b.read("zwgk/_ml/all/page-1.html")).links
    assert_up_to_date(b)

    b.withdraw(items[6])  # 39 left: page-2 goes
    publish_changes(resource_ids=[items[6].pk])
    assert not b.file("zwgk/_ml/all/page-2.html").exists()
    assert_up_to_date(b)

    for item in items:  # the catalogue empties: its lists go, the column stays for its sub-columns
        b.withdraw(item)
    publish_changes(resource_ids=[i.pk for i in items])
    assert not b.file("zwgk/_ml/all/index.html").exists()
    assert_up_to_date(b)


def test_on_request_column_explains_how_to_apply(pages_site):  # noqa: F811  # DISC-3, DISC-1
    b = pages_site
    b.article(b.gzdt, "一条新闻")
    publish_site(b.site.pk)
    page = parse(b.read("zwgk/ysqgk/index.html"))  # visible although nothing is placed in it
    assert "/disclosure/apply/" in page.links and "/disclosure/status/" in page.links
    assert "/zwgk/ysqgk/" in parse(b.read("zwgk/index.html")).links
    assert page.meta["ColumnType"] == ["依申请公开"]

    guide_column = b.column("xxgkzn", "政府信息公开指南", parent=b.zwgk, column_type="信息公开指南")
    guide = b.resource(guide_column, "示例市人民政府信息公开指南", kind=ResourceKind.GUIDE,
                       data={"office_name": "示例市人民政府办公室政务公开科", "phone": "0399-1234599",
                             "office_hours": "工作日 9:00-17:00"})  # fmt: skip
    publish_site(b.site.pk)
    text = b.read("zwgk/ysqgk/index.html")
    assert "0399-1234599" in text and "示例市人民政府办公室政务公开科" in text
    assert f"/zwgk/xxgkzn/{guide.pk}.html" in parse(text).links
