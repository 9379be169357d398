"""The rich-text editor of the back office: django-prose-editor, always followed by our sanitiser.

The editor (ProseMirror/Tiptap) offers only what `clean_html` keeps: paragraphs, headings 2–4,
bold, italic, underline, strike-through, sub/superscript, lists, quotations, tables, links and
images. ProseMirror already turns pasted Word HTML into its own schema in the browser; the server
never trusts that and runs `resources.sanitize.clean_html` on every value (SEC-7).

Use `RichTextField` in forms (the kind forms of resources/kinds.py do), or `rich_text_widget()`
to put the editor on another form field whose value is cleaned with `clean_html` too.
Rendering `{{ form.media }}` needs "django_prose_editor" in INSTALLED_APPS (its static files).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField, _actually_empty
from django_prose_editor.widgets import AdminProseEditorWidget, ProseEditorWidget

from resources.sanitize import clean_html, html_to_text

# The editor's features, matched to the sanitiser's allow-list (resources/sanitize.py).
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Image": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "History": True,
    "SpecialCharacters": True,
}
EDITOR_CONFIG = {"extensions": EDITOR_EXTENSIONS}
PRESET = "configurable"
DEFAULT_MAX_LENGTH = 1_000_000


def sanitise_editor_html(value: str) -> str:
    """What the editor sends, cleaned by our sanitiser; an empty editor gives ''."""
    return _actually_empty(clean_html(value))


# The editor at working height (about 24 lines, resizable): resources/static/resources/rich_text.css.
EDITOR_MEDIA = forms.Media(css={"all": ["resources/rich_text.css"]})


class RichTextWidget(ProseEditorWidget):
    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, config=EDITOR_CONFIG, preset=PRESET)

    @property
    def media(self):
        return super().media + EDITOR_MEDIA


class AdminRichTextWidget(AdminProseEditorWidget):
    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, config=EDITOR_CONFIG, preset=PRESET)

    @property
    def media(self):
        return super().media + EDITOR_MEDIA


def rich_text_widget(*, admin: bool = False):
    return AdminRichTextWidget() if admin else RichTextWidget()


def has_visible_content(value: str) -> bool:
    return bool(html_to_text(value)) or "<img" in value


class RichTextField(ProseEditorFormField):
    """A form field for rich text: the prose editor in the browser, `clean_html` on the server."""

    default_error_messages = {
        "required": _("This field is required; write some text."),
    }

    def __init__(self, *, admin: bool = False, max_length: int = DEFAULT_MAX_LENGTH, **kwargs):
        kwargs.setdefault("widget", AdminRichTextWidget if admin else RichTextWidget)
        super().__init__(config=dict(EDITOR_CONFIG), sanitize=sanitise_editor_html, max_length=max_length, **kwargs)

    def clean(self, value):
        cleaned = super().clean(value)
        if self.required and not has_visible_content(cleaned):
            raise ValidationError(self.error_messages["required"], code="required")
        return cleaned
