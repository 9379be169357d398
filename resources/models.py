"""The platform-wide resource library: store first, then use (先入库，后使用, RES-1).

A Resource is one piece of content of one kind, owned by one site. Its content lives in
immutable Revisions: `current_revision` is the working copy editors change, `published_revision`
is what citizens see, and they differ while a new version is in review (PUB-9). The fields a
kind has beyond the shared metadata (RES-2) live in `Revision.data`, validated by the kind's form
in resources/kinds.py. Files (images, attachments, videos) are Assets, checked and re-encoded on
upload (RES-5), referenced by revisions.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ResourceKind(models.TextChoices):
    ARTICLE = "article", _("article")
    IMAGE = "image", _("image")
    ATTACHMENT = "attachment", _("attachment")
    VIDEO = "video", _("video")
    LINK = "link", _("link")
    INSTITUTION = "institution", _("institution")
    LEADER = "leader", _("leader")
    POLICY = "policy", _("policy document")
    INTERPRETATION = "interpretation", _("policy interpretation")
    # Government information disclosure (DISC-1, DISC-4): kind classes registered by disclosure/kinds.py.
    GUIDE = "guide", _("disclosure guide")
    ANNUAL_REPORT = "annual_report", _("annual disclosure report")
    # The knowledge base of citizens' questions (INT-5): kind class registered by interaction/knowledge.py.
    QA = "qa", _("question and answer")


class ResourceStatus(models.TextChoices):
    """Where the working copy stands in the workflow (PUB-2)."""

    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    RETURNED = "returned", _("returned")
    APPROVED = "approved", _("approved, waiting for its publishing time")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Validity(models.TextChoices):
    """Validity of a policy document (RES-7)."""

    VALID = "valid", _("valid")
    AMENDED = "amended", _("amended")
    REPEALED = "repealed", _("repealed")
    EXPIRED = "expired", _("expired")


class Disclosure(models.TextChoices):
    """The disclosure attribute (公开属性, PUB-10), decided during review. Only proactively
    disclosed items are ever placed on a public page."""

    PROACTIVE = "proactive", _("proactive disclosure")
    ON_REQUEST = "on_request", _("disclosure on request")
    WITHHELD = "withheld", _("not disclosed")


class Resource(models.Model):
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="resources", verbose_name=_("owning site")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ResourceKind.choices, db_index=True)
    column = models.ForeignKey(
        "columns.Column",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="home_resources",
        verbose_name=_("column"),
        help_text=_("The column it is written for; its review levels apply."),  # PUB-9
    )
    # RES-2 metadata, copied from the current revision so that lists and filters need no join.
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(_("source"), max_length=100, blank=True)
    author = models.CharField(_("author"), max_length=100, blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    classification = models.CharField(_("classification"), max_length=100, blank=True)
    format = models.CharField(_("format"), max_length=100, blank=True)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("creator")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    status = models.CharField(_("status"), max_length=20, choices=ResourceStatus.choices, default=ResourceStatus.DRAFT)
    current_revision = models.ForeignKey(
        "Revision", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("working revision")
    )
    submitted_revision = models.ForeignKey(
        "Revision", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("revision in review"),
    )  # fmt: skip
    published_revision = models.ForeignKey(
        "Revision", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("published revision"),
    )  # fmt: skip
    review_level = models.PositiveSmallIntegerField(_("review level reached"), default=0)
    # When it was last submitted (the time of its latest submission event), kept here so that the
    # review queue sorts and pages by an index instead of reading every item's events.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    unpublish_at = models.DateTimeField(_("unpublish at"), null=True, blank=True)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    index_number = models.CharField(  # RES-7
        _("index number"), max_length=60, blank=True, help_text=_("索引号 of the public-information catalogue.")
    )
    # PUB-10: empty until a reviewer decides it; the reason is required for 不予公开.
    disclosure = models.CharField(_("disclosure"), max_length=12, choices=Disclosure.choices, blank=True)
    disclosure_reason = models.CharField(_("reason for not disclosing"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resource library")
        ordering = ["-updated_at", "-id"]
        indexes = [
            # The back office's library lists everything newest first (platform administrators, 100,000+ rows).
            models.Index(fields=["-updated_at", "-id"], name="resource_library_order_idx"),
            models.Index(fields=["site", "-updated_at"]),
            models.Index(fields=["site", "kind", "status", "-updated_at"]),
            models.Index(fields=["column", "status"]),
            models.Index(fields=["status", "publish_at"]),
            models.Index(fields=["status", "unpublish_at"]),
            # The review queue: what is in review on the reviewer's sites, oldest or newest first.
            models.Index(fields=["status", "site", "submitted_at"], name="resource_review_queue_idx"),
            # An editor's own items by state (the work page's drafts, returned, waiting for review).
            models.Index(fields=["creator", "status", "site"], name="resource_creator_status_idx"),
        ]

    def __str__(self):
        return self.title


class Asset(models.Model):
    """An uploaded file, checked by content and stored under a name the platform chose (RES-5)."""

    file = models.FileField(_("file"), upload_to="library/%Y/%m/")
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    text = models.TextField(_("extracted text"), blank=True, help_text=_("For confidentiality checks and search."))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self):
        return self.original_name


class Rendition(models.Model):
    """A resized copy of an image asset at one of the fixed widths."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file = models.FileField(upload_to="renditions/%Y/%m/")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["asset", "width"], name="rendition_unique_width")]

    def __str__(self):
        return f"{self.asset} @{self.width}px"


class Revision(models.Model):
    """One saved version of a resource. Never changed after it is written (PUB-4)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    metadata = models.JSONField(_("metadata"), default=dict, help_text=_("source, author, keywords, …"))
    data = models.JSONField(_("content"), default=dict)
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="revisions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)
    restored_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["resource", "-number"]
        constraints = [models.UniqueConstraint(fields=["resource", "number"], name="revision_unique_number")]

    def __str__(self):
        return f"{self.title} · r{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("revisions are immutable; save a new one")
        super().save(*args, **kwargs)


class PolicyInterpretation(models.Model):
    """A policy document and one of its interpretations, linked both ways (RES-8)."""

    policy = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="interpretation_links")
    interpretation = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="policy_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["policy", "interpretation"], name="policy_interpretation_unique")
        ]

    def __str__(self):
        return f"{self.policy_id} ↔ {self.interpretation_id}"
