"""The policy library's filters on the public search page (DISC-5), as GET parameters.

    /search/?kind=policy                       the site's policy documents, newest first
    &docno=冀政办字〔2026〕  &issuer=办公厅      a part of the document number / the issuing body
    &written_from=2026-01-01&written_to=…      the date of creation (成文日期), both ends included
    &published_from=…&published_to=…          the date of issue (发布日期)
    &subject=教育  &validity=valid             the subject category, the validity (RES-7)

`read(GET, filters)` fills the search's Filters and returns what the form shows again: every
value as it was typed (nothing is lost), and a message in Chinese for each value that cannot be
used (that filter is then left out and says so). Any of these filters, or kind=policy, makes the
search one of policy documents only, with or without words (search/engine.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from resources import index_metadata
from resources.models import Validity
from search.results import POLICY_KIND, Filters
from search.text import normalise

MAX_CHARS = 100
# As policy pages show it (publishing/render_content.py).
VALIDITY_LABELS = {
    Validity.VALID: "有效",
    Validity.AMENDED: "已修改",
    Validity.REPEALED: "已废止",
    Validity.EXPIRED: "已失效",
}
DATE_FIELDS = (
    ("written_from", "written_to", "成文日期"),
    ("published_from", "published_to", "发布日期"),
)
TEXT_PARAMS = ("docno", "issuer", "subject", "validity", *(name for pair in DATE_FIELDS for name in pair[:2]))


@dataclass
class LibraryForm:
    """What the filter form shows: the typed values, the choices, the messages."""

    typed: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    active: bool = False

    @property
    def params(self) -> dict[str, str | None]:
        """The parameters every link of the results page keeps (typed values, even refused ones)."""
        out: dict[str, str | None] = {name: value or None for name, value in self.typed.items()}
        out["kind"] = POLICY_KIND if self.active else None
        return out

    @property
    def validities(self) -> list[tuple[str, str]]:
        return [(str(value), label) for value, label in VALIDITY_LABELS.items()]


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def subject_names() -> list[str]:
    """The platform's subject classification (主题分类) in its order, as a feature app provides it
    (the disclosure app: resources/index_metadata.py; search never reads its tables)."""
    return index_metadata.subject_choices()


def read(params, filters: Filters) -> LibraryForm:
    form = LibraryForm()
    for name in TEXT_PARAMS:
        form.typed[name] = normalise((params.get(name) or "")[:MAX_CHARS])
    typed = form.typed
    filters.kind = POLICY_KIND if (params.get("kind") or "") == POLICY_KIND else ""
    filters.document_number = typed["docno"]
    filters.issuing_body = typed["issuer"]
    filters.subject = typed["subject"]
    if typed["validity"]:
        if typed["validity"] in VALIDITY_LABELS:
            filters.validity = typed["validity"]
        else:
            form.errors.append("请从列表中选择效力状态；本次未按效力状态筛选。")
    for low_name, high_name, label in DATE_FIELDS:
        dates = {}
        for name, end in ((low_name, "起始"), (high_name, "截止")):
            value = typed[name]
            if not value:
                continue
            day = _date(value)
            if day is None or not 1900 <= day.year <= 2999:
                form.errors.append(
                    f"{label}的{end}日期“{value}”不是有效的日期，请按“2026-01-31”的格式填写；本次未按它筛选。"
                )
            else:
                dates[name] = day
        low, high = dates.get(low_name), dates.get(high_name)
        if low and high and low > high:
            form.errors.append(f"{label}的起始日期晚于截止日期，请检查；本次未按{label}筛选。")
            continue
        setattr(filters, low_name, low)
        setattr(filters, high_name, high)
    form.active = filters.library
    if form.active or filters.column_type == "政策文件":
        form.subjects = subject_names()
    return form
