"""Plain text out of revision content, shared by the checks (PUB-3) and the diff (PUB-4).

HTML bodies become paragraphs: block elements and <br> end a paragraph, tags are dropped and
character references decoded. Script and style content is never text.
"""

import re
from html.parser import HTMLParser

HTML_TAG_RE = re.compile(r"<[a-zA-Z!/][^>]*>")

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre",
    "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
SKIPPED_TAGS = {"script", "style", "template"}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._skipping = 0

    def _end_paragraph(self):
        text = " ".join("".join(self._current).split())
        if text:
            self.paragraphs.append(text)
        self._current = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self._skipping += 1
        elif tag in BLOCK_TAGS or tag == "br":
            self._end_paragraph()
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self._current.append(f" {alt} ")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in BLOCK_TAGS:
            self._end_paragraph()

    def handle_data(self, data):
        if not self._skipping:
            self._current.append(data)

    def close(self):
        super().close()
        self._end_paragraph()


def looks_like_html(value: str) -> bool:
    return bool(HTML_TAG_RE.search(value or ""))


def html_paragraphs(html: str) -> list[str]:
    """The text paragraphs of an HTML fragment, whitespace collapsed, empty ones dropped."""
    parser = _TextExtractor()
    parser.feed(html or "")
    parser.close()
    return parser.paragraphs


def text_paragraphs(value: str) -> list[str]:
    """Paragraphs of a field value: HTML by its blocks, plain text by its lines."""
    if looks_like_html(value):
        return html_paragraphs(value)
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def plain_text(value: str) -> str:
    """The text of a field value with paragraphs on separate lines."""
    return "\n".join(text_paragraphs(value))
