"""Letters to the government (INT-1, INT-2): the channels a site offers and the letters written to them.

A `Channel` is one form on the public process, configured by the site's administrators: a leader's
mailbox (领导信箱, with the leader's name), consultation (咨询), complaints (投诉) or suggestions
(建议), placed in a column of the 互动交流 kind (咨询投诉 …), optionally for one of the portal's
sub-units (SITE-10), with its answer time in working days.

A `Letter` goes received → (forwarded to the responsible site or sub-unit) → answered → reviewed:
approved and published, or kept private with the reason; or sent back with a reason to be answered
again. A duplicate is merged into the letter that answers it. Every step is a `LetterStep`: who,
when, what, and what the writer reads of it on the status page. The writer's personal data is
encrypted at rest (core.fields.EncryptedTextField) and shown masked (core/masking.py).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from columns.types import REQUIRED_COLUMN_KINDS
from core.fields import EncryptedTextField

# 12345 practice: 3 working days for simple letters, 10 for the others (the channel's default).
DEFAULT_ANSWER_WORKING_DAYS = 10
SIMPLE_ANSWER_WORKING_DAYS = 3
DUE_SOON_WORKING_DAYS = 2
# The column types a channel may be placed in (the 互动交流 kind, COL-3).
CHANNEL_COLUMN_TYPES = frozenset(REQUIRED_COLUMN_KINDS["互动交流"])
TITLE_MAX_LENGTH = 100
BODY_MAX_LENGTH = 4000


class ChannelKind(models.TextChoices):
    LEADER_MAILBOX = "leader_mailbox", _("leader's mailbox")
    CONSULTATION = "consultation", _("consultation")
    COMPLAINT = "complaint", _("complaint")
    SUGGESTION = "suggestion", _("suggestion")


class Channel(models.Model):
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="letter_channels", verbose_name=_("site")
    )
    column = models.ForeignKey(
        "columns.Column", on_delete=models.PROTECT, related_name="letter_channels", verbose_name=_("column")
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    leader_name = models.CharField(
        _("leader's name"), max_length=50, blank=True, help_text=_("For a leader's mailbox: the leader written to.")
    )
    sub_unit = models.ForeignKey(
        "columns.SubUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letter_channels",
        verbose_name=_("sub-unit"),
        help_text=_("For a portal: the sub-unit this channel is for (empty: the site itself)."),
    )
    answer_working_days = models.PositiveSmallIntegerField(
        _("answer time (working days)"),
        default=DEFAULT_ANSWER_WORKING_DAYS,
        help_text=_("Working days from receipt to the answer: 3 for simple matters, 10 for the others."),
    )
    allows_anonymous = models.BooleanField(
        _("anonymous letters allowed"),
        default=False,
        help_text=_("Writers without an account then get a query code to follow their letter."),
    )
    is_open = models.BooleanField(_("open for letters"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("letter channel")
        verbose_name_plural = _("letter channels")
        ordering = ["site_id", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="letter_channel_unique_name")]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.column_id is not None and self.site_id is not None:
            if self.column.site_id != self.site_id:
                errors["column"] = _("The column must belong to the channel's site.")
            elif self.column.column_type not in CHANNEL_COLUMN_TYPES:
                errors["column"] = _("Choose a column of the interaction kind (such as 咨询投诉 or 互动交流).")
        if self.sub_unit_id is not None and self.site_id is not None and self.sub_unit.portal_id != self.site_id:
            errors["sub_unit"] = _("The sub-unit must belong to the channel's site.")
        if self.kind == ChannelKind.LEADER_MAILBOX and not (self.leader_name or "").strip():
            errors["leader_name"] = _("Name the leader of this mailbox.")
        if self.answer_working_days is not None and not 1 <= self.answer_working_days <= 60:
            errors["answer_working_days"] = _("Between 1 and 60 working days.")
        if errors:
            raise ValidationError(errors)


class LetterStatus(models.TextChoices):
    RECEIVED = "received", _("being handled")
    ANSWERED = "answered", _("answered, awaiting review")
    PUBLISHED = "published", _("answered and published")
    CLOSED = "closed", _("answered, not published")
    MERGED = "merged", _("merged into another letter")


OPEN_STATUSES = (LetterStatus.RECEIVED, LetterStatus.ANSWERED)
DONE_STATUSES = (LetterStatus.PUBLISHED, LetterStatus.CLOSED, LetterStatus.MERGED)


class PrivateReason(models.TextChoices):
    """Why an answered letter is not published."""

    UNTRUE = "untrue", _("what the letter reports is not true")
    PRIVACY = "privacy", _("concerns personal privacy")
    SECRET = "secret", _("concerns state or business secrets")
    WRITER_ASKED = "writer_asked", _("the writer asked not to publish it")
    NO_PUBLIC_VALUE = "no_public_value", _("of no general interest")
    OTHER = "other", _("other reason")


class Letter(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="letters", verbose_name=_("channel"))
    # The site that handles the letter now (the channel's site, or the site it was forwarded to):
    # its reviewers and administrators see and handle it.
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="letters", verbose_name=_("site"))
    # Handled for one of the portal's sub-units (SITE-10): set by the channel or by forwarding.
    sub_unit = models.ForeignKey(
        "columns.SubUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("sub-unit handling it"),
    )
    tracking_number = models.CharField(_("tracking number"), max_length=30, unique=True)
    # A hash (django.contrib.auth.hashers), never the code: shown once, at submission.
    query_code_hash = models.CharField(max_length=200, editable=False)
    citizen = models.ForeignKey(
        "interaction.Citizen",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("citizen account"),
    )
    writer_name = EncryptedTextField(_("writer's name"), max_length=100, blank=True)
    writer_phone = EncryptedTextField(_("writer's telephone"), max_length=30, blank=True)
    writer_email = EncryptedTextField(_("writer's e-mail"), max_length=254, blank=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("letter"), max_length=BODY_MAX_LENGTH)
    writer_wants_private = models.BooleanField(_("writer asks not to publish"), default=False)

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    received_on = models.DateField(_("received on"), db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=LetterStatus.choices, default=LetterStatus.RECEIVED, db_index=True
    )
    # Recomputed at every step (interaction/letter_deadlines.py); empty once answered, and when the
    # holidays of a year it crosses are not known (then `deadline_unknown_year` names the year).
    due_on = models.DateField(_("answer due by"), null=True, blank=True, db_index=True)
    deadline_unknown_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True, db_index=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replying_department = models.CharField(_("replying department"), max_length=100, blank=True)
    answered_on_time = models.BooleanField(null=True, blank=True, editable=False)
    answer_working_days = models.PositiveIntegerField(null=True, blank=True, editable=False)

    published = models.BooleanField(_("published"), default=False, db_index=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    private_reason = models.CharField(
        _("reason not published"), max_length=20, choices=PrivateReason.choices, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )
    reusable = models.BooleanField(
        _("reusable answer"), default=False, help_text=_("The answer may become an entry of the knowledge base.")
    )

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["site", "status", "due_on"]),
            models.Index(fields=["channel", "published", "received_on"]),
        ]

    def __str__(self):
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def handling_unit(self) -> str:
        """Who handles the letter: the sub-unit, else the site."""
        return self.sub_unit.name if self.sub_unit_id else self.site.name


class LetterStepKind(models.TextChoices):
    SUBMIT = "submit", _("letter received")
    FORWARD = "forward", _("forwarded")
    ANSWER = "answer", _("answered")
    SEND_BACK = "send_back", _("answer sent back")
    PUBLISH = "publish", _("answer published")
    KEEP_PRIVATE = "keep_private", _("answer not published")
    UNPUBLISH = "unpublish", _("answer withdrawn from publication")
    MERGE = "merge", _("merged with a letter on the same matter")


class LetterStep(models.Model):
    """One step of a letter: who did what, when, and what the writer reads of it."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=20, choices=LetterStepKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    on = models.DateField(_("on"))
    # Internal (the handlers' reason, the unit forwarded to …).
    note = models.TextField(_("note"), blank=True)
    # What the writer reads on the status page (with the step's own message).
    public_note = models.TextField(_("message to the writer"), blank=True)
    shown = models.BooleanField(_("shown to the writer"), default=True)

    class Meta:
        verbose_name = _("step of a letter")
        verbose_name_plural = _("steps of letters")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.letter} · {self.get_kind_display()}"
