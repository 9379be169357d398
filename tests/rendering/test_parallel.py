"""A full rebuild in several processes (PUB-8; issue 18 item 2).

Each process renders its share, stages it and flushes its own files (fsync, never a machine-wide
sync); the parent checks the links, renames and records. The result is the one process's, byte
for byte, and a rebuild that changes nothing writes nothing: no file, no manifest or index row.
"""

import os
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publishing import dependencies, folder, site_publisher
from publishing.models import OutlineEntry, OutlineTally, PageDependency, PublishedFile
from publishing.publisher import publish_site

pytestmark = pytest.mark.django_db(transaction=True)  # the forked processes open their own connections


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def index(site) -> set[tuple]:
    return set(PageDependency.objects.filter(site=site).values_list("page_path", "resource_id", "column_id"))


def test_two_processes_write_what_one_writes_flushing_only_their_files(build, monkeypatch, tmp_path):  # PUB-8
    news = build.column("xw", "新闻", channel=True)
    notices = build.column("tz", "通知", channel=True)
    build.many(news, 45, prefix="要闻")
    build.many(notices, 12, prefix="通知")
    root = build.file("")
    publish_site(build.site.pk)
    one, one_index = tree(root), index(build.site)

    synced = []
    monkeypatch.setattr(os, "sync", lambda: synced.append("sync"))
    monkeypatch.setattr(site_publisher, "PARALLEL_PAGES", 10)
    monkeypatch.setattr(site_publisher, "RENDER_BATCH", 10)  # chunks of 20 pages: several per process
    log = tmp_path / "fsynced"  # written by every process (the rendering ones are forked)
    real_fsync = folder._fsync

    def fsync(path):
        with open(log, "a") as handle:
            handle.write(f"{path}\n")
        real_fsync(path)

    monkeypatch.setattr(folder, "_fsync", fsync)
    for path in list(root.iterdir()):  # an empty folder, manifest and index: everything is written again
        if path.is_dir():
            for sub in sorted(path.rglob("*"), reverse=True):
                sub.unlink() if sub.is_file() else sub.rmdir()
            path.rmdir()
        else:
            path.unlink()
    PublishedFile.objects.filter(site=build.site).delete()
    PageDependency.objects.filter(site=build.site).delete()
    report = publish_site(build.site.pk, processes=2)

    assert tree(root) == one and index(build.site) == one_index
    flushed = {Path(line).name for line in log.read_text().splitlines()}
    assert synced == []
    for path in report.written:  # each file was flushed under its temporary name, then its folder
        assert any(name.startswith(f".{Path(path).name}.") for name in flushed), path
        assert Path(path).parent.name in flushed or Path(path).parent == Path("."), path

    with CaptureQueriesContext(connection) as queries:
        again = publish_site(build.site.pk, processes=2)
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert again.written == [] and writes == []
    assert tree(root) == one


def test_the_stored_outline_follows_a_full_rebuild(build):  # PUB-8
    news = build.column("xw", "新闻", channel=True)
    items = build.many(news, 5, prefix="要闻")
    publish_site(build.site.pk)
    assert OutlineTally.objects.get(column_id=news.pk).total == 5
    assert set(OutlineEntry.objects.filter(site=build.site).values_list("resource_id", flat=True)) == {
        i.pk for i in items
    }
    build.withdraw(items[0])
    publish_site(build.site.pk)
    assert OutlineTally.objects.get(column_id=news.pk).total == 4
    assert dependencies.manifest(build.site.pk, [f"xw/{items[0].pk}.html"]) == {}
