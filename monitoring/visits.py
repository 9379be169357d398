"""Visit statistics from nginx's access logs (OPS-4) and the logs' retention (OPS-6).

`ingest()` reads access.log and its rotated files (access.log.1, access.log.2.gz, ...; logrotate's
date suffixes too) from where the last run stopped, counts page views per site, page and day
(monitoring/visits_parse.py) and adds them to the tables in the same transaction that moves the
file's offset forward. A re-run finds every offset at the end and adds nothing; a rotated file is
recognised by its first line and resumes at its offset, so nothing is counted twice, whether it
was renamed, copied or compressed.

A file is read in batches of about BATCH_BYTES: memory stays bounded, and a run that dies loses
at most the batch it was on (it is read again by the next run, since its offset did not move).
Two runs at once are kept apart by a cache lock and, should that fail, by the offset moving only
from where the run found it.

OPS-6: the raw files are kept at least six months (MONITORING_LOG_RETENTION_DAYS, never below
183); `purge_access_logs` deletes rotated files older than that, never the live file.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from columns.models import Column
from monitoring.models.visits import AccessLogFile, PageVisitDay, SiteVisitDay
from monitoring.visits_parse import Batch, add_to_sketch, ascii_host, empty_sketch, estimate, merge_sketches
from sites.models import Domain

log = logging.getLogger(__name__)

READ_BYTES = 4 * 1024 * 1024
BATCH_BYTES = 64 * 1024 * 1024
LOCK_KEY = "monitoring:ingest-visits"
LOCK_SECONDS = 30 * 60
UPSERT_ROWS = 100
MIN_RETENTION_DAYS = 183  # OPS-6: six months, whatever the settings say


@dataclass
class IngestReport:
    files: int = 0
    lines: int = 0
    counted: int = 0
    malformed: int = 0
    skipped: bool = False  # another run held the lock


class OffsetMoved(Exception):
    """Another run read the same part of a file first: this batch is dropped, not counted again."""


def log_files(live: Path) -> list[Path]:
    """The live log and its rotated files, oldest first (so that days fill in order)."""
    folder = live.parent
    if not folder.is_dir():
        return []
    pattern = re.compile(re.escape(live.name) + r"([.-][0-9]+)?(\.gz)?$")
    found = [folder / name for name in os.listdir(folder) if pattern.fullmatch(name)]
    return sorted((p for p in found if p.is_file()), key=lambda p: (p.stat().st_mtime, p != live))


def _open(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")  # noqa: SIM115


def _salt() -> bytes:
    return hashlib.blake2b(f"visitors:{settings.SECRET_KEY}".encode(), digest_size=32).digest()


class Lookups:
    """What a run needs to know once: which site a host is, the columns' paths, the time zone."""

    def __init__(self):
        self.hosts = {}
        for name, site_id in Domain.objects.values_list("name", "site_id"):
            self.hosts[name.lower()] = site_id
            self.hosts[ascii_host(name.lower())] = site_id  # a Chinese domain arrives in punycode
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.salt = _salt()
        self._columns: dict[int, dict[str, int]] = {}

    def column_of(self, site_id: int, page: str) -> int | None:
        """The column whose folder holds the page: the deepest column path that is a prefix of it."""
        paths = self._columns.get(site_id)
        if paths is None:
            paths = self._columns[site_id] = _column_paths(site_id)
        folder = page.rsplit("/", 1)[0].strip("/")
        while folder:
            column = paths.get(folder + "/")
            if column is not None:
                return column
            folder = folder.rsplit("/", 1)[0] if "/" in folder else ""
        return None


def _column_paths(site_id: int) -> dict[str, int]:
    rows = {
        pk: (parent, slug)
        for pk, parent, slug in Column.objects.filter(site_id=site_id).values_list("pk", "parent_id", "slug")
    }
    paths = {}
    for pk in rows:
        parts, node = [], pk
        while node is not None and node in rows:
            parent, slug = rows[node]
            parts.append(slug)
            node = parent
        paths["/".join(reversed(parts)) + "/"] = pk
    return paths


def ingest(live: Path | None = None) -> IngestReport:
    """Read every new line of the access logs into the statistics (the beat task's body)."""
    live = Path(live or settings.MONITORING_ACCESS_LOG)
    report = IngestReport()
    if not cache.add(LOCK_KEY, "1", LOCK_SECONDS):
        report.skipped = True
        return report
    try:
        lookups = Lookups()
        for path in log_files(live):
            _ingest_file(path, lookups, report)
    finally:
        cache.delete(LOCK_KEY)
    return report


def _ingest_file(path: Path, lookups: Lookups, report: IngestReport) -> None:
    with _open(path) as stream:
        first = stream.readline()
        if not first.endswith(b"\n"):
            return  # empty, or its first line is still being written: next run
        identity = hashlib.sha256(first).hexdigest()
        record = AccessLogFile.objects.filter(identity=identity).first()
        if record is None:
            try:
                record = AccessLogFile.objects.create(identity=identity, path=str(path), inode=path.stat().st_ino)
            except IntegrityError:
                return  # another run met the file at the same moment
        if record.complete:
            return
        if record.offset and path.suffix != ".gz" and path.stat().st_size == record.offset:
            return  # nothing new
        stream.seek(record.offset)
        offset = record.offset
        report.files += 1
        pending = b""
        batch, batch_start, batch_bytes = Batch(lookups.hosts, lookups.zone), offset, 0
        while True:
            data = stream.read(READ_BYTES)
            if not data:
                break
            data = pending + data
            cut = data.rfind(b"\n") + 1
            pending = data[cut:]
            if cut:
                batch.feed(data[:cut].decode("utf-8", "replace"))
                batch_bytes += cut
            if batch_bytes >= BATCH_BYTES:
                if not _save(record, batch, batch_start, batch_start + batch_bytes, lookups, report, str(path)):
                    return
                batch_start += batch_bytes
                batch, batch_bytes = Batch(lookups.hosts, lookups.zone), 0
        complete = path.suffix == ".gz" and not pending
        if batch_bytes or complete:
            _save(record, batch, batch_start, batch_start + batch_bytes, lookups, report, str(path), complete=complete)


