"""Incremental publishing of the disclosure lists reads what the pages it draws need, from the
stored lists (disclosure/pages/stored.py), not every list of the site (DISC-2, DISC-5, PUB-8)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure.models import ListEntry, ListFacet
from disclosure.pages import rows as rowdata
from publishing.publisher import publish_changes, publish_site
from resources.models import ResourceKind
from tests.disclosure.pages_helpers import catalogue, entry, pages_site, parse  # noqa: F401 (fixture)
from tests.disclosure.test_pages import assert_up_to_date

rowdata_load_rows = rowdata.load_rows


def publish_counted(resource_ids, monkeypatch):
    read = []  # how many items' rows each read of the lists asked for (None: every item of the site)

    def load_rows(data, library_columns, resource_ids=None, names=None):
        read.append(None if resource_ids is None else len(resource_ids))
        return rowdata_load_rows(data, library_columns, resource_ids, names)

    monkeypatch.setattr(rowdata, "load_rows", load_rows)
    with CaptureQueriesContext(connection) as queries:
        report = publish_changes(resource_ids=resource_ids)[0]
    monkeypatch.undo()
    assert report.partial  # from a partial load, never the whole site
    assert read and None not in read and max(read) <= 40, read  # the changed items, then a page's rows
    return report, len(queries.captured_queries)


def approve_edit_withdraw(b, n, monkeypatch):
    """An approval, a title edit and a withdrawal of catalogued items: (report, queries) of each."""
    new = b.article(b.gzdt, f"新编入目录的信息{n}")
    entry(new, b.org, b.health)
    approved = publish_counted([new.pk], monkeypatch)
    b.new_revision(new, f"改过标题的目录信息{n}")
    edited = publish_counted([new.pk], monkeypatch)
    assert f"改过标题的目录信息{n}" in b.read("zwgk/_ml/all/index.html")
    b.withdraw(new)
    withdrawn = publish_counted([new.pk], monkeypatch)
    return new, approved, edited, withdrawn


def test_incremental_list_publishing_costs_the_same_at_30_and_300_items(pages_site, monkeypatch):  # noqa: F811  # DISC-2, PUB-8
    b = pages_site
    catalogue(b, b.many(b.gzdt, 30, prefix="目录信息"), b.education)
    publish_site(b.site.pk)
    new, *small = approve_edit_withdraw(b, 1, monkeypatch)
    assert_up_to_date(b)

    catalogue(b, b.many(b.gzdt, 270, prefix="更多目录信息"), b.education)
    publish_site(b.site.pk)
    assert ListFacet.objects.get(site=b.site, facet="all").size == 300
    newer, *large = approve_edit_withdraw(b, 2, monkeypatch)
    assert_up_to_date(b)

    for (report_small, count_small), (report_large, count_large) in zip(small, large, strict=True):
        assert count_small == count_large, (count_small, count_large)
        assert len(report_small.written) == len(report_large.written), (report_small.written, report_large.written)
    approved = large[0][0]
    assert "zwgk/_ml/all/index.html" in approved.written and "zwgk/_ml/all/page-15.html" not in approved.written
    assert f"/xwzx/gzdt/{newer.pk}.html" not in parse(b.read("zwgk/_ml/all/index.html")).links
    assert not ListEntry.objects.filter(resource=newer).exists()


def test_stored_lists_follow_a_page_boundary_and_the_library(pages_site):  # noqa: F811  # DISC-2, DISC-5, PUB-8
    b = pages_site
    items = b.many(b.gzdt, 39, prefix="目录信息")
    catalogue(b, items, b.education)
    b.article(b.zcwj, "已有的政策文件", kind=ResourceKind.POLICY,
              data={"body": "<p>正文</p>", "issuing_body": "示例市人民政府", "validity": "valid"})  # fmt: skip
    publish_site(b.site.pk)
    assert not b.file("zwgk/_ml/all/page-2.html").exists()

    new = b.article(b.gzdt, "第四十条目录信息")  # the 40th item fills page 2
    entry(new, b.org, b.education)
    report = publish_changes(resource_ids=[new.pk])[0]
    assert report.partial and "zwgk/_ml/all/page-2.html" in report.written
    assert f"/xwzx/gzdt/{new.pk}.html" in parse(b.read("zwgk/_ml/all/page-2.html")).links
    assert_up_to_date(b)

    b.withdraw(new)  # and empties it again
    report = publish_changes(resource_ids=[new.pk])[0]
    assert "zwgk/_ml/all/page-2.html" in report.deleted
    assert_up_to_date(b)

    doc = b.article(b.zcwj, "关于印发管理办法的通知", kind=ResourceKind.POLICY,
                    data={"body": "<p>正文</p>", "issuing_body": "示例市人民政府", "signing_date": "2023-04-01",
                          "document_number": "示政发〔2023〕9号", "validity": "valid"})  # fmt: skip
    report = publish_changes(resource_ids=[doc.pk])[0]  # not catalogued: in the library only
    assert report.partial and "zwgk/zcwj/_zc/all/index.html" in report.written
    assert f"/zwgk/zcwj/{doc.pk}.html" in parse(b.read("zwgk/zcwj/_zc/nd2023/index.html")).links
    assert_up_to_date(b)
