"""A government site on the platform, with its filings and domains (SITE-1 to SITE-4)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sites import validators


class SiteKind(models.TextChoices):
    PORTAL = "portal", _("government portal")
    DEPARTMENT = "department", _("department site")


class SiteStatus(models.TextChoices):
    """The lifecycle of SITE-5 to SITE-7; transitions are the lifecycle actions' business."""

    APPLYING = "applying", _("applying")
    APPROVED = "approved", _("approved")
    ONLINE = "online", _("online")
    OFFLINE = "offline", _("temporarily offline")
    MIGRATING = "migrating", _("migrating")
    CLOSED = "closed", _("closed")


# The statuses whose sites the static publisher writes (publishing.publisher). An approved site is
# built before it goes online, so that its security check examines the real pages (SITE-5); a
# migrating site still shows its content with the migration notice (SITE-7). An applying site is
# not approved yet; every page of an offline site is answered by the public process with its
# notice (public/serving.py), from the files already published; a closed site's addresses redirect.
PUBLISHED_STATUSES = (SiteStatus.APPROVED, SiteStatus.ONLINE, SiteStatus.MIGRATING)


class Site(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent site"),
        help_text=_("A department site belongs to its portal; a lower portal to a higher one."),
    )
    name = models.CharField(
        _("standard full name"),
        max_length=100,
        help_text=_("规范名称: the organisation's own name, shown in the header of every page."),
    )
    unit_name = models.CharField(
        _("unit"),
        max_length=100,
        help_text=_("The government unit that owns the site. One unit has at most one site."),  # SITE-4
    )
    organiser = models.CharField(_("organiser (主办单位)"), max_length=100)
    operator = models.CharField(_("operator (承办单位)"), max_length=100, blank=True)
    person_in_charge = models.CharField(  # SITE-8
        _("person in charge"), max_length=50, blank=True, help_text=_("负责人 of the site; a change is filed.")
    )
    contact_phone = models.CharField(_("contact phone"), max_length=40)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_address = models.CharField(_("contact address"), max_length=200)
    id_code = models.CharField(
        _("site ID code"),
        max_length=10,
        blank=True,
        validators=[validators.validate_id_code],
        help_text=_("政府网站标识码, given by the State Council General Office; required to go online."),
    )
    icp_number = models.CharField(
        _("ICP filing number"), max_length=40, blank=True, validators=[validators.validate_icp_number]
    )
    psb_number = models.CharField(
        _("public-security filing number"),
        max_length=40,
        blank=True,
        validators=[validators.validate_psb_number],
    )
    conac_mark = models.CharField(
        _("Party/government site mark ID"),
        max_length=100,
        blank=True,
        help_text=_("党政机关网站标识: the identifier issued by conac.cn for the footer mark."),
    )
    logo = models.ImageField(_("logo"), upload_to="sites/logos/", blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SiteStatus.choices, default=SiteStatus.APPLYING, db_index=True
    )
    archived_at = models.DateTimeField(
        _("archived at"),
        null=True,
        blank=True,
        help_text=_("Every page shows “已归档” and this time; set by the lifecycle."),  # SITE-9
    )
    home_notice = models.TextField(
        _("home page notice"),
        blank=True,
        help_text=_("Shown prominently on the home page, e.g. the migration notice; set by the lifecycle."),  # SITE-7
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(Lower("unit_name"), name="site_one_per_unit"),
            models.UniqueConstraint(fields=["id_code"], condition=~models.Q(id_code=""), name="site_unique_id_code"),
        ]

    def __str__(self):
        return self.name

    @property
    def primary_domain(self) -> str:
        """The primary domain's name ('' while none is set). Uses prefetched domains if present."""
        for domain in self.domains.all():
            if domain.is_primary:
                return domain.name
        return ""

    def clean(self):
        errors = {}
        self.unit_name = " ".join((self.unit_name or "").split())
        if self.unit_name:
            same_unit = Site.objects.filter(unit_name__iexact=self.unit_name).exclude(pk=self.pk)
            if same_unit.exists():
                errors["unit_name"] = ValidationError(  # SITE-4
                    _("The unit %(unit)s already has a site (%(site)s); one unit, one site."),
                    code="one_site_per_unit",
                    params={"unit": self.unit_name, "site": same_unit.first().name},
                )
        if self.id_code and Site.objects.filter(id_code=self.id_code).exclude(pk=self.pk).exists():
            errors["id_code"] = ValidationError(
                _("Another site already has the site ID code %(code)s."), params={"code": self.id_code}
            )
        if self.kind == SiteKind.DEPARTMENT and self.parent_id is None:
            errors["parent"] = ValidationError(  # SITE-1
                _("A department site must belong to a portal."), code="department_parent"
            )
        if self.parent_id is not None:
            if self.parent.kind != SiteKind.PORTAL:
                errors["parent"] = ValidationError(  # SITE-1
                    _("The parent of a site must be a portal."), code="parent_kind"
                )
            elif self.pk and self._is_ancestor_of_self():
                errors["parent"] = ValidationError(_("A site cannot be its own ancestor."), code="cycle")
        if errors:
            raise ValidationError(errors)

    def _is_ancestor_of_self(self) -> bool:
        seen, node = set(), self.parent
        while node is not None and node.pk not in seen:
            if node.pk == self.pk:
                return True
            seen.add(node.pk)
            node = node.parent
        return False


