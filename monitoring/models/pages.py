"""What the daily check last found in each published file (monitoring/page_scan.py), so that an
unchanged file is not read again.

A row says: the file at `path` had these bytes (`sha256`) when its status on disk was
`signature` (inode, size, modification and change times in nanoseconds), and the page checks of
rules `rules` (the checks' version and the word lists' fingerprint) found `findings` in it.
Any write to the file changes its change time (which no program can set back), so a file
whose signature is unchanged still has those bytes; a new rule or word list reads every page again.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PageScan(models.Model):
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    path = models.CharField(_("path"), max_length=500)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    signature = models.CharField(max_length=100)
    rules = models.CharField(max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    findings = models.JSONField(default=dict, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"))

    class Meta:
        verbose_name = _("page scan")
        verbose_name_plural = _("page scans")
        constraints = [models.UniqueConstraint(fields=["site", "path"], name="monitoring_pagescan_unique_path")]

    def __str__(self):
        return self.path
