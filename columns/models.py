"""The column tree of a site (COL-1, COL-2, COL-6, COL-8)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey

from columns.types import MAX_CHANNELS, MAX_DEPTH

COLUMN_TYPE_RE = re.compile(r"^[\u4e00-\u9fa5]{2,12}$")

slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    _("Use lower-case letters, digits and hyphens (e.g. zwdt or policy-docs): it is the column's address."),
    code="slug",
)


def validate_column_type(value: str) -> None:
    if not COLUMN_TYPE_RE.match(value or ""):
        raise ValidationError(  # COL-2
            _("The column type is a short Chinese label such as 工作动态 or 政策文件."),
            code="column_type",
        )


class ColumnManager(TreeManager):
    pass


class Column(MPTTModel):
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="columns", verbose_name=_("site"))
    parent = TreeForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent column"),
    )
    name = models.CharField(_("name"), max_length=50)
    slug = models.CharField(
        _("address segment"),
        max_length=50,
        validators=[slug_validator],
        help_text=_("Part of the stable URL of the column and its pages."),  # LINK-1
    )
    description = models.CharField(_("description"), max_length=300)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True, help_text=_("Separated by commas."))
    column_type = models.CharField(  # COL-2
        _("column type"),
        max_length=12,
        validators=[validate_column_type],
        help_text=_("One of the standard column types, or a new one."),
    )
    is_channel = models.BooleanField(  # COL-6
        _("channel"), default=False, help_text=_("Shown in the top navigation of every page; at most 8.")
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    responsible_person = models.CharField(_("person responsible"), max_length=50, help_text=_("栏目责任人."))  # COL-8
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=30, blank=True)
    update_interval_days = models.PositiveIntegerField(
        _("expected update interval (days)"),
        null=True,
        blank=True,
        help_text=_("Empty for columns without a regular rhythm. Monitoring warns when it is exceeded."),  # COL-8
    )
    review_levels = models.PositiveSmallIntegerField(
        _("review levels"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("1 to 3 (初审/复审/终审), each passed by a different reviewer."),  # PUB-9
    )
    archived_at = models.DateTimeField(
        _("archived at"),
        null=True,
        blank=True,
        help_text=_(  # SITE-9, COL-7
            "Archived columns and topics keep their pages, marked “已归档”, and leave navigation and "
            "the home page; set by archiving."
        ),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ColumnManager()

    class MPTTMeta:
        order_insertion_by = ["sort_order"]

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        constraints = [
            models.UniqueConstraint(fields=["site", "parent", "slug"], name="column_unique_slug_among_siblings"),
            models.UniqueConstraint(
                fields=["site", "slug"], condition=models.Q(parent=None), name="column_unique_top_slug"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def path(self) -> str:
        """The URL path of the column inside its site: `zwgk/zcwj/` (LINK-1)."""
        return "".join(f"{node.slug}/" for node in self.get_ancestors(include_self=True))

    def clean(self):
        errors = {}
        parent = self.parent
        if parent is not None:
            if self.site_id and parent.site_id != self.site_id:
                errors["parent"] = _("The parent column belongs to another site.")
            elif self.pk and (parent.pk == self.pk or parent.is_descendant_of(self)):
                errors["parent"] = _("A column cannot be moved under itself.")
            elif parent.level + 1 + (self._subtree_height() if self.pk else 0) > MAX_DEPTH - 1:
                errors["parent"] = _(  # COL-1
                    "Columns are at most %(depth)d levels deep; this place would make the tree deeper."
                ) % {"depth": MAX_DEPTH}
        if self.site_id and self.slug:
            siblings = Column.objects.filter(site_id=self.site_id, parent=parent, slug=self.slug)
            if siblings.exclude(pk=self.pk).exists():
                errors["slug"] = _("Another column at this place already uses the address “%(slug)s”.") % {
                    "slug": self.slug
                }
        if self.is_channel and self.site_id:
            channels = Column.objects.filter(site_id=self.site_id, is_channel=True).exclude(pk=self.pk)
            if channels.count() >= MAX_CHANNELS:
                errors["is_channel"] = _(  # COL-6
                    "A site has at most %(max)d channels; remove the channel mark from another column first."
                ) % {"max": MAX_CHANNELS}
        if errors:
            raise ValidationError(errors)

    def _subtree_height(self) -> int:
        """Levels below this column (0 for a leaf), from the stored tree."""
        if self.is_leaf_node():
            return 0
        deepest = self.get_descendants().aggregate(models.Max("level"))["level__max"]
        return deepest - self.level


class SubUnitKind(models.TextChoices):
    TOWNSHIP = "township", _("township or street")
    DEPARTMENT = "department", _("department")
    COUNTY = "county", _("county-level unit")


class SubUnit(models.Model):
    """A unit without a site of its own that publishes into some columns of its portal (SITE-10)."""

    portal = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="sub_units", verbose_name=_("portal")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=SubUnitKind.choices)
    columns = models.ManyToManyField("columns.Column", related_name="+", verbose_name=_("columns"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("sub-unit")
        verbose_name_plural = _("sub-units")
        ordering = ["portal_id", "name"]
        constraints = [models.UniqueConstraint(fields=["portal", "name"], name="sub_unit_unique_name")]

    def __str__(self):
        return self.name

    @property
    def site(self):
        return self.portal


class SubUnitMember(models.Model):
    """A role on the portal held for a sub-unit: limited to the sub-unit's columns."""

    sub_unit = models.ForeignKey(SubUnit, on_delete=models.CASCADE, related_name="members")
    membership = models.OneToOneField("sites.Membership", on_delete=models.CASCADE, related_name="sub_unit")

    class Meta:
        verbose_name = _("sub-unit member")
        verbose_name_plural = _("sub-unit members")

    def __str__(self):
        return f"{self.sub_unit} · {self.membership}"


class EditorScope(models.Model):
    """Limits an editor to some columns of a site (SITE-10), as ReviewerScope does for reviewers."""

    membership = models.OneToOneField("sites.Membership", on_delete=models.CASCADE, related_name="edit_scope")
    columns = models.ManyToManyField("columns.Column", related_name="+", verbose_name=_("columns"))

    class Meta:
        verbose_name = _("editor's columns")
        verbose_name_plural = _("editors' columns")

    def __str__(self):
        return str(self.membership)
