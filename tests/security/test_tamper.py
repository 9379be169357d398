"""SEC-5: published files are compared with the manifest; additions, changes and deletions are
reported, alarmed (audit entry and mail to platform administrators) and restored byte for byte."""

import os
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from auditlog.models import AuditEntry
from govplatform import tasks
from publishing import tamper
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def admins(db):
    return [
        UserFactory(is_platform_admin=True, email="admin1@example.gov.cn"),
        UserFactory(is_superuser=True, email="root@example.gov.cn"),
        UserFactory(is_platform_admin=True, email="gone@example.gov.cn", is_active=False),
        UserFactory(email="editor@example.gov.cn"),
    ]


def tamper_with(b):
    """Deface the article, plant a web shell and a hidden file, delete the column's RSS."""
    (b.site_root / b.article_path).write_text("<html>被篡改 hacked</html>", encoding="utf-8")
    (b.site_root / "shell.php").write_text("<?php system($_GET['c']); ?>")
    (b.site_root / "xwzx" / ".hidden.html").write_text("<script>alert(1)</script>")
    (b.site_root / "xwzx" / "gzdt" / "rss.xml").unlink()


def test_an_untouched_site_is_clean(published):  # SEC-5
    check = tamper.scan(published.site.pk, published.site.primary_domain)

    assert check.clean and check.files == len(published.report.written)


def test_changed_added_and_missing_files_are_reported(published):  # SEC-5
    tamper_with(published)

    check = tamper.scan(published.site.pk, published.site.primary_domain)

    assert check.changed == [published.article_path]
    assert check.added == ["shell.php", "xwzx/.hidden.html"]
    assert check.missing == ["xwzx/gzdt/rss.xml"]


def test_a_same_size_change_is_found_by_its_hash(published):  # SEC-5
    page = published.site_root / "index.html"
    content = bytearray(page.read_bytes())
    content[-10] ^= 0x01
    page.write_bytes(bytes(content))

    assert tamper.scan(published.site.pk, published.site.primary_domain).changed == ["index.html"]


def test_a_symlink_in_place_of_a_page_is_a_change(published, tmp_path):  # SEC-5
    target = published.site_root / "index.html"
    copy = tmp_path / "copy.html"
    copy.write_bytes(target.read_bytes())  # the same bytes, but a link to a file outside the site
    target.unlink()
    os.symlink(copy, target)
    os.symlink("/etc", published.site_root / "etc")

    check = tamper.scan(published.site.pk, published.site.primary_domain)

    assert check.changed == ["index.html"] and check.added == ["etc"]


def test_repair_restores_byte_identical_content(published):  # SEC-5
    before = snapshot(published.site_root)
    tamper_with(published)

    out = StringIO()
    call_command("verify_published", "--repair", stdout=out)

    assert snapshot(published.site_root) == before
    assert "restored" in out.getvalue()
    assert tamper.scan(published.site.pk, published.site.primary_domain).clean


def test_repair_keeps_the_removed_files_as_evidence(published, settings):  # SEC-5
    tamper_with(published)

    [check] = tamper.check_all(repair=True)

    quarantine = check.quarantine
    assert quarantine.startswith(str(settings.TAMPER_QUARANTINE_ROOT))
    assert "system($_GET" in open(os.path.join(quarantine, "shell.php")).read()
    assert "hacked" in open(os.path.join(quarantine, published.article_path), encoding="utf-8").read()


def test_command_reports_and_fails_without_repair(published):  # SEC-5
    tamper_with(published)
    out = StringIO()

    with pytest.raises(CommandError, match="--repair"):
        call_command("verify_published", "--site", published.site.primary_domain, stdout=out)

    report = out.getvalue()
    assert f"changed: {published.article_path}" in report
    assert "added: shell.php" in report and "missing: xwzx/gzdt/rss.xml" in report
    assert (published.site_root / "shell.php").exists()  # nothing touched without --repair


def test_command_for_an_unknown_site_fails(published):
    with pytest.raises(CommandError, match="no site"):
        call_command("verify_published", "--site", "www.nowhere.gov.cn", stdout=StringIO())


def test_hourly_task_alarms_by_audit_entry_and_mail(published, admins, settings):  # SEC-5
    settings.TAMPER_AUTO_REPAIR = False
    tamper_with(published)

    result = tasks.verify_published.delay().get()

    domain = published.site.primary_domain
    assert result[domain]["counts"] == {"added": 2, "changed": 1, "missing": 1}
    entry = AuditEntry.objects.get(action="publish.tampered")
    assert entry.site == published.site and entry.actor_name == "system"
    assert entry.details["changed"] == [published.article_path] and entry.details["missing"] == ["xwzx/gzdt/rss.xml"]
    [message] = mail.outbox
    assert sorted(message.to) == ["admin1@example.gov.cn", "root@example.gov.cn"]
    assert domain in message.subject
    assert published.article_path in message.body and "shell.php" in message.body
    assert (published.site_root / "shell.php").exists()


def test_hourly_task_repairs_when_configured(published, admins, settings):  # SEC-5
    settings.TAMPER_AUTO_REPAIR = True
    before = snapshot(published.site_root)
    tamper_with(published)

    tasks.verify_published.delay().get()

    assert snapshot(published.site_root) == before
    entry = AuditEntry.objects.get(action="publish.tampered")
    assert entry.details["repaired"] is True and entry.details["restored"] is True
    assert len(mail.outbox) == 1


def test_no_alarm_when_nothing_changed(published, admins):  # SEC-5
    assert tasks.verify_published.delay().get() == {}
    assert not mail.outbox and not AuditEntry.objects.filter(action="publish.tampered").exists()


def test_the_check_runs_every_hour(settings):  # SEC-5
    entry = settings.CELERY_BEAT_SCHEDULE["tamper-check"]

    assert entry["task"] == "govplatform.verify_published"
    assert entry["schedule"].minute == {7} and len(entry["schedule"].hour) == 24


def test_unknown_folders_under_the_publishing_root_are_reported(published):  # SEC-5
    (published.site_root.parent / "www.evil.gov.cn").mkdir()
    out = StringIO()

    call_command("verify_published", stdout=out)

    assert "www.evil.gov.cn" in out.getvalue()
