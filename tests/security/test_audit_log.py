"""SEC-2: logins and failures are logged with the address; the log is append-only in the database
(PostgreSQL trigger), searchable, filterable and exportable by platform administrators, and
purged daily, only past the retention period."""

import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts import twofactor
from accounts.actions import generate_password
from auditlog import audit
from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from backoffice import audit_export as export
from govplatform import tasks
from sites.models import Role
from tests.conftest import require_service
from tests.factories import MembershipFactory, SiteFactory, UserFactory
from tests.helpers import admin_url, log_in

pytestmark = pytest.mark.django_db


def _aged(days: float, action="old.entry") -> AuditEntry:
    return AuditEntry.objects.create(actor_name="x", action=action, time=timezone.now() - timedelta(days=days))


# --- logins ------------------------------------------------------------------------------------


def test_login_is_recorded_with_address(backoffice_client):  # SEC-2
    user = UserFactory(username="zhaoliu", is_platform_admin=True)
    secret = generate_password()
    user.set_password(secret)
    user.save()

    code = twofactor.issue_backup_codes(user, acting_user=user)[0]

    backoffice_client.post(admin_url("login"), {"username": "zhaoliu", "password": secret}, REMOTE_ADDR="203.0.113.20")
    backoffice_client.post(admin_url("login_verify"), {"token": code}, REMOTE_ADDR="203.0.113.20")

    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.actor == user and entry.ip == "203.0.113.20"


def test_failed_login_is_recorded_with_address_and_no_password(backoffice_client):  # SEC-2
    wrong = generate_password()
    backoffice_client.post(admin_url("login"), {"username": "nobody", "password": wrong}, REMOTE_ADDR="198.51.100.30")

    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.ip == "198.51.100.30" and entry.details == {"username": "nobody"}
    assert wrong not in str(entry.details)


# --- the database guard (PostgreSQL) ------------------------------------------------------------


def _require_postgresql():
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "the append-only trigger exists on PostgreSQL only"
    )


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.services
def test_raw_sql_cannot_update_an_entry():  # SEC-2
    _require_postgresql()
    entry = _aged(400)

    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE auditlog_auditentry SET action = %s WHERE id = %s", ["nothing.happened", entry.pk])

    assert AuditEntry.objects.get(pk=entry.pk).action == "old.entry"


@pytest.mark.services
def test_raw_sql_cannot_delete_a_recent_entry():  # SEC-2
    _require_postgresql()
    recent = _aged(182)

    with pytest.raises(DatabaseError, match="183 days"):
        _raw("DELETE FROM auditlog_auditentry WHERE id = %s", [recent.pk])
    with pytest.raises(DatabaseError, match="183 days"):
        _raw("DELETE FROM auditlog_auditentry", [])

    assert AuditEntry.objects.filter(pk=recent.pk).exists()


@pytest.mark.services
def test_raw_sql_may_delete_entries_past_the_floor_and_the_purge_works():  # SEC-2
    _require_postgresql()
    ancient, recent = _aged(400), _aged(100)

    assert AuditEntry.objects.purge_expired(183) == 1

    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AuditEntry.objects.filter(pk=ancient.pk).exists()


@pytest.mark.services
def test_inserts_are_free():  # SEC-2: new entries (and a restore's loaddata) are never blocked
    _require_postgresql()
    _raw(
        "INSERT INTO auditlog_auditentry (time, actor_name, action, object_type, object_id, object_repr,"
        " site_name, details) VALUES (now(), 'x', 'raw.insert', '', '', '', '', '{}')",
        [],
    )

    assert AuditEntry.objects.filter(action="raw.insert").exists()


# --- search, filters, export ---------------------------------------------------------------------


@pytest.fixture
def entries(platform_admin):
    site_a, site_b = SiteFactory(name="甲市人民政府"), SiteFactory(name="乙市人民政府")
    audit.record(AuditEvent.COLUMN_CREATE, actor=platform_admin, site=site_a, details={"name": "要闻"})
    audit.record(AuditEvent.COLUMN_DELETE, actor=platform_admin, site=site_b)
    old = AuditEntry.objects.create(
        actor_name="platform-admin", action="site.update", site=site_a, site_name=site_a.name,
        time=timezone.now() - timedelta(days=40),
    )  # fmt: skip
    return site_a, site_b, old


def test_admin_filters_by_action_site_and_date(backoffice_client, platform_admin, entries):  # SEC-2
    site_a, site_b, old = entries
    log_in(backoffice_client, platform_admin)
    url = admin_url("auditlog_auditentry_changelist")

    by_action = backoffice_client.get(url, {"action": "column.delete"})
    by_site = backoffice_client.get(url, {"site__id__exact": site_a.pk})
    week_ago = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=7)
    by_date = backoffice_client.get(url, {"time__gte": week_ago.isoformat()})
    searched = backoffice_client.get(url, {"q": "乙市"})

    assert [e.action for e in by_action.context["cl"].result_list] == ["column.delete"]
    assert {e.site_id for e in by_site.context["cl"].result_list} == {site_a.pk}
    assert old not in by_date.context["cl"].result_list and len(by_date.context["cl"].result_list) >= 2
    assert [e.action for e in searched.context["cl"].result_list] == ["column.delete"]
    page = backoffice_client.get(url).content.decode()
    assert "Export CSV" in page or "导出" in page


