"""What the daily check looks for in one published page (OPS-1, PUB-3): pure functions on its HTML.

- Meta tags (the guideline's annex, 三、网页标签): every page carries the site tags (网站名称,
  网站域名, 政府网站标识码); column pages (the home page included) the four column tags as well;
  content pages the site tags, 栏目名称 and 栏目类别, and the content tags 标题, 发布时间, 来源.
  "标签值不能为空": a tag present with an empty value counts as missing.
- Footer items (一、(二)4): 党政机关网站标识, 我为政府网站找错, 网站标识码, 主办单位, its contact
  (联系方式), ICP备案编号, 公安机关备案标识, 站点地图 — as templates/site/_footer.html writes them.
- Placeholders (二、(三)5: no column kept blank "正在建设中" …): a text of its own that says only
  that nothing is there yet (a paragraph "本栏目正在建设中，敬请期待！"), not a placeholder phrase
  within news ("地铁5号线正在建设" as a title, "正在建设中的地铁将于明年通车" in an article).
- Wrong wordings and sensitive words of the lists platform administrators keep (PUB-3), in the
  title and the main content (the frame is the same on every page; its words are the site's).

A page is read once: `examine` returns everything as plain data (findings are lists, stored as
JSON in the scan cache, monitoring/models/pages.py).
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

from editorial.checks import _inside_correct_wording
from editorial.models import CheckedWord, WordList

# Bump when what `examine` finds changes: every cached page is then read again.
RULES_VERSION = "2"

SITE_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
COLUMN_TAGS = ("ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType")
CONTENT_TAGS = ("ColumnName", "ColumnType", "ArticleTitle", "PubDate", "ContentSource")
TAG_NAMES = {  # the annex's 规范名称, what people read
    "SiteName": "网站名称",
    "SiteDomain": "网站域名",
    "SiteIDCode": "政府网站标识码",
    "ColumnName": "栏目名称",
    "ColumnDescription": "栏目描述",
    "ColumnKeywords": "栏目关键词",
    "ColumnType": "栏目类别",
    "ArticleTitle": "标题",
    "PubDate": "发布时间",
    "ContentSource": "来源",
}

# Footer items: (name as people read it, pattern over the footer's HTML). The values must be
# there, not only the words: "网站标识码：" followed by nothing is missing.
FOOTER_ITEMS = (
    ("党政机关网站标识", re.compile(r"conac\.cn|党政机关网站标识")),
    ("“我为政府网站找错”入口", re.compile(r"zfwzgl\.www\.gov\.cn[^\"']*jiucuo[^>]*>[^<]*我为政府网站找错")),
    ("网站标识码", re.compile(r"网站标识码[：:]\s*[0-9A-Za-z]{6,}")),
    ("主办单位", re.compile(r"主办单位[：:]\s*[^\s<　]")),
    ("联系方式", re.compile(r"联系电话[：:]\s*[0-9(（+]|mailto:[^\"'@\s]+@")),
    ("ICP备案编号", re.compile(r"ICP[备证]\s*\d{4,}")),
    ("公安机关备案标识", re.compile(r"公网安备\s*\d{6,}")),
    ("站点地图", re.compile(r"href=[\"']/sitemap\.html[\"']|网站地图|站点地图")),
)

ITEM_LINK_RE = re.compile(r"href=\"[^\"]*/\d+\.html\"")  # a link to an item's page (<column>/<id>.html)
PAGE_ADDRESS_RE = re.compile(r"(?:url|page)=[^\"'&]*")  # the page's address in the footer's links

# The phrases of a page left blank. 暂无… only in the forms that mean "this column has nothing".
PLACEHOLDERS = (
    "建设中", "正在建设", "正在改版", "改版中", "正在升级", "升级中", "正在维护", "维护中", "正在完善",
    "正在整理", "敬请期待", "即将开通", "即将上线", "暂无内容", "暂无信息", "暂无数据", "暂无相关信息",
    "内容待更新", "待补充", "此处为空",
)  # fmt: skip
# What may stand around a placeholder in a notice: "本栏目正在建设中，敬请期待！" is nothing else.
FILLER_RE = re.compile(
    r"本栏目|该栏目|栏目|本页面|本页|页面|本网站|本站|网站|相关|内容|信息|目前|正在|暂时|请|稍后|再|访问|谢谢|您|"
    r"[\s\W_]"
)
PLACEHOLDER_LEFT_MAX = 4  # characters of other words: "地铁5号线正在建设" is news, not a notice

# The publisher writes <meta name="…" content="…">; the other order is read as well.
META_RE = re.compile(
    r"""<meta\s+(?:name\s*=\s*["']([^"']*)["']\s+content\s*=\s*["']([^"']*)["']"""
    r"""|content\s*=\s*["']([^"']*)["']\s+name\s*=\s*["']([^"']*)["'])""",
    re.IGNORECASE,
)
TITLE_RE = re.compile(r"<title[^>]*>([^<]*)</title>", re.IGNORECASE)
SPACE_RE = re.compile(r"\s+")
EXCERPT_CHARS = 12


def _variants(char: str) -> str:
    """`char` and the full-width forms NFKC folds into it (Ａ, ａ, ，): matching them without
    normalising every page (NFKC of a page costs more than all the other checks together)."""
    forms = {char, char.upper()}
    for form in list(forms):
        if "!" <= form <= "~":
            forms.add(chr(ord(form) + 0xFEE0))  # U+FF01..U+FF5E
        elif form == " ":
            forms.add("\u3000")
    if len(forms) == 1:
        return re.escape(char)
    return "[" + "".join(re.escape(form) for form in sorted(forms)) + "]"


def normal_form(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def trie_pattern(words: list[str]) -> re.Pattern | None:
    """One regular expression for many words, as a trie: (?:中(?:国人?|华)|…).

    Python's `re` tries the alternatives of a|b|c one after the other at every position; a trie
    tries one branch per character, so the cost grows with the text, hardly with the list (the
    Aho-Corasick idea within `re`). At each node longer words come first: the longest word wins.
    `words` are in normal form (normal_form); each character also matches its full-width and
    upper-case forms.
    """
    trie: dict = {}
    for word in words:
        if not word:
            continue
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = True
    if not trie:
        return None

    def build(node: dict) -> str:
        branches = [_variants(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if "" in node else body  # a word ends here and longer ones go on: longer first

    return re.compile(build(trie))


class PageWords:
    """The wrong-wording and sensitive-word lists as one trie pattern (PUB-3), matched like
    editorial.checks.WordMatcher: case and full-width forms do not matter, and a wrong wording
    inside its own correct wording is not counted."""

    def __init__(self, words):
        self.words: dict[str, list] = {}
        for word in words:
            if word.text.strip():
                self.words.setdefault(normal_form(word.text), []).append(word)
        self.pattern = trie_pattern(list(self.words))
        self.fingerprint = fingerprint((w.list, w.text, w.suggestion) for ws in self.words.values() for w in ws)

    def finditer(self, text: str):
        if self.pattern is None:
            return
        for match in self.pattern.finditer(text):
            for word in self.words.get(normal_form(match.group()), ()):
                if word.list == WordList.WRONG_WORDING and _inside_correct_wording(text, match, word.suggestion):
                    continue
                yield word, match


def fingerprint(rows) -> str:
    digest = hashlib.sha256()
    for row in sorted(rows):
        digest.update("\0".join(row).encode() + b"\n")
    return digest.hexdigest()[:12]


# "建设中心" (a unit's name) is no placeholder: examine skips it.
PLACEHOLDER_RE = trie_pattern([normal_form(text) for text in PLACEHOLDERS])

_COMPILED: dict[str, PageWords] = {}


def current_words() -> PageWords:
    """The lists as they are now, compiled once per process while they stay the same."""
    rows = list(CheckedWord.objects.values_list("list", "text", "suggestion"))
    key = fingerprint(rows)
    if key not in _COMPILED:
        _COMPILED.clear()
        _COMPILED[key] = PageWords(CheckedWord(list=a, text=b, suggestion=c) for a, b, c in rows)
    return _COMPILED[key]


def meta_tags(head: str) -> dict[str, str]:
    """name -> content of the meta tags in the head (the first of a name; entities decoded)."""
    tags: dict[str, str] = {}
    for name, content, other_content, other_name in META_RE.findall(head):
        value = content or other_content
        tags.setdefault(name or other_name, html.unescape(value) if "&" in value else value)
    return tags


def required_tags(kind: str) -> tuple[str, ...]:
    if kind == "content":
        return SITE_TAGS + CONTENT_TAGS
    if kind == "column":
        return SITE_TAGS + COLUMN_TAGS
    return SITE_TAGS


def _outside_tags(page: str, start: int) -> bool:
    """Whether `start` is in text, not inside a tag's attributes (a word in a link's address)."""
    return page.rfind("<", 0, start) <= page.rfind(">", 0, start)


def _text_around(page: str, start: int, end: int, chars: int) -> str:
    """The text of the element holding page[start:end], up to `chars` characters either side."""
    node_start = page.rfind(">", 0, start) + 1
    node_end = page.find("<", end)
    node_end = len(page) if node_end < 0 else node_end
    before, after = max(node_start, start - chars), min(node_end, end + chars)
    excerpt = SPACE_RE.sub(" ", html.unescape(page[before:after])).strip()
    return ("…" if before > node_start else "") + excerpt + ("…" if after < node_end else "")


def _placeholders(main_html: str) -> list[str]:
    """Texts of their own (a paragraph, a list item, a cell) that say only "nothing here yet"."""
    found = []
    for match in PLACEHOLDER_RE.finditer(main_html):
        if match.group() == "建设中" and main_html.startswith("心", match.end()):
            continue  # 建设中心: a unit's name
        piece = SPACE_RE.sub("", _text_around(main_html, match.start(), match.end(), 10_000))
        left = FILLER_RE.sub("", PLACEHOLDER_RE.sub("", unicodedata.normalize("NFKC", piece)))
        if len(left) <= PLACEHOLDER_LEFT_MAX and piece not in found:
            found.append(piece[:60])
    return found


_FOOTERS: dict[str, list[str]] = {}


def footer_missing(footer: str) -> list[str]:
    """The footer items missing from a footer. The footers of a site differ only in the page's
    address (in the 找错 link): checked once per site, not once per page."""
    key = PAGE_ADDRESS_RE.sub("", footer)
    missing = _FOOTERS.get(key)
    if missing is None:
        if len(_FOOTERS) > 256:
            _FOOTERS.clear()
        missing = _FOOTERS[key] = [name for name, pattern in FOOTER_ITEMS if not pattern.search(footer)]
    return missing


def examine(page: str, kind: str, words: PageWords) -> dict:
    """Everything the check finds in one page of `kind` ("content", "column" or "page").

    Returns {"title": ..., "missing_tags": [...], "missing_footer": [...], "placeholders": [...],
    "wrong": [[excerpt, suggestion], ...], "sensitive": [excerpt, ...]} with empty lists left out.
    """
    head_end = page.find("</head>")
    head = page[:head_end] if head_end >= 0 else page[:4096]
    tags = meta_tags(head)
    if tags.get("ArticleTitle") and kind == "page":
        kind = "content"  # a feature app's page showing one item (a letter, a guide)
    result: dict = {}
    missing = [name for name in required_tags(kind) if not tags.get(name, "").strip()]
    if missing:
        result["missing_tags"] = missing
    title_match = TITLE_RE.search(head)
    title = tags.get("ArticleTitle") or (html.unescape(title_match.group(1)).strip() if title_match else "")
    result["title"] = title[:300]

    footer_start = page.rfind("<footer")
    footer = page[footer_start : page.find("</footer>", footer_start) + 9] if footer_start >= 0 else ""
    missing_footer = footer_missing(footer)
    if missing_footer:
        result["missing_footer"] = missing_footer

    main_start = page.find("<main")
    main_end = page.rfind("</main>")
    if main_start < 0 or main_end < main_start:
        main_start, main_end = max(head_end, 0), footer_start if footer_start >= 0 else len(page)
    main_html = page[main_start:main_end]
    placeholders = _placeholders(main_html)
    # A column page that lists items is not blank: its "暂无信息" is one empty part of it (an empty
    # catalogue section), and an empty sub-column's own page is counted.
    if placeholders and not (kind == "column" and ITEM_LINK_RE.search(main_html)):
        result["placeholders"] = placeholders

    if words.pattern is not None:
        # Matched on the HTML itself (stripping the tags of every page would cost more than the
        # matching); a match inside a tag is not text.
        text = title + "\n" + main_html
        wrong, sensitive = [], []
        for word, match in words.finditer(text):
            if not _outside_tags(text, match.start()):
                continue
            excerpt = _text_around(text, match.start(), match.end(), EXCERPT_CHARS)
            if word.list == WordList.WRONG_WORDING:
                entry = [word.text, excerpt, word.suggestion]
                if entry not in wrong:
                    wrong.append(entry)
            elif [word.text, excerpt] not in sensitive:
                sensitive.append([word.text, excerpt])
        if wrong:
            result["wrong"] = wrong
        if sensitive:
            result["sensitive"] = sensitive
    return result
