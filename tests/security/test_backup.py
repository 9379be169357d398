"""SEC-6: a full backup (database, uploads, published sites) is encrypted, checks itself, and
restores into a fresh installation with every row and every file as it was."""

import hashlib
import io
import json
import os
import secrets
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from PIL import Image

from auditlog import audit
from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from core import crypto
from editorial import drafts as resource_actions
from govplatform.backup_archive import MAGIC
from publishing.publisher import publish_site
from resources.models import Asset, ResourceKind
from sites.models import Role
from tests.conftest import require_service
from tests.factories import ColumnFactory, MembershipFactory, SiteFactory, UserFactory
from tests.rendering.conftest import Builder
from tests.subprocesses import clean_env, run

pytestmark = pytest.mark.django_db

PHONE = "13700001111"


def png_upload(name="现场照片.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (180, 38, 42)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def file_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and ".locks" not in p.parts
    }


def rows_by_model(dump: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for row in json.loads(dump):
        out.setdefault(row["model"], {})[row["pk"]] = row["fields"]
    return out


@pytest.fixture
def installation(settings, tmp_path, platform_admin):
    """Sites, users, roles, columns, audit entries, an uploaded image and published files."""
    settings.MEDIA_ROOT = tmp_path / "source" / "media"
    settings.PUBLISH_ROOT = tmp_path / "source" / "publish"
    settings.PUBLIC_URL_SCHEME = "https"
    b = Builder(settings.PUBLISH_ROOT)
    other = SiteFactory(name="乙市人民政府")
    ColumnFactory(site=other, name="通知公告")
    editor = UserFactory(phone=PHONE, real_name="王编辑")
    MembershipFactory(user=editor, site=b.site, role=Role.EDITOR)
    MembershipFactory(site=other, role=Role.SITE_ADMIN)
    audit.record(AuditEvent.SITE_UPDATE, actor=platform_admin, site=other, details={"changes": {"名称": ["旧", "新"]}})
    AuditEntry.objects.create(actor_name="x", action="old.entry", time=timezone.now() - timezone.timedelta(days=300))
    news = b.column("xwzx", "新闻中心", channel=True)
    asset = resource_actions.upload_asset(png_upload(), kind="image", acting_user=editor)
    image = b.resource(news, "现场照片", kind=ResourceKind.IMAGE, data={"alt": "会议现场"})
    type(image.published_revision).objects.filter(pk=image.published_revision.pk).update(asset=asset)
    b.article(news, "示例市召开全市工作会议", data={"body": "<p>会议指出。</p>", "cover_image": image.pk})
    publish_site(b.site.pk)
    assert Asset.objects.count() == 1 and any(Path(settings.MEDIA_ROOT).rglob("*.png"))
    assert any(Path(settings.PUBLISH_ROOT).rglob("*.png"))  # the image is published beside its page
    return b


@pytest.fixture
def fresh_database(tmp_path):
    """DATABASE_URL of an empty database of the same kind as the tests' (dropped afterwards)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    require_service("PostgreSQL", connection.vendor == "postgresql", "backups are tested on SQLite and PostgreSQL")
    import psycopg

    params = connection.settings_dict
    name = f"govplatform_restore_{secrets.token_hex(6)}"
    server = dict(host=params["HOST"] or "127.0.0.1", port=params["PORT"] or 5432, user=params["USER"])
    if params["PASSWORD"]:
        server["password"] = params["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as server_db:
        server_db.execute(f'CREATE DATABASE "{name}"')
    try:
        password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
        yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as server_db:
            server_db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def target_env(tmp_path, database_url, **extra):
    root = tmp_path / "target"
    (root / "var").mkdir(parents=True, exist_ok=True)
    return clean_env(
        root / "var",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(root / "media"),
        PUBLISH_ROOT=str(root / "publish"),
        FIELD_ENCRYPTION_KEY=",".join(settings.FIELD_ENCRYPTION_KEYS),
        DJANGO_SETTINGS_MODULE="govplatform.settings",
        SECURE_SSL_REDIRECT="0",
        **extra,
    )


@pytest.mark.services
def test_backup_restores_every_row_and_every_file(installation, tmp_path, fresh_database):  # SEC-6
    before = io.StringIO()
    call_command("dumpdata", format="exactjson", exclude=["sessions"], stdout=before)
    archive = tmp_path / "backup.bak"
    call_command("backup", str(archive), stdout=io.StringIO())
    env = target_env(tmp_path, fresh_database)

    restored = run(["manage.py", "restore", str(archive)], env, timeout=300)

    assert restored.returncode == 0, restored.stdout + restored.stderr
    after = run(["manage.py", "dumpdata", "--format", "exactjson", "--exclude", "sessions"], env)
    assert after.returncode == 0, after.stderr
    expected, actual = rows_by_model(before.getvalue()), rows_by_model(after.stdout)
    assert set(actual) == set(expected)
    for model in expected:
        assert actual[model] == expected[model], model
    assert expected["accounts.user"]  # the phone compared as plain text: it decrypted on both sides
    assert PHONE in {fields["phone"] for fields in expected["accounts.user"].values()}
    for name in ("media", "publish"):
        source = file_hashes(Path(getattr(settings, f"{name.upper()}_ROOT")))
        assert source and file_hashes(tmp_path / "target" / name) == source, name


@pytest.mark.services
def test_restore_into_a_database_keeps_sequences_going(installation, tmp_path, fresh_database):  # SEC-6
    archive = tmp_path / "backup.bak"
    call_command("backup", str(archive), stdout=io.StringIO())
    env = target_env(tmp_path, fresh_database)
    assert run(["manage.py", "restore", str(archive)], env, timeout=300).returncode == 0
    code = (
        "import django; django.setup();"
        "from auditlog import audit; from auditlog.events import AuditEvent;"
        "from auditlog.models import AuditEntry;"
        "entry = audit.record(AuditEvent.SITE_UPDATE); print(entry.pk > max(AuditEntry.objects.exclude(pk=entry.pk)"
        ".values_list('pk', flat=True)))"
    )

    result = run(["-c", code], env)

    assert result.stdout.strip() == "True", result.stderr


def test_the_archive_is_encrypted(installation, tmp_path):  # SEC-6, SEC-4
    archive = tmp_path / "backup.bak"

    call_command("backup", str(archive), stdout=io.StringIO())

    data = archive.read_bytes()
    assert data.startswith(MAGIC)
    for plain in (PHONE, "示例市人民政府", "manifest.json", "会议指出", "IHDR"):
        assert plain.encode() not in data, plain
    assert os.stat(archive).st_mode & 0o077 == 0  # readable by its owner only


def test_a_separate_backup_key_is_used_when_set(installation, tmp_path, settings):  # SEC-6
    backup_key = crypto.new_key_text()
    settings.BACKUP_KEYS = [backup_key]
    archive = tmp_path / "backup.bak"

    call_command("backup", str(archive), stdout=io.StringIO())

    header = json.loads(archive.read_bytes()[len(MAGIC) :].split(b"\n", 1)[0])
    assert header["key"] == crypto.parse_key(backup_key).id and header["algorithm"] == "a256gcm"


def test_sm_profile_backups_use_sm4(installation, tmp_path, settings):  # SEC-6, SEC-4
    settings.CRYPTO_PROFILE = "sm"
    archive = tmp_path / "backup.bak"

    call_command("backup", str(archive), stdout=io.StringIO())

    header = json.loads(archive.read_bytes()[len(MAGIC) :].split(b"\n", 1)[0])
    assert header["algorithm"] == "sm4hs3"
    with pytest.raises(CommandError, match="not empty"):  # it decrypts and verifies: only the data is in the way
        call_command("restore", str(archive), stdout=io.StringIO())


@pytest.fixture
def archive(installation, tmp_path):
    """An archive of several chunks (a large upload makes it longer than 2 MiB)."""
    large = Path(settings.MEDIA_ROOT) / "library" / "2026" / "big.bin"
    large.parent.mkdir(parents=True, exist_ok=True)
    large.write_bytes(secrets.token_bytes(2_500_000))
    path = tmp_path / "backup.bak"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def _untouched(installation):
    return AuditEntry.objects.count(), file_hashes(Path(settings.PUBLISH_ROOT)), file_hashes(Path(settings.MEDIA_ROOT))


def test_restore_refuses_a_non_empty_installation(archive, installation):  # SEC-6
    state = _untouched(installation)

    with pytest.raises(CommandError, match="not empty.*--force"):
        call_command("restore", str(archive), stdout=io.StringIO())

    assert _untouched(installation) == state


@pytest.mark.parametrize("damage", ["flip", "truncate", "drop_last_chunk", "header"])
def test_a_damaged_archive_is_refused_before_anything_is_touched(archive, installation, damage):  # SEC-6
    data = bytearray(archive.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x40
    elif damage == "truncate":
        data = data[: len(data) - 100]
    elif damage == "drop_last_chunk":
        header_end = data.index(b"\n", len(MAGIC)) + 1
        first = int.from_bytes(data[header_end : header_end + 4], "big")
        data = data[: header_end + 4 + first]  # only the first chunk: complete, but not the last
    else:
        data[len(MAGIC) + 5] ^= 0x01
    archive.write_bytes(bytes(data))
    state = _untouched(installation)

    with pytest.raises(CommandError, match="damaged|truncated|altered|header|key|algorithm"):
        call_command("restore", str(archive), "--force", stdout=io.StringIO())

    assert _untouched(installation) == state


def test_a_wrong_key_is_refused_clearly(archive, installation, settings):  # SEC-6
    settings.FIELD_ENCRYPTION_KEYS = [crypto.new_key_text()]
    settings.BACKUP_KEYS = []

    with pytest.raises(CommandError, match="not configured"):
        call_command("restore", str(archive), "--force", stdout=io.StringIO())


def test_backup_never_overwrites_a_file(installation, tmp_path):  # SEC-6
    existing = tmp_path / "old.bak"
    existing.write_bytes(b"an older backup")

    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(existing), stdout=io.StringIO())

    assert existing.read_bytes() == b"an older backup"
