"""Typed audit events: one enumeration names every kind; users read its Chinese label, never the code
or raw JSON (SEC-2; issue 13 item 5)."""

import ast
import csv
import io
from pathlib import Path

import pytest

from auditlog import audit
from auditlog.events import AuditEvent, event_label
from auditlog.models import AuditEntry
from backoffice import audit_details
from tests.factories import SiteFactory
from tests.helpers import admin_url, log_in

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "core", "accounts", "auditlog", "sites", "columns", "resources", "editorial", "publishing", "lifecycle", "search",
    "public", "backoffice", "demo", "govplatform", "tests",
)  # fmt: skip


def _record_calls():
    """(file, line, first argument) of every `audit.record(...)` call in the project's code."""
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "record"
                    and ast.unparse(node.func.value) == "audit"
                ):
                    yield path.relative_to(ROOT), node.lineno, node.args[0] if node.args else None


def _kinds_named(argument) -> list[str] | None:
    """The members an argument names (`AuditEvent.X`, or `AuditEvent.X if c else AuditEvent.Y`)."""
    if isinstance(argument, ast.IfExp):
        body, orelse = _kinds_named(argument.body), _kinds_named(argument.orelse)
        return None if body is None or orelse is None else body + orelse
    if isinstance(argument, ast.Attribute) and ast.unparse(argument.value) == "AuditEvent":
        return [argument.attr]
    return None


def test_every_recorded_kind_is_a_member_of_the_enumeration():
    calls = list(_record_calls())
    assert len(calls) > 80  # the scan sees the project's calls

    wrong = []
    for path, line, argument in calls:
        if path.name == "test_audit_events.py":
            continue  # this file records plain strings on purpose, to see them refused
        names = _kinds_named(argument)
        if names is None or any(name not in AuditEvent.__members__ for name in names):
            wrong.append(f"{path}:{line}: {ast.unparse(argument) if argument else '(none)'}")
    assert wrong == []


def test_every_kind_looked_up_in_the_log_is_a_member():
    """`AuditEntry.objects.filter/get/exclude(action="...")` anywhere names a kind that exists."""
    # Rows the append-only tests insert with raw SQL, bypassing record() on purpose.
    values = {event.value for event in AuditEvent} | {"raw.insert"}
    looked_up, wrong = 0, []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                if node.func.attr not in ("filter", "get", "exclude") or "AuditEntry" not in ast.unparse(node.func):
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                        looked_up += 1
                        if keyword.value.value not in values:
                            wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}: {keyword.value.value}")
    assert looked_up > 20 and wrong == []


def test_every_kind_has_a_chinese_label_and_a_dotted_code():
    from django.utils import translation

    with translation.override("zh-hans"):
        for event in AuditEvent:
            label = str(event.label)
            assert "." in event.value and len(event.value) <= 64
            assert any("\u4e00" <= char <= "\u9fff" for char in label), (event.value, label)
    assert len({str(event.label) for event in AuditEvent}) == len(AuditEvent)  # no two kinds read alike


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["site.apply_offline", "no.such_kind", ""])
def test_record_refuses_anything_but_a_member(kind):
    with pytest.raises(ValueError):
        audit.record(kind)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_record_stores_the_members_code():
    entry = audit.record(AuditEvent.SITE_APPLY_OFFLINE)

    entry.refresh_from_db()
    assert entry.action == "site.apply_offline" and entry.get_action_display() == event_label(entry.action)


def test_an_unknown_stored_code_is_named_as_unrecognised():
    assert event_label("column.create") == str(AuditEvent.COLUMN_CREATE.label)
    assert "old.kind" in event_label("old.kind") and event_label("old.kind") != "old.kind"


def test_details_read_as_text_not_json():
    from django.utils import translation

    with translation.override("zh-hans"):
        flag = audit_details.describe({"force_majeure": False})
    assert flag == "不可抗因素：否"

    text = audit_details.describe(
        {"path": "/xxgk", "force_majeure": True, "until": "2027-03-03T00:00:00+00:00", "accounts": ["a", "b"],
         "counts": {"added": 1}, "role": "site_admin", "custom_key": None}
    )  # fmt: skip

    assert "{" not in text and '"' not in text
    assert "force_majeure" not in text and "True" not in text and "site_admin" not in text
    assert "a、b" in text and "2027-03-03" in text and "custom_key" in text


# --- pages and the export ------------------------------------------------------------------------


@pytest.fixture
def logged(platform_admin):
    site = SiteFactory(name="甲市人民政府")
    audit.record(AuditEvent.SITE_APPLY_OFFLINE, actor=platform_admin, site=site,
                 details={"reason": "系统升级", "force_majeure": False})  # fmt: skip
    return site


@pytest.mark.django_db
def test_the_audit_log_list_and_its_filter_show_labels(backoffice_client, platform_admin, logged):
    log_in(backoffice_client, platform_admin)

    page = backoffice_client.get(admin_url("auditlog_auditentry_changelist")).content.decode()

    assert "申请网站临时下线" in page
    assert "site.apply_offline</" not in page and ">site.apply_offline" not in page


@pytest.mark.django_db
def test_an_entry_page_shows_the_label_and_readable_details(backoffice_client, platform_admin, logged):
    log_in(backoffice_client, platform_admin)
    entry = AuditEntry.objects.get(action=AuditEvent.SITE_APPLY_OFFLINE)

    page = backoffice_client.get(admin_url("auditlog_auditentry_change", entry.pk)).content.decode()

    assert "申请网站临时下线" in page and "系统升级" in page
    assert "force_majeure" not in page and "&quot;reason&quot;" not in page


@pytest.mark.django_db
def test_the_export_shows_labels_and_readable_details(backoffice_client, platform_admin, logged):
    log_in(backoffice_client, platform_admin)

    response = backoffice_client.get(admin_url("auditlog_auditentry_export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    (row,) = [row for row in rows[1:] if row[6] == "甲市人民政府"]
    assert row[2] == "申请网站临时下线"
    assert "系统升级" in row[8] and "force_majeure" not in row[8] and "{" not in row[8]
