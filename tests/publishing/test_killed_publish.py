"""A publish killed in the middle leaves every page old or new, never half, and the publish
completes when it runs again (PUB-8; the tamper check, SEC-5, is not fooled by the leftovers).

The publishes run in real child processes (manage.py publish, publish_changes, a Celery worker
with its prefork pool) that stop at a chosen point (tests/publishing/interrupt.py) and are killed
there with SIGKILL: no Python code of theirs runs after the kill. Each test then checks the folder
as a reader would find it, runs the publish again (the command again, the retried or redelivered
task) and compares the result byte for byte with a clean full publish of the same database into
an empty folder, manifest and dependency index included.

The child processes see the test's database (tests/shared_database.py). The Celery tests need the
real Redis broker (REDIS_URL): they skip without it, and fail under REQUIRE_SERVICES=1.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client

from publishing import tamper
from publishing.models import PageDependency, PublishedFile
from publishing.publish_tasks import publish_changes_task
from publishing.publisher import publish_changes, publish_site
from tests.conftest import redis_reachable, require_service
from tests.rendering.conftest import DOMAIN, Builder
from tests.shared_database import SharedDatabase
from tests.subprocesses import BASE_DIR, clean_env

pytestmark = pytest.mark.django_db(transaction=True)

ARTICLES = 300  # pages of the site, about: enough that a kill lands well inside the publish
STOP_AT = 120  # the file at which the child stops (of some 330 written)


# --- what is on disk and in the manifest --------------------------------------------------------


def tree(root: Path) -> dict[str, bytes]:
    """Every file under the site's folder, hidden ones (temporary files) included."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def is_hidden(path: str) -> bool:
    return any(part.startswith(".") for part in path.split("/"))


def manifest(site) -> list[tuple]:
    return sorted(PublishedFile.objects.filter(site=site).values_list("path", "sha256", "size"))


def dependency_index(site) -> list[tuple]:
    rows = PageDependency.objects.filter(site=site).values_list("page_path", "resource_id", "column_id")
    return sorted(rows, key=lambda row: (row[0], row[1] or 0, row[2] or 0))


def clean_publish(site, folder: Path) -> SimpleNamespace:
    """A full publish of the database as it is, into an empty folder with an empty manifest."""
    settings.PUBLISH_ROOT = folder
    PublishedFile.objects.filter(site=site).delete()
    PageDependency.objects.filter(site=site).delete()
    publish_site(site.pk)
    return SimpleNamespace(files=tree(folder / DOMAIN), manifest=manifest(site), dependencies=dependency_index(site))


# --- the site being published ------------------------------------------------------------------


@pytest.fixture
def site_in_change(settings, tmp_path):
    """A published site of some 330 pages, then changed in the database: every page's header
    (the site's name), one new article, one withdrawn. The publish under test writes this change."""
    b = Builder(Path(settings.PUBLISH_ROOT))
    news = b.column("xwzx", "新闻中心", channel=True)
    notices = b.column("tzgg", "通知公告", channel=True)
    articles = b.many(news, ARTICLES - 40, prefix="要闻") + b.many(notices, 40, prefix="通知")
    gone = b.article(notices, "即将撤回的通知")
    publish_site(b.site.pk)
    root = Path(settings.PUBLISH_ROOT) / DOMAIN
    state = SimpleNamespace(builder=b, site=b.site, root=root, old=tree(root), old_manifest=manifest(b.site))
    b.site.name = "示例市人民政府（更名）"
    b.site.save()
    state.added = b.article(news, "新发布的文章")
    b.withdraw(gone)
    state.gone = f"tzgg/{gone.pk}.html"
    state.articles = articles
    return state


def check_killed_state(state, during: dict[str, bytes], clean: SimpleNamespace, *, renamed: bool) -> None:
    """Every file a reader can reach is the complete old or the complete new version."""
    served = {path: content for path, content in during.items() if not is_hidden(path)}
    new = old = 0
    for path, content in served.items():
        assert content in (state.old.get(path), clean.files.get(path)), f"{path} is neither old nor new"
        new += content == clean.files.get(path) != state.old.get(path)
        old += content == state.old.get(path) != clean.files.get(path)
    if renamed:  # killed among the renames: the first STOP_AT pages are new, the others still old
        assert new == STOP_AT and old > 100, (new, old)
    else:  # killed while staging: nothing was renamed yet
        assert new == 0 and old > STOP_AT, (new, old)
    assert state.gone in served  # deletions come after every rename
    assert served[state.gone] == state.old[state.gone]


# --- child processes ----------------------------------------------------------------------------


