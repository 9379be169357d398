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
from dataclasses import dataclass

from ahocorasick_rs import AhoCorasick, Implementation, MatchKind

from editorial.checks import _inside_correct_wording
from editorial.models import CheckedWord, WordList

# Bump when what `examine` finds changes: every cached page is then read again.
RULES_VERSION = "3"

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


# Full-width letters and digits (Ａ, ５) as NFKC folds them; normalising whole pages (NFKC) cost
# more than all the other checks together, so only these are folded, and only when a word needs it.
FULLWIDTH_ALNUM_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
FULLWIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B) if chr(code - 0xFEE0).isalnum()}


def normal_form(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def fold(text: str) -> str:
    """`text` with full-width letters and digits as ASCII and in lower case, of the same length
    (positions stay those of `text`); unchanged when lower case would change its length."""
    if FULLWIDTH_ALNUM_RE.search(text):
        text = text.translate(FULLWIDTH_TABLE)
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


def automaton(words) -> AhoCorasick | None:
    """Aho-Corasick over many words at once: the cost grows with the text, not with the list (a
    regular expression a|b|c, even shaped as a trie, tries every first character at every position:
    9 ms a page for 2,000 words against 0.2 ms). Leftmost-longest: the longest word wins."""
    words = sorted(set(words))
    if not words:
        return None
    implementation = Implementation.DFA if len(words) <= DFA_MAX_WORDS else None
    return AhoCorasick(words, matchkind=MatchKind.LeftmostLongest, implementation=implementation)


DFA_MAX_WORDS = 20_000  # the fastest form; its memory grows with the list


@dataclass(frozen=True, slots=True)
class Span:
    """A found word, read like a re.Match by editorial.checks._inside_correct_wording."""

    text: str
    begin: int
    finish: int

    def group(self) -> str:
        return self.text[self.begin : self.finish]

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish


class PageWords:
    """The wrong-wording and sensitive-word lists as one automaton (PUB-3), matched like
    editorial.checks.WordMatcher: case and full-width letters and digits do not matter, and a
    wrong wording inside its own correct wording is not counted."""

    def __init__(self, words):
        self.words: dict[str, list] = {}
        for word in words:
            if word.text.strip():
                self.words.setdefault(normal_form(word.text), []).append(word)
        self.automaton = automaton(self.words)
        self.folds = any(char.isascii() and char.isalnum() for key in self.words for char in key)
        self.fingerprint = fingerprint((w.list, w.text, w.suggestion) for ws in self.words.values() for w in ws)

    @property
    def empty(self) -> bool:
        return self.automaton is None

    def finditer(self, text: str):
        if self.automaton is None:
            return
        folded = fold(text) if self.folds else text
        for _index, start, end in self.automaton.find_matches_as_indexes(folded, overlapping=False):
            match = Span(text, start, end)
            for word in self.words.get(folded[start:end], ()):
                if word.list == WordList.WRONG_WORDING and _inside_correct_wording(text, match, word.suggestion):
                    continue
                yield word, match


def fingerprint(rows) -> str:
    digest = hashlib.sha256()
    for row in sorted(rows):
        digest.update("\0".join(row).encode() + b"\n")
    return digest.hexdigest()[:12]


# "建设中心" (a unit's name) is no placeholder: examine skips it.
PLACEHOLDER_FINDER = automaton(PLACEHOLDERS)
PLACEHOLDER_RE = re.compile("|".join(re.escape(text) for text in sorted(PLACEHOLDERS, key=len, reverse=True)))

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
    for _index, start, end in PLACEHOLDER_FINDER.find_matches_as_indexes(main_html, overlapping=False):
        if main_html[start:end] == "建设中" and main_html.startswith("心", end):
            continue  # 建设中心: a unit's name
        piece = SPACE_RE.sub("", _text_around(main_html, start, end, 10_000))
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

    if not words.empty:
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
