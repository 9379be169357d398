"""What the static publisher keeps about its output: themes, the manifest, the dependency index.

- SiteTheme: the colours and logo layout of a site (TPL-6: one main colour, at most two others).
- PublishedFile: every file written under PUBLISH_ROOT/<domain>/ with its hash (PUB-8; SEC-5
  compares the disk with it).
- PageDependency: which published page shows which resource or column, so a change re-renders
  only the pages that depend on it.
- HeldBackItem: a resource the publisher could not put online on a site, and why (publishing/held_back.py).

Imported by publishing/models.py so that Django registers them with the publishing app.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Give the colour as # followed by six hexadecimal digits, e.g. #b4262a."), code="colour"
)


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of #rrggbb."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(one: str, other: str) -> float:
    a, b = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


MIN_CONTRAST = 4.5  # WCAG 2.1 AA for normal text (TPL-9)


class LogoLayout(models.TextChoices):
    LOGO_LEFT = "logo_left", _("logo left of the site name")
    LOGO_ONLY = "logo_only", _("logo image with the name written in it")
    NAME_ONLY = "name_only", _("site name without a logo")


class SiteTheme(models.Model):
    """The look of one site: a main colour and at most two others (TPL-6), fed to CSS variables."""

    site = models.OneToOneField("sites.Site", on_delete=models.CASCADE, related_name="theme", verbose_name=_("site"))
    primary_colour = models.CharField(
        _("main colour"), max_length=7, default="#b4262a", validators=[hex_colour], help_text=_("主色调")
    )
    secondary_colour = models.CharField(
        _("second colour"), max_length=7, default="#1f4e8c", validators=[hex_colour], help_text=_("辅色调")
    )
    accent_colour = models.CharField(
        _("third colour"), max_length=7, default="#f4f1ea", validators=[hex_colour], help_text=_("辅色调")
    )
    logo_layout = models.CharField(
        _("logo layout"), max_length=20, choices=LogoLayout.choices, default=LogoLayout.LOGO_LEFT
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("site theme")
        verbose_name_plural = _("site themes")

    def __str__(self):
        return f"{self.site} · {self.primary_colour}"

    def clean(self):
        """White text sits on the main and second colours, dark text on the third (TPL-9)."""
        errors = {}
        checks = [
            ("primary_colour", self.primary_colour, "#ffffff", _("white text")),
            ("secondary_colour", self.secondary_colour, "#ffffff", _("white text")),
            ("accent_colour", self.accent_colour, "#222222", _("dark text")),
        ]
        for name, colour, text, text_name in checks:
            if hex_colour.regex.match(colour or "") and contrast(colour, text) < MIN_CONTRAST:
                errors[name] = _(  # TPL-9
                    "%(colour)s is too light or too dark for %(text)s on it: contrast %(ratio).1f:1, at least "
                    "4.5:1 is needed so that elderly and partially sighted readers can read it."
                ) % {"colour": colour, "text": text_name, "ratio": contrast(colour, text)}
        if errors:
            raise ValidationError(errors)


class PublishedFile(models.Model):
    """One file of a published site, as the publisher wrote it (the manifest)."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="published_files")
    path = models.CharField(_("path"), max_length=500, help_text=_("Relative to the site's folder, e.g. zwgk/12.html"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        verbose_name = _("published file")
        verbose_name_plural = _("published files")
        constraints = [models.UniqueConstraint(fields=["site", "path"], name="published_file_unique_path")]

    def __str__(self):
        return self.path


class PageDependency(models.Model):
    """A published page shows a resource or a column (one of the two is set)."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    page_path = models.CharField(max_length=500)
    resource_id = models.BigIntegerField(null=True, blank=True)
    column_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("page dependency")
        verbose_name_plural = _("page dependencies")
        indexes = [
            models.Index(fields=["site", "page_path"], name="pagedep_site_page"),
            models.Index(fields=["resource_id"], name="pagedep_resource"),
            models.Index(fields=["column_id"], name="pagedep_column"),
        ]

    def __str__(self):
        return f"{self.page_path} → {self.resource_id or ''}{self.column_id or ''}"


class HeldBackItem(models.Model):
    """A resource whose page the publisher holds back on a site, and why (LINK-2, issue 12 items 10, 11).

    Its page links to files that do not exist (`missing_paths`) or shows resources that are not
    published (`unpublished`). A new page is left out of every list of the site; a page that was
    online keeps its old version. Every publish of the site tries it again and drops the row once
    the page is published.
    """

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    resource = models.ForeignKey(
        "resources.Resource", on_delete=models.CASCADE, related_name="held_back", verbose_name=_("resource")
    )
    missing_paths = models.JSONField(_("links to missing pages"), default=list, blank=True)
    unpublished = models.JSONField(_("unpublished resources shown"), default=list, blank=True)
    page_online = models.BooleanField(_("an older version is online"), default=False)
    since = models.DateTimeField(_("held back since"), default=timezone.now)

    class Meta:
        verbose_name = _("held-back item")
        verbose_name_plural = _("held-back items")
        constraints = [models.UniqueConstraint(fields=["site", "resource"], name="held_back_unique_item")]

    def __str__(self):
        return f"{self.resource_id} @ {self.site_id}"


class OutlineEntry(models.Model):
    """A shown placement in its column's publishing order, kept by the publisher (PUB-8, issue 18).

    The order key is `live_at` in seconds (publishing/site_loading.py order_key). An incremental
    publish numbers the few entries it needs from the newest end of a column through the index
    (publishing/outline_store.py), instead of numbering every placement of the site. The full
    rebuild brings every row of the site up to date; an incremental publish those of the
    resources it publishes, before planning.
    """

    placement_id = models.BigIntegerField(primary_key=True)
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+", db_index=False)
    column_id = models.BigIntegerField()
    resource_id = models.BigIntegerField()
    at = models.FloatField()
    has_page = models.BooleanField()
    pinned = models.BooleanField()

    class Meta:
        verbose_name = _("outline entry")
        verbose_name_plural = _("outline entries")
        indexes = [
            models.Index(fields=["column_id", "at", "placement_id"], name="outline_order", include=["has_page"]),
            models.Index(fields=["resource_id"], name="outline_resource"),
            models.Index(fields=["site", "column_id"], name="outline_site_pinned", condition=models.Q(pinned=True)),
            models.Index(fields=["site", "resource_id"], name="outline_site"),
        ]

    def __str__(self):
        return f"{self.placement_id} @ {self.column_id}"


class OutlineTally(models.Model):
    """How many entries a column has, and how many of them have a page (OutlineEntry's counts).

    Every column of a site has one once its outline was stored in full: their presence says the
    site's outline can be read (publishing/outline_store.py).
    """

    column_id = models.BigIntegerField(primary_key=True)
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    total = models.IntegerField(default=0)
    pages = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("outline tally")
        verbose_name_plural = _("outline tallies")

    def __str__(self):
        return f"{self.column_id}: {self.total}"
