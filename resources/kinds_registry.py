"""One class per kind of resource, registered once (DESIGN.md "Kinds are classes", issue 13 item 6).

What differs between kinds lives here, not in `if kind == …` chains across files: the form that
validates `Revision.data` (resources/kinds.py), the help shown when choosing a kind, whether the kind
holds a file and which files it accepts (resources/files.py), whether its data carries the title and
is rich text, the index number it files under, the page template and the per-kind parts of its page.
The publisher asks `kind_class(kind)` for those parts by name and keeps the rendering code itself
(the content layer does not import publishing). After Wagtail's page models, one class owns it all.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from resources import files, images
from resources.kinds import KIND_FORMS, KindForm
from resources.models import ResourceKind

KIND_CLASSES: dict[str, type[Kind]] = {}


def register(cls: type[Kind]) -> type[Kind]:
    KIND_CLASSES[cls.kind] = cls
    return cls


def kind_class(kind: str) -> type[Kind]:
    """The class of `kind`; KeyError for an unknown kind (callers check `kind in KIND_CLASSES`)."""
    return KIND_CLASSES[kind]


class Kind:
    kind: str = ""
    form: type[KindForm]  # validates `Revision.data` (resources/kinds.py)
    help_text = ""
    # Text kinds carry the title in their data and store rich text (the resource's format).
    title_in_data = False
    rich_text = False
    # A file kind: uploads are checked by `check_file(uploaded, name)`; the formats it accepts.
    has_file = False
    allowed_types = ""
    # The published page: template, the page parts the renderer adds (publishing/render_content.py
    # names one method per part), and the related resources listed under a heading:
    # (attribute of the publisher's Content or key of the data, heading).
    has_page = True
    page_template = "article.html"
    page_parts: tuple[str, ...] = ()
    page_links: tuple[str, str] | None = None
    # How the page shows the kind's own file: as the cover picture or as the first attachment.
    file_on_page = ""
    # Policies and their interpretations link both ways (PolicyInterpretation rows, RES-8): an
    # interpretation names its policies in its data; a policy is interpreted by others.
    links_policies = False
    interpreted = False
    # A picture: described for blind readers (alternative text) and insertable into a body.
    is_picture = False
    # The document header of its page and of the disclosure catalogue (索引号, 发文机关, 文号 …, RES-7,
    # DISC-2): header field (publishing/extensions.py HEADER_FIELDS) -> key of the data holding it,
    # for kinds whose own form asks for it; a catalogue entry's value comes first.
    header_keys: dict[str, str] = {}
    # It carries a validity status (有效/已修改/已废止/已失效, RES-7): its page lists the status's
    # changes, and the policy library filters by it (DISC-5).
    validity_history = False

    @classmethod
    def check_file(cls, uploaded, name: str):
        raise NotImplementedError(f"{cls.kind} holds no file")

    @classmethod
    def index_number(cls, data: dict) -> str:
        """The index number (索引号) the resource is filed under; only policy documents have one."""
        return ""

    @classmethod
    def page_files(cls, data: dict, resource_id: int) -> list[tuple[str, str, int, str]]:
        """Files made from the data that the page offers for download after its attachments (the
        annual report's DOCX): (name shown, path under MEDIA_ROOT, size, content type) each; the
        kind writes them there, and the publisher copies them beside the page like attachments."""
        return []

    @classmethod
    def page_context(cls, data: dict, site) -> dict:
        """What the kind adds to its page's template from its data, for kinds of the feature apps
        whose parts the publisher does not know (the disclosure guide); `site` is the site's data."""
        return {}


def _with_form(cls: type[Kind]) -> type[Kind]:
    cls.form = KIND_FORMS[cls.kind]
    return register(cls)


@_with_form
class Article(Kind):
    kind = ResourceKind.ARTICLE
    help_text = _("News, notices and other texts with a body.")
    title_in_data = rich_text = True


@_with_form
class Image(Kind):
    kind = ResourceKind.IMAGE
    help_text = _("A picture, checked and resized on upload.")
    has_file = True
    allowed_types = files.IMAGE_TYPES
    file_on_page = "cover"
    is_picture = True

    @classmethod
    def check_file(cls, uploaded, name: str):
        return images.check_image(uploaded, name)


@_with_form
class Attachment(Kind):
    kind = ResourceKind.ATTACHMENT
    help_text = _("A document to download: PDF, OFD, Word, Excel, …")
    has_file = True
    allowed_types = files.ATTACHMENT_TYPES
    file_on_page = "attachment"

    @classmethod
    def check_file(cls, uploaded, name: str):
        return files.check_attachment(uploaded, name)


@_with_form
class Video(Kind):
    kind = ResourceKind.VIDEO
    help_text = _("A video file (MP4).")
    has_file = True
    allowed_types = files.VIDEO_TYPES
    file_on_page = "attachment"

    @classmethod
    def check_file(cls, uploaded, name: str):
        return files.check_video(uploaded, name)


@_with_form
class Link(Kind):
    """A link has no page of its own: lists and search send readers straight to its address."""

    kind = ResourceKind.LINK
    help_text = _("A link to a page elsewhere.")
    has_page = False


@_with_form
class Institution(Kind):
    kind = ResourceKind.INSTITUTION
    help_text = _("An institution with its duties and contact (机构职能).")
    page_template = "institution.html"
    page_parts = ("institution",)


@_with_form
class Leader(Kind):
    kind = ResourceKind.LEADER
    help_text = _("A leader with photo, résumé and responsibilities (负责人信息).")
    page_template = "leader.html"
    page_parts = ("leader",)
    page_links = ("speeches", "讲话和文章")


@_with_form
class Policy(Kind):
    kind = ResourceKind.POLICY
    help_text = _("A policy document with its number, issuer, dates and validity (政策文件).")
    title_in_data = rich_text = True
    page_template = "policy.html"
    page_parts = ("policy",)
    page_links = ("interpretations", "政策解读")
    interpreted = True
    header_keys = {
        "index_number": "index_number",
        "issuing_body": "issuing_body",
        "written_on": "signing_date",
        "document_number": "document_number",
        "published_on": "publishing_date",
    }
    validity_history = True

    @classmethod
    def index_number(cls, data: dict) -> str:
        return data.get("index_number", "")


@_with_form
class Interpretation(Kind):
    kind = ResourceKind.INTERPRETATION
    help_text = _("An interpretation of one or more policy documents (政策解读).")
    title_in_data = rich_text = True
    page_links = ("policies", "解读的政策文件")
    links_policies = True


FILE_KINDS = frozenset(kind for kind, cls in KIND_CLASSES.items() if cls.has_file)
NO_PAGE_KINDS = frozenset(kind for kind, cls in KIND_CLASSES.items() if not cls.has_page)
PICTURE_KINDS = tuple(kind for kind, cls in KIND_CLASSES.items() if cls.is_picture)
