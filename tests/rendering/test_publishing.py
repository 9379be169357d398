"""The static publisher: atomic writes, only dependent pages, stable pagination, links (PUB-8, LINK-1..3)."""

import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from publishing import folder
from publishing.models import PageDependency, PublishedFile
from publishing.publish_tasks import request_publish
from publishing.publisher import BrokenLinks, publish_changes, publish_site, render_page
from tests.rendering.conftest import DOMAIN, parse


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_second_publish_writes_nothing(portal):  # PUB-8
    first = publish_site(portal.site.pk)
    assert first.written
    again = publish_site(portal.site.pk)
    assert again.written == [] and again.deleted == []
    assert PublishedFile.objects.filter(site=portal.site).count() == len(first.written)


def test_manifest_matches_disk(portal):  # SEC-5
    import hashlib

    publish_site(portal.site.pk)
    site_root = portal.root / DOMAIN
    for row in PublishedFile.objects.filter(site=portal.site):
        content = (site_root / row.path).read_bytes()
        assert hashlib.sha256(content).hexdigest() == row.sha256 and len(content) == row.size


def test_incremental_publish_touches_only_dependent_pages(portal):  # PUB-8
    publish_site(portal.site.pk)
    new = portal.article(portal.gzdt, "示例市召开新闻发布会")
    report = publish_changes(resource_ids=[new.pk])[0]
    assert report.mode == "changes"
    assert set(report.written) == {
        f"xwzx/gzdt/{new.pk}.html",
        f"xwzx/gzdt/{portal.second.pk}.html",  # its older neighbour links it as the next one
        "xwzx/gzdt/index.html",
        "xwzx/gzdt/rss.xml",
        "xwzx/gzdt/sitemap.xml",
        "xwzx/index.html",  # the channel lists it
        "index.html",  # the home page lists it
    }
    # the policy column and the first article did not change
    assert f"xwzx/gzdt/{portal.first.pk}.html" not in report.written
    full = publish_site(portal.site.pk)
    assert full.written == []  # the incremental result equals a full rebuild


def test_same_file_count_for_small_and_large_columns(build):  # PUB-8, COL-5
    small = build.column("small", "小栏目", channel=True)
    large = build.column("large", "大栏目", channel=True)
    build.many(small, 10, prefix="小")
    build.many(large, 200, prefix="大")
    publish_site(build.site.pk)
    counts = []
    for col in (small, large):
        new = build.article(col, f"{col.name}的新文章")
        report = publish_changes(resource_ids=[new.pk])[0]
        counts.append(sorted(p.replace(col.slug, "X").replace(str(new.pk), "N") for p in report.written))
    assert len(counts[0]) == len(counts[1])
    assert all(not p.startswith("X/page-") for p in counts[1])  # no numbered page changed


def test_older_pagination_pages_never_change(build):  # COL-5, LINK-1
    col = build.column("tz", "通知", channel=True)
    build.many(col, 45)
    publish_site(build.site.pk)
    assert build.file("tz/page-1.html").exists() and build.file("tz/page-2.html").exists()
    assert not build.file("tz/page-3.html").exists()  # 5 newest are only on index.html
    before = {n: build.file(f"tz/page-{n}.html").read_bytes() for n in (1, 2)}
    for n in range(16):
        new = build.article(col, f"新通知{n}")
        report = publish_changes(resource_ids=[new.pk])[0]
        assert "tz/page-1.html" not in report.written and "tz/page-2.html" not in report.written
    assert build.file("tz/page-3.html").exists()  # 60 items: three full pages
    assert {n: build.file(f"tz/page-{n}.html").read_bytes() for n in (1, 2)} == before
    page1 = parse(build.read("tz/page-1.html"))
    assert "/tz/" in page1.links and "/tz/page-2.html" not in page1.links  # no link to newer pages
    index = parse(build.read("tz/index.html"))
    assert {"/tz/page-1.html", "/tz/page-2.html", "/tz/page-3.html"} <= set(index.links)


