"""SEC-2: the audit log is append-only in the database too (PostgreSQL only).

A trigger refuses every UPDATE of an audit entry and the DELETE of an entry younger than the
retention floor (183 days, AuditEntry.MIN_RETENTION_DAYS); the purge deletes only older entries,
so it still works. INSERT is free (new entries, and loaddata during a restore). TRUNCATE is not
guarded: test databases are flushed with it; production revokes it from the application's role
(README, "Security"). On SQLite the application-level guard (AuditQuerySet) is all there is.
"""

from django.db import migrations

FLOOR_DAYS = 183  # AuditEntry.MIN_RETENTION_DAYS; a literal, so this migration never changes

CREATE = f"""
CREATE OR REPLACE FUNCTION auditlog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit entries are append-only (SEC-2): UPDATE of entry % refused', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.time > clock_timestamp() - interval '{FLOOR_DAYS} days' THEN
        RAISE EXCEPTION 'audit entries are kept at least {FLOOR_DAYS} days (SEC-2): DELETE of entry % refused', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS auditlog_auditentry_append_only ON auditlog_auditentry;
CREATE TRIGGER auditlog_auditentry_append_only
    BEFORE UPDATE OR DELETE ON auditlog_auditentry
    FOR EACH ROW EXECUTE FUNCTION auditlog_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS auditlog_auditentry_append_only ON auditlog_auditentry;
DROP FUNCTION IF EXISTS auditlog_append_only();
"""


def _run(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, None)  # None: "%" is PL/pgSQL's, not a parameter

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("auditlog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run(CREATE), _run(DROP), elidable=False),
    ]
