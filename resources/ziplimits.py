"""ZIP containers judged by their central directory before anything is unpacked (SEC-7).

DOCX, XLSX, PPTX, WPS, OpenDocument, OFD and plain ZIP files are ZIP containers. A small one can
unpack to gigabytes (a "ZIP bomb": a 1.3 MB DOCX of forty 32 MB parts of zeros kept a worker busy
for a minute). So the declared number of members is read from the end-of-directory record
before Python's zipfile builds its list of members, and the declared sizes of all members are
added up before any member is read: too many members, too many bytes in all, or bytes squeezed
far more than documents ever are, and the file is refused. Declared sizes can lie, so whatever
reads members afterwards reads through `CappedReader`, which stops at a budget of its own.

Limits come from settings, with these defaults:

=================================  ==================================================
RESOURCES_MAX_ZIP_MEMBERS          10 000 members
RESOURCES_MAX_ZIP_UNPACKED_BYTES   512 MB unpacked, all members together
RESOURCES_MAX_ZIP_RATIO            100 : 1 (unpacked to packed), above 16 MB unpacked
=================================  ==================================================
"""

import struct
import zipfile

from django.conf import settings

MB = 1024 * 1024
END_OF_DIRECTORY = b"PK\x05\x06"
ZIP64_LOCATOR = b"PK\x06\x07"
ZIP64_END_OF_DIRECTORY = b"PK\x06\x06"
MAX_COMMENT = 0xFFFF
RATIO_FLOOR = 16 * MB  # below this, squeezing hard does no harm (small XML parts squeeze 50:1 and more)
MEMBER_READ_BYTES = 32 * MB  # what text extraction reads of one member, at most
ARCHIVE_READ_BYTES = 64 * MB  # what text extraction reads of one container, at most


def max_members() -> int:
    return getattr(settings, "RESOURCES_MAX_ZIP_MEMBERS", 10_000)


def max_unpacked_bytes() -> int:
    return getattr(settings, "RESOURCES_MAX_ZIP_UNPACKED_BYTES", 512 * MB)


def max_ratio() -> int:
    return getattr(settings, "RESOURCES_MAX_ZIP_RATIO", 100)


def declared_members(fileobj) -> int | None:
    """The number of members the end-of-directory record declares (ZIP64 too); None if there is none."""
    fileobj.seek(0, 2)
    size = fileobj.tell()
    start = max(0, size - (22 + MAX_COMMENT + 20))
    fileobj.seek(start)
    tail = fileobj.read()
    fileobj.seek(0)
    at = tail.rfind(END_OF_DIRECTORY)
    if at < 0 or len(tail) < at + 22:
        return None
    (count,) = struct.unpack("<H", tail[at + 10 : at + 12])
    if count != 0xFFFF:
        return count
    locator = at - 20
    if locator < 0 or tail[locator : locator + 4] != ZIP64_LOCATOR:
        return None
    (offset,) = struct.unpack("<Q", tail[locator + 8 : locator + 16])
    fileobj.seek(offset)
    record = fileobj.read(56)
    fileobj.seek(0)
    if len(record) < 56 or record[:4] != ZIP64_END_OF_DIRECTORY:
        return None
    return struct.unpack("<Q", record[32:40])[0]


def too_many_members(fileobj) -> bool:
    count = declared_members(fileobj)
    return count is not None and count > max_members()


def unpacks_too_far(archive: zipfile.ZipFile) -> bool:
    """Whether the members' declared sizes add up to too much, or were squeezed like a bomb's."""
    members = archive.infolist()
    if len(members) > max_members():
        return True
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > max_unpacked_bytes():
        return True
    return unpacked > RATIO_FLOOR and unpacked > max_ratio() * max(packed, 1)


class CappedReader:
    """Reads members of one container, each up to MEMBER_READ_BYTES and all together up to
    ARCHIVE_READ_BYTES, in chunks: a member that unpacks to more than it declared is cut off."""

    def __init__(self, archive: zipfile.ZipFile, member_bytes=MEMBER_READ_BYTES, archive_bytes=ARCHIVE_READ_BYTES):
        self.archive = archive
        self.member_bytes = member_bytes
        self.left = archive_bytes

    def namelist(self) -> list[str]:
        return self.archive.namelist()

    def read(self, name: str) -> bytes:
        limit = min(self.member_bytes, self.left)
        chunks, size = [], 0
        with self.archive.open(name) as member:
            while size < limit:
                chunk = member.read(min(1 << 20, limit - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        self.left -= size
        return b"".join(chunks)
