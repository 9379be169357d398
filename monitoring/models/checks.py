"""The daily check's results (OPS-1): one run per site and day, one result per line.

A re-run on demand the same day replaces that day's results (unique site + day), so the trend
has one point per day. Offenders are stored as plain dictionaries (Offender.as_dict), at most
MAX_OFFENDERS kept, with the full count beside them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from monitoring.lines import State


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", _("daily schedule")
    DEMAND = "demand", _("on demand")


class CheckRun(models.Model):
    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="check_runs", verbose_name=_("site")
    )
    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.UNKNOWN)
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triggered by"),
    )

    class Meta:
        verbose_name = _("check run")
        verbose_name_plural = _("check runs")
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="monitoring_one_run_per_site_day")]
        ordering = ["-day"]

    def __str__(self):
        return f"{self.site_id} {self.day} {self.state}"


class LineResult(models.Model):
    MAX_OFFENDERS = 200

    run = models.ForeignKey(CheckRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("run"))
    line_key = models.CharField(_("line"), max_length=60)
    label = models.CharField(_("label"), max_length=200)  # the line's label at the time, in Chinese
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)  # None: cannot be computed
    warning = models.FloatField(_("warning level"), null=True, blank=True)
    veto = models.FloatField(_("veto level"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.UNKNOWN)
    offenders = models.JSONField(_("offenders"), default=list, blank=True)
    offender_count = models.PositiveIntegerField(_("number of offenders"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("line result")
        verbose_name_plural = _("line results")
        constraints = [models.UniqueConstraint(fields=["run", "line_key"], name="monitoring_one_result_per_line")]
        indexes = [models.Index(fields=["line_key", "run"], name="monitoring_result_line_run")]

    def __str__(self):
        return f"{self.line_key}={self.value} {self.state}"
