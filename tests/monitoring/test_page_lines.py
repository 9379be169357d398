"""The daily check over published pages (OPS-1, PUB-3, SEC-5, COL-8): meta tags and footer items on
every page, placeholders, wrong wordings and sensitive words, tampering, each just below, at and
above its level, with the offending page and the column's responsible person named."""

import datetime as dt
import hashlib
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from editorial.models import CheckedWord, WordList
from monitoring.lines import REGISTRY, CheckContext, State
from monitoring.models import PageScan
from monitoring.page_lines import site_scan
from publishing import dependencies
from publishing.publisher import publish_site
from tests.rendering.conftest import DOMAIN, Builder

TODAY = dt.date(2024, 6, 10)


@pytest.fixture
def build(db, settings):
    settings.PUBLIC_URL_SCHEME = "https"
    b = Builder(Path(settings.PUBLISH_ROOT))
    b.xwzx = b.column("xwzx", "新闻中心", channel=True, responsible_phone="0399-7654321")
    b.gzdt = b.column("gzdt", "工作动态", parent=b.xwzx, responsible_phone="0399-7654321")
    b.zwgk = b.column("zwgk", "政务公开", channel=True, column_type="工作动态")
    b.xxgk = b.column("xxgk", "信息公开目录", channel=True, column_type="信息公开目录")
    b.first = b.article(b.gzdt, "示例市召开全市工作会议", data={"body": "<p>会议指出。</p>", "summary": "会议"})
    b.second = b.article(b.zwgk, "示例市推进政务服务")
    return b


def context():
    return CheckContext(today=TODAY, now=timezone.make_aware(dt.datetime(2024, 6, 10, 2, 0)))


def measure(key, site, ctx=None):
    line = REGISTRY[key]
    measurement = line.measure(site, ctx or context())
    return measurement, line.state_of(measurement.value)


def rewrite(build, path, old, new):
    """Change a published page as if the publisher had written it so (disk and manifest agree);
    `old` is a regular expression."""
    file = build.file(path)
    content = re.sub(old.encode(), new.encode(), file.read_bytes())
    assert content != file.read_bytes(), f"{old!r} is not in {path}"
    file.write_bytes(content)
    dependencies.record_files(build.site.pk, [(path, hashlib.sha256(content).hexdigest(), len(content))])


def article_path(build, resource, column=None):
    return f"{(column or resource.column).path}{resource.pk}.html"


def test_a_clean_site_passes_every_page_line(build):  # OPS-1, PUB-3, SEC-5
    publish_site(build.site.pk)
    for key in ("page_meta_tags", "page_footer_items", "page_placeholders", "page_wrong_wording",
                "page_sensitive_words", "page_tampering"):  # fmt: skip
        measurement, state = measure(key, build.site)
        assert measurement.value == 0 and state == State.OK, (key, measurement.offenders)
    scan = site_scan(build.site, context())
    assert len(scan.pages) > 8  # home, columns, articles, site map, help, search …


def test_nothing_published_cannot_be_computed(build):  # OPS-1: never "passed" without pages
    measurement, state = measure("page_meta_tags", build.site)
    assert measurement.value is None and state == State.UNKNOWN and "还没有已发布的页面" in measurement.note
    assert measure("page_tampering", build.site)[1] == State.UNKNOWN


def test_one_page_missing_a_meta_tag_is_a_fault(build):  # OPS-1, TPL-2: just below, at and above 1 page
    publish_site(build.site.pk)
    assert measure("page_meta_tags", build.site)[0].value == 0  # below
    path = article_path(build, build.first)
    rewrite(build, path, '<meta name="PubDate"', '<meta name="Published"')
    measurement, state = measure("page_meta_tags", build.site)
    assert measurement.value == 1 and state == State.WARNING  # at
    (offender,) = measurement.offenders
    assert offender.label == "示例市召开全市工作会议" and offender.url == "/" + path
    assert offender.detail == "缺少或为空的网页标签：发布时间"
    assert offender.responsible == "张三 0399-7654321"  # the column's responsible person (COL-8)
    rewrite(
        build,
        "xwzx/index.html",
        '<meta name="ColumnKeywords" content="[^"]*"',
        '<meta name="ColumnKeywords" content=" "',
    )
    measurement, state = measure("page_meta_tags", build.site)
    assert measurement.value == 2 and state == State.WARNING  # above; an empty value is missing
    assert {o.url for o in measurement.offenders} == {"/" + path, "/xwzx/"}


