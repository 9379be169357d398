"""A small, deterministic published platform with every kind of page, for the browser tests and
the validity check (TPL-5, TPL-7, TPL-9, LINK-3, COL-4, COL-6).

One portal (www.example.gov.cn, the rendering tests' Builder) with a logo, four channels with
content and one empty channel (hidden, COL-4): news with a featured article (cover photo, body
image, table, attachment, a link to a non-government site and one to a government site) and
enough items for a numbered list page; policy documents (one repealed and replaced) with an
interpretation; institutions; a leader with a portrait; notices (one pinned) with links (resources
of the kind "link") to a non-government and a government site; catalogue entries for a policy, the
featured article and a notice (the disclosure catalogue's and the policy library's lists, the header
tables) and the 依申请公开 column (DISC-2, DISC-3, DISC-5); the organisation's published guide, an
answered application (its status page) and the annual report with its DOCX, made through the
actions (tests/browser/sample_disclosure.py; DISC-1, DISC-3, DISC-4).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw

from disclosure.models import CatalogueEntry, Organisation, SubjectCategory
from publishing.publisher import publish_site
from resources.models import Asset, ResourceKind, Revision
from tests.browser.sample_disclosure import SampleDisclosure, add_disclosure
from tests.rendering.conftest import BASE, DOMAIN, Builder

EXTERNAL_URL = "https://www.example.com/report/2024.html?from=gov"  # not a government site (LINK-3)
GOVERNMENT_URL = "https://www.gov.cn/zhengce/"
NEWS_COUNT = 23  # more than one list page (20), so there is a numbered page


@dataclass
class SamplePlatform:
    build: Builder
    domain: str = DOMAIN
    paths: dict[str, str] = field(default_factory=dict)  # page name -> path on the site ("/xwzx/…")
    disclosure: SampleDisclosure | None = None  # the guide, the annual report, an answered application

    @property
    def root(self) -> Path:
        return Path(settings.PUBLISH_ROOT) / self.domain


def png(width: int, height: int, colour: str, text_colour: str = "#ffffff", shape: str = "box") -> bytes:
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    if shape == "emblem":
        draw.ellipse((3, 3, width - 4, height - 4), outline="#f5d36b", width=4)
        draw.regular_polygon((width / 2, height / 2, min(width, height) / 4), 5, fill="#f5d36b")
    else:
        for n in range(0, width, 24):
            draw.line((n, height, n + height, 0), fill=text_colour, width=2)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def library_file(build: Builder, relative: str, content: bytes, name: str, content_type: str, **fields) -> Asset:
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return Asset.objects.create(
        file=relative, original_name=name, content_type=content_type, size=len(content), sha256="0" * 64,
        uploaded_by=build.user, **fields,
    )  # fmt: skip


def with_asset(resource, asset: Asset):
    Revision.objects.filter(pk=resource.published_revision_id).update(asset=asset)
    return resource


def build_sample_platform(root: Path) -> SamplePlatform:
    """Write the platform's rows and library files, publish it; return where its pages are."""
    b = Builder(root)
    platform = SamplePlatform(build=b)
    site = b.site
    logo = Path(settings.MEDIA_ROOT) / "sites/logos/example.png"
    logo.parent.mkdir(parents=True, exist_ok=True)
    logo.write_bytes(png(60, 60, "#b4262a", shape="emblem"))
    site.logo.name = "sites/logos/example.png"
    site.save()

    zwgk = b.column("zwgk", "政务公开", channel=True, column_type="信息公开目录", keywords="政务公开,信息公开")
    zcwj = b.column("zcwj", "政策文件", parent=zwgk, column_type="政策文件")
    zcjd = b.column("zcjd", "政策解读", parent=zwgk, column_type="政策解读")
    jgzn = b.column("jgzn", "机构职能", parent=zwgk, column_type="机构职能")
    ldxx = b.column("ldxx", "领导信息", parent=zwgk, column_type="负责人信息")
    xwzx = b.column("xwzx", "新闻中心", channel=True)
    gzdt = b.column("gzdt", "工作动态", parent=xwzx)
    tpxw = b.column("tpxw", "图片新闻", parent=xwzx)
    tzgg = b.column("tzgg", "通知公告", channel=True, column_type="通知公告")
    b.column("hdjl", "互动交流", channel=True, column_type="互动交流")  # empty: never shown (COL-4)
    b.column("ysqgk", "依申请公开", parent=zwgk, column_type="依申请公开")  # shown: how to apply (DISC-3)
    xxgkzn = b.column("xxgkzn", "政府信息公开指南", parent=zwgk, column_type="信息公开指南", review_levels=1)
    b.column("xxgknb", "政府信息公开年报", parent=zwgk, column_type="信息公开年报", review_levels=1)

    # news: many short items, then a featured article with everything an article can show
    b.many(gzdt, NEWS_COUNT, prefix="示例市各部门推进重点工作情况通报第")
    photo = library_file(b, "library/2024/06/meeting.png", png(640, 360, "#1f4e8c"), "会议现场.png", "image/png",
                         width=640, height=360)  # fmt: skip
    image = with_asset(b.resource(tpxw, "全市工作会议现场", kind=ResourceKind.IMAGE, data={"alt": "全市工作会议现场"}),
                       photo)  # fmt: skip
    doc = library_file(b, "library/2024/06/plan.pdf", b"%PDF-1.4 sample", "工作方案（2024年）.pdf", "application/pdf")
    attachment = with_asset(b.resource(tzgg, "工作方案", kind=ResourceKind.ATTACHMENT, data={}), doc)
    body = (
        "<p>6月1日上午，示例市召开全市工作会议，总结上半年工作，部署下半年重点任务。</p>"
        '<p><img src="/media/library/2024/06/meeting.png" alt="会议现场"></p>'
        "<p>会议指出，要持续优化营商环境，提升政务服务水平。详细数据见"
        f'<a href="{EXTERNAL_URL}">第三方统计报告</a>，相关政策见'
        f'<a href="{GOVERNMENT_URL}">中国政府网政策库</a>。</p>'
        "<table><caption>上半年主要指标</caption><thead><tr><th>指标</th><th>完成值</th></tr></thead>"
        "<tbody><tr><td>地区生产总值增速</td><td>5.6%</td></tr><tr><td>新增市场主体</td><td>1.2万户</td></tr></tbody></table>"
    )
    featured = b.article(
        gzdt,
        "示例市召开全市工作会议",
        data={
            "body": body,
            "summary": "示例市召开全市工作会议，部署下半年重点任务。",
            "cover_image": image.pk,
            "attachments": [attachment.pk],
        },  # fmt: skip
        metadata={"keywords": "工作会议,营商环境"},
    )

    # policy documents: one repealed and replaced by the other, with an interpretation
    new_policy = b.article(zcwj, "示例市关于优化营商环境的若干措施", kind=ResourceKind.POLICY,
                           data={"body": "<p>各区人民政府，市政府各部门：</p><p>现将有关措施通知如下。</p>",
                                 "document_number": "示政发〔2024〕2号", "issuing_body": "示例市人民政府",
                                 "signing_date": "2024-05-20", "validity": "valid"})  # fmt: skip
    b.article(zcwj, "示例市关于优化营商环境的实施意见", kind=ResourceKind.POLICY,
              data={"body": "<p>各区人民政府：</p><p>本意见自印发之日起施行。</p>",
                    "document_number": "示政发〔2023〕5号", "issuing_body": "示例市人民政府",
                    "validity": "repealed", "validity_date": "2024-05-20", "replaced_by": new_policy.pk})  # fmt: skip
    reading = b.article(zcjd, "一图读懂优化营商环境若干措施", kind=ResourceKind.INTERPRETATION,
                        data={"body": "<p>这份文件主要讲了四个方面。</p>", "policies": [new_policy.pk]})  # fmt: skip

    # institutions and a leader with a portrait
    b.resource(jgzn, "示例市发展和改革委员会", kind=ResourceKind.INSTITUTION,
               data={"name": "示例市发展和改革委员会", "duties": "<p>拟订并组织实施国民经济和社会发展战略。</p>",
                     "phone": "0399-1234501", "address": "示例市人民路1号", "hours": "工作日 9:00-17:00"})  # fmt: skip
    b.resource(jgzn, "示例市教育局", kind=ResourceKind.INSTITUTION,
               data={"name": "示例市教育局", "duties": "<p>统筹管理全市教育工作。</p>", "phone": "0399-1234502"})  # fmt: skip
    portrait = library_file(b, "library/2024/06/leader.png", png(150, 200, "#555555"), "张明.png", "image/png",
                            width=150, height=200)  # fmt: skip
    portrait_image = with_asset(b.resource(ldxx, "张明同志照片", kind=ResourceKind.IMAGE, data={"alt": "张明"}),
                                portrait)  # fmt: skip
    leader = b.resource(ldxx, "张明", kind=ResourceKind.LEADER,
                        data={"position": "市长", "photo": portrait_image.pk,
                              "resume": "张明，男，汉族，1970年生。\n现任示例市人民政府市长。",
                              "responsibilities": "主持市政府全面工作。"})  # fmt: skip

    # notices and links
    notice = b.article(tzgg, "关于开展政务服务满意度调查的通知", data={"body": "<p>请各单位认真组织。</p>"})
    b.article(tzgg, "关于做好网站年度报表工作的通知", pinned=True)
    b.resource(tzgg, "第三方满意度调查平台", kind=ResourceKind.LINK, data={"url": EXTERNAL_URL})
    b.resource(tzgg, "中国政府网", kind=ResourceKind.LINK, data={"url": GOVERNMENT_URL})

    # the disclosure catalogue (DISC-2): the policies and the featured article carry entries
    organisation = Organisation.objects.create(site=site, name="示例市人民政府办公室", code="13990000X")
    subject, _ = SubjectCategory.objects.get_or_create(name="综合政务", defaults={"code": "sample-zonghe"})
    for serial, resource in enumerate((new_policy, featured, notice), start=1):
        CatalogueEntry.objects.create(resource=resource, organisation=organisation, subject=subject,
                                      index_number=f"13990000X/2024-{serial:05d}", made_on=BASE.date(),
                                      document_number="示政发〔2024〕2号" if resource is new_policy else "")  # fmt: skip
    # the guide, an answered application and the annual report, through the actions (DISC-1, DISC-3, DISC-4)
    platform.disclosure = add_disclosure(b, organisation, guide_column=xxgkzn)

    publish_site(site.pk)
    platform.paths = {
        "home": "/",
        "channel": "/xwzx/",
        "column": "/xwzx/gzdt/",
        "archive": "/xwzx/gzdt/page-1.html",
        "article": f"/xwzx/gzdt/{featured.pk}.html",
        "policy": f"/zwgk/zcwj/{new_policy.pk}.html",
        "interpretation": f"/zwgk/zcjd/{reading.pk}.html",
        "institutions": "/zwgk/jgzn/",
        "leaders": "/zwgk/ldxx/",
        "leader": f"/zwgk/ldxx/{leader.pk}.html",
        "notices": "/tzgg/",
        "notice": f"/tzgg/{notice.pk}.html",
        "sitemap": "/sitemap.html",
        "help": "/help.html",
        "search": "/search/",
        "external": "/-/external.html",
        "404": "/no-such-page.html",
        "catalogue": "/zwgk/",
        "catalogue_list": "/zwgk/_ml/all/",
        "library_list": "/zwgk/zcwj/_zc/yx-valid/",
        "on_request": "/zwgk/ysqgk/",
        "guide": f"/zwgk/xxgkzn/{platform.disclosure.guide.pk}.html",
        "reports": "/zwgk/xxgknb/",
        "report": f"/zwgk/xxgknb/{platform.disclosure.report.pk}.html",
        "apply": "/disclosure/apply/",
        "status": "/disclosure/status/",
    }
    return platform
