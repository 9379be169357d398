"""Restoring a full backup (SEC-6), all or nothing.

A restore decrypts and checks the whole archive (every chunk, every member's hash, against its
manifest) before it touches anything, refuses a non-empty installation unless forced, migrates
an empty database, loads the rows with their original keys, resets the sequences and writes the
files. The archive is written by govplatform/backup.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from govplatform.backup_archive import CHUNK, DUMP, FORMAT, BackupError, backup_keyring, decrypt_archive

# Rows that `migrate` creates by itself: their presence does not make an installation "in use".
BOOKKEEPING_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


@dataclass
class VerifiedArchive:
    tar_path: Path
    manifest: dict


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and path.parts[:1] in {("publish",), ("media",), (DUMP,), ("manifest.json",)}
    )


def verify_archive(archive: str | Path, work: Path) -> VerifiedArchive:
    """Decrypt into `work` and check every chunk and member; nothing else is touched."""
    tar_path = work / "backup.tar"
    with open(archive, "rb") as source, open(tar_path, "wb") as target:
        decrypt_archive(source, target, backup_keyring())
    with tarfile.open(tar_path, "r:") as tar:
        members = tar.getmembers()
        by_name = {m.name: m for m in members}
        if "manifest.json" not in by_name:
            raise BackupError("the archive has no manifest")
        manifest = json.loads(tar.extractfile(by_name["manifest.json"]).read())
        if manifest.get("format") != FORMAT:
            raise BackupError(f"unknown archive format {manifest.get('format')!r}")
        expected = manifest["members"]
        for member in members:
            if not member.isfile() or not _safe_member(member.name):
                raise BackupError(f"unexpected member in the archive: {member.name!r}")
            if member.name == "manifest.json":
                continue
            entry = expected.get(member.name)
            digest = hashlib.sha256()
            handle = tar.extractfile(member)
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
            if entry is None or digest.hexdigest() != entry["sha256"] or member.size != entry["size"]:
                raise BackupError(f"{member.name} does not match the archive's manifest")
        missing = set(expected) - set(by_name)
        if missing:
            raise BackupError(f"{len(missing)} file(s) of the manifest are missing, e.g. {sorted(missing)[0]}")
    _check_migrations(manifest.get("migrations", {}))
    return VerifiedArchive(tar_path, manifest)


def _check_migrations(recorded: dict[str, str]) -> None:
    """The code must know every migration the backed-up database had."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = [f"{app}.{name}" for app, name in recorded.items() if (app, name) not in loader.disk_migrations]
    if unknown:
        raise BackupError(
            "the archive comes from a newer version of the platform (unknown migrations: "
            + ", ".join(sorted(unknown))
            + "); restore it with that version"
        )


def installation_contents(database: str = DEFAULT_DB_ALIAS) -> list[str]:
    """What makes this installation non-empty: tables with rows, files under MEDIA_ROOT and PUBLISH_ROOT."""
    connection = connections[database]
    found = []
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model._meta.label_lower in BOOKKEEPING_MODELS or model._meta.db_table not in tables:
            continue
        if not model._meta.managed or model._meta.proxy:
            continue
        if model._base_manager.using(database).exists():
            found.append(f"rows in {model._meta.label}")
    for name, root in (("MEDIA_ROOT", settings.MEDIA_ROOT), ("PUBLISH_ROOT", settings.PUBLISH_ROOT)):
        root = Path(root)
        if root.is_dir() and any(entry.name != ".locks" for entry in root.iterdir()):
            found.append(f"files in {name} ({root})")
    return found


def _clear_folder(root: Path) -> None:
    if not root.is_dir():
        return
    for entry in root.iterdir():
        if entry.name == ".locks":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _extract_files(tar_path: Path, prefix: str, root: Path) -> int:
    root.mkdir(parents=True, exist_ok=True)
    count = 0
    with tarfile.open(tar_path, "r:") as tar:
        for member in tar:
            if not member.name.startswith(prefix + "/"):
                continue
            target = root / member.name[len(prefix) + 1 :]
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
            os.utime(target, (member.mtime, member.mtime))
            count += 1
    return count


def restore_backup(archive: str | Path, *, force: bool = False, database: str = DEFAULT_DB_ALIAS, log=print) -> dict:
    with tempfile.TemporaryDirectory() as work:
        verified = verify_archive(archive, Path(work))
        log(f"archive verified: {len(verified.manifest['members'])} members, created {verified.manifest['created']}")
        contents = installation_contents(database)
        if contents and not force:
            raise BackupError(
                "this installation is not empty ("
                + "; ".join(contents[:5])
                + "); restore into an empty one, or use --force to replace everything"
            )
        call_command("migrate", database=database, interactive=False, verbosity=0)
        # An empty slate: the rows migrate created (content types, permissions) come back with
        # their original keys from the archive.
        call_command("flush", database=database, interactive=False, inhibit_post_migrate=True, verbosity=0)
        dump = Path(work) / DUMP
        with tarfile.open(verified.tar_path, "r:") as tar, tar.extractfile(DUMP) as source:
            dump.write_bytes(source.read())
        call_command("loaddata", str(dump), database=database, verbosity=0)  # resets the sequences too
        log(f"database restored: {sum(verified.manifest['rows'].values())} rows")
        files = 0
        for prefix, root in (("media", Path(settings.MEDIA_ROOT)), ("publish", Path(settings.PUBLISH_ROOT))):
            _clear_folder(root)
            files += _extract_files(verified.tar_path, prefix, root)
        log(f"files restored: {files}")
        return {"rows": verified.manifest["rows"], "files": files}
