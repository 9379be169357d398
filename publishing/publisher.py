"""The static publisher: PUBLISH_ROOT/<primary domain>/<path> (PUB-8, LINK-1, LINK-2, SEC-5).

Every file is written to a temporary name in its own folder, flushed to disk and renamed into
place (os.replace), so a reader sees the old file or the new one, never half of one; a killed
publish leaves every file old or new. Files whose content did not change are not written.
The manifest (PublishedFile) records the hash of every file; the dependency index
(PageDependency) records which page shows which resource or column.

Before anything is renamed, every internal link of the rendered pages must point to a file that
exists (written in this run or in the manifest). A page with a broken link is refused: its old
version (if any) stays, pages that would link to a refused new page are refused too, everything
else is published, and BrokenLinks is raised with the report.

`publish_site` renders every page of a site (optionally in several processes);
`publish_changes` renders only the pages that depend on changed resources and columns (see
`SitePublisher.changes` for the rules). Both are idempotent: running them again writes nothing.
"""

from __future__ import annotations

import bisect
import fcntl
import hashlib
import logging
import multiprocessing
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q

from columns.models import Column
from publishing import dependencies, links
from publishing.models import Placement
from publishing.render import TEMPLATE_BY_COLUMN_TYPE, Renderer
from publishing.sitedata import PAGE_SIZE, RELATED_WINDOW, SITEMAP_CHUNK, SiteData, load_contents, load_site
from resources.models import PolicyInterpretation

log = logging.getLogger(__name__)

STATIC_DIR = Path(settings.BASE_DIR) / "static" / "site"
STATIC_FILES = ("site.css", "site.js", "conac.svg", "psb.svg")
SMALL_COMMIT = 16  # up to this many files: fsync each; above: one os.sync()
RENDER_BATCH = 250  # pages whose contents are loaded together


class PublishError(Exception):
    pass


class BrokenLinks(PublishError):
    """Some pages were refused because they link to files that do not exist."""

    def __init__(self, report: Report):
        self.report = report
        lines = [f"{page}: {', '.join(targets)}" for page, targets in sorted(report.refused.items())]
        super().__init__(
            f"{report.domain}: {len(report.refused)} page(s) refused for broken links\n" + "\n".join(lines)
        )


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

    def __str__(self):
        return (
            f"{self.domain} ({self.mode}): {self.rendered} rendered, {len(self.written)} written, "
            f"{self.unchanged} unchanged, {len(self.deleted)} deleted, {len(self.refused)} refused "
            f"in {self.seconds:.2f} s"
        )


@dataclass(slots=True)
class Outcome:
    path: str
    sha: str
    size: int
    tmp: str | None  # the staged temporary file; None when the content is unchanged
    targets: frozenset | None = None  # internal links (pages only)
    resources: tuple = ()
    columns: tuple = ()

    @property
    def is_page(self) -> bool:
        return self.targets is not None


def _static_sources() -> dict[str, bytes]:
    return {f"-/{name}": (STATIC_DIR / name).read_bytes() for name in STATIC_FILES}


