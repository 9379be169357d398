"""What each kind of resource holds: one form per kind validates `Revision.data` (RES-2, RES-6 to RES-8).

`clean_revision_data(kind, data, metadata, site=…)` is what actions call; `KIND_FORMS` gives the
back office the same forms to render (their rich-text fields carry the editor widget). Every value
comes out JSON-serialisable: text is sanitised (resources/sanitize.py), dates are ISO strings,
references to other resources are their ids, checked to exist, to be of the right kind and to
belong to a site the user may use.

The metadata every resource shares (RES-2: title, source, author, keywords, description,
classification) is validated by `MetadataForm`. Articles, policy documents and interpretations
also carry title, source, author and keywords in their data; the two are kept equal: a non-empty
value in `data` wins, otherwise the metadata's value is used.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from core import weburl
from resources.fields import IsoDateField, KeywordsField, PlainTextField, ResourceRefField, ResourceRefsField
from resources.models import Resource, ResourceKind, Validity
from resources.references import ReferenceChecks
from resources.sanitize import html_to_text
from resources.widgets import RichTextField

SHARED_FIELDS = ("title", "source", "author", "keywords")
PHONE_RE = re.compile(r"^[0-9+()（）\-－\s、,，/转]{3,60}$")
YEAR_BRACKETS = re.compile(r"[\[［(（【〔]\s*((?:19|20)\d{2})\s*[\]］)）】〕]")
WEB_SCHEME_RE = re.compile(r"(?i)https?:")


# -- forms --------------------------------------------------------------------------------------


class MetadataForm(forms.Form):
    """The metadata every resource carries (RES-2)."""

    title = PlainTextField(label=_("title"), max_length=300)
    source = PlainTextField(
        label=_("source"),
        max_length=100,
        required=False,
        help_text=_("The issuing organisation, shown as the page's source."),
    )
    author = PlainTextField(label=_("author"), max_length=100, required=False)
    keywords = KeywordsField(label=_("keywords"), max_length=200, required=False)
    description = PlainTextField(label=_("description"), max_length=500, required=False, multiline=True)
    classification = PlainTextField(
        label=_("classification"), max_length=100, required=False, help_text=_("The subject category (主题分类).")
    )


class KindForm(ReferenceChecks, forms.Form):
    """A form for `Revision.data` of one kind. References are checked against the library in `clean`
    (resources/references.py)."""

    kind: str = ""

    def __init__(self, *args, site=None, user=None, resource=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site, self.user, self.resource = site, user, resource
        self.referenced: dict[int, Resource] = {}

    def to_json(self) -> dict:
        result = {}
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif value is None:
                value = None if isinstance(self.fields[name], ResourceRefField | forms.DateField) else ""
            result[name] = value
        return result


class ArticleForm(KindForm):
    kind = ResourceKind.ARTICLE

    title = PlainTextField(label=_("title"), max_length=300)
    subtitle = PlainTextField(label=_("subtitle"), max_length=300, required=False)
    body = RichTextField(label=_("body"))
    source = PlainTextField(label=_("source"), max_length=100, required=False)
    author = PlainTextField(label=_("author"), max_length=100, required=False)
    keywords = KeywordsField(label=_("keywords"), max_length=200, required=False)
    summary = PlainTextField(label=_("summary"), max_length=500, required=False, multiline=True)
    cover_image = ResourceRefField(label=_("cover image"), kinds=[ResourceKind.IMAGE])
    attachments = ResourceRefsField(
        label=_("attachments"), kinds=[ResourceKind.ATTACHMENT, ResourceKind.VIDEO], required=False
    )


class ImageForm(KindForm):
    kind = ResourceKind.IMAGE

    alt = PlainTextField(
        label=_("alternative text"),
        max_length=300,
        help_text=_("What the picture shows, read aloud to blind readers."),  # TPL-9
        error_messages={"required": _("Describe what the picture shows (alternative text for blind readers).")},
    )
    caption = PlainTextField(label=_("caption"), max_length=300, required=False)


class AttachmentForm(KindForm):
    kind = ResourceKind.ATTACHMENT

    description = PlainTextField(label=_("description"), max_length=500, required=False, multiline=True)


class VideoForm(AttachmentForm):
    kind = ResourceKind.VIDEO


class WebAddressField(PlainTextField):
    """An http(s) address, stored the way browsers read it (core/weburl.py), so that the
    address that is checked and published is the one citizens are sent to (LINK-3):
    `https://evil.example\\@www.shifan.gov.cn/` is stored as https://evil.example/@www.shifan.gov.cn/."""

    def to_python(self, value):
        text = super().to_python(value)
        address = weburl.parse(text) if WEB_SCHEME_RE.match(weburl.prepare(text)) else None
        # anything else is left as typed, for the validator to refuse with its message
        return weburl.without_credentials(address) if address is not None and address.is_web else text


