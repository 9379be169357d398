"""What the link check last read in a site's published pages (monitoring/link_memory.py), so that
a page whose file is unchanged is not read again the next day.

One row per site: `pages` maps each page's path to its status on disk when it was read (inode,
size, modification and change times in nanoseconds, as PageScan's signature) and the site paths
and external addresses it links to, as indices into `strings` (most pages link to the same
navigation and footer addresses). Any write to a file changes its change time, so a page whose
signature is unchanged still has the links found in it. `rules` names the extraction's version
and the site's own domains: either changing reads every page again.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkScan(models.Model):
    site = models.OneToOneField(
        "sites.Site", on_delete=models.CASCADE, primary_key=True, related_name="+", verbose_name=_("site")
    )
    rules = models.CharField(max_length=500, blank=True)
    strings = models.JSONField(default=list, blank=True)
    pages = models.JSONField(default=dict, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"))

    class Meta:
        verbose_name = _("link scan")
        verbose_name_plural = _("link scans")

    def __str__(self):
        return str(self.site_id)
