"""The records of a site's lifecycle (SITE-5 to SITE-10).

Applications (opening, temporary offline, return online, migration) with their decisions; the
security checks and status changes of opening; change filings (SITE-8); the registrations to be
cancelled when a site is retired (SITE-7); redirects live with the
sites (sites/models.py) and sub-units with the columns (columns/models.py). The actions that write
them are in lifecycle/.
"""

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REPORT_EXTENSIONS = ["pdf", "ofd", "doc", "docx", "jpg", "jpeg", "png"]


class ApplicationKind(models.TextChoices):
    OPENING = "opening", _("opening")
    OFFLINE = "offline", _("temporary offline")
    RETURN = "return", _("return online")
    MIGRATION = "migration", _("migration and permanent offline")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("waiting for approval")
    APPROVED = "approved", _("approved")
    FILED = "filed", _("filed (no approval needed)")
    REFUSED = "refused", _("refused")
    IN_EFFECT = "in_effect", _("in effect")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


# Applications that still count: the ones an applicant may not simply make again.
LIVE_STATUSES = (
    ApplicationStatus.PENDING,
    ApplicationStatus.APPROVED,
    ApplicationStatus.FILED,
    ApplicationStatus.IN_EFFECT,
    ApplicationStatus.DONE,
)


class SiteApplication(models.Model):
    """An application about a site, and the platform administrator's decision on it."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="applications", verbose_name=_("site")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ApplicationKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    reason = models.TextField(_("reason"))
    starts_at = models.DateTimeField(
        _("from"), null=True, blank=True, help_text=_("Offline: start of the period. Return online: the planned time.")
    )
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    force_majeure = models.BooleanField(
        _("force majeure"),
        default=False,
        help_text=_(
            "Power or network failure, or an ordered emergency shutdown: recorded, not counted (Guidelines for the Development of Government Websites)."
        ),
    )
    target_site = models.ForeignKey(
        "sites.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target site"),
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("applied by")
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("site application")
        verbose_name_plural = _("site applications")
        ordering = ["-applied_at", "-id"]
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["site", "kind", "status"])]

    def __str__(self):
        return f"{self.site} · {self.get_kind_display()} · {self.get_status_display()}"

    @property
    def cancellable(self) -> bool:
        """The applicant may still withdraw it: not an opening, nothing carried out yet."""
        if self.kind == ApplicationKind.OPENING:
            return False
        if self.kind == ApplicationKind.MIGRATION:
            return self.status == ApplicationStatus.PENDING
        return self.status in (ApplicationStatus.PENDING, ApplicationStatus.APPROVED, ApplicationStatus.FILED)

    @property
    def counts_against_year(self) -> bool:
        """A temporary offline period counted in the yearly limit (force majeure is not, G §3(二)2)."""
        return self.kind == ApplicationKind.OFFLINE and not self.force_majeure and self.status in LIVE_STATUSES


class SecurityCheck(models.Model):
    """The security check of a site before it goes online (SITE-5): who, when, result, report."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="security_checks", verbose_name=_("site")
    )
    passed = models.BooleanField(_("passed"))
    report = models.FileField(
        _("report"),
        upload_to="sites/security-checks/%Y/",
        validators=[FileExtensionValidator(REPORT_EXTENSIONS)],
    )
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        verbose_name = _("security check")
        verbose_name_plural = _("security checks")
        ordering = ["-checked_at", "-id"]

    def __str__(self):
        return f"{self.site} · {self.checked_at:%Y-%m-%d} · {'passed' if self.passed else 'failed'}"


class StatusChange(models.Model):
    """One change of a site's status, with the application that caused it."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("site")
    )
    before = models.CharField(_("before"), max_length=20)
    after = models.CharField(_("after"), max_length=20)
    application = models.ForeignKey(SiteApplication, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    time = models.DateTimeField(_("time"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-time", "-id"]

    def __str__(self):
        return f"{self.site} · {self.before} → {self.after}"


class FilingKind(models.TextChoices):
    """What changed (G §3(三), T art.8(四))."""

    ORGANISER = "organiser", _("organiser")
    PERSON_IN_CHARGE = "person_in_charge", _("person in charge")
    CONTACT = "contact", _("contact")
    DOMAIN = "domain", _("domain")
    COLUMN_STRUCTURE = "column_structure", _("column structure")
    COLUMN_URL = "column_url", _("column address")


class ChangeFiling(models.Model):
    """A change filing (变更备案, SITE-8): what changed, before and after, who and when."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="filings", verbose_name=_("site"))
    kind = models.CharField(_("kind"), max_length=20, choices=FilingKind.choices)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)

    class Meta:
        verbose_name = _("change filing")
        verbose_name_plural = _("change filings")
        ordering = ["-filed_at", "-id"]
        indexes = [models.Index(fields=["site", "-filed_at"])]

    def __str__(self):
        return f"{self.site} · {self.get_kind_display()} · {self.subject}"


class RegistrationItem(models.TextChoices):
    ID_CODE = "id_code", _("site ID code")
    ICP = "icp", _("ICP filing")
    PSB = "psb", _("public-security filing")
    CONAC = "conac", _("Party/government site mark")
    DOMAIN = "domain", _("domain")


class RegistrationCancellation(models.Model):
    """A registration of a retired site that must be cancelled with its authority (SITE-7)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="cancellations", verbose_name=_("site")
    )
    application = models.ForeignKey(SiteApplication, on_delete=models.PROTECT, related_name="cancellations")
    item = models.CharField(_("registration"), max_length=20, choices=RegistrationItem.choices)
    value = models.CharField(_("value"), max_length=253)
    requested_at = models.DateTimeField(_("marked at"), default=timezone.now)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    done_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration to cancel")
        verbose_name_plural = _("registrations to cancel")
        ordering = ["site_id", "item", "value"]

    def __str__(self):
        return f"{self.site} · {self.get_item_display()} {self.value}"
