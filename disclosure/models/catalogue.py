"""The public-information catalogue (信息公开目录, DISC-2) and the index numbers of RES-7."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ORGANISATION_CODE_RE = r"^([0-9A-Z]{8}-?[0-9A-Z]|[0-9A-Z]{18})$"


class Organisation(models.Model):
    """An organisation that discloses information (信息公开机关): a site's own body or one of its
    sub-units (SITE-10). Its code (组织机构代码, 9 characters, or 统一社会信用代码, 18) begins every
    index number it gives out."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, related_name="disclosure_organisations", verbose_name=_("site")
    )
    sub_unit = models.ForeignKey(
        "columns.SubUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disclosure_organisations",
        verbose_name=_("sub-unit"),
        help_text=_("Empty for the site's own organisation."),
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("organisation code"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                ORGANISATION_CODE_RE, _("9-character organisation code or 18-character unified social credit code.")
            )
        ],
    )

    class Meta:
        verbose_name = _("disclosing organisation")
        verbose_name_plural = _("disclosing organisations")
        ordering = ["site", "sub_unit", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site"], condition=models.Q(sub_unit__isnull=True), name="disclosure_org_one_per_site"
            ),
            models.UniqueConstraint(fields=["sub_unit"], name="disclosure_org_one_per_sub_unit"),
        ]

    def __str__(self):
        return self.name


class SubjectCategory(models.Model):
    """One entry of the subject classification (主题分类) that administrators keep for the platform."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True, help_text=_("Used in page addresses."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("subject category")
        verbose_name_plural = _("subject categories")
        ordering = ["position", "id"]

    def __str__(self):
        return self.name


class IndexSerial(models.Model):
    """The last serial given out by one organisation in one year. Serials only ever grow, so a
    number is never given twice, even after its item is withdrawn (DISC-2)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="serials")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="index_serial_unique")]

    def __str__(self):
        return f"{self.organisation_id}/{self.year}-{self.last:05d}"


class CatalogueEntry(models.Model):
    """The catalogue record of one disclosed item: given when it is first disclosed, kept forever."""

    resource = models.OneToOneField(
        "resources.Resource", on_delete=models.CASCADE, primary_key=True, related_name="catalogue_entry"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="entries", verbose_name=_("organisation")
    )
    index_number = models.CharField(_("index number"), max_length=40, unique=True)
    subject = models.ForeignKey(
        SubjectCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("subject category"),
    )
    document_number = models.CharField(_("document number"), max_length=100, blank=True, db_index=True)
    issuing_organisation = models.CharField(_("issuing organisation"), max_length=200, blank=True)
    written_on = models.DateField(_("date of creation"), null=True, blank=True)
    # The 20-working-day rule (条例 art.26): from the day the information was made or changed
    # to the day it was disclosed.
    made_on = models.DateField(_("made or changed on"))
    disclosed_at = models.DateTimeField(_("disclosed at"), default=timezone.now)
    due_on = models.DateField(_("to be disclosed by"), null=True, blank=True)
    late = models.BooleanField(_("disclosed late"), default=False, db_index=True)

    class Meta:
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")
        ordering = ["-disclosed_at", "-resource_id"]
        indexes = [
            models.Index(fields=["organisation", "-disclosed_at"]),
            models.Index(fields=["subject", "-disclosed_at"]),
        ]

    def __str__(self):
        return self.index_number