class Children:
    """Child processes of one test; whatever is still running at the end is killed."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.running: list[subprocess.Popen] = []

    def start(self, args: list[str], env: dict, name: str) -> subprocess.Popen:
        out = open(self.tmp_path / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.publishing.interrupt", *args],
            cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        process.log = self.tmp_path / f"{name}.log"
        process.out = out
        self.running.append(process)
        return process

    def wait_until_paused(self, process: subprocess.Popen, paused: Path, timeout: float = 180) -> int:
        """The id of the process that stopped in the publish (a pool process, for a worker)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if paused.exists():
                return int(paused.read_text())
            if process.poll() is not None:
                pytest.fail(f"the child ended before the stop (code {process.returncode}):\n{process.log.read_text()}")
            time.sleep(0.05)
        pytest.fail(f"the child did not reach the stop in {timeout} s:\n{process.log.read_text()}")

    def finish(self, process: subprocess.Popen, timeout: float = 180) -> str:
        try:
            process.wait(timeout=timeout)
        finally:
            process.out.close()
        return process.log.read_text()

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.terminate()  # a worker's warm shutdown
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            process.out.close()


@pytest.fixture
def children(tmp_path):
    made = Children(tmp_path)
    yield made
    made.stop_all()


def child_env(tmp_path, database_url: str, **extra) -> dict:
    return clean_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="govplatform.settings_test",
        DATABASE_URL=database_url,
        PUBLISH_ROOT=str(settings.PUBLISH_ROOT),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        FIELD_ENCRYPTION_KEY=",".join(settings.FIELD_ENCRYPTION_KEYS),
        PAUSED_FILE=str(tmp_path / "paused"),
        **extra,
    )


def kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


# --- manage.py publish, killed and run again ----------------------------------------------------


@pytest.mark.parametrize("stop", ["stage", "rename"])
def test_a_killed_publish_leaves_pages_old_or_new_and_running_it_again_completes_it(
    site_in_change, children, tmp_path, stop
):  # PUB-8
    state = site_in_change
    shared = SharedDatabase(tmp_path)
    env = child_env(tmp_path, shared.push(), PAUSE_AT=f"{stop}:{STOP_AT}")
    command = ["manage", "publish", "--site", DOMAIN]

    publishing = children.start(command, env, "killed")
    children.wait_until_paused(publishing, tmp_path / "paused")
    kill(publishing.pid)
    children.finish(publishing)

    during = tree(state.root)
    shared.pull()
    assert manifest(state.site) == state.old_manifest  # the manifest still describes the old pages
    leftovers = [path for path in during if is_hidden(path)]
    public = Client(HTTP_HOST=DOMAIN)
    for path in leftovers:
        assert public.get(f"/{path}").status_code == 404  # never served

    again = run_again(children, command, env)  # the same command, nothing stops it now
    assert "written" in again, again
    shared.pull()

    after = tree(state.root)
    after_manifest, after_index = manifest(state.site), dependency_index(state.site)
    clean = clean_publish(state.site, tmp_path / "clean")
    check_killed_state(state, during, clean, renamed=stop == "rename")
    assert leftovers, "the killed publish left temporary files (and the reader never saw them)"
    if stop == "stage":  # the file being written at the kill is cut short, under its hidden name
        (cut,) = [path for path in leftovers if path.endswith(f".{STOP_AT}.tmp")]
        complete = clean.files[final_path(cut)]
        assert complete.startswith(during[cut]) and len(during[cut]) < len(complete)
    assert after == clean.files  # byte for byte, and no temporary file is left
    assert after_manifest == clean.manifest
    assert after_index == clean.dependencies
    assert state.gone not in after and f"xwzx/{state.added.pk}.html" in after


def final_path(temporary: str) -> str:
    """`xwzx/.12.html.<pid>.<n>.tmp` → `xwzx/12.html`."""
    folder, _, name = temporary.rpartition("/")
    name = name[1:].rsplit(".", 3)[0]
    return f"{folder}/{name}" if folder else name


def run_again(children: Children, command: list[str], env: dict) -> str:
    process = children.start(command, env, "again")
    output = children.finish(process)
    assert process.returncode == 0, output
    return output


# --- an incremental publish, killed: the leftovers are swept -----------------------------------


def test_leftovers_of_a_killed_incremental_publish_are_swept_and_the_retry_completes_it(
    site_in_change, children, tmp_path
):  # PUB-8, SEC-5
    state = site_in_change
    b = state.builder
    publish_site(state.site.pk)  # the site's change is online; only the articles below change now
    changed = state.articles[:30]
    for resource in changed:
        b.new_revision(resource, f"{resource.title}（修订）")
    ids = [str(resource.pk) for resource in changed]
    shared = SharedDatabase(tmp_path)
    env = child_env(tmp_path, shared.push(), PAUSE_AT="stage:20")
    folder_marker = Path(settings.PUBLISH_ROOT) / ".locks" / f"{DOMAIN}.staging"

    def killed_publish():
        (tmp_path / "paused").unlink(missing_ok=True)
        publishing = children.start(["changes", *ids], env, "killed")
        children.wait_until_paused(publishing, tmp_path / "paused")
        kill(publishing.pid)
        children.finish(publishing)
        leftovers = [path for path in tree(state.root) if is_hidden(path)]
        assert len(leftovers) == 20 and folder_marker.exists()

    killed_publish()
    check = tamper.scan(state.site.pk, DOMAIN)  # the hourly check, before any retry
    assert (check.added, check.changed, check.missing) == ([], [], [])  # leftovers are not "planted files"
    assert not [path for path in tree(state.root) if is_hidden(path)]

    killed_publish()
    shared.pull()
    result = publish_changes_task.apply(kwargs={"resource_ids": [int(pk) for pk in ids]})  # the retry
    assert result.successful(), result.traceback
    assert "(changes)" in result.result[0]  # incremental, as the killed run was
    after = tree(state.root)
    after_manifest = manifest(state.site)

    clean = clean_publish(state.site, tmp_path / "clean")
    assert after == clean.files  # no temporary file left, every page new
    assert after_manifest == clean.manifest
    assert not folder_marker.exists()


