"""Applications for disclosure (依申请公开, DISC-3, 条例 art.27-45).

A citizen or an organisation applies online (`InformationRequest`); the organisation receives it,
may ask once for it to be completed (补正) or seek a third party's opinion (both pause the clock),
may extend the time limit once with approval, and answers in one of the forms of art.36 with an
outcome of the national annual-report table. Every step is a `RequestStep`: who, when, what, and
what the applicant reads on the status page. The applicant's personal data is encrypted at rest
(core.fields.EncryptedTextField) and shown masked (core/masking.py).

The enumerations ApplicantKind and RequestOutcome are the rows and columns of the annual report's
table (DISC-4): their values are counted there, so they are never renamed.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField

# The statutory figures (条例 art.30-33).
ANSWER_WORKING_DAYS = 20
COMPLETION_REQUEST_WORKING_DAYS = 7
MAX_EXTENSION_WORKING_DAYS = 20
THIRD_PARTY_WORKING_DAYS = 15
DUE_SOON_WORKING_DAYS = 5


class ApplicantKind(models.TextChoices):
    """The columns of the annual report's table of applications."""

    NATURAL = "natural", _("natural person")
    BUSINESS = "business", _("business enterprise")
    RESEARCH = "research", _("research institution")
    PUBLIC_INTEREST = "public_interest", _("public-interest organisation")
    LEGAL_SERVICE = "legal_service", _("legal service institution")
    OTHER_ORG = "other_org", _("other organisation")


LEGAL_PERSON_KINDS = frozenset(kind for kind in ApplicantKind if kind != ApplicantKind.NATURAL)


class RequestOutcome(models.TextChoices):
    """The rows of 三、本年度办理结果 in the annual report's table."""

    GRANTED = "granted", _("disclosed")
    PARTIAL = "partial", _("partly disclosed")
    REFUSED_SECRET = "refused_secret", _("not disclosed: state secret")
    REFUSED_LAW = "refused_law", _("not disclosed: forbidden by other laws and regulations")
    REFUSED_SAFETY = "refused_safety", _("not disclosed: would endanger security and stability")
    REFUSED_THIRD_PARTY = "refused_third_party", _("not disclosed: protecting a third party's lawful rights")
    REFUSED_INTERNAL = "refused_internal", _("not disclosed: internal affairs")
    REFUSED_PROCESS = "refused_process", _("not disclosed: process information")
    REFUSED_ENFORCEMENT = "refused_enforcement", _("not disclosed: administrative enforcement file")
    REFUSED_QUERY = "refused_query", _("not disclosed: administrative query matter")
    UNABLE_NOT_HELD = "unable_not_held", _("cannot be provided: not held by this organisation")
    UNABLE_NEEDS_MAKING = "unable_needs_making", _("cannot be provided: would have to be made anew")
    UNABLE_UNCLEAR = "unable_unclear", _("cannot be provided: still unclear after completion")
    NOT_HANDLED_PETITION = "not_handled_petition", _("not handled: petition, report or complaint")
    NOT_HANDLED_REPEAT = "not_handled_repeat", _("not handled: repeated application")
    NOT_HANDLED_PUBLICATION = "not_handled_publication", _("not handled: asks for public publications")
    NOT_HANDLED_MASS = "not_handled_mass", _("not handled: many repeated applications without good reason")
    NOT_HANDLED_CONFIRM = "not_handled_confirm", _("not handled: asks to confirm or re-issue information obtained")
    OTHER_NO_COMPLETION = "other_no_completion", _("other: not completed in time without good reason")
    OTHER_NO_FEE = "other_no_fee", _("other: fee not paid in time")
    OTHER = "other", _("other")


