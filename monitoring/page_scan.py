"""One pass over a published site's folder for the page lines of the daily check (OPS-1, PUB-3, SEC-5).

Under the site's publish lock (a publish in progress is never mistaken for tampering) the folder
is walked once, every entry compared with the manifest (publishing.PublishedFile) like the hourly
tamper check (publishing/tamper.py): files added, changed or missing. Each published page
(.html) is examined by monitoring/page_checks.py.

Reading 1,000 pages of 100 sites every day would be most of the check's time, so a file is read
only when it may have changed: PageScan (monitoring/models/pages.py) keeps each file's hash,
its status on disk and what was found. A file whose status is unchanged (inode, size,
modification and change time) has the same bytes: its hash and findings are taken from the row.
A file that was rewritten is read and hashed; when the bytes are those already examined (a
publish that wrote the same page again) the findings are kept as well.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from columns.models import Column
from monitoring.models.pages import PageScan
from monitoring.page_checks import RULES_VERSION, PageWords, examine
from publishing import dependencies
from publishing.folder import SiteFolder, site_lock

ARCHIVE_PAGE_RE = re.compile(r"page-\d+\.html")
ITEM_PAGE_RE = re.compile(r"\d+\.html")
WRITE_BATCH = 200  # rows of one statement (8 parameters each; SQLite allows 32,766)
READ_CHUNK = 1 << 20
PAGE_MAX_BYTES = 20 << 20  # a page larger than this is hashed, not examined (no page of ours comes near)


@dataclass(slots=True)
class ColumnRef:
    id: int
    name: str
    responsible: str  # 栏目责任人 and phone (COL-8)


@dataclass(slots=True)
class PageResult:
    path: str
    title: str
    findings: dict
    column: ColumnRef | None


@dataclass
class SiteScan:
    domain: str
    pages: list[PageResult] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    files: int = 0
    read: int = 0  # files read this time (the others were unchanged since the last scan)


class ColumnMap:
    """The site's columns by their folder (a column's path is its ancestors' slugs)."""

    def __init__(self, site_id: int):
        rows = list(
            Column.objects.filter(site_id=site_id).values_list(
                "id", "parent_id", "slug", "name", "responsible_person", "responsible_phone"
            )
        )
        by_id = {row[0]: row for row in rows}
        self.by_folder: dict[str, ColumnRef] = {}
        for row in rows:
            slugs, node, seen = [], row, set()
            while node is not None and node[0] not in seen:
                seen.add(node[0])
                slugs.append(node[2])
                node = by_id.get(node[1])
            folder = "".join(f"{slug}/" for slug in reversed(slugs))
            responsible = " ".join(part for part in (row[4].strip(), row[5].strip()) if part)
            self.by_folder[folder] = ColumnRef(row[0], row[3], responsible)

    def kind_and_column(self, path: str) -> tuple[str, ColumnRef | None]:
        """("column" | "content" | "page", the column whose folder holds it)."""
        if path == "index.html":
            return "column", None  # the home page carries the column tags (栏目类别 首页)
        folder, _, name = path.rpartition("/")
        own = self.by_folder.get(folder + "/") if folder else None
        if own is not None:
            if name == "index.html" or ARCHIVE_PAGE_RE.fullmatch(name):
                return "column", own
            if ITEM_PAGE_RE.fullmatch(name):
                return "content", own
            return "page", own
        while folder:  # a feature app's page deeper in a column's folder
            folder = folder.rpartition("/")[0]
            column = self.by_folder.get(folder + "/") if folder else None
            if column is not None:
                return "page", column
        return "page", None


def primary_domain(site) -> str:
    return site.domains.filter(is_primary=True).values_list("name", flat=True).first() or ""


def _entries(root: str):
    """(relative path, lstat) of every entry that is not a real folder; linked folders not entered."""
    stack = [""]
    while stack:
        relative = stack.pop()
        with os.scandir(os.path.join(root, relative) if relative else root) as entries:
            for entry in entries:
                path = f"{relative}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path + "/")
                else:
                    yield path, entry.stat(follow_symlinks=False)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb", buffering=0) as handle:
        while chunk := handle.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _signature(info: os.stat_result) -> str:
    return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"