def test_withdrawal_removes_page_and_every_link(portal):  # PUB-2, PUB-8, LINK-2
    b = portal
    body = f'<p>见<a href="/xwzx/gzdt/{b.second.pk}.html">上一篇</a>。</p>'
    third = b.article(b.gzdt, "第三篇", data={"body": body})
    publish_site(b.site.pk)
    gone = f"xwzx/gzdt/{b.second.pk}.html"
    assert b.file(gone).exists()
    b.withdraw(b.second)
    with pytest.raises(BrokenLinks) as refused:  # the third article's body still links it by hand
        publish_changes(resource_ids=[b.second.pk])
    report = refused.value.report
    assert report.refused == {f"xwzx/gzdt/{third.pk}.html": [gone]}
    assert gone in report.deleted and not b.file(gone).exists()
    assert not PublishedFile.objects.filter(site=b.site, path=gone).exists()
    assert not PageDependency.objects.filter(page_path=gone).exists()
    for path in ["index.html", "xwzx/index.html", "xwzx/gzdt/index.html", f"xwzx/gzdt/{b.first.pk}.html"]:
        assert f"/{gone}" not in b.read(path), path
    assert f"/xwzx/gzdt/{b.first.pk}.html" in parse(b.read("xwzx/gzdt/index.html")).links


def test_withdrawal_of_last_item_hides_the_column(portal):  # COL-4
    publish_site(portal.site.pk)
    portal.withdraw(portal.policy)
    report = publish_changes(resource_ids=[portal.policy.pk])[0]
    assert report.mode == "full"  # navigation changes on every page
    assert not portal.file("zwgk").exists()
    assert "/zwgk/" not in parse(portal.read("index.html")).links


def test_broken_internal_link_refused(portal):  # LINK-2
    publish_site(portal.site.pk)
    bad = portal.article(portal.gzdt, "链接错误的文章", data={"body": '<p><a href="/zwgk/nothing.html">文件</a></p>'})
    with pytest.raises(BrokenLinks) as refused:
        publish_changes(resource_ids=[bad.pk])
    path = f"xwzx/gzdt/{bad.pk}.html"
    assert refused.value.report.refused[path] == ["zwgk/nothing.html"]
    assert not portal.file(path).exists()
    # pages that would link the refused page keep their old version
    for page in ["xwzx/gzdt/index.html", "index.html", f"xwzx/gzdt/{portal.second.pk}.html"]:
        assert f"/{path}" not in portal.read(page)
    assert not PublishedFile.objects.filter(path=path).exists()


def test_text_that_quotes_markup_is_no_link(portal):  # LINK-2, SEC-7
    # An article about web pages shows markup as text; the link check looks at attributes only.
    body = '<p>写法：&lt;img src="/media/../admin/" onerror=x&gt; 和 &lt;a href="/nothing.html"&gt;</p>'
    quoted = portal.article(portal.gzdt, "网页脚本注入的写法", data={"body": body})
    publish_site(portal.site.pk)
    assert '&lt;a href="/nothing.html"&gt;' in portal.read(f"xwzx/gzdt/{quoted.pk}.html")


def test_external_links_go_through_the_notice(portal):  # LINK-3
    body = (
        '<p><a href="https://www.example.com/a?b=1">商业网站</a>'
        '<a href="https://www.beijing.gov.cn/x.html">北京</a>'
        f'<a href="https://{DOMAIN}/xwzx/gzdt/{portal.first.pk}.html">本站</a></p>'
    )
    art = portal.article(portal.gzdt, "外链", data={"body": body})
    publish_site(portal.site.pk)
    links = parse(portal.read(f"xwzx/gzdt/{art.pk}.html")).links
    assert "/-/external.html?url=https%3A%2F%2Fwww.example.com%2Fa%3Fb%3D1" in links
    assert "https://www.beijing.gov.cn/x.html" in links
    assert f"/xwzx/gzdt/{portal.first.pk}.html" in links
    assert not any(link.startswith("https://www.example.com") for link in links)


def test_crash_between_write_and_rename_keeps_old_file(portal, monkeypatch):  # PUB-8
    publish_site(portal.site.pk)
    path = portal.file(f"xwzx/gzdt/{portal.first.pk}.html")
    old = path.read_bytes()
    portal.new_revision(portal.first, "改过的标题")

    def crash(src, dst):
        raise OSError("power failure")

    monkeypatch.setattr(folder.os, "replace", crash)
    with pytest.raises(OSError):
        publish_changes(resource_ids=[portal.first.pk])
    assert path.read_bytes() == old
    response = Client(HTTP_HOST=DOMAIN).get(f"/xwzx/gzdt/{portal.first.pk}.html")
    assert b"".join(response.streaming_content) == old
    monkeypatch.undo()
    publish_changes(resource_ids=[portal.first.pk])
    assert "改过的标题" in path.read_text()
    assert not list(portal.root.rglob(".*.tmp"))  # the next publish swept the leftovers


