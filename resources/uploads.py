"""The one checker for files uploaded outside the library (SEC-7, RES-5).

The library's checks (resources/files.py) judge a file by its content, re-encode images and
refuse scripts, programs, polyglots and ZIP bombs. Other uploads of the platform (the report of a
site's security check, a site's logo) go through the same checks here, limited to the types that
place accepts, and are stored under a name the platform chooses with the extension of the type
found, never the uploader's: `check_file` for actions, `CheckedFileField` for forms.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

from resources import files, images
from resources.sniff import ATTACHMENT_KEYS, IMAGE_KEYS, TYPES, sniff


class CheckedUpload(File):
    """An upload that passed the checks: its content (re-encoded for images) and its platform name."""

    def __init__(self, checked: files.CheckedFile):
        checked.content.seek(0)
        super().__init__(checked.content, name=checked.storage_name())
        self.checked = checked


def allowed_label(allowed) -> str:
    return "、".join(str(TYPES[key].label) for key in sorted(allowed))


def check_file(uploaded, allowed, *, max_bytes: int | None = None) -> CheckedUpload:
    """Check `uploaded` against the library's rules, accepting only the type keys in `allowed`
    (resources/sniff.py: "pdf", "jpeg", …). An upload checked before is returned as it is.

    Raises ValidationError with a message that names what was found and what is allowed.
    """
    if isinstance(uploaded, CheckedUpload):
        return uploaded
    name = files.clean_original_name(getattr(uploaded, "name", ""))
    size = files.size_of(uploaded)
    if size == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if max_bytes is not None and size > max_bytes:
        raise files.too_large(name, size, max_bytes, _("this file"))
    found = sniff(uploaded, name)
    if found.key not in allowed or found.key not in IMAGE_KEYS | ATTACHMENT_KEYS:
        if found.key == "svg":
            raise images._refuse_image_type(name, found)
        raise ValidationError(
            _("“%(name)s” cannot be uploaded here (its content is %(found)s). Allowed: %(allowed)s.")
            % {"name": name, "found": found.label, "allowed": allowed_label(allowed)},
            code="file_type",
        )
    if found.key in IMAGE_KEYS:
        return CheckedUpload(images.check_image(uploaded, name))
    return CheckedUpload(files.check_attachment(uploaded, name))


def check_field_file(instance, field_name: str, allowed, *, max_bytes: int | None = None) -> None:
    """Check a new upload assigned to `instance.<field_name>` (not yet saved) and put the checked
    file in its place; errors are the field's. Files already stored are left alone."""
    value = getattr(instance, field_name)
    if not value or getattr(value, "_committed", True):
        return
    try:
        setattr(instance, field_name, check_file(value.file, allowed, max_bytes=max_bytes))
    except ValidationError as error:
        raise ValidationError({field_name: error.messages}) from error


class CheckedFileField(forms.FileField):
    """A form's file field whose uploads go through `check_file` (the cleaned value is checked)."""

    def __init__(self, *, allowed, max_bytes: int | None = None, **kwargs):
        self.allowed, self.max_bytes = frozenset(allowed), max_bytes
        super().__init__(**kwargs)

    def to_python(self, data):
        data = super().to_python(data)
        return check_file(data, self.allowed, max_bytes=self.max_bytes) if data else data
