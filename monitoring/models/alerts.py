"""Alerts of the daily check (OPS-1): one row per site, line and day, so that a problem is told to
the people responsible once a day however many times the check runs (a re-run on demand, the
beat's run after it). The row remembers what was told and to whom; the work page lists the open
rows of the user's sites (backoffice/work_monitoring.py).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring.lines import State


class Alert(models.Model):
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="monitoring_alerts", verbose_name=_("site"))
    line_key = models.CharField(_("line"), max_length=60)
    day = models.DateField(_("day"))
    label = models.CharField(_("label"), max_length=200)  # the line's label at the time, in Chinese
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    value = models.FloatField(_("value"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    warning = models.FloatField(_("warning level"), null=True, blank=True)
    veto = models.FloatField(_("veto level"), null=True, blank=True)
    text = models.TextField(_("text"))  # what was mailed, in Chinese: the rule, the number, the offenders
    recipients = models.JSONField(_("recipients"), default=list, blank=True)  # e-mail addresses the mail went to
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(fields=["site", "line_key", "day"], name="monitoring_one_alert_per_line_day")
        ]
        ordering = ["-day", "site_id", "line_key"]

    def __str__(self):
        return f"{self.site_id} {self.line_key} {self.day} {self.state}"