def _save(record, batch: Batch, start: int, end: int, lookups, report, path: str, *, complete=False) -> bool:
    try:
        with transaction.atomic():
            moved = AccessLogFile.objects.filter(pk=record.pk, offset=start).update(
                offset=end, lines=F("lines") + batch.lines, path=path, complete=complete, last_read_at=timezone.now()
            )
            if not moved:
                raise OffsetMoved
            _add_days(batch, lookups)
            _add_pages(batch, lookups)
    except OffsetMoved:
        log.warning("access log %s was read by another run from offset %s; batch dropped", path, start)
        return False
    report.lines += batch.lines
    report.counted += batch.counted
    report.malformed += batch.malformed
    return True


def _add_days(batch: Batch, lookups: Lookups) -> None:
    if not batch.days:
        return
    sites = {site for site, _day in batch.days}
    days = {day for _site, day in batch.days}
    existing = {
        (row.site_id, row.day): row
        for row in SiteVisitDay.objects.select_for_update().filter(site_id__in=sites, day__in=days)
    }
    created = []
    for key, (people, robots, sent) in batch.days.items():
        row = existing.get(key)
        if row is None:
            row = SiteVisitDay(site_id=key[0], day=key[1], visitor_sketch=b"")
            created.append(row)
        sketch = empty_sketch()
        merge_sketches(sketch, bytes(row.visitor_sketch or b""))
        add_to_sketch(sketch, batch.visitors.get(key, ()), lookups.salt)
        row.visitor_sketch = bytes(sketch)
        row.unique_visitors = estimate(sketch)
        row.page_views += people
        row.bot_views += robots
        row.bytes_sent += sent
        if key in existing:
            row.save(update_fields=["visitor_sketch", "unique_visitors", "page_views", "bot_views", "bytes_sent"])
    SiteVisitDay.objects.bulk_create(created)


def _add_pages(batch: Batch, lookups: Lookups) -> None:
    """Add the batch's page counts: INSERT ... ON CONFLICT DO UPDATE, one statement for many rows.

    Raw SQL because the counts are added to, not replaced (Django's bulk_create with
    update_conflicts replaces), and bulk_update's CASE expressions took 3/4 of the ingest time.
    The statement is the same on SQLite (3.24+) and PostgreSQL.
    """
    if not batch.pages:
        return
    table = connection.ops.quote_name(PageVisitDay._meta.db_table)
    rows = [
        (site, day.isoformat(), page, lookups.column_of(site, page), people, robots)
        for (site, day, page), (people, robots) in batch.pages.items()
    ]

    def statement(count: int) -> str:
        values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * count)
        return (
            f"INSERT INTO {table} (site_id, day, path, column_id, page_views, bot_views) VALUES {values} "
            f"ON CONFLICT (site_id, day, path) DO UPDATE SET "
            f"page_views = {table}.page_views + excluded.page_views, "
            f"bot_views = {table}.bot_views + excluded.bot_views"
        )

    # UPSERT_ROWS rows a statement, the same statement again and again (executemany): PostgreSQL
    # then gets few round trips and psycopg parses the statement once.
    whole = len(rows) - len(rows) % UPSERT_ROWS
    with connection.cursor() as cursor:
        if whole:
            cursor.executemany(
                statement(UPSERT_ROWS),
                [[v for row in rows[i : i + UPSERT_ROWS] for v in row] for i in range(0, whole, UPSERT_ROWS)],
            )
        if whole < len(rows):
            cursor.execute(statement(len(rows) - whole), [v for row in rows[whole:] for v in row])


@shared_task(name="monitoring.ingest_visits")
def ingest_visits() -> int:
    return ingest().lines


def retention_days() -> int:
    return max(MIN_RETENTION_DAYS, int(getattr(settings, "MONITORING_LOG_RETENTION_DAYS", MIN_RETENTION_DAYS)))


def purge_access_logs(today: datetime.date | None = None, live: Path | None = None) -> list[Path]:
    """Delete rotated access logs last written more than the retention ago (OPS-6); never the live file.

    A file not yet fully read is kept whatever its age: the statistics come first.
    """
    live = Path(live or settings.MONITORING_ACCESS_LOG)
    today = today or timezone.localdate()
    zone = ZoneInfo(settings.TIME_ZONE)
    cutoff = datetime.datetime.combine(today - datetime.timedelta(days=retention_days()), datetime.time.min, zone)
    deleted = []
    for path in log_files(live):
        if path == live or path.stat().st_mtime >= cutoff.timestamp():
            continue
        if not _fully_read(path):
            continue
        path.unlink()
        deleted.append(path)
    return deleted


def _fully_read(path: Path) -> bool:
    with _open(path) as stream:
        first = stream.readline()
    if not first.endswith(b"\n"):
        return True  # nothing countable in it
    record = AccessLogFile.objects.filter(identity=hashlib.sha256(first).hexdigest()).first()
    if record is None:
        return False
    return record.complete or (path.suffix != ".gz" and path.stat().st_size <= record.offset)


@shared_task(name="monitoring.purge_access_logs")
def purge_access_logs_task() -> int:
    return len(purge_access_logs())
