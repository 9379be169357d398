"""What a back-office page says, read the way a person and a screen reader get it (issue 14 item 6).

`readable(html)` parses a page with html.parser (scripts and styles left out) and gives each piece
of text a user sees or hears: text nodes (captions, headings, options, the <title>) and the
attributes screen readers announce or browsers show (aria-label, alt, placeholder, title, the
label of a submit button). `problems(piece, data)` names what is wrong with one piece:

- an English word outside ALLOWED (abbreviations, proper names of products) once domain names,
  e-mail and web addresses, file names and the page's own data (user names, slugs) are removed;
- a requirement ID (PUB-5, SITE-3) or an abbreviated legal citation ("G §3", "T 第八条");
- a raw code (snake_case words, dotted codes such as resource.publish) or JSON.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Words that are right in Chinese text too: abbreviations and names everybody reads as they are.
ALLOWED = {
    "ICP", "URL", "RSS", "ID", "PDF", "PNG", "JPEG", "JPG", "GIF", "SVG", "WebP", "WEBP", "DOC", "DOCX",
    "XLS", "XLSX", "PPT", "PPTX", "ODT", "ODS", "ZIP", "CSV", "TXT", "HTML", "HTTP", "HTTPS", "IP", "IPv4",
    "IPv6", "QR", "SM", "SM2", "SM3", "SM4", "UTF", "BOM", "Excel", "Word", "WPS", "OFD", "KB", "MB", "GB",
    "px", "Ctrl", "CA", "APP", "App", "TOTP", "MP4", "MP3", "ODP", "PowerPoint", "OpenDocument",
    # The prefix of a department's 政府网站标识码 (bm and eight digits), typed as it is.
    "bm",
    # The language switch names each language in itself.
    "English",
}  # fmt: skip

# Removed before words are looked for: they are written in Latin letters by nature.
ADDRESS = re.compile(r"https?://[^\s\"'<>，。；）)]*")
PATH = re.compile(r"(?<![\w])/[^\s\"'<>，。；）)]*")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DOMAIN = re.compile(
    r"(?<![\w.])(?:[a-z0-9-]+\.)+(?:gov\.cn|gov|cn|com|org|net|edu\.cn|org\.cn|localhost|政务|公益)(?![\w.])",
    re.IGNORECASE,
)
FILE_NAME = re.compile(
    r"[\w\u4e00-\u9fff./-]+\.(?:pdf|png|jpe?g|gif|svg|webp|docx?|xlsx?|pptx?|odt|ods|zip|csv|txt|ofd|wps|et|html?|xml)\b",
    re.IGNORECASE,
)
WORD = re.compile(r"[A-Za-z][A-Za-z0-9']*")

REQUIREMENT_ID = re.compile(r"(?<![A-Za-z])[A-Z]{2,5}-\d+")
CITATION = re.compile(r"(?<![A-Za-z])[GT]\s*(?:§|第[一二三四五六七八九十百]+条)|§\s*\d")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
DOTTED = re.compile(r"(?<![\w.])[a-z][a-z_]*\.[a-z][a-z_]*(?![\w.])")
JSON = re.compile(r"[{\[]\s*\"[^\"]*\"\s*:")
# A Chinese word set apart by spaces inside a Chinese sentence ("选择 站点 来修改", Django's own
# catalogue): Chinese runs its words together. A space between a label and a value ("新建栏目
# 甲要闻动态") is left alone.
SPACED = re.compile(r"[\u4e00-\u9fff] [\u4e00-\u9fff]{1,6} [\u4e00-\u9fff]")

# Attributes that a browser shows or a screen reader reads.
SPOKEN = ("aria-label", "alt", "placeholder", "title", "aria-placeholder", "aria-description")


@dataclass(frozen=True)
class Piece:
    where: str  # "text in <caption>", "alt of <img>"
    text: str


class _Reader(HTMLParser):
    SKIPPED = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.skipping = 0
        self.pieces: list[Piece] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if not self.skipping:
            for name in SPOKEN:
                if attributes.get(name):
                    self.pieces.append(Piece(f"{name} of <{tag}>", attributes[name]))
            if tag == "input" and attributes.get("type") in ("submit", "button", "reset") and attributes.get("value"):
                self.pieces.append(Piece("label of <input type=submit>", attributes["value"]))
        if tag in self.VOID:
            return
        self.stack.append(tag)
        if tag in self.SKIPPED:
            self.skipping += 1

    def handle_startendtag(self, tag, attrs):
        if tag not in self.VOID:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if top in self.SKIPPED:
                self.skipping -= 1
            if top == tag:
                break

    def handle_data(self, data):
        if self.skipping or not data.strip():
            return
        where = self.stack[-1] if self.stack else "document"
        self.pieces.append(Piece(f"text in <{where}>", " ".join(data.split())))


def readable(html: str) -> list[Piece]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.pieces


def _without(text: str, data: list[str]) -> str:
    for value in sorted(data, key=len, reverse=True):
        if value:
            text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", " ", text)
    return text


def problems(piece: Piece, data: list[str] = ()) -> list[str]:
    """What is wrong with one piece of text; `data` are the page's own values written in Latin
    letters (user names, slugs), which are not words of the interface."""
    text = _without(piece.text, list(data))
    found = []
    checks = (
        (JSON, "JSON"),
        (REQUIREMENT_ID, "requirement ID"),
        (CITATION, "abbreviated citation"),
        (SPACED, "spacing"),
    )
    for pattern, what in checks:
        found += [f"{what} {match.group(0)!r}" for match in pattern.finditer(text)]
    for cleaner in (ADDRESS, EMAIL, FILE_NAME, PATH, DOMAIN):
        text = cleaner.sub(" ", text)
    found += [f"raw code {match.group(0)!r}" for pattern in (SNAKE, DOTTED) for match in pattern.finditer(text)]
    text = SNAKE.sub(" ", DOTTED.sub(" ", text))
    english = [word for word in WORD.findall(text) if word not in ALLOWED and len(word) > 1]
    if english:
        found.append(f"English {' '.join(english)!r}")
    return found


def page_problems(html: str, data: list[str] = ()) -> list[str]:
    """Every problem of a page, once each: 'where: problem in «text»'."""
    seen, result = set(), []
    for piece in readable(html):
        for problem in problems(piece, data):
            line = f"{piece.where}: {problem} in «{piece.text[:120]}»"
            if line not in seen:
                seen.add(line)
                result.append(line)
    return result