# --- a Celery worker killed while it publishes: the task is delivered again ---------------------


@pytest.fixture
def broker():
    """The real Redis broker, with a queue and unacknowledged-message keys of this test only."""
    available, reason = redis_reachable(settings.REDIS_URL)
    require_service("Redis", available, reason)
    import redis

    from govplatform.celery import app

    tag = f"govplatform-tests-faults-{uuid.uuid4().hex[:12]}"
    keys = {"unacked_key": f"{tag}-unacked", "unacked_index_key": f"{tag}-unacked-index",
            "unacked_mutex_key": f"{tag}-unacked-mutex"}  # fmt: skip
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # the test settings run tasks in-process; these go through Redis
    try:
        yield SimpleNamespace(queue=tag, keys=keys)
    finally:
        app.conf.task_always_eager = eager
        client = redis.Redis.from_url(settings.REDIS_URL)
        client.delete(*keys.values(), *client.scan_iter(match=f"*{tag}*"))  # the queue and kombu's bindings


@pytest.mark.services
@pytest.mark.parametrize("killed", ["pool process", "whole worker"])
def test_a_worker_killed_during_a_publish_gets_the_task_again_and_completes_it(
    site_in_change, children, tmp_path, broker, killed
):  # PUB-8
    state = site_in_change
    shared = SharedDatabase(tmp_path)
    runs = tmp_path / "runs"
    # The whole worker's message comes back once the visibility timeout has passed (production: an hour).
    options = {**broker.keys, "visibility_timeout": 2} if killed == "whole worker" else broker.keys
    env = child_env(
        tmp_path, shared.push(), PAUSE_AT=f"rename:{STOP_AT}", RUNS_FILE=str(runs), REDIS_URL=settings.REDIS_URL,
        TRANSPORT_OPTIONS=json.dumps(options),
    )  # fmt: skip
    worker = children.start(["worker", broker.queue], env, "worker")

    result = publish_changes_task.apply_async(kwargs={"site_ids": [state.site.pk]}, queue=broker.queue)
    pool_process = children.wait_until_paused(worker, tmp_path / "paused")
    during = tree(state.root)
    if killed == "pool process":
        kill(pool_process)  # the worker's main process gives the message back (reject_on_worker_lost)
    else:
        kill(worker.pid)  # the main process first: nobody is left to give the message back …
        kill(pool_process)
        children.finish(worker)
        time.sleep(2.5)  # … but it was never acknowledged (acks_late): a new worker gets it again
        worker = children.start(["worker", broker.queue], env, "restarted")

    try:
        reports = result.get(timeout=120)
    finally:
        result.forget()
    starts = runs.read_text().split()
    assert len(starts) == 2 and starts[0] == str(pool_process), starts  # run, killed, run again
    assert "(full)" in reports[0]
    shared.pull()
    after, after_manifest = tree(state.root), manifest(state.site)
    after_index = dependency_index(state.site)

    clean = clean_publish(state.site, tmp_path / "clean")
    check_killed_state(state, during, clean, renamed=True)
    assert after == clean.files
    assert after_manifest == clean.manifest
    assert after_index == clean.dependencies


# --- transient errors: retried with a growing delay ---------------------------------------------


@pytest.mark.parametrize(
    "error", [OperationalError("the database system is starting up"), OSError(28, "No space left on device")]
)
def test_a_publish_that_meets_a_transient_error_is_retried_and_completes(site_in_change, monkeypatch, error):  # PUB-8
    state = site_in_change
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise error
        return publish_changes(*args, **kwargs)

    monkeypatch.setattr("publishing.publish_tasks.publish_changes", flaky)
    result = publish_changes_task.apply(kwargs={"site_ids": [state.site.pk]}, throw=False)

    assert result.successful(), result.traceback
    assert len(calls) == 2
    assert state.builder.read("index.html").count("示例市人民政府（更名）")


def test_a_publish_that_fails_for_good_is_not_retried(site_in_change, monkeypatch):  # PUB-8
    calls = []

    def broken(*args, **kwargs):
        calls.append(args)
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr("publishing.publish_tasks.publish_changes", broken)
    result = publish_changes_task.apply(kwargs={"site_ids": [site_in_change.site.pk]}, throw=False)

    assert result.failed() and len(calls) == 1


def test_the_publish_task_is_acknowledged_only_when_done():  # PUB-8
    task = publish_changes_task
    assert task.acks_late and task.reject_on_worker_lost  # the tests above show what they do with a real worker
    assert task.retry_backoff and task.retry_jitter and task.max_retries >= 5
