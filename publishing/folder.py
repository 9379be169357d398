"""A site's folder under PUBLISH_ROOT, written atomically (PUB-8).

Every file is first written to a temporary name in its own folder (`stage`), flushed to disk
(fsync, many at once in threads: the file system commits them together; never a machine-wide
sync, which would wait for every other program's writes) and then renamed over the old one
(`os.replace`), and the folders holding renamed or deleted names are flushed in turn, so
a reader sees the old file or the new one, never half of one, and a publish killed at any moment
leaves every file old or new. Temporary names start with a dot: the public front end never
serves them, and `sweep` removes those a killed publish left behind.

While temporary files may exist, a marker `PUBLISH_ROOT/.locks/<domain>.staging` says so: it is
created before the first file is staged and removed once the staged files are in place (or
discarded). A publish killed in between (SIGKILL, a lost worker) leaves the marker, and the next
publish of the site, or the tamper check, sweeps the leftovers first (`recover`). An incremental
publish thus cleans up after a killed one without walking the whole folder every time.
"""

import fcntl
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings


def _fsync(path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_POOL: tuple[int, ThreadPoolExecutor] | None = None


def fsync_all(paths) -> None:
    """fsync several files or folders at once: the file system commits them together (few journal commits)."""
    global _POOL
    paths = list(paths)
    if len(paths) <= 1:
        for path in paths:
            _fsync(path)
        return
    if _POOL is None or _POOL[0] != os.getpid():  # one pool per process (a forked one has no threads)
        _POOL = (os.getpid(), ThreadPoolExecutor(max_workers=16, thread_name_prefix="fsync"))
    list(_POOL[1].map(_fsync, paths))


class UnsafePath(ValueError):
    pass


@contextmanager
def site_lock(domain: str):
    """One publish per site at a time (across the processes of this host)."""
    folder = Path(settings.PUBLISH_ROOT) / ".locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{domain}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SiteFolder:
    def __init__(self, domain: str):
        self.root = Path(settings.PUBLISH_ROOT) / domain
        self.marker = Path(settings.PUBLISH_ROOT) / ".locks" / f"{domain}.staging"
        self._dirs: set[Path] = set()
        self._counter = 0
        self._staged: list[Path] = []
        self._marked = False

    def target(self, path: str) -> Path:
        if path.startswith("/") or ".." in path.split("/") or "\\" in path or "\x00" in path:
            raise UnsafePath(f"refusing to write outside the site folder: {path!r}")
        return self.root / path

    def stage(self, path: str, content: bytes) -> str:
        final = self.target(path)
        folder = final.parent
        if folder not in self._dirs:
            folder.mkdir(parents=True, exist_ok=True)
            self._dirs.add(folder)
        if not self._marked:  # before the first temporary file exists (see the module's description)
            self.marker.parent.mkdir(parents=True, exist_ok=True)
            self.marker.touch()
            self._marked = True
        self._counter += 1
        tmp = folder / f".{final.name}.{os.getpid()}.{self._counter}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        self._staged.append(tmp)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        return str(tmp)

    def discard_staged(self) -> None:
        """Remove the temporary files staged since the last move into place (a publish given up)."""
        for tmp in self._staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        self._staged = []
        self._unmark()

    def _unmark(self) -> None:
        self.marker.unlink(missing_ok=True)
        self._marked = False

    def move_into_place(self, staged: list[tuple[str, str]], deletions: set[str], flushed: bool = False) -> None:
        """Flush staged files to disk (unless `flushed`: the processes that wrote them did), rename them
        into place, delete what is gone, flush the folders whose names changed."""
        self._staged = []
        if staged and not flushed:
            fsync_all([tmp for tmp, _path in staged])
        for tmp, path in staged:
            os.replace(tmp, self.target(path))
        folders = {self.target(path).parent for _tmp, path in staged}
        for path in sorted(deletions):
            target = self.target(path)
            try:
                os.unlink(target)
            except FileNotFoundError:
                pass
            folder = target.parent
            while folder != self.root and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()  # no empty column folders are left behind (COL-4)
                folder = folder.parent
            folders.add(folder)
        if staged or deletions:
            fsync_all([folder for folder in folders if folder.exists()])
        self._unmark()

    def sweep(self) -> None:
        """Remove temporary files that a killed publish left behind (under the site lock)."""
        if self.root.is_dir():
            for folder, _dirs, names in os.walk(self.root):
                for name in names:
                    if name.startswith(".") and name.endswith(".tmp"):
                        os.unlink(os.path.join(folder, name))
        self._unmark()

    def recover(self) -> bool:
        """Sweep if a publish was killed while files were staged (the marker is there); True if so."""
        if not self.marker.exists():
            return False
        self.sweep()
        return True


class Mover(threading.Thread):
    """SiteFolder.move_into_place in a thread of its own (renames and fsyncs wait on the disk, not the CPU)."""

    def __init__(self, folder: "SiteFolder", moves, deletions, flushed: bool):
        super().__init__(name="publish-mover", daemon=True)
        self.folder, self.moves, self.deletions, self.flushed = folder, moves, deletions, flushed
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.folder.move_into_place(self.moves, self.deletions, self.flushed)
        except BaseException as error:  # handed to the publishing thread, which raises it
            self.error = error
