"""The links found in each page of a site, remembered between checks (LinkScan).

The daily check and the scheduled link check read a site's published pages for their links
(monitoring/linkcheck.py). Most pages do not change from one day to the next, and their links are
what they were: a page is read again only when its status on disk (inode, size, modification and
change times) differs from the one it had when it was read. Any write to a file changes its change
time, which no program can set back, so an unchanged status means unchanged bytes.

The whole site's memory is one row, read and written in one statement each: 1,000 pages link to a
few thousand distinct addresses at most, kept once in `strings`, the pages holding their indices.
"""

from __future__ import annotations

import os

from django.utils import timezone

from monitoring.models.link_scans import LinkScan

# Raise when the extraction or the classification of links changes: every page is read again.
EXTRACTION_VERSION = "2"


def signature(info: os.stat_result) -> str:
    return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"


def rules_for(domains: set[str]) -> str:
    return f"{EXTRACTION_VERSION}:{','.join(sorted(domains))}"[:500]


class LinkMemory:
    """path -> (signature, site paths, external addresses) of a site's pages when last read."""

    def __init__(self, site_id: int, rules: str):
        self.site_id = site_id
        self.rules = rules
        self.pages: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {}
        self.changed = False
        row = LinkScan.objects.filter(site_id=site_id).values_list("rules", "strings", "pages").first()
        if row is not None and row[0] == rules:
            strings = row[1]
            for path, (sig, paths, external) in row[2].items():
                self.pages[path] = (sig, tuple(strings[i] for i in paths), tuple(strings[i] for i in external))
        elif row is not None:
            self.changed = True  # other rules: the row is rewritten even if no page is left

    def get(self, path: str, sig: str):
        """The (site paths, external addresses) remembered for the page, if its file is unchanged."""
        known = self.pages.get(path)
        if known is not None and known[0] == sig:
            return known[1], known[2]
        return None

    def put(self, path: str, sig: str, paths, external) -> None:
        self.pages[path] = (sig, tuple(paths), tuple(external))
        self.changed = True

    def keep_only(self, paths: set[str]) -> None:
        """Forget pages that are no longer published."""
        gone = [path for path in self.pages if path not in paths]
        for path in gone:
            del self.pages[path]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        if not self.changed:
            return
        index: dict[str, int] = {}
        pages = {}
        for path, (sig, paths, external) in self.pages.items():
            pages[path] = [
                sig,
                [index.setdefault(p, len(index)) for p in paths],
                [index.setdefault(a, len(index)) for a in external],
            ]
        LinkScan.objects.update_or_create(
            site_id=self.site_id,
            defaults={"rules": self.rules, "strings": list(index), "pages": pages, "scanned_at": timezone.now()},
        )
        self.changed = False
