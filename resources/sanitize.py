"""Server-side cleaning of editors' HTML and plain text (SEC-7).

`clean_html` is the only way rich text enters the library. It runs in three steps:

1. nh3 (ammonia) parses the input the way a browser does and keeps only an allow-list fit for
   government articles and for what Word pastes: paragraphs, headings, emphasis, lists, tables,
   quotations, links and the library's own images. Scripts, styles, frames, objects, forms, SVG and
   MathML go with their content; every attribute that is not listed (style, class, on*, Word's
   mso-* junk) is dropped; links keep http, https, mailto and relative addresses only.
2. The cleaned, well-formed fragment is normalised as a tree: Word's <b>/<i>/<h1> become
   <strong>/<em>/<h2>, <div> becomes a paragraph or is unwrapped, images whose address is not
   under MEDIA_URL disappear, empty paragraphs (Word's spacing) are removed, and loose text is
   wrapped in paragraphs.
3. nh3 runs again over the result, so that no mistake in step 2 can reintroduce markup.
"""

import html
import re
import unicodedata
from html.parser import HTMLParser

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import weburl

# What the body of an article may contain after cleaning.
OUTPUT_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "u", "s", "sub", "sup", "ul", "ol", "li",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "blockquote", "a", "img",
}  # fmt: skip
# Accepted on input and renamed by the normaliser (Word and other editors write these).
RENAMED_TAGS = {"b": "strong", "i": "em", "h1": "h2", "h5": "h4", "h6": "h4", "strike": "s", "del": "s"}
INPUT_TAGS = OUTPUT_TAGS | set(RENAMED_TAGS) | {"div"}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
# Removed together with everything inside them.
CLEAN_CONTENT_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "template", "noscript", "noembed", "noframes", "title", "xml", "textarea", "select", "button",
    "head", "meta", "link", "base", "form", "audio", "video", "canvas", "xmp", "plaintext",
}  # fmt: skip
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer"

BLOCK_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "table", "blockquote", "div", "caption", "thead", "tbody",
              "tfoot", "tr", "th", "td"}  # fmt: skip
TOP_LEVEL_BLOCKS = {"p", "h2", "h3", "h4", "ul", "ol", "table", "blockquote"}
VOID_TAGS = {"br", "img"}
STRUCTURE_TAGS = {"table", "thead", "tbody", "tfoot", "tr", "ul", "ol"}
# Deeper nesting is refused: no article needs it, the tree below is walked recursively, and the
# HTML parser inside nh3 takes time quadratic in the depth of elements that are never closed
# (200,000 unclosed <div>: minutes). A cheap count before nh3 refuses the absurd cases at once.
MAX_NESTING = 100
MAX_NESTING_ESTIMATE = 10 * MAX_NESTING
# Elements that never hold others of their kind as HTML parses them, or hold nothing: left out of the estimate.
FLAT_TAGS = {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "br", "img", "hr", "wbr",
             "input", "meta", "link", "area", "base", "col", "embed", "param", "source", "track"}  # fmt: skip
TAG_TOKEN_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
SPAN_RE = re.compile(r"^[1-9][0-9]?$")
# Characters no XML document may hold (XML 1.0: C0 controls other than tab, line feed and carriage
# return; surrogates; U+FFFE and U+FFFF), and the other Unicode noncharacters (U+FDD0–U+FDEF and the
# last two of every plane), which are nobody's text. One such character in a title made RSS feeds
# invalid XML (issue 12 item 9); the text cleaners remove them on save, the publisher on output.
NOT_TEXT_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(1, 17))
    + "]"
)


def remove_non_text(text: str) -> str:
    """`text` without the characters of NOT_TEXT_RE (what XML and HTML output can always hold)."""
    return NOT_TEXT_RE.sub("", text)


SIZE_RE = re.compile(r"^[1-9][0-9]{0,3}$")


def _media_url() -> str:
    return settings.MEDIA_URL or "/media/"


def _is_library_image(src: str) -> bool:
    """Only images of the library itself: under MEDIA_URL, without tricks in the path."""
    src = src.strip()
    media = _media_url()
    if not src.startswith(media) or len(src) <= len(media):
        return False
    if media.startswith("/") and src.startswith("//"):
        return False
    rest = src[len(media) :]
    return not ("\\" in rest or ".." in rest or any(ch.isspace() or ord(ch) < 32 for ch in rest) or ":" in rest)


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src":
        return value.strip() if _is_library_image(value) else None
    if name in ("colspan", "rowspan"):
        return value.strip() if SPAN_RE.match(value.strip()) else None
    if name in ("width", "height"):
        return value.strip() if SIZE_RE.match(value.strip()) else None
    if name == "href":
        return _clean_href(value)
    return value


