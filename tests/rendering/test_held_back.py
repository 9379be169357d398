"""A page that cannot be published is held back; it never blocks the rest of the site (LINK-2, PUB-8).

Issue 12 item 10: one approved article with a broken internal link made the publisher refuse the
home page and the column (they listed it), and every article approved after it never got a page.
Item 11: an article whose cover image is not published must not go online with a hole.
"""

from django.utils import translation

from publishing import held_back
from publishing.models import HeldBackItem, PageDependency, PublishedFile
from publishing.publisher import BrokenLinks, publish_changes, publish_site
from resources.models import ResourceKind
from tests.rendering.conftest import parse

BROKEN = '<p>详见<a href="/old/2019/notice.html">原通知</a>。</p>'


def publish(resource_ids):
    """publish_changes as the task runs it: refused pages are reported, the rest is published."""
    try:
        return publish_changes(resource_ids=resource_ids)
    except BrokenLinks as error:
        return [error.report]


def test_broken_link_holds_back_the_item_and_the_rest_publishes(portal):  # LINK-2, PUB-8
    b = portal
    publish_site(b.site.pk)
    bad = b.article(b.gzdt, "链接失效的通知", data={"body": BROKEN})
    publish([bad.pk])
    bad_path = f"xwzx/gzdt/{bad.pk}.html"
    assert not b.file(bad_path).exists()
    held = HeldBackItem.objects.get(site=b.site, resource=bad)
    assert held.missing_paths == ["old/2019/notice.html"]

    later = [b.article(b.gzdt, f"之后批准的文章{n}") for n in range(2)]
    for article in later:
        publish([article.pk])
    for article in later:  # every article approved after it gets its page and is listed
        path = f"xwzx/gzdt/{article.pk}.html"
        assert b.file(path).exists(), path
        for page in ("index.html", "xwzx/index.html", "xwzx/gzdt/index.html"):
            assert f"/{path}" in parse(b.read(page)).links, page
    for page in ("index.html", "xwzx/gzdt/index.html", f"xwzx/gzdt/{later[0].pk}.html"):
        assert f"/{bad_path}" not in b.read(page)  # the held item is in no list and no neighbour link
    assert HeldBackItem.objects.filter(site=b.site, resource=bad).exists()  # still held, still said why
    full = publish_site(b.site.pk, strict=False)
    assert not b.file(bad_path).exists() and not [p for p in full.refused if p != bad_path]
    assert PublishedFile.objects.filter(site=b.site, path="index.html").exists()


def test_held_item_goes_online_when_fixed(portal):  # LINK-2
    b = portal
    publish_site(b.site.pk)
    bad = b.article(b.gzdt, "链接失效的通知", data={"body": BROKEN})
    publish([bad.pk])
    assert HeldBackItem.objects.filter(resource=bad).exists()
    b.new_revision(bad, "链接已改正的通知", data={"body": f'<p><a href="/xwzx/gzdt/{b.first.pk}.html">见</a></p>'})
    reports = publish([bad.pk])
    assert not reports[0].refused
    path = f"xwzx/gzdt/{bad.pk}.html"
    assert b.file(path).exists() and f"/{path}" in parse(b.read("xwzx/gzdt/index.html")).links
    assert not HeldBackItem.objects.filter(resource=bad).exists()
    assert PageDependency.objects.filter(page_path="index.html", resource_id=bad.pk).exists()


def test_held_item_goes_online_when_the_target_appears(portal):  # LINK-2
    b = portal
    publish_site(b.site.pk)
    target = b.article(b.gzdt, "被链接的文章", publish=False)
    bad = b.article(b.gzdt, "链接尚未发布的文章", data={"body": f'<p><a href="/xwzx/gzdt/{target.pk}.html">见</a></p>'})
    publish([bad.pk])
    assert HeldBackItem.objects.filter(resource=bad).exists()
    target.published_revision = target.current_revision
    target.save()
    publish([target.pk])  # the next publish of the site tries the held item again
    assert b.file(f"xwzx/gzdt/{target.pk}.html").exists()
    assert b.file(f"xwzx/gzdt/{bad.pk}.html").exists()
    assert not HeldBackItem.objects.exists()


def test_full_publish_holds_back_and_publishes_the_rest(portal):  # LINK-2
    b = portal
    bad = b.article(b.gzdt, "链接失效的通知", data={"body": BROKEN})
    good = b.article(b.gzdt, "正常的文章")
    report = publish_site(b.site.pk, strict=False)
    assert f"xwzx/gzdt/{bad.pk}.html" in report.refused
    assert b.file(f"xwzx/gzdt/{good.pk}.html").exists() and b.file("index.html").exists()
    assert f"/xwzx/gzdt/{bad.pk}.html" not in b.read("index.html")
    assert set(HeldBackItem.objects.values_list("resource_id", flat=True)) == {bad.pk}


def test_a_published_page_edited_with_a_broken_link_keeps_its_old_version(portal):  # LINK-2
    b = portal
    publish_site(b.site.pk)
    path = f"xwzx/gzdt/{b.first.pk}.html"
    old = b.read(path)
    b.new_revision(b.first, "改坏了的标题", data={"body": BROKEN})
    publish([b.first.pk])
    assert b.read(path) == old  # the page citizens read stays as it was
    assert f"/{path}" in parse(b.read("xwzx/gzdt/index.html")).links  # and stays listed
    assert HeldBackItem.objects.get(resource=b.first).missing_paths == ["old/2019/notice.html"]


def test_unpublished_cover_image_holds_back_the_article(portal):  # RES-5, issue 12 item 11
    b = portal
    publish_site(b.site.pk)
    cover = b.resource(b.gzdt, "封面图", kind=ResourceKind.IMAGE, data={"alt": "封面"}, publish=False)
    article = b.article(b.gzdt, "有封面的文章", data={"body": "<p>正文</p>", "cover_image": cover.pk})
    publish([article.pk])
    path = f"xwzx/gzdt/{article.pk}.html"
    assert not b.file(path).exists()
    assert f"/{path}" not in b.read("xwzx/gzdt/index.html")
    assert HeldBackItem.objects.get(resource=article).unpublished == [cover.pk]


def test_reasons_are_said_in_chinese(portal):  # issue 12 item 10
    b = portal
    bad = b.article(b.gzdt, "链接失效的通知", data={"body": BROKEN})
    publish_site(b.site.pk, strict=False)
    with translation.override("zh-hans"):
        text = held_back.reason_text(HeldBackItem.objects.get(resource=bad))
    assert "/old/2019/notice.html" in text and "不存在" in text


def test_search_offers_no_held_back_page(portal):  # SRCH-1, LINK-2
    from search.indexer import build_rows

    b = portal
    publish_site(b.site.pk)
    bad = b.article(b.gzdt, "链接失效的通知", data={"body": BROKEN})
    publish([bad.pk])
    assert build_rows([bad.pk]) == []  # its page is not there: search must not link it
    b.new_revision(bad, "链接已改正的通知", data={"body": "<p>已改正。</p>"})
    publish([bad.pk])
    assert [row.values[11] for row in build_rows([bad.pk])] == [f"/xwzx/gzdt/{bad.pk}.html"]
