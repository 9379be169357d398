"""Supervision records (part F): spot checks (OPS-2), rectification orders (OPS-5), the site's
annual work report (OPS-3) and the platform's supervision annual report (OPS-7).

Each is changed only through its module's actions (monitoring/spot_checks.py, rectification.py,
annual_reports.py); published ones are drawn as pages by monitoring/report_pages.py, in the
columns of their type (the top-level portal's 政府网站监管, each site's 网站年度报表).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from monitoring.lines import State


class SpotCheck(models.Model):
    """One quarter's spot check: the sites drawn at random (with the seed that reproduces the
    draw from the recorded population) and, per site, the results of its latest daily check."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    drawn_on = models.DateField(_("drawn on"))
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("drawn by"),
    )  # fmt: skip
    seed = models.CharField(_("random seed"), max_length=64)
    population = models.JSONField(_("sites monitored at the draw"), default=list)  # sorted site ids
    share_percent = models.PositiveSmallIntegerField(_("share drawn (%)"), default=30)
    summary = models.TextField(_("summary of the findings"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("published by"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-year", "-quarter"]
        constraints = [models.UniqueConstraint(fields=["year", "quarter"], name="monitoring_one_spot_check_a_quarter")]

    def __str__(self):
        return f"{self.year}年第{self.quarter}季度政府网站抽查"


class SpotCheckEntry(models.Model):
    """A site drawn in a spot check, with its latest check's results at the draw."""

    spot_check = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="entries")
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    site_name = models.CharField(_("site"), max_length=100)
    run = models.ForeignKey(
        "monitoring.CheckRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.UNKNOWN)
    # The lines not passed: [{"label", "state", "value", "unit", "count", "examples": [labels]}]
    findings = models.JSONField(_("findings"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("site drawn")
        verbose_name_plural = _("sites drawn")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["spot_check", "site"], name="monitoring_spot_check_site_once")]

    def __str__(self):
        return self.site_name


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("being rectified")
    ANSWERED = "answered", _("rectified, awaiting confirmation")
    # Its own context: the msgid "closed" is a site's status (已关停, shut down); an order is done.
    CLOSED = "closed", pgettext_lazy("rectification order", "closed")


class RectificationOrder(models.Model):
    """政府网站问题整改督办单 (OPS-5): a serious problem found by monitoring, rectified within a day."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="rectification_orders", verbose_name=_("site")
    )
    problem = models.TextField(_("problem found"))
    line_key = models.CharField(_("line"), max_length=60, blank=True)
    line_label = models.CharField(_("check item"), max_length=200, blank=True)
    run = models.ForeignKey(
        "monitoring.CheckRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    due_at = models.DateTimeField(_("to be rectified by"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RectificationStatus.choices, default=RectificationStatus.OPEN,
        db_index=True,
    )  # fmt: skip
    answer = models.TextField(_("what was done"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("answered by"),
    )  # fmt: skip
    closing_note = models.TextField(_("confirmation"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("closed by"),
    )  # fmt: skip
    times_sent_back = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        return f"整改督办〔{self.issued_at.year}〕{self.pk}号"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published")


class SiteAnnualReport(models.Model):
    """政府网站年度工作报表 (OPS-3): counted from the records, completed by hand, reviewed by
    another person, then published on the site by 31 January."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="annual_work_reports", verbose_name=_("site")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    data = models.JSONField(_("contents"), default=dict)  # field key -> value (monitoring/annual_layout.py)
    columns = models.JSONField(_("items published per column"), default=list)  # [{"name", "path", "count"}]
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    generated_at = models.DateTimeField(_("counted at"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("counted by")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("filled in by"),
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reviewed by"),
    )  # fmt: skip
    return_reason = models.TextField(_("returned because"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual work report")
        verbose_name_plural = _("annual work reports")
        ordering = ["-year", "site_id"]
        constraints = [models.UniqueConstraint(fields=["site", "year"], name="monitoring_one_annual_report_a_year")]

    def __str__(self):
        return f"{self.site}{self.year}年政府网站工作年度报表"


class SupervisionReport(models.Model):
    """政府网站监管年度报表 (OPS-7): the platform's year of supervision, published on the portal."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    data = models.JSONField(_("contents"), default=dict)
    generated_at = models.DateTimeField(_("counted at"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("counted by")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("published by"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("supervision annual report")
        verbose_name_plural = _("supervision annual reports")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}年政府网站监管年度报表"
