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

from django.db import IntegrityError, transaction
from django.utils import timezone

from monitoring.models.link_scans import LinkScan

# Raise when the extraction or the classification of links changes: every page is read again.
EXTRACTION_VERSION = "2"


def signature(info: os.stat_result) -> str:
    return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"


def rules_for(domains: set[str]) -> str:
    return f"{EXTRACTION_VERSION}:{','.join(sorted(domains))}"[:500]


class LinkMemory:
    """A site's pages when last read: path -> [signature, site path indices, address indices].

    Kept as stored (indices into `strings`), so that loading it is one JSON parse: the scan asks
    once per distinct string whether it is missing, then each page whether it has any of them."""

    def __init__(self, site_id: int, rules: str):
        self.site_id = site_id
        self.rules = rules
        self.strings: list[str] = []
        self.pages: dict[str, list] = {}
        self.changed = False
        row = LinkScan.objects.filter(site_id=site_id).values_list("rules", "strings", "pages").first()
        if row is not None and row[0] == rules:
            self.strings, self.pages = row[1], row[2]
        elif row is not None:
            self.changed = True  # other rules: the row is rewritten even if no page is left
        self.index = {string: n for n, string in enumerate(self.strings)}

    def get(self, path: str, sig: str):
        """[signature, site path indices, address indices] remembered for the page, if its file is unchanged."""
        known = self.pages.get(path)
        if known is not None and known[0] == sig:
            return known
        return None

    def put(self, path: str, sig: str, paths, external) -> list:
        index, strings = self.index, self.strings
        entry = [sig, [], []]
        for slot, values in ((1, paths), (2, external)):
            for value in sorted(values):
                number = index.get(value)
                if number is None:
                    number = index[value] = len(strings)
                    strings.append(value)
                entry[slot].append(number)
        self.pages[path] = entry
        self.changed = True
        return entry

    def keep_only(self, paths: set[str]) -> None:
        """Forget pages that are no longer published."""
        gone = [path for path in self.pages if path not in paths]
        for path in gone:
            del self.pages[path]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        """Store the pages with only the strings they use (those of changed or gone pages dropped)."""
        if not self.changed:
            return
        index: dict[int, int] = {}
        pages = {}
        for path, (sig, paths, external) in self.pages.items():
            pages[path] = [
                sig,
                [index.setdefault(n, len(index)) for n in paths],
                [index.setdefault(n, len(index)) for n in external],
            ]
        strings = [self.strings[old] for old in index]  # in the order of their new numbers
        values = {"rules": self.rules, "strings": strings, "pages": pages, "scanned_at": timezone.now()}
        try:
            with transaction.atomic():
                LinkScan.objects.update_or_create(site_id=self.site_id, defaults=values)
        except IntegrityError:
            pass  # the scheduled link check stored the site's first memory at the same moment: as good
        self.changed = False
