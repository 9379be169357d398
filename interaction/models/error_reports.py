"""Error reports (我为政府网站找错, INT-3, G §8(一)1, T art.14(三)).

A citizen reports an error on a page of a site: through the site's own form (reached from the
footer's local entry, `source=local`), or through the national platform (中国政府网 找错), whose
report a handler enters in the back office with the national platform's number
(`source=national`). The report is forwarded to the department responsible within 1 working
day of receipt and answered within 3 working days of receipt (working days of the official
calendar, workdays/days.py). A report whose deadline has passed is escalated by the periodic task
(interaction/tasks.py) and listed on the site administrators' work page.

The reporter's contact is personal data: encrypted at rest, shown only to the site's handlers.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField

FORWARD_WORKING_DAYS = 1
ANSWER_WORKING_DAYS = 3


class ErrorKind(models.TextChoices):
    """The kinds of error of the national platform's form."""

    UNREACHABLE = "unreachable", _("page or link cannot be opened")
    NOT_UPDATED = "not_updated", _("information not updated")
    INACCURATE = "inaccurate", _("inaccurate content")
    TYPO = "typo", _("wrongly written characters")
    UNANSWERED = "unanswered", _("message or consultation not answered")
    OTHER = "other", _("other")


class ReportSource(models.TextChoices):
    LOCAL = "local", _("this site's form")
    NATIONAL = "national", _("national platform")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("received, to be forwarded")
    FORWARDED = "forwarded", _("forwarded, to be answered")
    ANSWERED = "answered", _("answered")


class Escalation(models.TextChoices):
    NONE = "", _("not escalated")
    FORWARD = "forward", _("not forwarded in time")
    ANSWER = "answer", _("not answered in time")


class ErrorReport(models.Model):
    """One report of an error on a government site (我为政府网站找错)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="error_reports", verbose_name=_("site")
    )
    source = models.CharField(_("source"), max_length=10, choices=ReportSource.choices, default=ReportSource.LOCAL)
    national_number = models.CharField(_("national platform's number"), max_length=40, blank=True)
    page_url = models.CharField(_("page address"), max_length=500, blank=True)
    kind = models.CharField(_("kind of error"), max_length=20, choices=ErrorKind.choices)
    description = models.TextField(_("description of the error"), max_length=2000)
    contact_name = EncryptedTextField(_("reporter's name"), max_length=100, blank=True)
    contact = EncryptedTextField(_("reporter's telephone or e-mail"), max_length=254, blank=True)

    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_on = models.DateField(_("received on"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.RECEIVED, db_index=True
    )
    # Deadlines from receipt (None when the holidays of a year they cross are not known: then
    # `deadline_unknown_year` names the year; never guessed).
    forward_due_on = models.DateField(_("to be forwarded by"), null=True, blank=True)
    answer_due_on = models.DateField(_("to be answered by"), null=True, blank=True, db_index=True)
    deadline_unknown_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    forwarded_to = models.CharField(_("forwarded to"), max_length=200, blank=True)
    forward_note = models.TextField(_("note to the department"), max_length=2000, blank=True)
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forwarded by"),
    )
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    escalation = models.CharField(
        _("escalation"), max_length=10, choices=Escalation.choices, default=Escalation.NONE, blank=True
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("error report")
        verbose_name_plural = _("error reports")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "national_number"],
                condition=~Q(national_number=""),
                name="error_report_unique_national_number",
            )
        ]

    def __str__(self):
        return str(_("Error report %(number)s")) % {"number": self.pk}
