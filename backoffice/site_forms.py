"""Forms of the lifecycle pages of the back office (SITE-5 to SITE-9, TPL-11).

Each form asks only what its action needs; the action checks the rules and its refusals are
shown on the form, with the user's input kept.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from columns.models import Column
from lifecycle.models import REPORT_EXTENSIONS
from sites.models import Site, SiteKind, SiteStatus

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def reason_field(label=None, required=True, help_text=""):
    return forms.CharField(
        label=label or _("reason"),
        required=required,
        max_length=2000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


def datetime_field(label, help_text=""):
    return forms.DateTimeField(
        label=label,
        help_text=help_text,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class LifecycleForm(forms.Form):
    """A form of one lifecycle page; `site` and `application` are what the page is about."""

    def __init__(self, *args, site=None, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.site, self.application = site, application


class ConfirmForm(LifecycleForm):
    pass


class ReasonForm(LifecycleForm):
    reason = reason_field()


class NoteForm(LifecycleForm):
    note = reason_field(_("note"), required=False)


class RefusalForm(LifecycleForm):
    reason = reason_field(help_text=_("The applicant reads it."))


class IdCodeForm(LifecycleForm):
    id_code = forms.CharField(
        label=_("site ID code"), max_length=10, help_text=_("政府网站标识码: e.g. 1306000001, or bm + 8 digits.")
    )


class SecurityCheckForm(LifecycleForm):
    passed = forms.BooleanField(label=_("the check was passed"), required=False)
    report = forms.FileField(
        label=_("report"),
        help_text=_("The check's report (%(types)s).") % {"types": ", ".join(ext.upper() for ext in REPORT_EXTENSIONS)},
    )
    note = reason_field(_("note"), required=False)


class OfflineForm(LifecycleForm):
    starts_at = datetime_field(_("offline from"))
    ends_at = datetime_field(_("offline until"), help_text=_("At most 30 days after the start."))
    reason = reason_field(help_text=_("Also shown to citizens on the notice."))
    force_majeure = forms.BooleanField(
        label=_("force majeure"),
        required=False,
        help_text=_(
            "Power or network failure, or an ordered emergency shutdown: filed, not counted (Guidelines for the Development of Government Websites)."
        ),
    )


class ReturnForm(LifecycleForm):
    planned_at = datetime_field(
        _("back online at"),
        help_text=_(
            "At least 7 days from now (Tianjin Measures for the Administration of Government Websites, article 8)."
        ),
    )
    reason = reason_field()


class MigrationForm(LifecycleForm):
    target_site = forms.ModelChoiceField(label=_("content moves to"), queryset=Site.objects.none())
    reason = reason_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        targets = Site.objects.filter(status=SiteStatus.ONLINE).exclude(pk=self.site.pk)
        if self.site.kind == SiteKind.PORTAL:
            targets = targets.filter(kind=SiteKind.PORTAL)
        self.fields["target_site"].queryset = targets.order_by("kind", "name")


class ContentMoveForm(LifecycleForm):
    """The target column of each column of the migrating site that shows content."""

    default_column = forms.ModelChoiceField(label=_("everything else goes to"), queryset=Column.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        target = self.application.target_site
        targets = Column.objects.filter(site=target).order_by("tree_id", "lft")
        self.fields["default_column"].queryset = targets
        self.fields["default_column"].label_from_instance = lambda c: f"{c.path} {c.name}"
        self.sources = []
        shown = (
            Column.objects.filter(site=self.site, placements__status="active")
            .distinct()
            .order_by("tree_id", "lft")  # fmt: skip
        )
        for column in shown:
            name = f"column_{column.pk}"
            field = forms.ModelChoiceField(label=f"{column.path} {column.name}", queryset=targets, required=False)
            field.label_from_instance = lambda c: f"{c.path} {c.name}"
            self.fields[name] = field
            self.sources.append((column, name))

    def column_map(self) -> dict:
        return {column.pk: self.cleaned_data[name] for column, name in self.sources if self.cleaned_data.get(name)}


class SiteApplicationForm(forms.ModelForm):
    """A unit applies for a site (SITE-5): the data of the site to be, its domain, the reason."""

    primary_domain = forms.CharField(
        label=_("primary domain"),
        help_text=_("www.X.gov.cn for a portal; Y.X.gov.cn under the portal www.X.gov.cn for a department site."),
    )
    reason = reason_field()

    class Meta:
        model = Site
        fields = ("name", "unit_name", "kind", "parent", "organiser", "operator", "person_in_charge",
                  "contact_phone", "contact_email", "contact_address")  # fmt: skip

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if parents is not None:
            self.fields["parent"].queryset = parents
