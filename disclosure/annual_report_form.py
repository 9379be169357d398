"""The annual report's form (DISC-4): what is entered by hand, as tables of numbers, and the texts;
what the platform counts is recounted at every save (`computed`, disclosure/annual_report.py) and
shown read-only beside them.

Data of an `annual_report` revision:

    title, organisation (id), year
    overview, problems, other_matters        rich text: sections 一, 五, 六
    rules        {"rules": {"made", "repealed", "in_force"}}                 规章 (table 二)
    decisions    {"licensing"|"penalty"|"enforcement": {"decisions"}}        行政许可/处罚/强制
    fees         "12.50"                                                     行政事业性收费 (万元)
    remedies     {"reconsideration"|"lawsuit_direct"|"lawsuit_after":
                  {"upheld", "corrected", "other", "pending"}}              table 四
    computed     compute(organisation, year)                                tables 二 (行政规范性文件), 三
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from disclosure import report_tables
from disclosure.guide_fields import OrganisationField
from disclosure.models import Organisation
from resources.fields import PlainTextField
from resources.kinds import KindForm
from resources.models import ResourceKind
from resources.widgets import RichTextField

MAX_COUNT = 10_000_000
FIRST_YEAR = 2008  # the first year of the 2007 regulations


class NumberTableWidget(forms.Widget):
    """A table of number inputs: rows × columns, each input labelled by its row and column headers."""

    def __init__(self, rows, columns, attrs=None):
        super().__init__(attrs)
        self.rows, self.columns = rows, columns

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, dict):
            return value
        cells = {
            row: {col: data.get(f"{name}-{row}-{col}") for col, _label in self.columns} for row, _label in self.rows
        }
        if all(value is None for row in cells.values() for value in row.values()):
            return None
        return cells

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(key.startswith(f"{name}-") for key in data)

    def render(self, name, value, attrs=None, renderer=None):
        value = value if isinstance(value, dict) else {}
        base = (attrs or {}).get("id") or f"id_{name}"
        head = format_html_join(
            "", '<th scope="col" id="{}-{}">{}</th>', ((base, col, label) for col, label in self.columns)
        )
        body = []
        for row, row_label in self.rows:
            cells = format_html_join(
                "",
                '<td><input type="number" min="0" step="1" name="{}-{}-{}" value="{}" aria-labelledby="{}-{} {}-{}"'
                ' style="width:7em"></td>',
                (
                    (name, row, col, "" if (value.get(row) or {}).get(col) in (None, "") else value[row][col],
                     base, row, base, col)
                    for col, _label in self.columns
                ),
            )  # fmt: skip
            body.append(format_html('<tr><th scope="row" id="{}-{}">{}</th>{}</tr>', base, row, row_label, cells))
        return format_html(
            '<table class="number-table" id="{}"><thead><tr><td></td>{}</tr></thead><tbody>{}</tbody></table>',
            base,
            head,
            format_html_join("", "{}", ((row,) for row in body)),
        )


class NumberTableField(forms.Field):
    """Whole numbers entered in a table; an empty cell counts as 0. Stored as {row: {column: n}}."""

    default_error_messages = {
        "invalid": _("“%(value)s” in %(row)s, %(column)s is not a whole number of 0 or more."),
        "too_big": _("%(row)s, %(column)s: at most %(max)s."),
    }

    def __init__(self, *, rows, columns, **kwargs):
        self.rows, self.columns = list(rows), list(columns)
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", NumberTableWidget(self.rows, self.columns))
        super().__init__(**kwargs)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget = NumberTableWidget(self.rows, self.columns)
        return result

    def to_python(self, value):
        value = value if isinstance(value, dict) else {}
        out = {}
        for row, row_label in self.rows:
            cells = value.get(row) if isinstance(value.get(row), dict) else {}
            out[row] = {}
            for col, col_label in self.columns:
                raw = cells.get(col)
                text = "" if raw is None else str(raw).strip()
                if text == "":
                    out[row][col] = 0
                    continue
                if not text.isdigit():
                    raise ValidationError(
                        self.error_messages["invalid"], code="invalid",
                        params={"value": text[:20], "row": row_label, "column": col_label},
                    )  # fmt: skip
                number = int(text)
                if number > MAX_COUNT:
                    raise ValidationError(
                        self.error_messages["too_big"], code="too_big",
                        params={"row": row_label, "column": col_label, "max": MAX_COUNT},
                    )  # fmt: skip
                out[row][col] = number
        return out

    def shown_lines(self, value) -> list[str]:
        value = value if isinstance(value, dict) else {}
        lines = []
        for row, row_label in self.rows:
            cells = value.get(row) or {}
            parts = "，".join(f"{col_label} {cells.get(col, 0)}" for col, col_label in self.columns)
            lines.append(f"{row_label}：{parts}")
        return lines


class ComputedWidget(forms.Widget):
    """What the platform counted, shown read-only: nothing typed here is taken."""

    def value_from_datadict(self, data, files, name):
        return None

    def render(self, name, value, attrs=None, renderer=None):
        lines = report_tables.computed_lines(value if isinstance(value, dict) else {})
        if not lines:
            return format_html("<p>{}</p>", _("Counted from the records when the report is saved."))
        items = format_html_join("", "<li>{}</li>", ((line,) for line in lines))
        note = _("Counted from the records at every save; recount with “generate the annual report”.")
        return format_html('<ul class="computed-report">{}</ul><p class="help">{}</p>', items, note)


class ComputedField(forms.Field):
    widget = ComputedWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        return value if isinstance(value, dict) else None

    def shown_lines(self, value) -> list[str]:
        return report_tables.computed_lines(value if isinstance(value, dict) else {})


def _labelled(pairs):
    return [(key, label) for key, label in pairs]


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
        min_value=FIRST_YEAR,
        error_messages={
            "required": _("Give the year the report is about."),
            "min_value": _("Reports begin with the year 2008."),
        },
    )
    overview = RichTextField(
        label=_("I. Overview"), required=False,
        help_text=_("The year's disclosure work in general; the draft begins with the numbers counted."),
    )  # fmt: skip
    rules = NumberTableField(
        label=_("II. Rules (entered by hand)"),
        rows=_labelled([("rules", _("rules"))]),
        columns=_labelled(
            [("made", _("made this year")), ("repealed", _("repealed this year")), ("in_force", _("in force"))]
        ),  # fmt: skip
        help_text=_("The row of normative documents is counted from the policy documents of the catalogue."),
    )
    decisions = NumberTableField(
        label=_("II. Decisions (entered by hand)"),
        rows=_labelled(
            [
                ("licensing", _("administrative licensing")),
                ("penalty", _("administrative penalties")),
                ("enforcement", _("administrative enforcement")),
            ]
        ),  # fmt: skip
        columns=_labelled([("decisions", _("decisions this year"))]),
    )
    fees = forms.DecimalField(
        label=_("II. Administrative fees collected this year (10,000 yuan)"),
        min_value=0, max_digits=12, decimal_places=2, required=False,
        error_messages={"invalid": _("Give the amount in 10,000 yuan, e.g. 12.5 (0 when none).")},
    )  # fmt: skip
    remedies = NumberTableField(
        label=_("IV. Administrative reconsideration and litigation (entered by hand)"),
        rows=_labelled(
            [
                ("reconsideration", _("administrative reconsideration")),
                ("lawsuit_direct", _("litigation without reconsideration")),
                ("lawsuit_after", _("litigation after reconsideration")),
            ]
        ),  # fmt: skip
        columns=_labelled(
            [
                ("upheld", _("upheld")),
                ("corrected", _("corrected")),
                ("other", _("other result")),
                ("pending", _("not yet concluded")),
            ]
        ),  # fmt: skip
    )
    problems = RichTextField(label=_("V. Main problems and improvements"), required=False)
    other_matters = RichTextField(label=_("VI. Other matters to report"), required=False)
    computed = ComputedField(label=_("Counted from the records (tables II and III)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].for_site(self.site)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and year >= timezone.localdate().year:
            raise ValidationError(_("A report is made for a year that has ended."), code="year")
        return year

    def clean_fees(self):
        fees = self.cleaned_data["fees"]
        return str((fees or Decimal(0)).quantize(Decimal("0.01")))

    def clean(self):
        cleaned = super().clean()
        organisation_id, year = cleaned.get("organisation"), cleaned.get("year")
        cleaned["computed"] = None
        if organisation_id and year and not self.has_error("organisation") and not self.has_error("year"):
            from disclosure.annual_report import compute, reports_of

            organisation = Organisation.objects.get(pk=organisation_id)
            other = reports_of(organisation, year)
            if self.resource is not None and self.resource.pk:
                other = other.exclude(pk=self.resource.pk)
            other = other.first()
            if other is not None:
                self.add_error("year", ValidationError(
                    _("“%(title)s” is already this organisation's report on %(year)s: edit it instead."),
                    code="report_exists", params={"title": other.title, "year": year},
                ))  # fmt: skip
            else:
                cleaned["computed"] = compute(organisation, year)
        return cleaned
