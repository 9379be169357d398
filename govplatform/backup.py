"""Writing full backups (SEC-6): the database, the uploads and the published sites in one
encrypted, self-checking archive.

The archive is a tar file (manifest.json with the SHA-256 of every member, db.exactjson.gz from
dumpdata, media/…, publish/…) sealed in the encrypted container of govplatform/backup_archive.py.

Consistency: the publish locks of every site are held while the database is read in one
transaction (REPEATABLE READ, read only, on PostgreSQL) and the published files are archived, so
the manifest in the database matches the files; uploads are written before the rows that name
them commit, so every upload the database names is in the archive.

Restoring it is govplatform/backup_restore.py.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from govplatform.backup_archive import DUMP, FORMAT, BackupError, EncryptingWriter, backup_keyring
from publishing.folder import site_lock
from sites.models import Domain

EXCLUDED_MODELS = ("sessions",)


class _HashingReader:
    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


@dataclass
class BackupSummary:
    path: str
    rows: int
    files: int
    bytes: int

    def __str__(self):
        return f"{self.path}: {self.rows} rows, {self.files} files, {self.bytes} bytes"


def _add_file(archive: tarfile.TarFile, name: str, path: Path, members: dict) -> None:
    with open(path, "rb") as handle:
        info = archive.gettarinfo(fileobj=handle, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _HashingReader(handle)
        archive.addfile(info, reader)
        members[name] = {"sha256": reader.digest.hexdigest(), "size": info.size}


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes, members: dict | None) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))
    if members is not None:
        members[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _add_tree(archive: tarfile.TarFile, prefix: str, root: Path, members: dict, skip=()) -> int:
    """Regular files under `root` (symlinks and special files are not followed or kept)."""
    count = 0
    if not root.is_dir():
        return 0
    for folder, dirs, names in os.walk(root, followlinks=False):
        relative = Path(folder).relative_to(root)
        dirs[:] = sorted(d for d in dirs if not (relative == Path(".") and d in skip))
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            _add_file(archive, f"{prefix}/{(relative / name).as_posix()}", path, members)
            count += 1
    return count


def _applied_migrations(connection) -> dict[str, str]:
    recorder = MigrationRecorder(connection)
    latest = {}
    for app, name in sorted(recorder.applied_migrations()):
        latest[app] = max(latest.get(app, ""), name)
    return latest


def _dump_database(path: Path, database: str) -> dict[str, int]:
    """dumpdata of every app (no natural keys; times to the microsecond), gzip-compressed; rows per model."""
    call_command(
        "dumpdata",
        format="exactjson",
        output=str(path),
        use_base_manager=True,
        exclude=list(EXCLUDED_MODELS),
        database=database,
        verbosity=0,
    )
    counts: dict[str, int] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for row in json.load(handle):
            counts[row["model"]] = counts.get(row["model"], 0) + 1
    return counts


@contextlib.contextmanager
def _publish_locks():
    """Hold every site's publish lock: no publish changes files or manifest while we read them."""
    with contextlib.ExitStack() as stack:
        for name in sorted(Domain.objects.filter(is_primary=True).values_list("name", flat=True)):
            stack.enter_context(site_lock(name))
        yield


@contextlib.contextmanager
def _snapshot(connection):
    """One read transaction; REPEATABLE READ and read only on PostgreSQL (when we start it)."""
    outer = connection.in_atomic_block
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def write_backup(output: str | Path, *, database: str = DEFAULT_DB_ALIAS, profile: str | None = None) -> BackupSummary:
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} exists; give a new file name")
    output.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[database]
    temporary = output.with_name(f".{output.name}.{os.getpid()}.part")
    members: dict[str, dict] = {}
    try:
        with tempfile.TemporaryDirectory() as work, open(temporary, "xb") as out:
            writer = EncryptingWriter(out, backup_keyring(), profile)
            with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as archive:
                dump = Path(work) / DUMP
                with _publish_locks(), _snapshot(connection):
                    counts = _dump_database(dump, database)
                    migrations = _applied_migrations(connection)
                    published = _add_tree(archive, "publish", Path(settings.PUBLISH_ROOT), members, skip={".locks"})
                _add_file(archive, DUMP, dump, members)
                media = _add_tree(archive, "media", Path(settings.MEDIA_ROOT), members)
                manifest = {
                    "format": FORMAT,
                    "created": timezone.now().isoformat(),
                    "database": connection.vendor,
                    "migrations": migrations,
                    "rows": counts,
                    "members": members,
                }
                _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode(), None)
            writer.finish()
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, output)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return BackupSummary(str(output), sum(counts.values()), published + media, output.stat().st_size)
