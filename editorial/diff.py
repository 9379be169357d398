"""What changed since the last published version, for the review page (PUB-4).

`review_diff(resource)` compares the revision in review (or the working copy) with the last
published one, field by field: the title, each metadata field, each content field, and the file.
HTML bodies are compared as text paragraphs; a changed paragraph is compared word by word (each
Chinese character is a word). `render_html` turns the result into safe HTML with <ins>/<del>.
"""

import difflib
import json
import re
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from editorial import queries
from editorial.text import looks_like_html, text_paragraphs
from resources.kinds import KIND_FORMS
from resources.models import Resource

# Paragraph pairs less similar than this are shown as one removed and one added paragraph.
PAIRING_RATIO = 0.5
# Words: each Chinese character alone, a run of other letters and digits, spaces, punctuation.
TOKEN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W\u3400-\u9fff\uf900-\ufaff]+|\s+|[^\w\s]")
METADATA_ORDER = ["source", "author", "keywords", "description", "classification", "format"]

EQUAL, INSERT, DELETE, CHANGE = "equal", "insert", "delete", "change"


@dataclass
class Segment:
    op: str  # equal, insert, delete
    text: str


@dataclass
class Line:
    """One paragraph: kept (equal), added (insert), removed (delete) or changed inside (change)."""

    status: str
    segments: list[Segment]


@dataclass
class FieldDiff:
    key: str  # "title", "metadata.source", "data.body", "asset"
    label: str
    is_html: bool
    lines: list[Line] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(line.status != EQUAL for line in self.lines)


@dataclass
class RevisionDiff:
    old: object  # Revision or None (never published)
    new: object
    fields: list[FieldDiff]

    @property
    def changed_fields(self) -> list[FieldDiff]:
        return [f for f in self.fields if f.changed]

    @property
    def has_changes(self) -> bool:
        return bool(self.changed_fields)


# --- values to paragraphs ---------------------------------------------------------------------


def _paragraphs(value, *, plain: bool = False) -> tuple[list[str], bool]:
    """(paragraphs, is_html) of a field value of any JSON type; `plain` text is never read as HTML."""
    if value is None or value == "":
        return [], False
    if isinstance(value, str) and plain:
        return [line.strip() for line in value.splitlines() if line.strip()], False
    if isinstance(value, str):
        return text_paragraphs(value), looks_like_html(value)
    if isinstance(value, bool | int | float):
        return [str(value)], False
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return [str(item) for item in value], False
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)
    return [line.rstrip() for line in text.splitlines() if line.strip()], False


def _tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(text)


