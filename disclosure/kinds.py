"""The resource kinds of information disclosure, registered with the library's kind classes
(resources/kinds_registry.py) from `DisclosureConfig.ready()`: the content layer knows their
names (resources.models.ResourceKind) and the publisher asks their classes, as for every kind.

- `guide`: the disclosure guide of one organisation (DISC-1), disclosure/guide.py;
- `annual_report`: the annual report on disclosure work (DISC-4): disclosure/annual_report.py
  (counting and the action), annual_report_form.py (its form), report_tables.py (its tables),
  report_docx.py (its DOCX).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from disclosure import guide, report_docx, report_tables
from disclosure.annual_report_form import AnnualReportForm
from resources import kinds_registry
from resources.kinds import KIND_FORMS
from resources.models import ResourceKind


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


class AnnualReport(kinds_registry.Kind):
    """The annual report (DISC-4): its tables counted from the records, its page in the national
    format, and its DOCX offered for download on that page."""

    kind = ResourceKind.ANNUAL_REPORT
    form = AnnualReportForm
    help_text = _("The annual report on government information disclosure work (信息公开年报).")
    title_in_data = rich_text = True
    page_template = "disclosure_annual_report.html"

    @classmethod
    def page_context(cls, data: dict, site) -> dict:
        return {"report": report_tables.page_context(data)}

    @classmethod
    def page_files(cls, data: dict, resource_id: int) -> list[tuple[str, str, int, str]]:
        title = str(data.get("title") or "政府信息公开工作年度报告")
        source, size = report_docx.ensure_file(data, title)
        return [(f"{title}.docx", source, size, report_docx.CONTENT_TYPE)]


def register() -> None:
    """Give the library the forms and classes of the disclosure kinds."""
    for kind_cls in (Guide, AnnualReport):
        KIND_FORMS[kind_cls.kind] = kind_cls.form
        kinds_registry.register(kind_cls)
