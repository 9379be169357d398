"""A PDF must open in a plain reader: no password, no scripts, launch actions or attached files (RES-5, SEC-7).

Active content is looked for twice: in the raw bytes (names such as /JavaScript or /Launch in
uncompressed objects) and in the document's structure through pypdf (the catalog's open action
and name trees, pages' and annotations' actions), which also finds script actions stored in
compressed object streams. "/JS" alone is too short to look for in compressed binary data.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF_ACTIVE_RE = re.compile(rb"/(?:JavaScript|Launch|EmbeddedFiles?|RichMedia)\b")
PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"}
MAX_PAGES_CHECKED = 500


def _pdf_active_content(name: str) -> ValidationError:
    return ValidationError(
        _(
            "“%(name)s” contains scripts or embedded files (PDF JavaScript, launch actions or attached files). "
            "Please export the document to PDF again without them."
        )
        % {"name": name},
        code="pdf_active_content",
    )


def _resolve(value):
    return value.get_object() if hasattr(value, "get_object") else value


def _is_active_action(action, depth: int = 0) -> bool:
    action = _resolve(action)
    if depth > 20 or not isinstance(action, dict):
        return False
    if action.get("/S") in PDF_ACTIVE_ACTIONS or "/JS" in action:
        return True
    following = _resolve(action.get("/Next"))
    if isinstance(following, list):
        return any(_is_active_action(item, depth + 1) for item in following)
    return following is not None and _is_active_action(following, depth + 1)


def _has_active_triggers(holder) -> bool:
    """The /A action and the /AA additional actions of a catalog, page or annotation."""
    holder = _resolve(holder)
    if not isinstance(holder, dict):
        return False
    if holder.get("/A") is not None and _is_active_action(holder.get("/A")):
        return True
    triggers = _resolve(holder.get("/AA"))
    return isinstance(triggers, dict) and any(_is_active_action(action) for action in triggers.values())


def _pdf_has_active_structure(reader) -> bool:
    root = _resolve(reader.trailer["/Root"])
    opening = root.get("/OpenAction")
    if opening is not None and _is_active_action(opening):
        return True
    if _has_active_triggers(root):
        return True
    names = _resolve(root.get("/Names"))
    if isinstance(names, dict) and ("/JavaScript" in names or "/EmbeddedFiles" in names):
        return True
    for number, page in enumerate(reader.pages):
        if number >= MAX_PAGES_CHECKED:
            break
        if _has_active_triggers(page):
            return True
        for annotation in _resolve(page.get("/Annots")) or []:
            annotation = _resolve(annotation)
            if not isinstance(annotation, dict):
                continue
            if annotation.get("/Subtype") in ("/FileAttachment", "/RichMedia", "/Movie", "/Screen", "/Sound"):
                return True
            if _has_active_triggers(annotation):
                return True
    return False


def check_pdf(uploaded, name: str) -> None:
    """A PDF must open in a plain reader: no password, no scripts, launch actions or attached files."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    uploaded.seek(0)
    tail = b""
    while chunk := uploaded.read(1 << 20):
        if PDF_ACTIVE_RE.search(tail + chunk):
            uploaded.seek(0)
            raise _pdf_active_content(name)
        tail = chunk[-32:]
    uploaded.seek(0)
    try:
        reader = PdfReader(uploaded, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("“%(name)s” is protected by a password; readers could not open it. Please upload it without one.")
                % {"name": name},
                code="pdf_password",
            )
        active = _pdf_has_active_structure(reader)
    except ValidationError:
        raise
    except DependencyError:
        # AES-encrypted with an empty user password (printing or copying restricted): readers open
        # it, but pypdf needs the `cryptography` package to look inside. The byte scan above applied.
        active = False
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise ValidationError(
            _("“%(name)s” could not be opened as a PDF; the file may be damaged.") % {"name": name},
            code="damaged",
        ) from error
    finally:
        uploaded.seek(0)
    if active:
        raise _pdf_active_content(name)