def _inline(old: str, new: str) -> list[Segment]:
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    segments: list[Segment] = []

    def add(op, tokens):
        text = "".join(tokens)
        if not text:
            return
        if segments and segments[-1].op == op:
            segments[-1].text += text
        else:
            segments.append(Segment(op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add(EQUAL, old_tokens[i1:i2])
        else:
            add(DELETE, old_tokens[i1:i2])
            add(INSERT, new_tokens[j1:j2])
    return segments


def diff_paragraphs(old: list[str], new: list[str]) -> list[Line]:
    lines: list[Line] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [Line(EQUAL, [Segment(EQUAL, text)]) for text in old[i1:i2]]
            continue
        removed, added = old[i1:i2], new[j1:j2]
        for before, after in zip(removed, added, strict=False):
            ratio = difflib.SequenceMatcher(None, _tokens(before), _tokens(after), autojunk=False).ratio()
            if ratio >= PAIRING_RATIO:
                lines.append(Line(CHANGE, _inline(before, after)))
            else:
                lines.append(Line(DELETE, [Segment(DELETE, before)]))
                lines.append(Line(INSERT, [Segment(INSERT, after)]))
        paired = min(len(removed), len(added))
        lines += [Line(DELETE, [Segment(DELETE, text)]) for text in removed[paired:]]
        lines += [Line(INSERT, [Segment(INSERT, text)]) for text in added[paired:]]
    return lines


def diff_values(key: str, label: str, old, new, *, plain: bool = False) -> FieldDiff:
    """The difference of one field; `plain`: never read the values as HTML (title, metadata)."""
    old_paragraphs, old_html = _paragraphs(old, plain=plain)
    new_paragraphs, new_html = _paragraphs(new, plain=plain)
    return FieldDiff(
        key=key, label=label, is_html=old_html or new_html, lines=diff_paragraphs(old_paragraphs, new_paragraphs)
    )


# --- revisions --------------------------------------------------------------------------------


def _metadata_label(key: str) -> str:
    try:
        return str(Resource._meta.get_field(key).verbose_name)
    except Exception:
        return key


def _ordered_keys(old: dict, new: dict, preferred=()) -> list[str]:
    keys = [key for key in preferred if key in new or key in old]
    keys += [key for key in new if key not in keys]
    keys += [key for key in old if key not in keys]
    return keys


def _asset_name(revision) -> str:
    return revision.asset.original_name if revision is not None and revision.asset_id else ""


def diff_revisions(old, new) -> RevisionDiff:
    """The difference from `old` (None: nothing published yet) to `new`, field by field."""
    old_metadata = (old.metadata if old is not None else None) or {}
    old_data = (old.data if old is not None else None) or {}
    new_metadata, new_data = new.metadata or {}, new.data or {}
    fields = [diff_values("title", _("title"), old.title if old is not None else "", new.title, plain=True)]
    for key in _ordered_keys(old_metadata, new_metadata, METADATA_ORDER):
        fields.append(
            diff_values(
                f"metadata.{key}", _metadata_label(key), old_metadata.get(key), new_metadata.get(key), plain=True
            )
        )
    kind_fields = getattr(KIND_FORMS.get(new.resource.kind), "base_fields", {})
    for key in _ordered_keys(old_data, new_data):
        before, after = old_data.get(key), new_data.get(key)
        shown_lines = getattr(kind_fields.get(key), "shown_lines", None)
        if shown_lines is not None:  # a structured field reads as its lines (organisation, places, choices)
            before, after = (shown_lines(value) if value is not None else None for value in (before, after))
        fields.append(diff_values(f"data.{key}", key, before, after))
    if (old is not None and old.asset_id) or new.asset_id:
        fields.append(diff_values("asset", _("file"), _asset_name(old), _asset_name(new), plain=True))
    return RevisionDiff(old=old, new=new, fields=fields)


def review_diff(resource) -> RevisionDiff:
    """The version in review (or the working copy) against the last published one (PUB-4)."""
    new = resource.submitted_revision or resource.current_revision
    return diff_revisions(queries.last_published_revision(resource), new)


# --- HTML -------------------------------------------------------------------------------------

_SEGMENT_TAGS = {INSERT: "ins", DELETE: "del"}


def _render_line(line: Line) -> str:
    parts = []
    for segment in line.segments:
        tag = _SEGMENT_TAGS.get(segment.op)
        text = escape(segment.text)
        parts.append(f"<{tag}>{text}</{tag}>" if tag else str(text))
    return format_html('<p class="diff-line diff-{}">{}</p>', line.status, mark_safe("".join(parts)))


def render_html(diff: RevisionDiff, *, changed_only: bool = True) -> SafeString:
    """The diff as HTML: one <section> per field, one <p> per paragraph, changes in <ins>/<del>."""
    sections = []
    for field_diff in diff.changed_fields if changed_only else diff.fields:
        state = "changed" if field_diff.changed else "unchanged"
        body = "".join(_render_line(line) for line in field_diff.lines)
        sections.append(
            format_html(
                '<section class="diff-field diff-{}" data-field="{}"><h3>{}</h3>{}</section>',
                state,
                field_diff.key,
                field_diff.label,
                mark_safe(body),
            )
        )
    if not sections:
        sections.append(format_html('<p class="diff-none">{}</p>', _("No changes since the published version.")))
    return format_html('<div class="revision-diff">{}</div>', mark_safe("".join(sections)))
