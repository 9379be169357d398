"""The encrypted container of backups (SEC-6): sealing a stream in chunks, and opening it again.

A backup (govplatform/backup.py) is a tar file encrypted in 1 MiB chunks with the profile's
authenticated cipher (AES-256-GCM, or SM4 + HMAC-SM3 under CRYPTO_PROFILE=sm) under BACKUP_KEY,
or the field key when no backup key is set. Each chunk's authentication covers the archive's
header, its position and whether it is the last one, so chunks cannot be altered, reordered,
dropped or cut off unnoticed.

Layout of the file::

    GOVPLATFORM-BACKUP 1\\n
    {"algorithm": …, "key": <key id>, "chunk": 1048576, "created": …}\\n
    (4-byte big-endian length, sealed chunk)*
"""

from __future__ import annotations

import io
import json
import struct

from django.conf import settings
from django.utils import timezone

from core import crypto

MAGIC = b"GOVPLATFORM-BACKUP 1\n"
CHUNK = 1 << 20
FORMAT = 1  # of the tar file inside (manifest.json)
DUMP = "db.exactjson.gz"  # dumpdata in the exactjson format (govplatform/exact_json.py), gzip-compressed


class BackupError(Exception):
    pass


def backup_keyring() -> crypto.Keyring:
    """BACKUP_KEY's keys first (the first one encrypts), then the field keys (which also decrypt)."""
    field = crypto.Keyring.from_texts(settings.FIELD_ENCRYPTION_KEYS)
    if settings.BACKUP_KEYS:
        return crypto.Keyring.from_texts(settings.BACKUP_KEYS, setting="BACKUP_KEY") + field
    return field


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
