"""The resource kinds of information disclosure, registered with the library's kind classes
(resources/kinds_registry.py) from `DisclosureConfig.ready()`: the content layer knows their
names (resources.models.ResourceKind) and the publisher asks their classes, as for every kind.

- `guide`: the disclosure guide of one organisation (DISC-1), disclosure/guide.py;
- `annual_report`: the annual report on disclosure work (DISC-4), written as a text with its
  year and organisation until the report generated from the records replaces its form.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from disclosure import guide
from disclosure.guide_fields import OrganisationField
from resources import kinds_registry
from resources.fields import PlainTextField
from resources.kinds import KIND_FORMS, KindForm
from resources.models import ResourceKind
from resources.widgets import RichTextField


class Guide(kinds_registry.Kind):
    kind = ResourceKind.GUIDE
    form = guide.GuideForm
    help_text = _(
        "The disclosure guide of one organisation: office, categories, how to apply, remedies (信息公开指南)."
    )
    page_template = "disclosure_guide.html"

    @classmethod
    def page_context(cls, data: dict, site) -> dict:
        return guide.page_context(data, site)


class AnnualReportForm(KindForm):
    """An annual report on government information disclosure work (DISC-4)."""

    kind = ResourceKind.ANNUAL_REPORT

    title = PlainTextField(label=_("title"), max_length=300)
    organisation = OrganisationField(
        label=_("disclosing organisation"),
        error_messages={
            "required": _("Choose the organisation this report is for."),
            "invalid_choice": _("Choose one of this site's disclosing organisations."),
        },
    )
    year = forms.IntegerField(
        label=_("year reported on"),
        min_value=2008,  # the first year of the 2007 regulations
        error_messages={"required": _("Give the year the report is about.")},
    )
    body = RichTextField(label=_("text of the report"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].for_site(self.site)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and year >= timezone.localdate().year + 1:
            raise ValidationError(_("A report is about a year that has begun."), code="year")
        return year


class AnnualReport(kinds_registry.Kind):
    kind = ResourceKind.ANNUAL_REPORT
    form = AnnualReportForm
    help_text = _("The annual report on government information disclosure work (信息公开年报).")
    title_in_data = rich_text = True


def register() -> None:
    """Give the library the forms and classes of the disclosure kinds."""
    for kind_cls in (Guide, AnnualReport):
        KIND_FORMS[kind_cls.kind] = kind_cls.form
        kinds_registry.register(kind_cls)
