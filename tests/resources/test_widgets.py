"""The rich-text editor of the back office, always followed by our sanitiser (SEC-7)."""

import json

import pytest
from django import forms
from django.core.exceptions import ValidationError

from resources.widgets import EDITOR_EXTENSIONS, AdminRichTextWidget, RichTextField, RichTextWidget
from tests.resources.test_sanitize import WORD_PASTE, assert_no_script


class ArticleBodyForm(forms.Form):
    body = RichTextField()
    note = RichTextField(required=False, admin=True)


def test_field_cleans_with_our_sanitiser():  # SEC-7
    form = ArticleBodyForm({"body": '<p onclick="x">正文</p><script>alert(1)</script><iframe src="//x"></iframe>'})
    assert form.is_valid()
    assert form.cleaned_data["body"] == "<p>正文</p>"
    assert form.cleaned_data["note"] == ""


def test_word_paste_through_the_field_is_clean():  # SEC-7
    form = ArticleBodyForm({"body": WORD_PASTE})
    assert form.is_valid()
    assert_no_script(form.cleaned_data["body"])
    assert "<table>" in form.cleaned_data["body"] and "mso" not in form.cleaned_data["body"]


@pytest.mark.parametrize("empty", ["", "<p></p>", "<p>&nbsp;</p>", "<script>alert(1)</script>"])
def test_required_body_must_have_visible_content(empty):
    form = ArticleBodyForm({"body": empty})
    assert not form.is_valid() and "body" in form.errors


def test_body_with_only_a_library_image_is_content():
    form = ArticleBodyForm({"body": '<p><img src="/media/library/a.jpg" alt="图"></p>'})
    assert form.is_valid()


def test_field_renders_the_prose_editor_with_the_allowed_features():
    form = ArticleBodyForm()
    assert isinstance(form.fields["body"].widget, RichTextWidget)
    assert isinstance(form.fields["note"].widget, AdminRichTextWidget)
    html = str(form["body"])
    assert "data-django-prose-editor-configurable" in html
    config = json.loads(form.fields["body"].widget.get_context("body", "", {})["widget"]["attrs"][
        "data-django-prose-editor-configurable"])  # fmt: skip
    assert config["extensions"]["Heading"] == {"levels": [2, 3, 4]}
    assert "Table" in config["extensions"] and "CodeBlock" not in config["extensions"]
    assert "TextAlign" not in EDITOR_EXTENSIONS and "Color" not in EDITOR_EXTENSIONS  # style attributes are stripped
    media = str(form.media)
    assert "django_prose_editor/editor.js" in media


def test_field_clean_raises_validation_error_when_required():
    with pytest.raises(ValidationError):
        RichTextField().clean("<p> </p>")