def test_required_tags_depend_on_the_kind_of_page(build):  # OPS-1: the annex's site, column and content tags
    publish_site(build.site.pk)
    # A content page needs no column description; a column page does; other pages only the site tags.
    rewrite(build, "help.html", '<meta name="SiteName"', '<meta name="Other"')
    measurement, _state = measure("page_meta_tags", build.site)
    assert [(o.url, o.detail) for o in measurement.offenders] == [("/help.html", "缺少或为空的网页标签：网站名称")]
    scan = site_scan(build.site, context())
    kinds = {page.path: page.findings for page in scan.pages}
    assert kinds[article_path(build, build.first)] == {}


def test_a_site_without_its_id_code_fails_on_every_page(build):  # OPS-1, TPL-2, TPL-4
    build.site.id_code = ""
    build.site.save()
    publish_site(build.site.pk)
    scan = site_scan(build.site, context())
    measurement, state = measure("page_meta_tags", build.site)
    assert measurement.value == len(scan.pages) and state == State.WARNING
    assert all("政府网站标识码" in o.detail for o in measurement.offenders)
    footer, _state = measure("page_footer_items", build.site)
    assert footer.value == len(scan.pages) and all("网站标识码" in o.detail for o in footer.offenders)


def test_footer_items_on_every_page(build):  # OPS-1, TPL-4: just below, at and above 1 page
    publish_site(build.site.pk)
    assert measure("page_footer_items", build.site)[0].value == 0
    rewrite(build, "index.html", "网站地图</a>", "</a>")
    rewrite(build, "index.html", 'href="/sitemap.html"', 'href="/map.html"')
    measurement, state = measure("page_footer_items", build.site)
    assert measurement.value == 1 and state == State.WARNING
    assert measurement.offenders[0].url == "/" and measurement.offenders[0].detail == "页面底部缺少：站点地图"
    build.site.icp_number = ""
    build.site.psb_number = ""
    build.site.save()
    publish_site(build.site.pk)
    measurement, state = measure("page_footer_items", build.site)
    assert measurement.value == len(site_scan(build.site, context()).pages) and state == State.WARNING
    assert "ICP备案编号、公安机关备案标识" in measurement.offenders[0].detail


def test_placeholders(build):  # OPS-1: blank columns kept with 正在建设中 (warning 1, veto 5)
    build.article(build.gzdt, "地铁5号线正在建设", data={"body": "<p>正在建设中的地铁5号线将于明年通车。</p>"})
    build.article(build.gzdt, "示例市城乡建设中心召开会议")
    publish_site(build.site.pk)
    assert measure("page_placeholders", build.site)[0].value == 0  # news about building is no placeholder
    notices = [build.article(build.zwgk, f"栏目{n}", data={"body": "<p>本栏目正在建设中，敬请期待！</p>"})
               for n in range(5)]  # fmt: skip
    publish_site(build.site.pk)
    measurement, state = measure("page_placeholders", build.site)
    assert measurement.value == 5 and state == State.VETO
    assert measurement.offenders[0].detail == "占位文字：“本栏目正在建设中，敬请期待！”"
    for resource in notices[1:]:
        build.withdraw(resource)
    publish_site(build.site.pk)
    measurement, state = measure("page_placeholders", build.site)
    assert measurement.value == 1 and state == State.WARNING
    assert measurement.offenders[0].label == "栏目0" and measurement.offenders[0].responsible == "张三"


def test_a_column_page_listing_items_is_no_placeholder(build):  # OPS-1: "暂无信息" of an empty section
    item = build.article(build.xxgk, "示例市政府信息公开工作要点")
    publish_site(build.site.pk)
    # A column listing its items shows no empty catalogue box beside them (nothing catalogued yet).
    assert "暂无信息" not in build.read("xxgk/index.html")
    measurement, state = measure("page_placeholders", build.site)
    assert measurement.value == 0 and state == State.OK
    # The same page listing nothing is a blank column kept with a notice.
    rewrite(build, "xxgk/index.html", f'href="/xxgk/{item.pk}.html"', 'href="/xxgk/"')
    rewrite(build, "xxgk/index.html", "</h1>", "</h1><p>暂无信息。</p>")
    measurement, state = measure("page_placeholders", build.site)
    assert [(o.url, o.detail) for o in measurement.offenders] == [("/xxgk/", "占位文字：“暂无信息。”")]
    assert state == State.WARNING