def test_killed_publish_leaves_every_file_old_or_new(portal, monkeypatch):  # PUB-8
    site_root = portal.root / DOMAIN
    publish_site(portal.site.pk)
    old = snapshot(site_root)
    portal.site.name = "示例市人民政府（新）"
    portal.site.save()
    real_replace, calls = os.replace, []

    def killed(src, dst):
        if len(calls) == 7:
            raise KeyboardInterrupt("killed")
        calls.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(folder.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        publish_site(portal.site.pk)
    monkeypatch.undo()
    during = {k: v for k, v in snapshot(site_root).items() if not k.rsplit("/", 1)[-1].startswith(".")}
    publish_site(portal.site.pk)
    new = snapshot(site_root)
    changed = 0
    for path, content in during.items():
        assert content in (old.get(path), new.get(path)), path
        changed += content != old.get(path)
    assert changed == 7


def test_queries_per_page_constant(build):  # PUB-8
    col = build.column("xw", "新闻", channel=True)
    few = build.many(col, 5, prefix="少")
    publish_site(build.site.pk)
    counts = []
    for extra in (0, 60):
        if extra:
            build.many(col, extra, prefix="多")
        for path in ("index.html", "xw/index.html", f"xw/{few[2].pk}.html"):
            with CaptureQueriesContext(connection) as queries:
                render_page(build.site.pk, path)
            counts.append(len(queries))
    assert max(counts) <= 10
    assert counts[:3] == counts[3:]


def test_request_publish_runs_after_commit(portal, django_capture_on_commit_callbacks):  # PUB-8
    publish_site(portal.site.pk)
    new = portal.article(portal.gzdt, "提交后发布")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        request_publish(resource_ids=[new.pk])
        assert not portal.file(f"xwzx/gzdt/{new.pk}.html").exists()
    # the feed's one delivery (the publisher and search hear it together), then search's own
    # refresh of its vocabulary after it indexed the new page
    assert [getattr(c, "__qualname__", "") for c in callbacks] == ["_Batch.send", "_bump"]
    assert portal.file(f"xwzx/gzdt/{new.pk}.html").exists()


def test_publish_command(portal, capsys):  # PUB-8
    call_command("publish", "--site", DOMAIN)
    assert "written" in capsys.readouterr().out
    portal.file("index.html").write_text("defaced")
    call_command("publish", "--all", "--full")
    assert "defaced" not in portal.read("index.html")  # SEC-5: --full restores what differs


class TestPublicFrontEnd:  # SEC-3
    @pytest.fixture
    def client(self, portal):
        publish_site(portal.site.pk)
        return Client(HTTP_HOST=DOMAIN)

    def test_pages_and_folders(self, client, portal):
        response = client.get("/xwzx/gzdt/")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert "工作动态" in b"".join(response.streaming_content).decode()

    def test_unknown_path_gets_the_sites_404_page(self, client):
        for path in ("/nothing.html", "/admin/", "/admin/login/", "/xwzx/.hidden", "/../etc/passwd"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "页面未找到" in response.content.decode()

    def test_conditional_requests(self, client):
        response = client.get("/index.html")
        etag, modified = response["ETag"], response["Last-Modified"]
        assert client.get("/index.html", HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert client.get("/index.html", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
        assert client.get("/index.html", HTTP_IF_NONE_MATCH='"other"').status_code == 200

    def test_no_writes(self, client):
        assert client.post("/index.html").status_code == 405


def test_failed_publish_never_fails_the_action(portal, django_capture_on_commit_callbacks, monkeypatch):  # PUB-8
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("publishing.publish_tasks.publish_changes", broken)
    with django_capture_on_commit_callbacks(execute=True):
        request_publish(resource_ids=[portal.first.pk])  # logged, not raised
