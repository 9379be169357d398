"""Child processes that stop in the middle of a publish, to be killed by a test (PUB-8).

    python -m tests.publishing.interrupt manage publish --site www.example.gov.cn
    python -m tests.publishing.interrupt changes <resource id> …   (publish_changes, incremental)
    python -m tests.publishing.interrupt worker <queue>            (a Celery worker, prefork pool)

The environment says where the publish stops; nothing of this is in the platform's code:

- PAUSE_AT=stage:N: while the N-th file is staged, after half of its bytes were written
  (a truncated temporary file is on disk);
- PAUSE_AT=rename:N: right after the N-th staged file was renamed into place;
- PAUSED_FILE=<path>: created with the process id when the stop begins, then the process sleeps
  until it is killed. When the file exists already, nothing stops: the run after the kill (the
  redelivered task, the command run again) goes through;
- RUNS_FILE=<path> (worker): one line per task the worker starts, with the pool process's id;
- TRANSPORT_OPTIONS=<json> (worker): the broker's transport options (visibility timeout, keys).
"""

import itertools
import json
import os
import sys
import time
from pathlib import Path


def _stop() -> None:
    paused = Path(os.environ["PAUSED_FILE"])
    if paused.exists():
        return
    partial = paused.with_name(paused.name + f".{os.getpid()}")
    partial.write_text(str(os.getpid()))
    try:
        os.link(partial, paused)  # all at once: the test never reads half an id
    except FileExistsError:
        return
    finally:
        partial.unlink()
    while True:
        time.sleep(60)


class _OsOfTheFolder:
    """The `os` module as publishing.folder sees it, with a `replace` that stops after N renames."""

    def __init__(self, stop_after: int):
        self._count = itertools.count(1)
        self._stop_after = stop_after

    def replace(self, src, dst):
        os.replace(src, dst)
        if next(self._count) == self._stop_after:
            _stop()

    def __getattr__(self, name):
        return getattr(os, name)


def install() -> None:
    spec = os.environ.get("PAUSE_AT", "")
    if not spec:
        return
    where, count = spec.split(":")
    count = int(count)
    from publishing import folder

    if where == "rename":
        folder.os = _OsOfTheFolder(count)
    elif where == "stage":
        stage, calls = folder.SiteFolder.stage, itertools.count(1)

        def stopping_stage(self, path, content):
            if next(calls) == count and not Path(os.environ["PAUSED_FILE"]).exists():
                stage(self, path, content[: len(content) // 2])
                _stop()
            return stage(self, path, content)

        folder.SiteFolder.stage = stopping_stage
    else:
        raise SystemExit(f"PAUSE_AT={spec!r}: stage:N or rename:N")


def _record_runs() -> None:
    from celery.signals import task_prerun

    runs = Path(os.environ["RUNS_FILE"])

    def started(**kwargs):
        with open(runs, "a") as handle:
            handle.write(f"{os.getpid()}\n")

    task_prerun.connect(started, weak=False)


def main(argv: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govplatform.settings")
    django.setup()
    install()
    command, *rest = argv
    if command == "manage":
        from django.core.management import call_command

        call_command(*rest)
    elif command == "changes":
        from publishing.publisher import publish_changes

        for report in publish_changes(resource_ids=[int(pk) for pk in rest]):
            print(report)
    elif command == "worker":
        from govplatform.celery import app

        _record_runs()
        app.conf.broker_transport_options = json.loads(os.environ.get("TRANSPORT_OPTIONS") or "{}")
        app.conf.task_always_eager = False
        app.worker_main(
            ["worker", "--pool=prefork", "--concurrency=1", f"--queues={rest[0]}", f"--hostname=faults-{os.getpid()}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
        )  # fmt: skip
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
