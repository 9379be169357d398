"""Lines of the daily check over a site's published pages (OPS-1, PUB-3, SEC-5).

One pass over the site's folder (monitoring/page_scan.py) feeds every line here; the lines share
it through the run's cache. Offenders are pages, named by title and address, with the person
responsible for the page's column (栏目责任人 and phone, COL-8) where the page belongs to one.

Levels ("value >= level"):
- meta tags (the annex: every page, "标签值不能为空") and footer items (一、(二)4): one page
  without them is a fault (warning at 1); they are scored items of the 2019 indicators, not
  veto lines;
- placeholders: warning at 1 page; veto at 5, as the empty-column line: a page that only says
  "正在建设中" is a blank column to the inspection (the guideline forbids keeping them);
- wrong wordings of the administrators' list: 严重表述错误 fails a site outright (OPS-1): veto at 1;
- sensitive words: warning at 1 (the list holds words to look at; a reviewer may have let one
  stand in its context, PUB-3), no veto;
- tampering: a published file that differs from what was published, at the time of the daily check,
  is defacement not handled (the hourly tamper check restores when TAMPER_AUTO_REPAIR is on): veto at 1.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from monitoring.lines import CheckContext, Line, Measurement, Offender, register
from monitoring.page_checks import TAG_NAMES, PageWords, current_words
from monitoring.page_scan import PageResult, SiteScan, scan_site

MAX_EXCERPTS = 3  # per page in an offender's detail


def page_words(context: CheckContext) -> PageWords:
    """The word lists of this run (compiled once per process while they stay the same)."""
    words = context.cache.get("page_words")
    if words is None:
        words = context.cache["page_words"] = current_words()
    return words


def site_scan(site, context: CheckContext) -> SiteScan | None:
    key = ("page_scan", site.pk)
    if key not in context.cache:
        context.cache[key] = scan_site(site, now=context.now, words=page_words(context))
    return context.cache[key]


def page_url(path: str) -> str:
    return "/" + path.removesuffix("index.html")


def page_offender(page: PageResult, detail: str) -> Offender:
    return Offender(
        label=page.title or page_url(page.path),
        url=page_url(page.path),
        detail=detail,
        responsible=page.column.responsible if page.column else "",
        object_kind="page",
    )


class PageLine(Line):
    """A count of published pages with one kind of finding."""

    finding = ""  # the key of page_checks.examine's result
    unit = "个页面"

    def describe(self, value) -> str:
        raise NotImplementedError

    def measure(self, site, context: CheckContext) -> Measurement:
        scan = site_scan(site, context)
        if scan is None:
            return Measurement(None, note="网站没有主域名，无法检查已发布的页面")
        if not scan.pages:
            return Measurement(None, note="网站还没有已发布的页面")
        offenders = [
            page_offender(page, self.describe(page.findings[self.finding]))
            for page in scan.pages
            if page.findings.get(self.finding)
        ]
        return Measurement(len(offenders), offenders, note=f"检查了 {len(scan.pages)} 个已发布的页面")


@register
class MetaTagsLine(PageLine):
    key = "page_meta_tags"
    label = _("Published pages missing meta tags")
    warning = 1
    order = 60
    finding = "missing_tags"

    def describe(self, value) -> str:
        return "缺少或为空的网页标签：" + "、".join(TAG_NAMES.get(name, name) for name in value)


@register
class FooterItemsLine(PageLine):
    key = "page_footer_items"
    label = _("Published pages missing footer items")
    warning = 1
    order = 61
    finding = "missing_footer"

    def describe(self, value) -> str:
        return "页面底部缺少：" + "、".join(value)


@register
class PlaceholderLine(PageLine):
    key = "page_placeholders"
    label = _("Published pages that only say the content is coming")
    warning = 1
    veto = 5
    order = 62
    finding = "placeholders"

    def describe(self, value) -> str:
        return "占位文字：" + "；".join(f"“{text}”" for text in value[:MAX_EXCERPTS])


@register
class WrongWordingLine(PageLine):
    key = "page_wrong_wording"
    label = _("Published pages with wrong wordings")
    veto = 1
    order = 63
    finding = "wrong"

    def describe(self, value) -> str:
        return "；".join(
            f"“{wrong}”应为“{right}”：{excerpt}" if right else f"“{wrong}”：{excerpt}"
            for wrong, excerpt, right in value[:MAX_EXCERPTS]
        )


@register
class SensitiveWordsLine(PageLine):
    key = "page_sensitive_words"
    label = _("Published pages with sensitive words")
    warning = 1
    order = 64
    finding = "sensitive"

    def describe(self, value) -> str:
        return "；".join(f"敏感词“{word}”：{excerpt}" for word, excerpt in value[:MAX_EXCERPTS])


TAMPER_DETAILS = {
    "changed": "与发布的内容不一致（可能被篡改）",
    "added": "网站目录中多出的文件，不是平台发布的",
    "missing": "已发布的文件不见了",
}


@register
class TamperLine(Line):
    key = "page_tampering"
    label = _("Published files tampered with and not restored")
    unit = "个文件"
    veto = 1
    order = 65

    def measure(self, site, context: CheckContext) -> Measurement:
        scan = site_scan(site, context)
        if scan is None:
            return Measurement(None, note="网站没有主域名，无法检查已发布的文件")
        if not scan.files and not scan.missing:
            return Measurement(None, note="网站还没有已发布的文件")
        pages = {page.path: page for page in scan.pages}
        offenders = []
        for kind in ("changed", "added", "missing"):
            for path in getattr(scan, kind):
                page = pages.get(path)
                if page is not None:
                    offenders.append(page_offender(page, TAMPER_DETAILS[kind]))
                else:
                    offenders.append(Offender(label=page_url(path), url=page_url(path), detail=TAMPER_DETAILS[kind],
                                              object_kind="page"))  # fmt: skip
        note = f"与发布记录比对了 {scan.files} 个文件"
        return Measurement(len(offenders), offenders, note=note)
