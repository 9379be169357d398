"""The preview renders a resource's page as the publisher will (issue 14 item 4, publishing/preview.py).

The preview of the published version is byte for byte the published page; a new version is shown
where the page stands; a new item is the newest of its column. The partial load (only the items
the page reads) gives the same page as the whole site, with the same number of queries for a
column of 100 or 300 items; nothing is written.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publishing import preview as preview_module
from publishing.models import PublishedFile
from publishing.partial import TooMuch
from publishing.preview import NoPage, preview_page
from publishing.publisher import publish_site
from resources.models import Revision


def whole_site_only(monkeypatch):
    def refuse(site_id):
        raise TooMuch

    monkeypatch.setattr(preview_module, "load_partial", refuse)


def draft(build, col, title, body):
    resource = build.resource(col, title, data={"body": body}, publish=False)
    resource.placements.all().delete()  # not placed yet: it goes online with its approval
    return resource


def test_the_preview_of_the_published_version_is_the_published_page(build):
    col = build.column("xw", "新闻", channel=True)
    build.many(col, 80)
    online = build.article(col, "已发布的文章")
    build.many(col, 10, prefix="后来的文章")
    publish_site(build.site.pk)

    shown = preview_page(online, online.published_revision)

    assert shown.html == build.read(f"xw/{online.pk}.html")
    assert shown.live_url == f"https://www.example.gov.cn/xw/{online.pk}.html"


@pytest.mark.parametrize("count", [100, 300])
def test_partial_and_whole_site_previews_agree(build, monkeypatch, count):
    col = build.column("xw", "新闻", channel=True)
    build.many(col, count)
    online = build.article(col, "已发布的文章")
    build.many(col, 5, prefix="后来的文章")
    new_text = Revision.objects.create(resource=online, number=2, title="已发布的文章（修改稿）", metadata={},
                                       data={"body": "<p>修改后的正文。</p>"}, created_by=build.user)  # fmt: skip
    new = draft(build, col, "新稿件", "<p>新稿件的正文。</p>")
    publish_site(build.site.pk)
    files = PublishedFile.objects.count()

    with CaptureQueriesContext(connection) as partial_queries:
        partial = [preview_page(online, new_text), preview_page(new, new.current_revision)]
    whole_site_only(monkeypatch)
    whole = [preview_page(online, new_text), preview_page(new, new.current_revision)]

    assert [p.html for p in partial] == [p.html for p in whole]
    assert "修改后的正文。" in partial[0].html and "已发布的文章（修改稿）" in partial[0].html
    assert partial[0].path == f"xw/{online.pk}.html" and partial[1].path == f"xw/{new.pk}.html"
    assert "新稿件的正文。" in partial[1].html and "后来的文章4" in partial[1].html  # its previous item
    assert partial[1].live_url == ""
    assert len(partial_queries) <= 30, [q["sql"][:120] for q in partial_queries]
    assert PublishedFile.objects.count() == files


def test_the_query_count_does_not_grow_with_the_column(build, monkeypatch):
    def whole_site(*args):
        raise AssertionError("the preview loaded the whole site")

    monkeypatch.setattr(preview_module, "load_site", whole_site)  # the partial load answers alone
    col = build.column("xw", "新闻", channel=True)
    counts = []
    for batch in (100, 400):
        build.many(col, batch, prefix=f"批{batch}-")
        new = draft(build, col, f"新稿件{batch}", "<p>正文。</p>")
        with CaptureQueriesContext(connection) as queries:
            preview_page(new, new.current_revision)
        counts.append(len(queries))
        online = build.article(col, f"已发布{batch}")
        build.many(col, 70, prefix=f"其后{batch}-")
        with CaptureQueriesContext(connection) as queries:
            preview_page(online, online.current_revision)
        counts.append(len(queries))
    assert counts[0] == counts[2] and counts[1] == counts[3]


def test_no_column_no_page(build):
    col = build.column("xw", "新闻", channel=True)
    new = draft(build, col, "无栏目稿件", "<p>正文。</p>")
    type(new).objects.filter(pk=new.pk).update(column=None)
    new.refresh_from_db()
    with pytest.raises(NoPage):
        preview_page(new, new.current_revision)
