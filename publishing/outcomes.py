"""What one publish of a site produced, and which of it may go online (LINK-2, PUB-8).

The publisher renders and stages every file first (an Outcome each), then `judge` decides:

- a page with an internal link to a file that neither exists nor is produced now is refused;
  so is a page that shows a resource which is not online (a cover image still a draft);
- an item's page refused for such a cause of its own is held back (publishing/held_back.py):
  a new page is left out of the whole site, an online page keeps its old version;
- a page refused only because it links a refused new page is not at fault: once the held
  items are left out, it is rendered again without that link.

So one broken article never stops the home page, its column or the articles approved after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from publishing.held_back import Hold


class PublishError(Exception):
    pass


@dataclass
class Report:
    domain: str
    mode: str
    rendered: int = 0
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    refused: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    partial: bool = False  # rendered from a partial load of the site's items (publishing/partial.py)
    held: dict[int, Hold] = field(default_factory=dict)  # resource id -> why its page is held back

    def __str__(self):
        held = f", {len(self.held)} held back" if self.held else ""
        return (
            f"{self.domain} ({self.mode}): {self.rendered} rendered, {len(self.written)} written, "
            f"{self.unchanged} unchanged, {len(self.deleted)} deleted, {len(self.refused)} refused{held} "
            f"in {self.seconds:.2f} s"
        )


class BrokenLinks(PublishError):
    """Some pages were refused: they link to files that do not exist, or show unpublished resources."""

    def __init__(self, report: Report):
        self.report = report
        lines = [f"{page}: {', '.join(targets)}" for page, targets in sorted(report.refused.items())]
        super().__init__(f"{report.domain}: {len(report.refused)} page(s) refused\n" + "\n".join(lines))


@dataclass(slots=True)
class Outcome:
    path: str
    sha: str
    size: int
    tmp: str | None  # the staged temporary file; None when the content is unchanged
    targets: frozenset | None = None  # internal links (pages only)
    resources: tuple = ()
    columns: tuple = ()
    own: int | None = None  # the resource of an article page
    unpublished: tuple = ()  # resources the page shows that are not online

    @property
    def is_page(self) -> bool:
        return self.targets is not None


def unpublished_label(resource_id: int) -> str:
    """How a refused page's report names a resource that is not online (logs are not translated)."""
    return f"resource {resource_id} (not published)"


def judge(outcomes: list[Outcome], known, existing: set[str]) -> tuple[dict[str, list[str]], dict[int, Hold]]:
    """(refused pages with what they lack, items whose own page is held back and why).

    `known`: the manifest entries looked up (a page there is online now); `existing`: the
    linked files that exist and are not being deleted.
    """
    produced = {o.path for o in outcomes}
    pages = [o for o in outcomes if o.is_page]
    available = set(produced)
    refused: dict[str, list[str]] = {}
    for o in pages:
        if o.unpublished:
            refused[o.path] = [unpublished_label(rid) for rid in o.unpublished]
            if o.path not in known:
                available.discard(o.path)
    changed = True
    while changed:  # a refused new page is not there: pages linking it are refused too
        changed = False
        for o in pages:
            if o.path in refused:
                continue
            missing = [t for t in o.targets if t not in available and t not in existing]
            if missing:
                refused[o.path] = sorted(missing)
                if o.path not in known:  # a new page: nothing will be there
                    available.discard(o.path)
                    changed = True
    held: dict[int, Hold] = {}
    for o in pages:
        if o.own is None or o.path not in refused:
            continue
        own_fault = sorted(t for t in o.targets if t not in produced and t not in existing)
        if own_fault or o.unpublished:
            hold = held.setdefault(o.own, Hold(page_online=True))
            hold.missing_paths = sorted(set(hold.missing_paths) | set(own_fault))
            hold.unpublished = sorted(set(hold.unpublished) | set(o.unpublished))
            hold.page_online = hold.page_online and o.path in known
    return refused, held
