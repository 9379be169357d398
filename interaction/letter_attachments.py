"""Files attached to a citizen's letter (INT-1; issue 16 item 8): at most 3, each at most 10 MB,
documents and pictures of the types the disclosure answers take, every one through the
platform's upload checks (resources/uploads.py `check_file`), refused in Chinese by name.

`check` runs before the letter is stored (a refusal stores nothing); `store` keeps the checked
files with the letter, inside the submit action's transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from interaction.models.letter_attachments import (
    MAX_LETTER_ATTACHMENT_BYTES,
    MAX_LETTER_ATTACHMENTS,
    LetterAttachment,
)
from resources.sniff import ATTACHMENT_KEYS, IMAGE_KEYS
from resources.uploads import CheckedUpload, check_file

# The types of the disclosure answers' attachments (disclosure/request_actions.py ATTACHMENT_TYPES).
LETTER_ATTACHMENT_TYPES = frozenset(ATTACHMENT_KEYS | IMAGE_KEYS)


def allowed_text() -> str:
    """What the form's hint says: how many files and how large (the refusal of a file names the
    types allowed)."""
    return _("At most %(n)d files of at most %(size)s each: documents (PDF, OFD, office files) or pictures.") % {
        "n": MAX_LETTER_ATTACHMENTS,
        "size": filesizeformat(MAX_LETTER_ATTACHMENT_BYTES),
    }


def check(files) -> list[CheckedUpload]:
    """The uploads checked, or ValidationError({"attachments": [messages]}) naming each refused file."""
    files = [item for item in (files or ()) if item]
    if len(files) > MAX_LETTER_ATTACHMENTS:
        raise ValidationError(
            {"attachments": _("At most %(n)d files can be attached to a letter.") % {"n": MAX_LETTER_ATTACHMENTS}}
        )
    checked, refused = [], []
    for uploaded in files:
        try:
            checked.append(check_file(uploaded, LETTER_ATTACHMENT_TYPES, max_bytes=MAX_LETTER_ATTACHMENT_BYTES))
        except ValidationError as error:
            refused.extend(error.messages)
    if refused:
        raise ValidationError({"attachments": refused})
    return checked


def store(letter, checked: list[CheckedUpload], *, now) -> list[LetterAttachment]:
    return [
        LetterAttachment.objects.create(
            letter=letter,
            file=upload,
            original_name=upload.checked.original_name,
            content_type=upload.checked.file_type.content_type,
            size=upload.checked.size,
            uploaded_at=now,
        )
        for upload in checked
    ]
