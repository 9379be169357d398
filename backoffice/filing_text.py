"""A change filing's before and after as text a person reads (issue 14 item 6), never JSON.

lifecycle/filings.py stores what changed as JSON: a column as {"path", "name", "parent"}, the
site's filed fields as {field name: value}, a domain as a plain string. Pages show each field
under its name ("地址：ywdt/；名称：要闻动态；上级栏目：新闻中心").
"""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from columns.models import Column
from sites.models import Site

COLUMN_KEYS = {"path": _("address"), "name": _("name"), "parent": _("parent column")}


def _label(key: str) -> str:
    if key in COLUMN_KEYS:
        return str(COLUMN_KEYS[key])
    try:
        return str(Site._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:
        return key


def _value(key: str, value, columns: dict) -> str:
    if value is None or value == "":
        return gettext("none (top level)") if key == "parent" else "—"
    if key == "parent":
        return columns.get(value) or gettext("column no longer exists")
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list | tuple):
        return "、".join(str(item) for item in value) or "—"
    return str(value)


def filing_value(value) -> str:
    """One side of a filing: "—" for nothing, a string as it is, a dict field by field."""
    if value is None or value == "":
        return "—"
    if not isinstance(value, dict):
        return str(value)
    parent = value.get("parent")
    columns = dict(Column.objects.filter(pk=parent).values_list("pk", "name")) if isinstance(parent, int) else {}
    return "；".join(f"{_label(key)}：{_value(key, item, columns)}" for key, item in value.items())