def _csv_rows(response):
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_platform_admin_exports_the_filtered_log_as_csv(backoffice_client, platform_admin, entries):  # SEC-2
    log_in(backoffice_client, platform_admin)

    response = backoffice_client.get(admin_url("auditlog_auditentry_export"), {"action": "column.create"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    rows = _csv_rows(response)
    assert len(rows) == 2  # the header and the one entry
    assert rows[1][1:3] == ["platform-admin", "新建栏目"] and rows[1][6] == "甲市人民政府"  # the label, not the code
    assert "名称：要闻" in rows[1][8]  # the details as text, not JSON


def test_the_export_is_itself_audited(backoffice_client, platform_admin, entries):  # SEC-2
    log_in(backoffice_client, platform_admin)

    _csv_rows(backoffice_client.get(admin_url("auditlog_auditentry_export"), {"q": "column"}))

    entry = AuditEntry.objects.get(action="audit.export")
    assert (
        entry.actor == platform_admin and entry.details["rows"] == 2 and entry.details["filters"] == {"q": ["column"]}
    )


def test_export_action_for_selected_entries(backoffice_client, platform_admin, entries):  # SEC-2
    log_in(backoffice_client, platform_admin)
    site_a, site_b, old = entries

    response = backoffice_client.post(
        admin_url("auditlog_auditentry_changelist"),
        {"action": "export_selected_csv", "_selected_action": [old.pk]},
    )

    rows = _csv_rows(response)
    assert [row[2] for row in rows[1:]] == ["修改网站信息"]  # the one selected entry, site.update
    assert AuditEntry.objects.get(action="audit.export").details["rows"] == 1


def test_site_admin_may_read_but_not_export(backoffice_client, entries):  # SEC-2
    site_a, _site_b, _old = entries
    site_admin = MembershipFactory(site=site_a, role=Role.SITE_ADMIN).user
    log_in(backoffice_client, site_admin)

    listing = backoffice_client.get(admin_url("auditlog_auditentry_changelist"))
    export_page = backoffice_client.get(admin_url("auditlog_auditentry_export"))

    assert listing.status_code == 200
    assert {e.site_id for e in listing.context["cl"].result_list} == {site_a.pk}
    assert "export_selected_csv" not in listing.content.decode()
    assert export_page.status_code == 403
    assert not AuditEntry.objects.filter(action="audit.export").exists()


@pytest.mark.parametrize(
    "value, cell",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("张三", "张三"),
        ("", ""),
    ],
)
def test_cells_are_never_formulas(value, cell):  # SEC-2, SEC-7
    assert export.safe_cell(value) == cell


def test_hostile_names_are_neutralised_in_the_export(backoffice_client, platform_admin):  # SEC-2, SEC-7
    audit.record(AuditEvent.AUTH_LOGIN_FAILED, details={"username": "=cmd|' /C calc'!A0"})
    AuditEntry.objects.create(actor_name="@evil", action="x.y", object_repr="=1+2")
    log_in(backoffice_client, platform_admin)

    rows = _csv_rows(backoffice_client.get(admin_url("auditlog_auditentry_export")))

    cells = [cell for row in rows[1:] for cell in row]
    assert "'@evil" in cells and "'=1+2" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


# --- retention -----------------------------------------------------------------------------------


def test_purge_runs_daily_from_celery_beat():  # SEC-2
    schedule = settings.CELERY_BEAT_SCHEDULE["audit-purge"]

    assert schedule["task"] == "govplatform.purge_audit_log"
    assert schedule["schedule"].remaining_estimate(timezone.now()) <= timedelta(days=1)
    assert "publishing-schedule" in settings.CELERY_BEAT_SCHEDULE  # the others are kept


def test_purge_task_deletes_only_past_the_retention_period(settings):  # SEC-2
    settings.AUDIT_RETENTION_DAYS = 190
    ancient, kept = _aged(200), _aged(185)

    assert tasks.purge_audit_log.delay().get() == 1

    assert not AuditEntry.objects.filter(pk=ancient.pk).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()
    assert AuditEntry.objects.get(action="audit.purge").actor_name == "system"


def test_purge_task_refuses_a_short_retention(settings):  # SEC-2
    settings.AUDIT_RETENTION_DAYS = 30
    old = _aged(100)

    assert tasks.purge_audit_log.delay().get() == 0

    assert AuditEntry.objects.filter(pk=old.pk).exists()
