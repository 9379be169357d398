"""Read-only views of a revision for the back office: the fields of its kind, with labels.

Used where content is shown and not edited: to reviewers, for content in review or published,
for an old revision in the history. Rich text is cleaned again before it is shown (the library
stores it cleaned already; showing it never relies on that alone, SEC-7). References to other
resources become their titles, linked when the reader may open them.
"""

from dataclasses import dataclass

from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from resources.fields import ResourceRefField, ResourceRefsField
from resources.kinds import KIND_FORMS, MetadataForm, referenced_ids
from resources.models import Resource
from resources.sanitize import clean_html
from resources.widgets import RichTextField


@dataclass
class ShownField:
    name: str
    label: str
    value: SafeString
    is_html: bool = False


def field_label(kind: str, name: str) -> str:
    field = KIND_FORMS[kind].base_fields.get(name) or MetadataForm.base_fields.get(name)
    if field is not None and field.label:
        return str(field.label)
    if name == "format":
        return str(Resource._meta.get_field("format").verbose_name)
    return name


def _referenced_ids(kind: str, revisions) -> set[int]:
    return {pk for revision in revisions for pk in referenced_ids(kind, revision.data)}


def referenced_resources(kind: str, revisions, visible_queryset) -> dict[int, tuple[str, bool]]:
    """{id: (title, may open)} of every resource the revisions refer to, in two queries."""
    ids = _referenced_ids(kind, revisions)
    if not ids:
        return {}
    titles = dict(Resource.objects.filter(pk__in=ids).values_list("pk", "title"))
    visible = set(visible_queryset.filter(pk__in=ids).values_list("pk", flat=True))
    return {pk: (title, pk in visible) for pk, title in titles.items()}


def _reference(pk, references) -> SafeString:
    title, may_open = references.get(pk, (None, False))
    if title is None:
        return format_html('<span class="missing-reference">{} {}</span>', _("missing resource"), pk)
    if may_open:
        url = reverse("admin:resources_resource_change", args=[pk])
        return format_html('<a href="{}">{}</a> <span class="quiet">#{}</span>', url, title, pk)
    return format_html('{} <span class="quiet">#{}</span>', title, pk)


def _value(field, value, references) -> tuple[SafeString, bool]:
    if value in (None, "", []):
        return mark_safe(""), False
    if hasattr(field, "shown_lines"):  # a structured field says how its value reads (lists, choices)
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in field.shown_lines(value))), False
    if isinstance(field, RichTextField):
        return mark_safe(clean_html(value)), True
    if isinstance(field, ResourceRefsField):
        return format_html_join("、", "{}", ((_reference(pk, references),) for pk in value)), False
    if isinstance(field, ResourceRefField):
        return _reference(value, references), False
    if isinstance(field, forms.ChoiceField):
        return format_html("{}", dict(field.choices).get(value, value)), False
    return format_html("{}", value), False


def shown_fields(resource: Resource, revision, references) -> list[ShownField]:
    """The title, the content fields of the kind and the other metadata of a revision, in order."""
    if revision is None:
        return []
    kind_fields = KIND_FORMS[resource.kind].base_fields
    shown = [ShownField("title", str(_("title")), format_html("{}", revision.title))]
    data = revision.data or {}
    for name, field in kind_fields.items():
        if name == "title":
            continue
        value, is_html = _value(field, data.get(name), references)
        shown.append(ShownField(name, str(field.label or name), value, is_html))
    metadata = revision.metadata or {}
    for name, field in MetadataForm.base_fields.items():
        if name in kind_fields or name == "title":
            continue
        value, is_html = _value(field, metadata.get(name), references)
        shown.append(ShownField(name, str(field.label or name), value, is_html))
    return shown


def asset_preview(revision) -> dict | None:
    """The file of a revision: name, size, address and, for images, the smallest rendition."""
    if revision is None or revision.asset_id is None:
        return None
    asset = revision.asset
    renditions = sorted(asset.renditions.all(), key=lambda rendition: rendition.width)
    return {
        "asset": asset,
        "url": asset.file.url if asset.file else "",
        "thumbnail": renditions[0].file.url
        if renditions
        else (asset.file.url if asset.content_type.startswith("image/") else ""),
    }


def where_label(kind: str, where: str) -> str:
    """A field path of the check or the diff ("data.body", "metadata.source") as editors name it."""
    for prefix in ("data.", "metadata."):
        if where.startswith(prefix):
            name, _, rest = where[len(prefix) :].partition(".")
            return field_label(kind, name) + (f" {rest}" if rest else "")
    if where == "title":
        return str(_("title"))
    if where == "asset" or where.startswith("attachment:"):
        return str(_("file"))
    return where


def relabel_diff(diff, kind: str):
    """The diff names content fields by their key: give them the labels editors know, and show a
    field that is both metadata and content (title, source, author, keywords) once."""
    kept, seen = [], set()
    for field_diff in diff.fields:
        if field_diff.key in ("metadata.title", "data.title"):
            continue
        if field_diff.key.startswith(("data.", "metadata.")):
            field_diff.label = where_label(kind, field_diff.key)
        lines = tuple((line.status, tuple((s.op, s.text) for s in line.segments)) for line in field_diff.lines)
        if (field_diff.label, lines) in seen:
            continue
        seen.add((field_diff.label, lines))
        kept.append(field_diff)
    diff.fields = kept
    return diff