class LinkForm(KindForm):
    kind = ResourceKind.LINK

    url = WebAddressField(
        label=_("address (URL)"),
        max_length=2000,
        validators=[
            URLValidator(
                schemes=["http", "https"],
                message=_("Give a full web address that starts with http:// or https://."),
            )
        ],
    )


class InstitutionForm(KindForm):
    """An institution and its duties (机构职能, RES-6)."""

    kind = ResourceKind.INSTITUTION

    name = PlainTextField(label=_("name"), max_length=100)
    duties = RichTextField(label=_("duties"))
    address = PlainTextField(label=_("address"), max_length=200, required=False)
    phone = PlainTextField(label=_("phone"), max_length=60, required=False)
    hours = PlainTextField(label=_("office hours"), max_length=200, required=False)
    parent = ResourceRefField(label=_("parent institution"), kinds=[ResourceKind.INSTITUTION])

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if phone and not PHONE_RE.match(phone):
            raise ValidationError(
                _("Give a phone number with digits and hyphens, e.g. 0312-3021234; separate several with 、."),
                code="phone",
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        parent_id = cleaned.get("parent")
        if parent_id and self.resource is not None and "parent" not in self.errors:
            seen, node = set(), parent_id
            while node and node not in seen and len(seen) < 50:
                if node == self.resource.pk:
                    self.add_error("parent", ValidationError(
                        _("This institution cannot be placed under one of its own sub-institutions."), code="cycle"
                    ))  # fmt: skip
                    break
                seen.add(node)
                revision = Resource.objects.filter(pk=node).values_list("current_revision__data", flat=True).first()
                node = (revision or {}).get("parent")
        return cleaned


class LeaderForm(KindForm):
    """A leader of the organisation (负责人信息, RES-6)."""

    kind = ResourceKind.LEADER

    name = PlainTextField(label=_("name"), max_length=50)
    photo = ResourceRefField(label=_("photo"), kinds=[ResourceKind.IMAGE])
    position = PlainTextField(label=_("position"), max_length=100)
    resume = RichTextField(label=_("résumé"), required=False)
    responsibilities = RichTextField(label=_("responsibilities"), required=False)
    speeches = ResourceRefsField(label=_("speeches"), kinds=[ResourceKind.ARTICLE], required=False)


class PolicyForm(ArticleForm):
    """A policy document (政策文件, RES-7): the text plus document number, issuer, dates and validity."""

    kind = ResourceKind.POLICY

    body = RichTextField(label=_("full text"), required=False)
    document_number = PlainTextField(
        label=_("document number"), max_length=100, required=False, help_text=_("文号, e.g. 国办发〔2017〕47号.")
    )
    issuing_body = PlainTextField(label=_("issuing body"), max_length=200)
    signing_date = IsoDateField(label=_("date of signing"), required=False)
    publishing_date = IsoDateField(label=_("date of issue"), required=False)
    validity = forms.ChoiceField(label=_("validity"), choices=Validity.choices, initial=Validity.VALID)
    validity_date = IsoDateField(
        label=_("validity changed on"),
        required=False,
        help_text=_("The date the document was amended, repealed or expired."),
    )
    replaced_by = ResourceRefField(
        label=_("replaced by"),
        kinds=[ResourceKind.POLICY],
        help_text=_("The document that amends or repeals this one."),
    )
    # The index number (索引号, RES-7) is no longer typed: the platform assigns it when the document
    # is first disclosed (disclosure/catalogue.py, DISC-2). A number typed into an older version
    # stays in that version's data and on the resource (editorial.drafts keeps it).

    def clean_document_number(self):
        # Editors type 〔2017〕 as [2017], （2017） or 【2017】; the official form uses 〔〕.
        return YEAR_BRACKETS.sub(r"〔\1〕", self.cleaned_data["document_number"])

    def clean(self):
        cleaned = super().clean()
        validity = cleaned.get("validity")
        if validity in (Validity.AMENDED, Validity.REPEALED) and not cleaned.get("replaced_by"):
            if "replaced_by" not in self.errors:
                self.add_error("replaced_by", ValidationError(
                    _("An amended or repealed document must name the document that amends or repeals it."),
                    code="replaced_by_required",
                ))  # fmt: skip
        if validity and validity != Validity.VALID and not cleaned.get("validity_date"):
            if "validity_date" not in self.errors:
                self.add_error("validity_date", ValidationError(
                    _("Give the date on which the document was amended, repealed or expired."),
                    code="validity_date_required",
                ))  # fmt: skip
        if validity == Validity.VALID and cleaned.get("replaced_by"):
            self.add_error("replaced_by", ValidationError(
                _("A valid document is not replaced; choose “amended” or “repealed” as its validity."),
                code="replaced_by_valid",
            ))  # fmt: skip
        signed, issued = cleaned.get("signing_date"), cleaned.get("publishing_date")
        if signed and issued and issued < signed:
            self.add_error("publishing_date", ValidationError(
                _("The date of issue cannot be before the date of signing."), code="dates_order"
            ))  # fmt: skip
        if not html_to_text(cleaned.get("body") or "") and not cleaned.get("attachments") and "body" not in self.errors:
            self.add_error("body", ValidationError(
                _("Give the text of the document, or attach it as a file."), code="body_required"
            ))  # fmt: skip
        return cleaned


class InterpretationForm(ArticleForm):
    """An interpretation (政策解读) of one or more policy documents (RES-8)."""

    kind = ResourceKind.INTERPRETATION

    policies = ResourceRefsField(
        label=_("interpreted policy documents"),
        kinds=[ResourceKind.POLICY],
        min_count=1,
        error_messages={"required": _("Choose at least one policy document that this interpretation explains.")},
    )


KIND_FORMS: dict[str, type[KindForm]] = {
    ResourceKind.ARTICLE: ArticleForm,
    ResourceKind.IMAGE: ImageForm,
    ResourceKind.ATTACHMENT: AttachmentForm,
    ResourceKind.VIDEO: VideoForm,
    ResourceKind.LINK: LinkForm,
    ResourceKind.INSTITUTION: InstitutionForm,
    ResourceKind.LEADER: LeaderForm,
    ResourceKind.POLICY: PolicyForm,
    ResourceKind.INTERPRETATION: InterpretationForm,
}


def referenced_ids(kind: str, data) -> list[int]:
    """The resources a revision of `kind` refers to in its reference fields (cover, attachments,
    photo, speeches, policies …), in field order, each once: what must be online with it."""
    form_class = KIND_FORMS.get(kind)
    if form_class is None:
        return []
    out: list[int] = []
    for name, field in form_class.base_fields.items():
        if isinstance(field, ResourceRefField):
            value = (data or {}).get(name)
            for item in value if isinstance(value, list | tuple) else [value]:
                if isinstance(item, dict):  # an old shape: {"id": …}
                    item = item.get("id") or item.get("resource") or item.get("resource_id")
                if isinstance(item, str) and item.isdigit():
                    item = int(item)
                if isinstance(item, int) and not isinstance(item, bool) and item not in out:
                    out.append(item)
    return out


def _present(value) -> bool:
    return value not in (None, "", [], {})


def clean_revision_data(kind, data, metadata, *, site, user=None, resource=None) -> tuple[dict, dict]:
    """Validate the content and metadata of a revision of a `kind` resource of `site`.

    Returns `(data, metadata)`, cleaned and JSON-serialisable, or raises ValidationError with a
    message per field. `user` is who saves (None: the system); `resource` is the resource being
    edited (None while it is created), so that it does not conflict with itself.
    """
    if kind not in KIND_FORMS:
        raise ValidationError({"kind": _("Unknown kind of resource.")}, code="kind")
    form_class = KIND_FORMS[kind]
    data = dict(data or {})
    metadata = dict(metadata or {})
    for name in SHARED_FIELDS:
        if name in form_class.base_fields:
            if _present(data.get(name)):
                metadata[name] = data[name]
            elif _present(metadata.get(name)):
                data[name] = metadata[name]
    if kind in (ResourceKind.IMAGE,) and not _present(metadata.get("description")) and _present(data.get("alt")):
        metadata["description"] = data["alt"]
    if not _present(metadata.get("description")) and _present(data.get("summary")):
        metadata["description"] = data["summary"]

    meta_form = MetadataForm(data=metadata)
    kind_form = form_class(data=data, site=site, user=user, resource=resource)
    errors = {}
    for form in (meta_form, kind_form):
        if not form.is_valid():
            for name, messages in form.errors.as_data().items():
                errors.setdefault(name, [])
                for message in messages:
                    if message.messages not in [m.messages for m in errors[name]]:
                        errors[name].append(message)
    if errors:
        raise ValidationError(errors)
    clean_meta = {name: meta_form.cleaned_data[name] for name in MetadataForm.base_fields}
    clean_data = kind_form.to_json()
    for name in SHARED_FIELDS:
        if name in clean_data:
            clean_meta[name] = clean_data[name]
    return clean_data, clean_meta