BAD_URL_CHARS = re.compile(r"[\x00-\x20\x7f\\<>\"'`\ufffd]")


def _clean_href(value: str) -> str | None:
    """Absolute links (and //host) are kept as browsers read them (core/weburl.py), so that
    what is published is what was checked: `https://evil.example\\.gov.cn/` becomes
    https://evil.example/.gov.cn/, credentials go (LINK-3). Relative ones must be plain paths."""
    address = weburl.parse(value)
    if address is None:
        return None
    if not address.relative:
        if address.scheme not in URL_SCHEMES:
            return None
        return weburl.without_credentials(address) if address.is_web else address.href
    value = value.strip()
    if not value:
        return None
    first_segment = re.split(r"[/?#]", value, maxsplit=1)[0]
    if ":" in first_segment or "%" in first_segment or BAD_URL_CHARS.search(value):
        return None
    return value


_cleaner = nh3.Cleaner(
    tags=INPUT_TAGS,
    clean_content_tags=CLEAN_CONTENT_TAGS,
    attributes=ATTRIBUTES,
    attribute_filter=_filter_attribute,
    url_schemes=URL_SCHEMES,
    link_rel=LINK_REL,
    strip_comments=True,
)


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag, attrs=None):
        self.tag = tag
        self.attrs = attrs or []
        self.children = []


def _nesting_error() -> ValidationError:
    return ValidationError(
        _(
            "The formatting of this text is nested more than %(limit)d levels deep, which no article "
            "needs. Paste the text without formatting, or remove the nested formatting, and save again."
        ),
        code="nesting",
        params={"limit": MAX_NESTING},
    )


def _estimated_depth_exceeds(value: str, limit: int) -> bool:
    """Whether the tags of `value` open deeper than `limit` (a count of opened minus closed tags)."""
    depth = 0
    for closing, tag, self_closing in TAG_TOKEN_RE.findall(value):
        if self_closing or tag.lower() in FLAT_TAGS:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > limit:
                return True
    return False


