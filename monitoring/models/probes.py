"""Availability probes (OPS-1): each request the prober made to a site's public address."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProbeFailure(models.TextChoices):
    """Why a probe did not open the page, in words for the dashboard's offenders."""

    NONE = "", _("opened")
    TIMEOUT = "timeout", _("not opened within 15 seconds")
    CONNECTION = "connection", _("the server could not be reached")
    HTTP_ERROR = "http_error", _("the server answered with an error")
    REDIRECTS = "redirects", _("too many redirects")


class Probe(models.Model):
    """One request of the prober to a page of a site, through the address citizens use."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="probes", verbose_name=_("site"))
    path = models.CharField(
        _("path"), max_length=500, blank=True, help_text=_("Relative to the site's address; empty for the home page")
    )
    is_home = models.BooleanField(_("home page"), default=False)
    url = models.CharField(_("address"), max_length=800)
    started_at = models.DateTimeField(_("probed at"))
    # Milliseconds until the whole page had arrived; None when it never did.
    elapsed_ms = models.PositiveIntegerField(_("time taken (ms)"), null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    opened = models.BooleanField(_("opened"), default=False)
    failure = models.CharField(_("failure"), max_length=20, choices=ProbeFailure.choices, blank=True, default="")

    class Meta:
        verbose_name = _("availability probe")
        verbose_name_plural = _("availability probes")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["site", "is_home", "started_at"], name="probe_site_home_time")]

    def __str__(self):
        return f"{self.url} {self.started_at:%Y-%m-%d %H:%M}"
