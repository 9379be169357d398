"""The publisher of one site: render, stage, check and rename its files (PUB-8, LINK-1, LINK-2, SEC-5).

Every file is written to a temporary name in its own folder, flushed to disk and renamed into
place (os.replace), so a reader sees the old file or the new one, never half of one; a killed
publish leaves every file old or new, and its temporary files are swept by the next publish of
the site (publishing/folder.py). Files whose content did not change are not written.
The manifest (PublishedFile) records the hash of every file; the dependency index
(PageDependency) records which page shows which resource or column.

Before anything is renamed, every internal link of the rendered pages must point to a file that
exists (written in this run or in the manifest), and no page may show a resource that is not
online (publishing/outcomes.py). An item whose own page fails is held back (publishing/held_back.py):
a new page is left out of the site and the site's pages are rendered again without it; an online
page keeps its old version. Everything else is published; the report lists what was refused.

`SitePublisher.full` renders every page (optionally in several processes) from all the site's
items, loaded in bulk; `SitePublisher.changes` renders only the pages that depend on changed
resources and columns (publishing/affected.py), from the few items those pages show
(publishing/partial.py). The entry points that choose sites are in publishing/publisher.py.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import time
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction

from publishing import dependencies, held_back, links, outline_store
from publishing.affected import plan_changes
from publishing.contents import load_contents
from publishing.folder import Mover, SiteFolder, fsync_all, site_lock
from publishing.outcomes import Outcome, PublishError, Report, judge
from publishing.partial import TooMuch, load_for, load_partial, referenced_resources
from publishing.render import TEMPLATE_BY_COLUMN_TYPE, Renderer
from publishing.site_loading import load_site
from publishing.sitedata import ENTRY_RESOURCE, NotLoaded, SiteData
from publishing.static_files import static_files

log = logging.getLogger(__name__)

RENDER_BATCH = 250  # pages whose contents are loaded together
PARALLEL_PAGES = 1000  # a full rebuild of fewer pages renders in one process (forking costs more)
MOVER_FILES = 200  # from this many renames and deletions on, they run beside the writing of the rows
# When a partial load missed an item (NotLoaded), render from the whole site; tests turn this off.
PARTIAL_FALLBACK = True


class HoldBack(Exception):  # noqa: N818 (not an error: the publish starts again without these items)
    """Items whose own pages cannot go online: render the site again without them."""

    def __init__(self, holds: dict[int, held_back.Hold], refused: dict[str, list[str]]):
        self.holds, self.refused = holds, refused
        super().__init__(f"held back: {sorted(holds)}")


class SitePublisher:
    def __init__(self, site_id: int, data: SiteData | None = None):
        self.site_id = site_id
        self.data = data or load_site(site_id)
        if not self.data.site.domain:
            raise PublishError(f"site {site_id} has no primary domain")
        self.folder = SiteFolder(self.data.site.domain)
        self.root = self.folder.root
        self.static, self.assets = static_files(self.data.site.theme)
        self.renderer = Renderer(self.data, self.assets)
        self.held_before: set[int] = set()  # held back before this publish: tried again (full, changes)
        self.holds: dict[int, held_back.Hold] = {}  # held back by this publish (left out: hidden)
        self.held_refused: dict[str, list[str]] = {}  # the pages of those, with what they lack

    def _hold_back(self, error: HoldBack) -> None:
        """Start again without the items that cannot go online (a partial load stays partial)."""
        self.folder.discard_staged()
        self.holds.update(error.holds)
        self.held_refused.update(error.refused)
        hidden = frozenset(self.holds)
        self._use(
            load_partial(self.site_id, hidden) if self.data.loader is not None else load_site(self.site_id, hidden)
        )

    def _use(self, data: SiteData) -> None:
        self.data = data
        self.renderer = Renderer(data, self.assets)

    def _linked_resource(self, target: str) -> int | None:
        """The resource whose page is at `target` on this site, if it is shown here."""
        linked = self.renderer._by_path.get(target)
        if linked is not None or self.data.loader is None:
            return None if linked is None else linked.resource_id
        placement = self.data.placement_at(target)
        if placement is None:
            return None
        col, position = self.data.position_of(placement)
        return col.entries[position][ENTRY_RESOURCE]

    def _unrecorded(self, page, targets) -> list[str]:
        """Targets that may be pages of items `page` does not yet depend on (lists record theirs)."""
        out = []
        for target in targets:
            parsed = self.data.parse_item_path(target)
            if parsed is not None and parsed[1] not in page.resources:
                out.append(target)
        return out

    def _resolve_links(self, targets) -> None:
        """A partial load: learn which linked paths are pages of shown items (bodies link articles)."""
        by_path = self.renderer._by_path
        named = {parsed[1] for parsed in map(self.data.parse_item_path, set(targets) - by_path.keys()) if parsed}
        if named:
            self.data.loader.outline_of_resources(named)

    # --- writing --------------------------------------------------------------------------------

    def _outcome(self, path: str, content: bytes, known: dict, verify: bool, **page) -> Outcome:
        sha = hashlib.sha256(content).hexdigest()
        old = known.get(path)
        unchanged = old is not None and old[0] == sha
        if unchanged and verify:
            try:
                unchanged = self.folder.target(path).read_bytes() == content
            except OSError:
                unchanged = False
        tmp = None if unchanged else self.folder.stage(path, content)
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
            if self.data.loader is not None:
                for k in batch:
                    if k[0] == "item" and k[1] not in renderer._by_placement:
                        raise NotLoaded(f"the item of placement {k[1]} was not loaded")
            items = [renderer.item(k[1]) for k in batch if k[0] == "item"]
            for key in batch:
                if key[0] == "column" and self.data.columns[key[1]].column_type in TEMPLATE_BY_COLUMN_TYPE:
                    items.extend(self.data.columns[key[1]].items)
            contents = load_contents(items) if items else {}
            for extension in renderer.extensions.values():  # item headers of feature apps, in bulk
                extension.prefetch(items)
            if self.data.loader is not None:  # a partial load: what url_of and title_of will read
                self.data.loader.resources(referenced_resources(contents.values()))
            files = {}
            rendered = []
            for key in batch:
                page = renderer.render(key, contents)
                text = page.content.decode("utf-8") if b'="/' in page.content else ""
                rendered.append((key, page, frozenset(links.internal_targets(text)) if text else frozenset()))
            if self.data.loader is not None:  # links to items the page already depends on need no look-up
                rendered = [(key, page, targets, self._unrecorded(page, targets)) for key, page, targets in rendered]
                self._resolve_links(t for *_rest, unrecorded in rendered for t in unrecorded)
            else:
                rendered = [(key, page, targets, targets) for key, page, targets in rendered]
            for key, page, targets, unrecorded in rendered:
                for target in unrecorded:  # a body linking another article depends on it (withdrawal)
                    linked = self._linked_resource(target)
                    if linked is not None:
                        page.resources.add(linked)
                out.append(
                    self._outcome(
                        page.path,
                        page.content,
                        known,
                        verify,
                        targets=targets,
                        resources=tuple(page.resources),
                        columns=tuple(page.columns),
                        own=renderer.item(key[1]).resource_id if key[0] == "item" else None,
                        unpublished=tuple(page.unpublished),
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

    def commit(self, report: Report, outcomes: list[Outcome], known: dict, deletions: set[str], lookup,
               flushed: bool = False) -> Report:  # fmt: skip
        """Check links, rename staged files into place, delete, update manifest and index.

        Raises HoldBack, before anything is moved, when items must be left out (outcomes.judge).
        """
        produced = {o.path for o in outcomes}
        pages = [o for o in outcomes if o.is_page]
        wanted = set().union(*(o.targets for o in pages)) - produced if pages else set()
        existing = lookup(wanted) - deletions
        refused, holds = judge(outcomes, known, existing)
        new_pages = {rid: hold for rid, hold in holds.items() if not hold.page_online}
        if new_pages:
            own = {o.path: refused[o.path] for o in pages if o.own in new_pages and o.path in refused}
            raise HoldBack(new_pages, own)
        holds.update(self.holds)
        refused.update(self.held_refused)
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
        moves = [(o.tmp, o.path) for o in staged]
        # Many files: renamed in a thread while the rows are written below; the transaction commits
        # only once every file is in place (a publish killed before leaves the manifest as it was).
        mover = Mover(self.folder, moves, deletions, flushed) if len(moves) + len(deletions) >= MOVER_FILES else None
        try:
            if mover is None:
                self.folder.move_into_place(moves, deletions, flushed)
            else:
                mover.start()
        except BaseException:
            _discard(staged)
            raise
        rows = []
        for o in accepted:
            if o.is_page:
                rows += dependencies.rows_of(self.site_id, o.path, o.resources, o.columns, o.own)
        with transaction.atomic():
            try:
                held_back.record(self.site_id, holds, self.held_before)
                dependencies.record_files(self.site_id, [(o.path, o.sha, o.size) for o in staged])
                dependencies.forget_files(self.site_id, deletions)
                if report.mode == "full":
                    outline_store.sync_site(self.site_id, self.data.columns.keys())
                    dependencies.replace(self.site_id, rows, pages=None, keep=list(refused))
                else:
                    dependencies.replace(self.site_id, rows, pages=[o.path for o in accepted if o.is_page])
                    dependencies.delete_pages(self.site_id, deletions)
            finally:
                if mover is not None:
                    mover.join()
            if mover is not None and mover.error is not None:
                _discard(staged)
                raise mover.error
        report.rendered = len(pages)
        report.written = [o.path for o in staged]
        report.unchanged = len(accepted) - len(staged)
        report.deleted = sorted(deletions)
        report.refused = refused
        report.held = holds
        return report

    # --- full rebuild ---------------------------------------------------------------------------

    def full(self, processes: int = 1, verify: bool = False) -> Report:
        started = time.perf_counter()
        self.held_before = held_back.resources_of(self.site_id)
        with site_lock(self.data.site.domain):
            while True:
                try:
                    report = self._full_once(started, processes, verify)
                    break
                except HoldBack as error:  # rendered again without them: lists, neighbours, sitemaps
                    self._hold_back(error)
        report.seconds = time.perf_counter() - started
        return report

    def _full_once(self, started: float, processes: int = 1, verify: bool = False) -> Report:
        """Render every page and commit (under the site's lock); HoldBack when items must be left out."""
        report = Report(self.data.site.domain, "full")
        clock = time.perf_counter()
        self.folder.sweep()
        known = dependencies.manifest(self.site_id)
        keys = self.renderer.all_keys()
        outcomes = self.static_outcomes(known, verify)
        report.phases["load"] = time.perf_counter() - clock
        if processes > 1 and len(keys) >= PARALLEL_PAGES:
            fsync_all([o.tmp for o in outcomes if o.tmp])  # the static files staged here
            outcomes += self._render_parallel(keys, known, verify, processes)
            flushed = True  # each process flushed what it wrote
        else:
            outcomes += self.render_keys(keys, known, verify)
            flushed = False
        report.phases["render"] = time.perf_counter() - clock - report.phases["load"]
        produced = {o.path for o in outcomes}
        deletions = {p for p in known if p not in produced}
        self.commit(report, outcomes, known, deletions, lambda paths: {p for p in paths if p in known}, flushed)
        report.phases["commit"] = time.perf_counter() - clock - report.phases["load"] - report.phases["render"]
        report.seconds = time.perf_counter() - started
        return report

    def _render_parallel(self, keys, known, verify, processes) -> list[Outcome]:
        global _PARALLEL
        # Small chunks (two render batches): the processes take the next as they finish and all stay
        # busy to the end (with 4 large chunks per process one of them often rendered the last alone);
        # each chunk opens a connection of its own, which costs little next to 500 pages.
        size = 2 * RENDER_BATCH
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
        """Render only what depends on the changed resources and columns (see publishing.affected).

        From a partial load (publishing/partial.py) when the publisher was given one: the items
        the pages to render read are loaded after planning; past PARTIAL_LIMIT, or when an item
        was missed (NotLoaded), the whole site is loaded and the same pages rendered from it.
        """
        started = time.perf_counter()
        with site_lock(self.data.site.domain):
            if self.folder.recover():  # a publish of this site was killed while it had staged files
                log.warning("%s: removed the temporary files of an interrupted publish", self.data.site.domain)
            # Held items are tried again: the article was corrected, or the page it links appeared.
            counts, self.held_before = outline_store.tallies_and_held(self.site_id)
            resource_ids, column_ids = set(resource_ids) | self.held_before, set(column_ids)
            # the stored outline of these resources as they are now, before anything is numbered
            synced = outline_store.sync_resources(self.site_id, resource_ids, self.data.columns.keys(), counts)
            if self.data.loader is not None:
                self.data.loader.synced = synced
            while True:
                try:
                    report = self._changes_or_whole(started, resource_ids, column_ids)
                    break
                except HoldBack as error:
                    self._hold_back(error)
        report.seconds = time.perf_counter() - started
        return report

    def _changes_or_whole(self, started: float, resource_ids: set[int], column_ids: set[int]) -> Report:
        try:
            return self._changes(started, resource_ids, column_ids)
        except (NotLoaded, TooMuch) as error:
            self.folder.discard_staged()
            if self.data.loader is None or (isinstance(error, NotLoaded) and not PARTIAL_FALLBACK):
                raise
            if isinstance(error, NotLoaded):
                log.warning("%s: rendering from the whole site: %s", self.data.site.domain, error)
            # a large change: one bulk query beats many small ones
            self._use(load_site(self.site_id, self.data.hidden))
            return self._changes(started, resource_ids, column_ids)

    def _changes(self, started: float, resource_ids: set[int], column_ids: set[int]) -> Report:
        phases = {}
        clock = time.perf_counter()
        plan = plan_changes(self.site_id, self.data, self.renderer, resource_ids, column_ids)
        if plan is None:
            if self.data.loader is not None:
                self._use(load_site(self.site_id, self.data.hidden))
            return self._full_once(started)
        phases["plan"] = time.perf_counter() - clock
        if self.data.loader is not None:
            load_for(self.data, plan[0])  # the items the pages to render read
            self._use(self.data)  # the renderer's indexes of the loaded items
        phases["load"] = time.perf_counter() - clock - phases["plan"]
        keys, paths, deletions, known = plan
        data = self.data
        statics = [*self.static, *([data.site.logo_path] if data.site.logo_file else [])]
        known.update(dependencies.manifest(self.site_id, paths + statics))

        def lookup(ps):
            return dependencies.manifest(self.site_id, ps)

        outcomes = self.static_outcomes(known, False) + self.render_keys(keys, known, lookup=lookup)
        phases["render"] = time.perf_counter() - clock - sum(phases.values())
        report = Report(data.site.domain, "changes", partial=data.loader is not None)
        deletions = {p for p in deletions if p in known or self.folder.target(p).exists()}
        self.commit(report, outcomes, known, deletions, lambda ps: set(lookup(ps)))
        phases["commit"] = time.perf_counter() - clock - sum(phases.values())
        report.phases = phases
        return report


def _discard(staged: list[Outcome]) -> None:
    for o in staged:  # a failed publish leaves no temporary files behind (best effort)
        if o.tmp and os.path.exists(o.tmp):
            os.unlink(o.tmp)


_PARALLEL = None


def _render_chunk(index: int) -> list[Outcome]:
    publisher, known, verify, chunks = _PARALLEL
    try:
        outcomes = publisher.render_keys(chunks[index], known, verify)
        fsync_all([o.tmp for o in outcomes if o.tmp])  # in every process at once, before the renames
        return outcomes
    finally:
        connections.close_all()