class _TreeBuilder(HTMLParser):
    """Builds a tree from nh3's output, which is well-formed: every element is closed."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node(None)
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, [(k, v or "") for k, v in attrs])
        self.stack[-1].children.append(node)
        if tag not in VOID_TAGS:
            if len(self.stack) > MAX_NESTING:
                raise _nesting_error()
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag, [(k, v or "") for k, v in attrs]))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _has_block(node: _Node) -> bool:
    return any(isinstance(child, _Node) and child.tag in BLOCK_TAGS for child in node.children)


def _is_blank(node) -> bool:
    """A node that shows nothing: whitespace, non-breaking spaces, <br> and empty inline markup."""
    if isinstance(node, str):
        return not node.strip()
    if node.tag == "img":
        return False
    if node.tag == "br":
        return True
    if node.tag in ("table", "ul", "ol"):
        return False
    return all(_is_blank(child) for child in node.children)


def _normalise(node: _Node) -> list:
    """The normalised replacement of `node` (a list: a node may be unwrapped or dropped)."""
    children = []
    for child in node.children:
        if isinstance(child, str):
            children.append(child)
        else:
            children.extend(_normalise(child))
    if node.tag is None:
        node.children = _wrap_loose_text(children)
        return [node]
    tag = RENAMED_TAGS.get(node.tag, node.tag)
    if tag in STRUCTURE_TAGS:  # whitespace between rows, cells and items is only source formatting
        children = [child for child in children if not (isinstance(child, str) and not child.strip())]
    node.tag, node.children = tag, children
    if tag == "img" and not any(name == "src" for name, _ in node.attrs):
        return []
    if tag == "div":
        if _has_block(node):
            return children
        node.tag = "p"
        tag = "p"
    if tag == "a" and not any(name == "href" for name, _ in node.attrs):
        return children
    if tag in ("p", "h2", "h3", "h4", "li", "blockquote") and _is_blank(node):
        return [] if tag != "li" else [node]
    if tag == "p" and _has_block(node):
        return children  # a paragraph cannot hold blocks; browsers would split it anyway
    return [node]


def _wrap_loose_text(children: list) -> list:
    """Text and inline elements at the top level go into paragraphs."""
    result, run = [], []

    def flush():
        if run and not all(_is_blank(item) for item in run):
            paragraph = _Node("p")
            paragraph.children = list(run)
            result.append(paragraph)
        run.clear()

    for child in children:
        if isinstance(child, _Node) and child.tag in TOP_LEVEL_BLOCKS | BLOCK_TAGS:
            flush()
            result.append(child)
        else:
            run.append(child)
    flush()
    return result


def _serialise(nodes, out: list) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(html.escape(node, quote=False))
            continue
        attrs = "".join(f' {name}="{html.escape(value, quote=True)}"' for name, value in node.attrs)
        out.append(f"<{node.tag}{attrs}>")
        if node.tag in VOID_TAGS:
            continue
        _serialise(node.children, out)
        out.append(f"</{node.tag}>")


def clean_html(value: str | None) -> str:
    """Safe, tidy HTML for an article body from whatever an editor typed or pasted (SEC-7).

    Raises ValidationError (a form error for the field) when the markup nests deeper than
    MAX_NESTING levels."""
    if not value:
        return ""
    value = remove_non_text(str(value))
    if "<" in value and _estimated_depth_exceeds(value, MAX_NESTING_ESTIMATE):
        raise _nesting_error()
    first = _cleaner.clean(value)
    builder = _TreeBuilder()
    builder.feed(first)
    builder.close()
    out: list[str] = []
    for root in _normalise(builder.root):
        _serialise(root.children, out)
    return remove_non_text(_cleaner.clean("".join(out))).strip()  # entities (&#xFFFE;) become characters


def html_to_text(value: str | None) -> str:
    """The readable text of cleaned HTML (for excerpts and the confidentiality check)."""
    if not value:
        return ""
    text = nh3.clean(re.sub(r"(?i)<(?:br|/p|/li|/h[1-6]|/tr|/td|/th)\b[^>]*>", "\n", str(value)), tags=set())
    return html.unescape(text).strip()


# Invisible characters that have no place in a title or a name: bidirectional overrides can make
# a file name or a title read differently from what it is; zero-width ones hide words from checks.
INVISIBLE = {"\u200b", "\u200c", "\u200e", "\u200f", "\u2060", "\ufeff", "\u00ad"} | {
    chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


TAG_START = re.compile(r"<[A-Za-z!/?]")


SCRIPT_OR_STYLE_RE = re.compile(r"(?is)<(script|style)\b.*?</\1\s*>")
ANY_TAG_RE = re.compile(r"<[^>]*>")


def _strip_tags(text: str) -> str:
    if _estimated_depth_exceeds(text, MAX_NESTING_ESTIMATE):
        # nh3 would need minutes for this (see MAX_NESTING): absurd markup loses its tags, and
        # any "<" left, the simple way; a text field is cleaned before its length is checked.
        return html.unescape(ANY_TAG_RE.sub("", SCRIPT_OR_STYLE_RE.sub("", text)).replace("<", ""))
    return html.unescape(nh3.clean(text, tags=set(), clean_content_tags={"script", "style"}))


def clean_text(value, *, multiline: bool = False) -> str:
    """A plain-text field: no HTML, no control or invisible characters, trimmed.

    Tags are removed (script and style with their content) and entities decoded, so the stored
    text is what a reader sees; templates escape it again when they show it. Tags written as
    entities are removed too: the stored text never holds anything that reads as a tag. Single-line
    fields have their line breaks and runs of spaces collapsed; multi-line fields keep line breaks.
    """
    if value is None:
        return ""
    text = remove_non_text(str(value))
    if "<" in text or "&" in text:
        text = _strip_tags(text)
        # Markup written as entities (&lt;svg onload=…&gt;) is markup once decoded: it goes as well,
        # so that no stored text reads as a tag to whatever shows it as HTML (an RSS reader).
        while TAG_START.search(text):
            stripped = _strip_tags(text)
            if stripped == text:
                break
            text = stripped
    kept = []
    for ch in text:
        if ch in INVISIBLE:
            continue
        if ch in "\r\n\t":
            kept.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cs", "Co") or ch in ("\u2028", "\u2029"):
            continue
        else:
            kept.append(ch)
    text = remove_non_text("".join(kept))
    if multiline:
        lines = [
            line.replace("\t", " ").rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        ]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    else:
        text = re.sub(r"[ \t\r\n]+", " ", text)
    return text.strip()
