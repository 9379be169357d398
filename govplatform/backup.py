"""Full backups that restore (SEC-6): the database, the uploads and the published sites in one
encrypted, self-checking archive.

The archive is a tar file (manifest.json with the SHA-256 of every member, db.exactjson.gz from
dumpdata, media/…, publish/…) encrypted in 1 MiB chunks with the profile's authenticated cipher
(AES-256-GCM, or SM4 + HMAC-SM3 under CRYPTO_PROFILE=sm) under BACKUP_KEY, or the field key when
no backup key is set. Each chunk's authentication covers the archive's header, its position and
whether it is the last one, so chunks cannot be altered, reordered, dropped or cut off unnoticed.

Layout of the file::

    GOVPLATFORM-BACKUP 1\\n
    {"algorithm": …, "key": <key id>, "chunk": 1048576, "created": …}\\n
    (4-byte big-endian length, sealed chunk)*

Consistency: the publish locks of every site are held while the database is read in one
transaction (REPEATABLE READ, read only, on PostgreSQL) and the published files are archived, so
the manifest in the database matches the files; uploads are written before the rows that name
them commit, so every upload the database names is in the archive.

A restore decrypts and checks the whole archive (every chunk, every member's hash) before it
touches anything, refuses a non-empty installation unless forced, migrates an empty database,
loads the rows with their original keys, resets the sequences and writes the files.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import shutil
import struct
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from govplatform import crypto

MAGIC = b"GOVPLATFORM-BACKUP 1\n"
CHUNK = 1 << 20
FORMAT = 1
DUMP = "db.exactjson.gz"  # dumpdata in the exactjson format (govplatform/exact_json.py), gzip-compressed
# Transient rows that a restore should not bring back (logins of the old installation).
EXCLUDED_MODELS = ("sessions",)
# Rows that `migrate` creates by itself: their presence does not make an installation "in use".
BOOKKEEPING_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


class BackupError(Exception):
    pass


def backup_keyring() -> crypto.Keyring:
    """BACKUP_KEY's keys first (the first one encrypts), then the field keys (which also decrypt)."""
    field = crypto.Keyring.from_texts(settings.FIELD_ENCRYPTION_KEYS)
    if settings.BACKUP_KEYS:
        return crypto.Keyring.from_texts(settings.BACKUP_KEYS, setting="BACKUP_KEY") + field
    return field


# --- the encrypted container ------------------------------------------------------------------------


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, 1 if final else 0)


class EncryptingWriter(io.RawIOBase):
    """A write-only file object that seals what is written to it in chunks."""

    def __init__(self, out, keyring: crypto.Keyring, profile: str | None = None):
        self.out = out
        self.algorithm = crypto.profile_algorithm(profile)
        self.key = keyring.current
        meta = {
            "algorithm": self.algorithm.name,
            "key": self.key.id,
            "chunk": CHUNK,
            "created": timezone.now().isoformat(),
        }
        self.header = MAGIC + json.dumps(meta, sort_keys=True).encode() + b"\n"
        out.write(self.header)
        self.buffer = bytearray()
        self.index = 0
        self.finished = False

    def writable(self):
        return True

    def write(self, data) -> int:
        self.buffer += data
        while len(self.buffer) > CHUNK:  # keep at least one byte back: the last chunk is sealed as final
            self._seal(bytes(self.buffer[:CHUNK]), final=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _seal(self, plaintext: bytes, final: bool) -> None:
        sealed = self.algorithm.seal(self.key.secret, plaintext, _aad(self.header, self.index, final))
        self.out.write(struct.pack(">I", len(sealed)) + sealed)
        self.index += 1

    def finish(self) -> None:
        if not self.finished:
            self._seal(bytes(self.buffer), final=True)
            self.buffer.clear()
            self.finished = True


def decrypt_archive(source, target, keyring: crypto.Keyring) -> dict:
    """Decrypt `source` (a file object) into `target`, checking every chunk; returns the header."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("not a backup archive of this platform")
    line = source.readline(4096)
    try:
        meta = json.loads(line)
    except ValueError:
        raise BackupError("the archive's header is damaged") from None
    header = MAGIC + line
    if not isinstance(meta, dict):
        raise BackupError("the archive's header is damaged")
    try:
        algorithm = crypto.algorithm_named(meta.get("algorithm", ""))
        key = keyring.get(meta.get("key", ""))
    except crypto.DecryptionError as error:
        raise BackupError(f"the archive's header is damaged or its key is missing: {error} (BACKUP_KEY)") from None
    index = 0
    length = source.read(4)
    while True:
        if len(length) != 4:
            raise BackupError("the archive is truncated (its last part is missing)")
        (size,) = struct.unpack(">I", length)
        sealed = source.read(size)
        if len(sealed) != size:
            raise BackupError("the archive is truncated")
        length = source.read(4)
        final = not length
        try:
            target.write(algorithm.open(key.secret, sealed, _aad(header, index, final)))
        except crypto.DecryptionError:
            raise BackupError(f"the archive is damaged or was altered (part {index + 1} fails its check)") from None
        index += 1
        if final:
            return meta


# --- writing a backup --------------------------------------------------------------------------------


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
    from publishing.folder import site_lock
    from sites.models import Domain

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


# --- restoring --------------------------------------------------------------------------------------


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