def scan_site(site, *, now, words: PageWords) -> SiteScan | None:
    """The site's folder against its manifest, and the findings of every page (None: no domain)."""
    domain = primary_domain(site)
    if not domain:
        return None
    result = SiteScan(domain)
    root = Path(settings.PUBLISH_ROOT) / domain
    rules = f"{RULES_VERSION}:{words.fingerprint}"
    columns = ColumnMap(site.pk)
    cached = {
        row[0]: row
        for row in PageScan.objects.filter(site_id=site.pk).values_list(
            "path", "sha256", "signature", "rules", "title", "findings"
        )
    }
    updates: list[tuple] = []
    seen: set[str] = set()
    with site_lock(domain):
        SiteFolder(domain).recover()  # leftovers of a killed publish were never published
        known = dependencies.manifest(site.pk)
        entries = _entries(str(root)) if root.is_dir() else ()
        for path, info in entries:
            result.files += 1
            expected = known.get(path)
            if expected is None:
                result.added.append(path)
                continue
            seen.add(path)
            if not stat.S_ISREG(info.st_mode):
                result.changed.append(path)
                continue
            is_page = path.endswith(".html")
            signature = _signature(info)
            row = cached.get(path)
            if row is not None and row[2] == signature and (not is_page or row[3] == rules):
                sha, title, findings = row[1], row[4], row[5]
            else:
                result.read += 1
                examined = is_page and info.st_size <= PAGE_MAX_BYTES
                if examined:
                    content = (root / path).read_bytes()
                    sha = hashlib.sha256(content).hexdigest()
                else:
                    content, sha = b"", _file_sha256(root / path)  # images, attachments: hashed in chunks
                if not examined:
                    title, findings = "", {}
                elif row is not None and row[1] == sha and row[3] == rules:
                    title, findings = row[4], row[5]
                else:
                    kind, _column = columns.kind_and_column(path)
                    findings = examine(content.decode("utf-8", errors="replace"), kind, words)
                    title = findings.pop("title", "")
                updates.append((path, sha, signature, rules, title[:300], json.dumps(findings, ensure_ascii=False)))
            if sha != expected[0] or info.st_size != expected[1]:
                result.changed.append(path)
            if is_page:
                result.pages.append(PageResult(path, title, findings, columns.kind_and_column(path)[1]))
        result.missing = sorted(set(known) - seen)
    result.added.sort()
    result.changed.sort()
    result.pages.sort(key=lambda page: page.path)
    _store(site.pk, updates, now, gone=set(cached) - seen)
    return result


UPSERT_SET = (
    " ON CONFLICT (site_id, path) DO UPDATE SET sha256 = excluded.sha256, signature = excluded.signature,"
    " rules = excluded.rules, title = excluded.title, findings = excluded.findings, scanned_at = excluded.scanned_at"
)
COLUMNS = "site_id, path, sha256, signature, rules, title, findings, scanned_at"


def _store(site_id: int, updates: list[tuple], now, gone: set[str]) -> None:
    """Upsert the rows read this time and drop the rows of files that are gone.

    The first scan of a site writes a row per file: on PostgreSQL through COPY into a temporary
    table (a statement of many rows spent longer being parsed by the driver than the scan took),
    elsewhere many rows to a statement. INSERT … ON CONFLICT reads the same on both.
    """
    table = PageScan._meta.db_table
    if updates and connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE monitoring_pagescan_load (path varchar(500), sha256 varchar(64),"
                " signature varchar(100), rules varchar(40), title varchar(300), findings text)"
            )
            with cursor.cursor.copy(
                "COPY monitoring_pagescan_load (path, sha256, signature, rules, title, findings) FROM STDIN"
            ) as copy:
                for row in updates:
                    copy.write_row(row)
            cursor.execute(
                f'INSERT INTO "{table}" ({COLUMNS}) SELECT %s, path, sha256, signature, rules, title,'
                f" findings::jsonb, %s FROM monitoring_pagescan_load{UPSERT_SET}",
                [site_id, now],
            )
            cursor.execute("DROP TABLE monitoring_pagescan_load")
    elif updates:
        when = connection.ops.adapt_datetimefield_value(now)
        for start in range(0, len(updates), WRITE_BATCH):
            chunk = updates[start : start + WRITE_BATCH]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            with connection.cursor() as cursor:
                cursor.execute(
                    f'INSERT INTO "{table}" ({COLUMNS}) VALUES {values}{UPSERT_SET}',
                    [value for row in chunk for value in (site_id, *row, when)],
                )
    gone = sorted(gone)
    for start in range(0, len(gone), WRITE_BATCH):
        PageScan.objects.filter(site_id=site_id, path__in=gone[start : start + WRITE_BATCH]).delete()