class AnswerForm(models.TextChoices):
    """The forms of the written answer (条例 art.36, items 1 to 7)."""

    ALREADY_PUBLIC = "already_public", _("already disclosed: where and how to obtain it")
    PROVIDED = "provided", _("provided, or the time and place and way of obtaining it")
    REFUSED = "refused", _("not disclosed, with the reason")
    NOT_EXIST = "not_exist", _("the information does not exist")
    NOT_RESPONSIBLE = "not_responsible", _("not this organisation's responsibility")
    REPEAT = "repeat", _("repeated application: not handled again")
    SPECIAL_LAW = "special_law", _("to be obtained under the relevant law")


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted, awaiting receipt")
    RECEIVED = "received", _("being handled")
    AWAITING_COMPLETION = "awaiting_completion", _("awaiting completion by the applicant")
    THIRD_PARTY = "third_party", _("awaiting a third party's opinion")
    ANSWERED = "answered", _("answered")


OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.AWAITING_COMPLETION, RequestStatus.THIRD_PARTY)
PAUSED_STATUSES = (RequestStatus.AWAITING_COMPLETION, RequestStatus.THIRD_PARTY)


class IdDocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("resident identity card")
    PASSPORT = "passport", _("passport")
    HK_MACAO = "hk_macao", _("Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN = "taiwan", _("Mainland travel permit for Taiwan residents")
    FOREIGN_PERMANENT = "foreign_permanent", _("foreigner's permanent residence identity card")
    OTHER = "other", _("other identity document")


class PreferredForm(models.TextChoices):
    """The form in which the applicant wants the information (条例 art.29(二)3)."""

    PAPER = "paper", _("on paper")
    EMAIL = "email", _("by e-mail")
    DISC = "disc", _("on an optical disc")
    OTHER = "other", _("other")


class DeliveryMethod(models.TextChoices):
    """How the applicant wants to obtain it."""

    POST = "post", _("by post")
    EMAIL = "email", _("by e-mail")
    COLLECT = "collect", _("collected in person")
    ONLINE = "online", _("online on the status page")


class InformationRequest(models.Model):
    """One application for disclosure (政府信息公开申请)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="information_requests", verbose_name=_("site")
    )
    organisation = models.ForeignKey(
        "disclosure.Organisation",
        on_delete=models.PROTECT,
        related_name="information_requests",
        verbose_name=_("organisation applied to"),
    )
    tracking_number = models.CharField(_("tracking number"), max_length=30, unique=True)
    # A hash (django.contrib.auth.hashers), never the code: the code is shown once, at submission.
    query_code_hash = models.CharField(max_length=200, editable=False)

    applicant_kind = models.CharField(_("applicant"), max_length=20, choices=ApplicantKind.choices)
    # Natural persons (条例 art.29(二)1: name, identity document, contact).
    name = EncryptedTextField(_("name"), max_length=100, blank=True)
    id_type = models.CharField(_("identity document"), max_length=20, choices=IdDocumentType.choices, blank=True)
    id_number = EncryptedTextField(_("identity document number"), max_length=40, blank=True)
    work_unit = EncryptedTextField(_("work unit"), max_length=200, blank=True)
    # Legal persons and other organisations.
    organisation_name = EncryptedTextField(_("organisation name"), max_length=200, blank=True)
    credit_code = EncryptedTextField(_("unified social credit code"), max_length=18, blank=True)
    legal_representative = EncryptedTextField(_("legal representative"), max_length=100, blank=True)
    contact_person = EncryptedTextField(_("contact person"), max_length=100, blank=True)
    # Contact.
    phone = EncryptedTextField(_("telephone"), max_length=30)
    email = EncryptedTextField(_("e-mail"), max_length=254, blank=True)
    address = EncryptedTextField(_("postal address"), max_length=300, blank=True)
    postal_code = EncryptedTextField(_("postal code"), max_length=6, blank=True)

    description = models.TextField(_("description of the information requested"), max_length=4000)
    purpose = models.TextField(_("purpose"), max_length=1000, blank=True)
    preferred_form = models.CharField(_("form of the information"), max_length=10, choices=PreferredForm.choices)
    delivery_method = models.CharField(_("way of obtaining"), max_length=10, choices=DeliveryMethod.choices)

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    # 条例 art.31: online, the day the organisation confirms receipt; a day off → the next working day.
    received_on = models.DateField(_("received on"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED, db_index=True
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    # The deadline, recomputed at every step (disclosure/deadlines.py). Empty while paused, before
    # receipt, after the answer, and when the holidays of a year it crosses are not entered
    # (then `deadline_unknown_year` names the year).
    due_on = models.DateField(_("answer due by"), null=True, blank=True, db_index=True)
    deadline_unknown_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # 补正 (art.30): to be asked within 7 working days of receipt, once.
    completion_request_due_on = models.DateField(_("completion to be requested by"), null=True, blank=True)
    completion_requested_on = models.DateField(_("completion requested on"), null=True, blank=True)
    # Pauses (补正, third-party opinion): the working days of the finished ones, and the start of
    # the running one.
    paused_working_days = models.PositiveIntegerField(_("working days not counted"), default=0)
    paused_since = models.DateField(_("paused since"), null=True, blank=True)
    # The one extension (art.33): proposed by a handler, approved by a site administrator.
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_proposed_days = models.PositiveSmallIntegerField(_("extension proposed (working days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extension_notice = models.TextField(_("notice to the applicant"), blank=True)
    extension_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("extension proposed by"),
    )
    extension_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("extension approved by"),
    )
    extension_approved_on = models.DateField(_("extension approved on"), null=True, blank=True)

    answer_form = models.CharField(_("form of the answer"), max_length=20, choices=AnswerForm.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, choices=RequestOutcome.choices, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True, db_index=True)
    answer_text = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("application for disclosure")
        verbose_name_plural = _("applications for disclosure")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["site", "status", "due_on"]),
            models.Index(fields=["organisation", "received_on"]),
        ]

    def __str__(self):
        return self.tracking_number

    @property
    def is_legal_person(self) -> bool:
        return self.applicant_kind in LEGAL_PERSON_KINDS

    @property
    def applicant_name(self) -> str:
        return self.organisation_name if self.is_legal_person else self.name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status in PAUSED_STATUSES

    @property
    def extension_pending(self) -> bool:
        return self.extension_proposed_by_id is not None and self.extension_approved_by_id is None


class StepKind(models.TextChoices):
    SUBMIT = "submit", _("application submitted")
    RECEIVE = "receive", _("application received")
    REQUEST_COMPLETION = "request_completion", _("completion requested")
    COMPLETE = "complete", _("application completed")
    SEEK_THIRD_PARTY = "seek_third_party", _("third party's opinion sought")
    THIRD_PARTY_REPLIED = "third_party_replied", _("third party's opinion received")
    PROPOSE_EXTENSION = "propose_extension", _("extension proposed")
    REFUSE_EXTENSION = "refuse_extension", _("extension not approved")
    EXTEND = "extend", _("time limit extended")
    ANSWER = "answer", _("answered")


class RequestStep(models.Model):
    """One step of an application: who did what, when, and what the applicant reads of it."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=30, choices=StepKind.choices)
    # Empty for the applicant's own steps (submission, completion online).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    # The day the step counts from (a step recorded later, e.g. a letter received by post).
    on = models.DateField(_("on"))
    note = models.TextField(_("note"), blank=True)
    # What the applicant reads on the status page (empty: an internal step, not shown).
    public_note = models.TextField(_("message to the applicant"), blank=True)
    shown_to_applicant = models.BooleanField(default=True)
    paused_working_days = models.PositiveIntegerField(_("working days not counted"), default=0)

    class Meta:
        verbose_name = _("step of an application")
        verbose_name_plural = _("steps of applications")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.request} · {self.get_kind_display()}"


class RequestAttachment(models.Model):
    """A file of the answer, checked like the library's attachments (resources/uploads.py), stored
    under a platform-chosen name and served only to the site's handlers and to the applicant who
    gives the query code."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="disclosure/answers/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment of an answer")
        verbose_name_plural = _("attachments of answers")
        ordering = ["id"]

    def __str__(self):
        return self.original_name