def test_wrong_wording_fails_outright(build):  # OPS-1, PUB-3: 严重表述错误 veto at 1 page
    CheckedWord.objects.create(list=WordList.WRONG_WORDING, text="国务院办公室", suggestion="国务院办公厅")
    CheckedWord.objects.create(list=WordList.WRONG_WORDING, text="示例市政府", suggestion="示例市人民政府")
    publish_site(build.site.pk)
    measurement, state = measure("page_wrong_wording", build.site)
    assert measurement.value == 0 and state == State.OK  # 示例市人民政府 everywhere, never the wrong form
    build.article(build.gzdt, "转发通知", data={"body": "<p>根据国务院办公室的通知要求。</p>"})
    publish_site(build.site.pk)
    measurement, state = measure("page_wrong_wording", build.site)
    assert measurement.value == 1 and state == State.VETO
    assert measurement.offenders[0].label == "转发通知"
    assert measurement.offenders[0].detail.startswith("“国务院办公室”应为“国务院办公厅”：根据国务院办公室的通知")


def test_sensitive_words(build):  # OPS-1, PUB-3: warning at 1 page
    publish_site(build.site.pk)
    CheckedWord.objects.create(list=WordList.SENSITIVE, text="绝密")
    measurement, state = measure("page_sensitive_words", build.site)
    assert measurement.value == 0 and state == State.OK
    build.article(build.gzdt, "会议纪要", data={"body": "<p>本文件绝密，请勿外传。</p>"})
    build.article(build.zwgk, "工作安排", data={"body": "<p>按绝密级文件管理。</p>"})
    publish_site(build.site.pk)
    measurement, state = measure("page_sensitive_words", build.site)
    assert measurement.value == 2 and state == State.WARNING
    assert {o.label for o in measurement.offenders} == {"会议纪要", "工作安排"}
    assert "敏感词“绝密”：本文件绝密，请勿外传。" in {o.detail for o in measurement.offenders}


def test_words_as_the_editorial_check_matches_them(build):  # PUB-3: case and full-width forms; text only
    CheckedWord.objects.create(list=WordList.SENSITIVE, text="VPN")
    build.article(build.gzdt, "软件通知", data={"body": "<p>禁止使用ｖｐｎ软件。</p>"})
    publish_site(build.site.pk)
    path = article_path(build, build.first)
    rewrite(build, path, "<p>会议指出", '<p><a href="/search/?q=vpn">会议</a>指出')
    measurement, _state = measure("page_sensitive_words", build.site)
    assert [(o.label, o.detail) for o in measurement.offenders] == [("软件通知", "敏感词“VPN”：禁止使用ｖｐｎ软件。")]


def test_tampering(build):  # SEC-5, OPS-1: defacement not handled, veto at 1 file
    publish_site(build.site.pk)
    assert measure("page_tampering", build.site)[0].value == 0
    path = article_path(build, build.first)
    file = build.file(path)
    before = file.stat()
    file.write_bytes(file.read_bytes().replace("会议指出".encode(), "黑客到此一游".encode()))
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))  # hiding the change from the date
    measurement, state = measure("page_tampering", build.site)
    assert measurement.value == 1 and state == State.VETO
    assert (measurement.offenders[0].label, measurement.offenders[0].detail) == (
        "示例市召开全市工作会议", "与发布的内容不一致（可能被篡改）")  # fmt: skip
    (build.file("xwzx") / "shell.php").write_text("<?php ?>")
    build.file("help.html").unlink()
    measurement, state = measure("page_tampering", build.site)
    assert measurement.value == 3 and state == State.VETO
    assert [o.detail for o in measurement.offenders][1:] == [
        "网站目录中多出的文件，不是平台发布的",
        "已发布的文件不见了",
    ]
    assert [o.url for o in measurement.offenders][1:] == ["/xwzx/shell.php", "/help.html"]


def test_unchanged_pages_are_not_read_again(build):  # OPS-1: the daily check's speed
    publish_site(build.site.pk)
    first = site_scan(build.site, context())
    assert first.read == first.files and PageScan.objects.filter(site=build.site).count() == first.files
    again = site_scan(build.site, context())
    assert again.read == 0 and [p.findings for p in again.pages] == [p.findings for p in first.pages]
    # A new word list: every page is examined again with it.
    CheckedWord.objects.create(list=WordList.SENSITIVE, text="会议指出")
    words_changed = site_scan(build.site, context())
    assert words_changed.read == len(words_changed.pages)
    assert measure("page_sensitive_words", build.site)[0].value == 1
    # One page published again: only the files the publisher rewrote are read.
    build.new_revision(build.second, "示例市推进政务服务工作")
    publish_site(build.site.pk)
    after = site_scan(build.site, context())
    assert 0 < after.read < after.files // 2
    assert (
        PageScan.objects.get(site=build.site, path=article_path(build, build.second)).title == "示例市推进政务服务工作"
    )


def test_domain_is_the_site_folder(build):  # SEC-5: the site's own folder under PUBLISH_ROOT
    publish_site(build.site.pk)
    assert site_scan(build.site, context()).domain == DOMAIN
