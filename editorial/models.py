"""The editorial workflow and the use of resources in columns (PUB-1 to PUB-5, PUB-9, RES-3, RES-4)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkflowAction(models.TextChoices):
    CREATE = "create", _("created")
    SAVE = "save", _("saved")
    RESTORE = "restore", _("restored an old revision")
    SUBMIT = "submit", _("submitted for review")
    RECALL = "recall", _("submission taken back")
    APPROVE = "approve", _("approved")
    RETURN = "return", _("returned")
    SCHEDULE = "schedule", _("scheduled")
    PUBLISH = "publish", _("published")
    WITHDRAW = "withdraw", _("withdrawn")


class WorkflowEvent(models.Model):
    """The history of a resource: every workflow transition with actor and time (PUB-2)."""

    resource = models.ForeignKey("resources.Resource", on_delete=models.CASCADE, related_name="events")
    revision = models.ForeignKey("resources.Revision", on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=WorkflowAction.choices)
    level = models.PositiveSmallIntegerField(_("review level"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    time = models.DateTimeField(_("time"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow history")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["resource", "-time"])]

    def __str__(self):
        return f"{self.get_action_display()} · {self.resource_id} · {self.time:%Y-%m-%d %H:%M}"


class ReviewLevel(models.IntegerChoices):
    FIRST = 1, _("first review (初审)")
    SECOND = 2, _("second review (复审)")
    FINAL = 3, _("final review (终审)")


class ReviewerScope(models.Model):
    """Limits a reviewer to some columns of a site (PUB-9). No scope: every column of the site."""

    membership = models.OneToOneField("sites.Membership", on_delete=models.CASCADE, related_name="review_scope")
    columns = models.ManyToManyField("columns.Column", related_name="+", verbose_name=_("columns"))

    class Meta:
        verbose_name = _("reviewer's columns")
        verbose_name_plural = _("reviewers' columns")

    def __str__(self):
        return str(self.membership)


class FlagKind(models.TextChoices):
    ID_CARD = "id_card", _("ID-card number")
    MOBILE = "mobile", _("mobile number")
    BANK_CARD = "bank_card", _("bank-card number")
    SENSITIVE = "sensitive", _("sensitive word")
    WRONG_WORDING = "wrong_wording", _("wrong wording")


class WordList(models.TextChoices):
    SENSITIVE = "sensitive", _("sensitive words")
    WRONG_WORDING = "wrong_wording", _("wrong wordings")


class CheckedWord(models.Model):
    """An entry of the sensitive-word or wrong-wording list that platform administrators keep (PUB-3)."""

    list = models.CharField(_("list"), max_length=20, choices=WordList.choices)
    text = models.CharField(_("word or phrase"), max_length=100)
    suggestion = models.CharField(_("correct wording"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("checked word")
        verbose_name_plural = _("word lists")
        constraints = [models.UniqueConstraint(fields=["list", "text"], name="checked_word_unique")]

    def __str__(self):
        return self.text


class ReviewFlag(models.Model):
    """Something the confidentiality and wording check found in a submitted revision (PUB-3).

    The reviewer must confirm every flag (it is acceptable, or it was fixed) before approving.
    """

    resource = models.ForeignKey("resources.Resource", on_delete=models.CASCADE, related_name="flags")
    revision = models.ForeignKey("resources.Revision", on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("kind"), max_length=20, choices=FlagKind.choices)
    field = models.CharField(_("where"), max_length=50)
    excerpt = models.CharField(_("excerpt"), max_length=300)
    suggestion = models.CharField(_("suggestion"), max_length=100, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review flag")
        verbose_name_plural = _("review flags")
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.excerpt}"


class PlacementStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the target site's reviewer")
    ACTIVE = "active", _("in use")
    REFUSED = "refused", _("refused")


class PlacementQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=PlacementStatus.ACTIVE)


class Placement(models.Model):
    """A resource used in a column (RES-3): of its own site, or of another site as a repost (转载)."""

    resource = models.ForeignKey(
        "resources.Resource", on_delete=models.CASCADE, related_name="placements", verbose_name=_("content")
    )
    column = models.ForeignKey(
        "columns.Column", on_delete=models.CASCADE, related_name="placements", verbose_name=_("column")
    )
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="placements", verbose_name=_("site"))
    status = models.CharField(_("status"), max_length=20, choices=PlacementStatus.choices)
    is_repost = models.BooleanField(_("repost"), default=False)
    pinned = models.BooleanField(_("pinned"), default=False)
    sort_order = models.IntegerField(_("order"), default=0)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("placed by")
    )
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-pinned", "sort_order", "-placed_at"]
        constraints = [models.UniqueConstraint(fields=["resource", "column"], name="placement_unique_column")]
        indexes = [models.Index(fields=["column", "status", "-pinned", "sort_order", "-placed_at"])]

    def __str__(self):
        return f"{self.resource_id} → {self.column}"


class UsageRecord(models.Model):
    """Every placement, acceptance and removal: who used which resource where and when (RES-4)."""

    class Action(models.TextChoices):
        PLACE = "place", _("placed")
        ACCEPT = "accept", _("repost accepted")
        REFUSE = "refuse", _("repost refused")
        REMOVE = "remove", _("removed")

    resource = models.ForeignKey("resources.Resource", on_delete=models.CASCADE, related_name="usage")
    column = models.ForeignKey("columns.Column", on_delete=models.SET_NULL, null=True, related_name="+")
    column_name = models.CharField(max_length=50)
    site = models.ForeignKey("sites.Site", on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    time = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("usage record")
        verbose_name_plural = _("usage records")
        ordering = ["-time"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.column_name}"
