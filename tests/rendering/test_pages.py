"""Published pages as a citizen's browser and the national inspection read them (TPL-1..6, TPL-10, COL-4..6)."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError

from editorial.models import Placement
from publishing.models import SiteTheme
from publishing.publisher import publish_site
from resources.models import PolicyInterpretation, ResourceKind
from tests.rendering.conftest import DOMAIN, parse

PUBDATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
SITE_TAGS = ["SiteName", "SiteDomain", "SiteIDCode"]
COLUMN_TAGS = ["ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType"]
CONTENT_TAGS = ["ArticleTitle", "PubDate", "ContentSource"]
OPTIONAL_CONTENT_TAGS = ["Keywords", "Author", "Description", "Image", "Url"]


def meta(build, path):
    return parse(build.read(path)).meta


def assert_no_empty_tag(tags):
    for name, values in tags.items():
        assert len(values) == 1, f"{name} appears {len(values)} times"
        assert values[0] and values[0].strip(), f"{name} is empty"


def test_site_tags_on_every_page(portal):  # TPL-2
    publish_site(portal.site.pk)
    pages = [p for p in portal.root.joinpath(DOMAIN).rglob("*.html")]
    assert len(pages) > 10
    for page in pages:
        tags = parse(page.read_text()).meta
        assert tags["SiteName"] == ["示例市人民政府"]
        assert tags["SiteDomain"] == [DOMAIN]
        assert tags["SiteIDCode"] == ["1399000001"]
        assert_no_empty_tag(tags)


def test_column_page_tags_filled_from_parent(portal):  # TPL-3
    publish_site(portal.site.pk)
    tags = meta(portal, "zwgk/zcwj/index.html")
    assert set(SITE_TAGS + COLUMN_TAGS) <= set(tags)
    assert_no_empty_tag(tags)
    assert tags["ColumnName"] == ["政策文件"]
    assert tags["ColumnType"] == ["政策文件"]
    # no description of its own: the name; no keywords of its own: the parent's
    assert tags["ColumnDescription"] == ["政策文件"]
    assert tags["ColumnKeywords"] == ["政务公开,信息公开"]
    home = meta(portal, "index.html")
    assert home["ColumnType"] == ["首页"]
    assert_no_empty_tag(home)


def test_content_page_tags(portal):  # TPL-3, PUB-7
    publish_site(portal.site.pk)
    tags = meta(portal, f"xwzx/gzdt/{portal.first.pk}.html")
    assert set(SITE_TAGS + ["ColumnName", "ColumnType"] + CONTENT_TAGS) <= set(tags)
    assert "ColumnDescription" not in tags and "ColumnKeywords" not in tags
    assert_no_empty_tag(tags)
    assert tags["ArticleTitle"] == ["示例市召开全市工作会议"]
    assert PUBDATE_RE.match(tags["PubDate"][0])
    assert tags["PubDate"] == ["2024-06-01 10:30"]  # Asia/Shanghai
    assert tags["ContentSource"] == ["示例市人民政府办公室"]
    assert tags["Author"] == ["李明"]
    assert tags["Description"] == ["全市工作会议"]
    assert tags["Url"] == [f"https://{DOMAIN}/xwzx/gzdt/{portal.first.pk}.html"]
    # optional tags without a value are left out, never empty
    other = meta(portal, f"xwzx/gzdt/{portal.second.pk}.html")
    assert "Author" not in other
    assert_no_empty_tag(other)


def test_footer_items(portal):  # TPL-4
    publish_site(portal.site.pk)
    path = f"xwzx/gzdt/{portal.first.pk}.html"
    page = parse(portal.read(path))
    footer = page.section("site-footer")
    links = page.links
    conac = [href for href in links if "conac.cn" in href]
    assert conac and "bszs.conac.cn.123" in conac[0]
    jiucuo = [href for href in links if href.startswith("https://zfwzgl.www.gov.cn/exposure/jiucuo.html")]
    query = parse_qs(urlsplit(jiucuo[0]).query)
    assert query == {"site_code": ["1399000001"], "url": [f"https://{DOMAIN}/{path}"]}
    assert "我为政府网站找错" in footer
    assert "网站标识码：1399000001" in footer
    assert "主办单位：示例市人民政府办公室" in footer and "0399-1234567" in footer
    assert "https://beian.miit.gov.cn/" in links and "冀ICP备12345678号" in footer
    assert re.search(r"冀公网安备 \d{14}号", footer)
    assert "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=13060202000001" in links
    assert "/sitemap.html" in links and "/help.html" in links  # site map; Tianjin: help
    assert "版权所有" in footer


def test_conac_text_fallback(build):  # TPL-4
    build.site.conac_mark = ""
    build.site.save()
    col = build.column("xw", "新闻", channel=True)
    build.article(col, "一条新闻")
    publish_site(build.site.pk)
    page = parse(build.read("index.html"))
    assert "https://www.conac.cn/" in page.links
    assert "党政机关网站标识" in page.section("site-footer")


def test_header_and_footer_same_on_every_page(portal):  # TPL-1
    publish_site(portal.site.pk)

    def frame(path):
        html = portal.read(path)
        header = html[html.index("<header") : html.index("</header>")]
        footer = re.sub(r"(url|page)=[^\"]+", "", html[html.index("<footer") :])  # the page's address (TPL-4, INT-3)
        return re.sub(r' aria-current="page"', "", header), footer

    frames = {frame(p) for p in ["index.html", "zwgk/index.html", f"xwzx/gzdt/{portal.first.pk}.html", "sitemap.html"]}
    assert len(frames) == 1
    header = frames.pop()[0]
    assert "示例市人民政府" in header and 'action="/search/"' in header


def test_breadcrumbs(portal):  # TPL-5
    publish_site(portal.site.pk)
    page = parse(portal.read(f"xwzx/gzdt/{portal.first.pk}.html"))
    assert page.section("当前位置").split() == ["首页新闻中心工作动态正文"]
    assert {"/", "/xwzx/", "/xwzx/gzdt/"} <= set(page.links)


def test_article_page_elements(portal):  # TPL-5, PUB-7
    publish_site(portal.site.pk)
    html = portal.read(f"xwzx/gzdt/{portal.second.pk}.html")
    page = parse(html)
    text = "".join(page.text)
    assert "发布时间：2024-06-01 11:30" in text and "来源：示例市人民政府办公室" in text
    assert "纠错" in text and "打印本页" in text and "邮件分享" in text
    assert "data-font" in html and "data-contrast" in html
    assert f"/xwzx/gzdt/{portal.first.pk}.html" in page.links  # previous
    assert "iframe" not in page.tags
    assert re.search(r'<script src="/-/site\.js\?v=\w+" defer>', html)
    assert "http" not in "".join(re.findall(r"<(?:script|link)[^>]+>", html)).replace("application/rss", "")


def test_empty_column_never_shown(portal):  # COL-4
    publish_site(portal.site.pk)
    for path in ["index.html", "sitemap.html", f"xwzx/gzdt/{portal.first.pk}.html"]:
        page = parse(portal.read(path))
        assert "/kong/" not in page.links
        assert "空栏目" not in "".join(page.text)
    assert not portal.file("kong").exists()
    for word in ("正在建设", "改版中", "升级中"):
        assert word not in portal.read("index.html")


def test_column_list_newest_first_pinned_on_top(build):  # COL-5
    col = build.column("tzgg", "通知公告", channel=True, column_type="通知公告")
    old = build.article(col, "置顶的旧通知", pinned=True)
    titles = [build.article(col, f"通知{n}").title for n in range(3)]
    publish_site(build.site.pk)
    html = build.read("tzgg/index.html")
    positions = [html.index(t) for t in [old.title, *reversed(titles)]]
    assert positions == sorted(positions)


def test_at_most_eight_channels(build):  # COL-6
    for n in range(10):
        col = build.column(f"pd{n}", f"频道{n}", channel=True)
        build.article(col, f"频道{n}的信息")
    publish_site(build.site.pk)
    page = parse(build.read("index.html"))
    nav = page.section("频道导航")
    assert nav.startswith("首页")
    assert sum(f"频道{n}" in nav for n in range(10)) == 8


def test_policy_validity_banner_and_interpretations(portal):  # RES-7, RES-8
    b = portal
    new = b.article(b.zcwj, "示例市关于加强管理的新通知", kind=ResourceKind.POLICY,
                    data={"body": "<p>新文件。</p>", "document_number": "示政发〔2024〕9号",
                          "issuing_body": "示例市人民政府", "validity": "valid"})  # fmt: skip
    b.new_revision(b.policy, b.policy.title, data={**b.policy.published_revision.data, "validity": "repealed",
                                                    "validity_date": "2024-07-01", "replaced_by": new.pk})  # fmt: skip
    reading = b.article(b.zcwj, "一图读懂新通知", kind=ResourceKind.INTERPRETATION, data={"body": "<p>解读。</p>"})
    PolicyInterpretation.objects.create(policy=new, interpretation=reading)
    publish_site(b.site.pk)
    old_page = b.read(f"zwgk/zcwj/{b.policy.pk}.html")
    assert "本文件已废止" in old_page and "2024-07-01" in old_page
    assert f'href="/zwgk/zcwj/{new.pk}.html"' in old_page
    assert "示政发〔2024〕1号" in old_page
    new_page = b.read(f"zwgk/zcwj/{new.pk}.html")
    assert "已废止" not in new_page and f'href="/zwgk/zcwj/{reading.pk}.html"' in new_page
    assert f'href="/zwgk/zcwj/{new.pk}.html"' in b.read(f"zwgk/zcwj/{reading.pk}.html")


def test_rss_and_sitemaps(portal):  # TPL-10
    publish_site(portal.site.pk)
    rss = ET.fromstring(portal.file("xwzx/gzdt/rss.xml").read_bytes())
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    items = rss.findall("channel/item")
    assert [i.findtext("title") for i in items] == ["示例市推进政务服务", "示例市召开全市工作会议"]
    assert items[0].findtext("link") == f"https://{DOMAIN}/xwzx/gzdt/{portal.second.pk}.html"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = ET.fromstring(portal.file("sitemap.xml").read_bytes())
    maps = [loc.text for loc in index.findall("s:sitemap/s:loc", ns)]
    assert f"https://{DOMAIN}/xwzx/gzdt/sitemap.xml" in maps
    urls = []
    for url in maps:
        path = url.removeprefix(f"https://{DOMAIN}/")
        urls += [loc.text for loc in ET.fromstring(portal.file(path).read_bytes()).findall("s:url/s:loc", ns)]
    for resource in (portal.first, portal.second, portal.policy):
        assert any(u.endswith(f"/{resource.pk}.html") for u in urls)
    assert f"https://{DOMAIN}/" in urls
    assert "政策文件" in portal.read("sitemap.html") and "/kong/" not in portal.read("sitemap.html")


def test_special_pages(portal):  # LINK-3, TPL-1
    publish_site(portal.site.pk)
    external = portal.read("-/external.html")
    assert 'id="external-notice"' in external and "<noscript>" in external
    search = parse(portal.read("search/index.html"))
    assert "search" in search.tags or True
    assert 'name="q"' in portal.read("search/index.html")
    assert "页面未找到" in portal.read("404.html")


def test_repost_shows_original_source(build):  # RES-3
    other = build.make_site("示例县人民政府", "www.xian.gov.cn")
    source_col = build.column("xw", "新闻", channel=True, site=other)
    original = build.article(source_col, "县里的好消息", metadata={"source": ""})
    col = build.column("zz", "转载", channel=True)
    Placement.objects.create(resource=original, column=col, site=build.site, status="active", is_repost=True,
                             placed_by=build.user, placed_at=build.tick())  # fmt: skip
    publish_site(build.site.pk)
    html = build.read(f"zz/{original.pk}.html")
    assert "本文转载自" in html and f"https://www.xian.gov.cn/xw/{original.pk}.html" in html
    assert parse(html).meta["ContentSource"] == ["示例县人民政府"]


def test_archived_banner(build, monkeypatch):  # SITE-9
    from publishing import site_loading

    col = build.column("xw", "新闻", channel=True)
    build.article(col, "旧闻")
    real = site_loading.load_site

    def archived(site_id):
        data = real(site_id)
        data.site.archived_at = build.clock
        return data

    monkeypatch.setattr("publishing.site_publisher.load_site", archived)
    publish_site(build.site.pk)
    html = build.read("xw/index.html")
    assert "已归档" in html and "归档时间" in html


def test_theme_colours(build):  # TPL-6
    SiteTheme.objects.create(site=build.site, primary_colour="#004488", secondary_colour="#aa0000")
    col = build.column("xw", "新闻", channel=True)
    build.article(col, "新闻一")
    publish_site(build.site.pk)
    css = build.read("-/theme.css")
    assert "--c-main:#004488" in css and "--c-second:#aa0000" in css
    assert css.count("#") == 3  # one main colour and at most two others
    theme = SiteTheme(site=build.site, primary_colour="red")
    with pytest.raises(ValidationError):
        theme.full_clean()


def test_theme_colours_keep_text_readable(build):  # TPL-6, TPL-9
    theme = SiteTheme(site=build.site, primary_colour="#ffd700", secondary_colour="#1f4e8c", accent_colour="#333333")
    with pytest.raises(ValidationError) as error:
        theme.clean()
    assert set(error.value.message_dict) == {"primary_colour", "accent_colour"}
    assert "4.5:1" in error.value.message_dict["primary_colour"][0]


def test_home_page_small(portal):  # TPL-8
    publish_site(portal.site.pk)
    size = sum(portal.file(p).stat().st_size for p in ["index.html", "-/site.css", "-/theme.css", "-/site.js"])
    assert size < 40_000


def test_every_item_is_on_a_list_page_however_many_are_pinned(build):  # COL-5
    from editorial.models import Placement

    col = build.column("tz", "通知", channel=True)
    items = build.many(col, 30)
    Placement.objects.filter(resource__in=items[:25]).update(pinned=True)
    publish_site(build.site.pk)
    listed = set(parse(build.read("tz/index.html")).links) | set(parse(build.read("tz/page-1.html")).links)
    for item in items:
        assert f"/tz/{item.pk}.html" in listed