class Domain(models.Model):
    """A domain of a site; exactly one per site is primary (主域名, SITE-3)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="domains", verbose_name=_("site"))
    name = models.CharField(_("domain"), max_length=253, unique=True)
    is_primary = models.BooleanField(_("primary domain"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["site"], condition=models.Q(is_primary=True), name="domain_one_primary_per_site"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_chinese(self) -> bool:
        return validators.is_chinese_domain(self.name)

    def clean(self):
        self.name = validators.normalise_domain(self.name)
        if self.is_primary and self.site_id:
            parent = self.site.parent
            parent_primary = parent.primary_domain if parent else None
            validators.validate_primary_domain(self.name, kind=self.site.kind, parent_primary=parent_primary)
        else:
            validators.validate_domain_form(self.name)


class Role(models.TextChoices):
    SITE_ADMIN = "site_admin", _("site administrator")
    EDITOR = "editor", _("editor")
    REVIEWER = "reviewer", _("reviewer")


# PUB-1: content editing and content review are separate duties on one site.
INCOMPATIBLE_ROLES = {Role.EDITOR: Role.REVIEWER, Role.REVIEWER: Role.EDITOR}


class Membership(models.Model):
    """A role of a user on one site."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("site"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("site role")
        verbose_name_plural = _("site roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "site", "role"], name="membership_unique_role"),
        ]
        ordering = ["site_id", "role", "user_id"]

    def __str__(self):
        return f"{self.user} · {self.site} · {self.get_role_display()}"

    def clean(self):
        conflicting = INCOMPATIBLE_ROLES.get(self.role)
        if conflicting and self.user_id and self.site_id:
            clash = Membership.objects.filter(user_id=self.user_id, site_id=self.site_id, role=conflicting)
            if clash.exclude(pk=self.pk).exists():
                raise ValidationError(  # PUB-1
                    _("One person cannot be both editor and reviewer of the same site (separation of duties)."),
                    code="role_conflict",
                )


class Redirect(models.Model):
    """An old address answered with 301 (SITE-7 migrations, SITE-8 domain and column changes).

    `host` empty: any host of `site`. `is_prefix`: the path and everything under it, with the
    rest of the requested path appended to `target` when `keep_rest`. An exact path wins over
    prefixes, a longer prefix over a shorter one, a host's own redirect over the site's.
    """

    site = models.ForeignKey(
        "sites.Site", on_delete=models.CASCADE, null=True, blank=True, related_name="redirects", verbose_name=_("site")
    )
    host = models.CharField(_("host"), max_length=253, blank=True, db_index=True)
    path = models.CharField(_("old path"), max_length=500)
    is_prefix = models.BooleanField(_("with everything under it"), default=False)
    keep_rest = models.BooleanField(
        _("keep the rest of the path"), default=True, help_text=_("With everything under it: append what follows.")
    )
    target = models.CharField(_("new address"), max_length=800)
    reason = models.CharField(_("reason"), max_length=20)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")
        ordering = ["host", "path"]
        indexes = [models.Index(fields=["site", "path"])]

    def __str__(self):
        return f"{self.host or self.site}{self.path} → {self.target}"
