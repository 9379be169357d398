"""Visit statistics (OPS-4) read from the web server's access logs, and the log files read so far."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLogFile(models.Model):
    """An access log file as far as it has been read (monitoring/visits.py).

    A file is known by its first line (its SHA-256), not by its name or inode: access.log becomes
    access.log.1 and then access.log.2.gz on rotation, and keeps its first line through all of
    them, so a rotated file resumes where it was left and is never counted twice. `offset` is
    counted in the file's uncompressed bytes, up to the end of the last whole line read.
    """

    identity = models.CharField(_("first line's SHA-256"), max_length=64, unique=True)
    path = models.CharField(_("file"), max_length=500)  # where it was last seen
    inode = models.BigIntegerField(_("inode"), null=True, blank=True)  # for people reading the table
    offset = models.BigIntegerField(_("bytes read"), default=0)
    lines = models.BigIntegerField(_("lines read"), default=0)
    complete = models.BooleanField(_("read to its end"), default=False)  # a compressed file never grows
    first_read_at = models.DateTimeField(_("first read at"), auto_now_add=True)
    last_read_at = models.DateTimeField(_("last read at"), auto_now=True)

    class Meta:
        verbose_name = _("access log file")
        verbose_name_plural = _("access log files")

    def __str__(self):
        return self.path


class SiteVisitDay(models.Model):
    """A site's visits on one day: pages seen by people and by robots, visitors, bytes sent."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="visit_days", verbose_name=_("site"))
    day = models.DateField(_("day"))
    page_views = models.PositiveIntegerField(_("page views"), default=0)  # people, robots excluded
    bot_views = models.PositiveIntegerField(_("page views by robots"), default=0)
    unique_visitors = models.PositiveIntegerField(_("unique visitors"), default=0)  # estimated from the sketch
    # A HyperLogLog sketch of the day's visitors (salted hashes of address + browser): it merges
    # across reads and across days (a year's unique visitors) and holds no address.
    visitor_sketch = models.BinaryField(_("visitor sketch"), default=bytes)
    bytes_sent = models.PositiveBigIntegerField(_("bytes sent"), default=0)

    class Meta:
        verbose_name = _("visits of a day")
        verbose_name_plural = _("visits of a day")
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="visit_day_unique_site_day")]

    def __str__(self):
        return f"{self.site_id} {self.day}"


class PageVisitDay(models.Model):
    """Views of one page of a site on one day, with the column its address belongs to."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    day = models.DateField(_("day"))
    path = models.CharField(_("page"), max_length=500)  # "/zwgk/12.html"; a folder's index page as "/zwgk/"
    column = models.ForeignKey(
        "columns.Column", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("column")
    )
    page_views = models.PositiveIntegerField(_("page views"), default=0)
    bot_views = models.PositiveIntegerField(_("page views by robots"), default=0)

    class Meta:
        verbose_name = _("visits of a page")
        verbose_name_plural = _("visits of a page")
        constraints = [models.UniqueConstraint(fields=["site", "day", "path"], name="page_visit_unique_site_day_path")]
        indexes = [models.Index(fields=["site", "day", "column"], name="page_visit_site_day_column")]

    def __str__(self):
        return f"{self.site_id} {self.day} {self.path}"