@contextmanager
def site_lock(domain: str):
    """One publish per site at a time (across processes of this host)."""
    folder = Path(settings.PUBLISH_ROOT) / ".locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{domain}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SitePublisher:
    def __init__(self, site_id: int, data: SiteData | None = None):
        self.site_id = site_id
        self.data = data or load_site(site_id)
        if not self.data.site.domain:
            raise PublishError(f"site {site_id} has no primary domain")
        self.root = Path(settings.PUBLISH_ROOT) / self.data.site.domain
        self.static = _static_sources()
        theme = self.data.site.theme
        self.static["-/theme.css"] = (
            f":root{{--c-main:{theme.primary};--c-second:{theme.secondary};--c-third:{theme.accent}}}\n".encode()
        )
        version = {p: hashlib.sha256(b).hexdigest()[:10] for p, b in self.static.items()}
        assets = {
            "css": f"/-/site.css?v={version['-/site.css']}",
            "theme": f"/-/theme.css?v={version['-/theme.css']}",
            "js": f"/-/site.js?v={version['-/site.js']}",
        }
        self.renderer = Renderer(self.data, assets)
        self._dirs: set[Path] = set()
        self._counter = 0

    # --- writing --------------------------------------------------------------------------------

    def _target(self, path: str) -> Path:
        if path.startswith("/") or ".." in path.split("/") or "\\" in path or "\x00" in path:
            raise PublishError(f"refusing to write outside the site folder: {path!r}")
        return self.root / path

    def stage(self, path: str, content: bytes) -> str:
        final = self._target(path)
        folder = final.parent
        if folder not in self._dirs:
            folder.mkdir(parents=True, exist_ok=True)
            self._dirs.add(folder)
        self._counter += 1
        tmp = folder / f".{final.name}.{os.getpid()}.{self._counter}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        return str(tmp)

    def _outcome(self, path: str, content: bytes, known: dict, verify: bool, **page) -> Outcome:
        sha = hashlib.sha256(content).hexdigest()
        old = known.get(path)
        unchanged = old is not None and old[0] == sha
        if unchanged and verify:
            try:
                unchanged = self._target(path).read_bytes() == content
            except OSError:
                unchanged = False
        tmp = None if unchanged else self.stage(path, content)
        return Outcome(path, sha, len(content), tmp, **page)

    def _file_outcome(self, path: str, source: str, known: dict, verify: bool) -> Outcome | None:
        """Copy a library file (image, rendition, attachment) beside the page that shows it."""
        src = Path(settings.MEDIA_ROOT) / source
        try:
            size = src.stat().st_size
        except OSError:
            return None  # missing in the library: the page's link to it is broken and refused
        old = known.get(path)
        if old is not None and old[1] == size and not verify:
            return Outcome(path, old[0], size, None)
        return self._outcome(path, src.read_bytes(), known, verify)

    def render_keys(self, keys: list[tuple], known: dict, verify: bool = False, lookup=None) -> list[Outcome]:
        """Render, hash and stage pages (and the files they show); `lookup` fills `known` for files."""
        renderer = self.renderer
        out: list[Outcome] = []
        files_done: set[str] = set()
        for start in range(0, len(keys), RENDER_BATCH):
            batch = keys[start : start + RENDER_BATCH]
            items = [renderer.item(k[1]) for k in batch if k[0] == "item"]
            for key in batch:
                if key[0] == "column" and self.data.columns[key[1]].column_type in TEMPLATE_BY_COLUMN_TYPE:
                    items.extend(self.data.columns[key[1]].items)
            contents = load_contents(items) if items else {}
            files = {}
            for key in batch:
                page = renderer.render(key, contents)
                text = page.content.decode("utf-8") if b'="/' in page.content else ""
                targets = frozenset(links.internal_targets(text)) if text else frozenset()
                for target in targets:  # a body linking another article depends on it (withdrawal)
                    linked = renderer._by_path.get(target)
                    if linked is not None:
                        page.resources.add(linked.resource_id)
                out.append(
                    self._outcome(
                        page.path,
                        page.content,
                        known,
                        verify,
                        targets=targets,
                        resources=tuple(page.resources),
                        columns=tuple(page.columns),
                    )  # fmt: skip
                )
                for path, ref in page.files:
                    if path not in files_done:
                        files_done.add(path)
                        files[path] = ref
            if lookup is not None and files:
                known.update(lookup([p for p in files if p not in known]))
            for path, ref in files.items():
                outcome = self._file_outcome(path, ref.source, known, verify)
                if outcome is not None:
                    out.append(outcome)
        return out

    def static_outcomes(self, known: dict, verify: bool) -> list[Outcome]:
        out = [self._outcome(path, content, known, verify) for path, content in self.static.items()]
        if self.data.site.logo_file:
            logo = self._file_outcome(self.data.site.logo_path, self.data.site.logo_file, known, verify)
            if logo is not None:
                out.append(logo)
        return out

    # --- committing -----------------------------------------------------------------------------

    def commit(self, report: Report, outcomes: list[Outcome], known: dict, deletions: set[str], lookup) -> Report:
        """Check links, rename staged files into place, delete, update manifest and index."""
        produced = {o.path for o in outcomes}
        pages = [o for o in outcomes if o.is_page]
        wanted = set().union(*(o.targets for o in pages)) - produced if pages else set()
        existing = lookup(wanted) - deletions
        available = set(produced)
        refused: dict[str, list[str]] = {}
        changed = True
        while changed:
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
        accepted = [o for o in outcomes if o.path not in refused]
        for o in outcomes:
            if o.path in refused and o.tmp:
                os.unlink(o.tmp)

        def rank(o: Outcome):
            name = o.path.rsplit("/", 1)[-1]
            if not o.is_page:
                return 0
            return 3 if o.path == "index.html" else 2 if name == "index.html" else 1

        staged = sorted((o for o in accepted if o.tmp), key=rank)
        try:
            self._move_into_place(staged, deletions)
        except BaseException:
            for o in staged:  # a failed publish leaves no temporary files behind (best effort)
                if o.tmp and os.path.exists(o.tmp):
                    os.unlink(o.tmp)
            raise
        rows = []
        for o in accepted:
            if o.is_page:
                rows += dependencies.rows_of(self.site_id, o.path, o.resources, o.columns)
        with transaction.atomic():
            dependencies.record_files(self.site_id, [(o.path, o.sha, o.size) for o in staged])
            dependencies.forget_files(self.site_id, deletions)
            if report.mode == "full":
                dependencies.replace(self.site_id, rows, pages=None, keep=list(refused))
            else:
                dependencies.replace(self.site_id, rows, pages=[o.path for o in accepted if o.is_page])
                dependencies.delete_pages(self.site_id, deletions)
        report.rendered = len(pages)
        report.written = [o.path for o in staged]
        report.unchanged = len(accepted) - len(staged)
        report.deleted = sorted(deletions)
        report.refused = refused
        return report

    def _move_into_place(self, staged: list[Outcome], deletions: set[str]) -> None:
        """Flush staged files to disk, rename them into place, delete what is gone, flush folders."""
        if staged:
            if len(staged) <= SMALL_COMMIT:
                for o in staged:
                    fd = os.open(o.tmp, os.O_RDONLY)
                    try:
                        os.fsync(fd)
                    finally:
                        os.close(fd)
            else:
                os.sync()
            for o in staged:
                os.replace(o.tmp, self._target(o.path))
                o.tmp = None
        folders = {self._target(o.path).parent for o in staged}
        for path in sorted(deletions):
            target = self._target(path)
            try:
                os.unlink(target)
            except FileNotFoundError:
                pass
            folder = target.parent
            while folder != self.root and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()  # no empty column folders are left behind (COL-4)
                folder = folder.parent
            folders.add(folder)
        if not (staged or deletions):
            return
        if len(staged) + len(deletions) <= SMALL_COMMIT:
            for folder in folders:
                if folder.exists():
                    fd = os.open(folder, os.O_RDONLY)
                    try:
                        os.fsync(fd)
                    finally:
                        os.close(fd)
        else:
            os.sync()

    def sweep(self) -> None:
        """Remove temporary files that a killed publish left behind (under the site lock)."""
        if not self.root.is_dir():
            return
        for folder, _dirs, names in os.walk(self.root):
            for name in names:
                if name.startswith(".") and name.endswith(".tmp"):
                    os.unlink(os.path.join(folder, name))

    # --- full rebuild ---------------------------------------------------------------------------

    def full(self, processes: int = 1, verify: bool = False) -> Report:
        started = time.perf_counter()
        report = Report(self.data.site.domain, "full")
        with site_lock(self.data.site.domain):
            self.sweep()
            known = dependencies.manifest(self.site_id)
            keys = self.renderer.all_keys()
            outcomes = self.static_outcomes(known, verify)
            if processes > 1 and len(keys) >= 200:
                outcomes += self._render_parallel(keys, known, verify, processes)
            else:
                outcomes += self.render_keys(keys, known, verify)
            produced = {o.path for o in outcomes}
            deletions = {p for p in known if p not in produced}
            self.commit(report, outcomes, known, deletions, lambda paths: {p for p in paths if p in known})
        report.seconds = time.perf_counter() - started
        return report

    def _render_parallel(self, keys, known, verify, processes) -> list[Outcome]:
        global _PARALLEL
        size = max(1, len(keys) // (processes * 4) + 1)
        chunks = [keys[i : i + size] for i in range(0, len(keys), size)]
        _PARALLEL = (self, known, verify, chunks)
        connections.close_all()  # each process opens its own connection
        try:
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                results = pool.map(_render_chunk, range(len(chunks)), chunksize=1)
        finally:
            _PARALLEL = None
        return [o for chunk in results for o in chunk]

    # --- incremental ----------------------------------------------------------------------------

    def changes(self, resource_ids=(), column_ids=()) -> Report:
        """Render only what depends on the changed resources and columns.

        - Pages that showed a changed resource or column (dependency index): again, or deleted.
        - A resource shown in a column for the first time (or no longer shown) at position p of
          the column's publishing order: its page, the older neighbour, the pages whose related
          window or previous/next covers p, the numbered pages from p's page on (none when p is
          at the end: the new item only changes index.html), the column's index, RSS, sitemap,
          its parents' index pages, the home page and sitemap.xml.
        - When the set of visible columns changes (COL-4: navigation, site map) or a channel
          changes, or the site was never published, the whole site is rendered (unchanged files
          are still not written).
        """
        started = time.perf_counter()
        data, renderer = self.data, self.renderer
        resource_ids, column_ids = set(resource_ids), set(column_ids)
        columns = list(data.columns.values())
        with site_lock(data.site.domain):
            probe = ["index.html"] + [c.index_path for c in columns]
            probe += [f"{c.path}{rid}.html" for c in columns for rid in resource_ids]
            known = dependencies.manifest(self.site_id, probe)
            old_visible = {c.id for c in columns if c.index_path in known}
            new_visible = {c.id for c in data.visible_columns}
            if (
                "index.html" not in known
                or old_visible != new_visible
                or any(cid not in data.columns or data.columns[cid].is_channel for cid in column_ids)
            ):
                return self._full_unlocked(started)

            keys: set[tuple] = set()
            deletions: set[str] = set()
            events: dict[int, int] = {}  # column id -> lowest changed position

            def add_path(path: str):
                key = renderer.key_of(path)
                if key is not None:
                    keys.add(key)
                else:
                    deletions.add(path)

            for path in dependencies.pages_showing(self.site_id, resource_ids, column_ids):
                add_path(path)
            removed: dict[tuple[int, int], str] = {}
            for rid in resource_ids:
                shown = {item.path: item for item in data.items_by_resource.get(rid, ())}
                for item in shown.values():
                    if item.has_page:
                        keys.add(("item", item.placement_id))
                    if not item.has_page or item.path not in known:
                        events[item.column.id] = min(events.get(item.column.id, item.position), item.position)
                for col in columns:
                    path = f"{col.path}{rid}.html"
                    if path in known and path not in shown:
                        deletions.add(path)
                        removed[(rid, col.id)] = path
            if removed:
                self._removal_events(removed, events)
            for rid in self._policy_links(resource_ids):
                keys.update(("item", i.placement_id) for i in data.items_by_resource.get(rid, ()) if i.has_page)
            for cid in column_ids:
                self._column_keys(data.columns[cid], keys)
            shrunk = {cid for _, cid in removed}
            for cid, position in events.items():
                self._event_keys(data.columns[cid], position, keys, deletions, cid in shrunk)
            keys = sorted(keys, key=lambda k: (k[0] != "item", k))
            paths = [renderer.path_of(k) for k in keys]
            deletions -= set(paths)
            statics = [*self.static, *([data.site.logo_path] if data.site.logo_file else [])]
            known.update(dependencies.manifest(self.site_id, paths + statics))

            def lookup(ps):
                return dependencies.manifest(self.site_id, ps)

            outcomes = self.static_outcomes(known, False) + self.render_keys(keys, known, lookup=lookup)
            report = Report(data.site.domain, "changes")
            deletions = {p for p in deletions if p in known or self._target(p).exists()}
            self.commit(report, outcomes, known, deletions, lambda ps: set(lookup(ps)))
        report.seconds = time.perf_counter() - started
        return report

    def _full_unlocked(self, started: float) -> Report:
        report = Report(self.data.site.domain, "full")
        self.sweep()
        known = dependencies.manifest(self.site_id)
        outcomes = self.static_outcomes(known, False) + self.render_keys(self.renderer.all_keys(), known)
        produced = {o.path for o in outcomes}
        deletions = {p for p in known if p not in produced}
        self.commit(report, outcomes, known, deletions, lambda paths: {p for p in paths if p in known})
        report.seconds = time.perf_counter() - started
        return report

    def _removal_events(self, removed: dict[tuple[int, int], str], events: dict[int, int]) -> None:
        """Where withdrawn items were in their columns' order (from their placements, if kept)."""
        rows = Placement.objects.filter(
            resource_id__in={rid for rid, _ in removed}, column_id__in={cid for _, cid in removed}
        ).values_list("id", "resource_id", "column_id", "placed_at", "resource__published_at")
        found = {}
        for pid, rid, cid, placed_at, published_at in rows:
            found[(rid, cid)] = (max(placed_at, published_at or placed_at), pid)
        for (rid, cid), _path in removed.items():
            col = self.data.columns[cid]
            if (rid, cid) in found:
                order = [(i.live_at, i.placement_id) for i in col.items]
                position = bisect.bisect_left(order, found[(rid, cid)])
            else:
                position = 0
            events[cid] = min(events.get(cid, position), position)

    def _policy_links(self, resource_ids: set[int]) -> set[int]:
        """Policies and interpretations linked to the changed resources show each other (RES-8)."""
        if not resource_ids:
            return set()
        out = set()
        for policy, interpretation in PolicyInterpretation.objects.filter(
            Q(policy_id__in=resource_ids) | Q(interpretation_id__in=resource_ids)
        ).values_list("policy_id", "interpretation_id"):
            out.update((policy, interpretation))
        return out - resource_ids

    def _column_keys(self, col, keys: set) -> None:
        """A column changed (name, description, keywords…): its subtree, its parents, site map."""
        stack = [col]
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            if not node.visible:
                continue
            keys.update({("column", node.id), ("rss", node.id), ("colmap", node.id)})
            keys.update(("archive", node.id, k) for k in range(1, node.full_pages + 1))
            keys.update(("item", i.placement_id) for i in node.items if i.has_page)
        for node in col.ancestors:
            if node.visible:
                keys.add(("column", node.id))
        keys.update({("home",), ("sitemap_html",)})

    def _event_keys(self, col, position: int, keys: set, deletions: set, shrunk: bool) -> None:
        items = col.items
        start = position - 1
        while start > 0 and not items[start].has_page:
            start -= 1
        for item in items[max(0, start) : position + RELATED_WINDOW + 1]:
            if item.has_page:
                keys.add(("item", item.placement_id))
        keys.update(("archive", col.id, k) for k in range(position // PAGE_SIZE + 1, col.full_pages + 1))
        with_page_before = sum(1 for i in items[:position] if i.has_page)
        keys.update(("chunk", col.id, k) for k in range(with_page_before // SITEMAP_CHUNK + 1, col.sitemap_chunks + 1))
        for node in col.ancestors:
            if node.visible:
                keys.update({("column", node.id), ("rss", node.id), ("colmap", node.id)})
        keys.update({("home",), ("sitemap",), ("sitemap_site",)})
        if shrunk:  # numbered pages and sitemaps beyond the new count
            for path in dependencies.manifest_under(self.site_id, col.path, ("page-", "sitemap-")):
                if "/" not in path[len(col.path) :] and self.renderer.key_of(path) is None:
                    deletions.add(path)


_PARALLEL = None


def _render_chunk(index: int) -> list[Outcome]:
    publisher, known, verify, chunks = _PARALLEL
    try:
        outcomes = publisher.render_keys(chunks[index], known, verify)
        os.sync()
        return outcomes
    finally:
        connections.close_all()


# --- entry points -------------------------------------------------------------------------------


def publish_site(site_id: int, *, processes: int = 1, verify: bool = False, strict: bool = True) -> Report:
    """Render and write every page of a site; raise BrokenLinks (after publishing the rest) if refused."""
    report = SitePublisher(site_id).full(processes=processes, verify=verify)
    log.info("%s", report)
    if report.refused and strict:
        raise BrokenLinks(report)
    return report


def sites_for(resource_ids=(), column_ids=()) -> set[int]:
    sites = set()
    if resource_ids:
        sites |= set(Placement.objects.filter(resource_id__in=resource_ids).values_list("site_id", flat=True))
        sites |= dependencies.sites_showing(resource_ids)
    if column_ids:
        sites |= set(Column.objects.filter(id__in=column_ids).values_list("site_id", flat=True))
    return sites


def publish_changes(resource_ids=(), column_ids=(), site_ids=(), *, strict: bool = True) -> list[Report]:
    """Publish what changed: full sites for `site_ids`, dependent pages for resources and columns."""
    resource_ids, column_ids, site_ids = set(resource_ids), set(column_ids), set(site_ids)
    reports, refused = [], []
    for site_id in sorted(site_ids | sites_for(resource_ids, column_ids)):
        try:
            publisher = SitePublisher(site_id)
        except PublishError as error:
            log.warning("not published: %s", error)
            continue
        if site_id in site_ids:
            report = publisher.full()
        else:
            own_columns = {c for c in column_ids if c in publisher.data.columns}
            report = publisher.changes(resource_ids, own_columns)
        log.info("%s", report)
        reports.append(report)
        if report.refused:
            refused.append(report)
    if refused and strict:
        raise BrokenLinks(refused[0])
    return reports


def render_page(site_id: int, path: str) -> bytes:
    """One page rendered from the database (not written), e.g. for previews and query counts."""
    publisher = SitePublisher(site_id)
    data, renderer = publisher.data, publisher.renderer
    key = renderer.key_of(path)
    if key is None:
        raise PublishError(f"no page {path!r} on this site")
    items = [renderer.item(key[1])] if key[0] == "item" else []
    if key[0] == "column" and data.columns[key[1]].column_type in TEMPLATE_BY_COLUMN_TYPE:
        items = data.columns[key[1]].items
    return renderer.render(key, load_contents(items) if items else {}).content
