"""Concurrent approvals never give the same index number (DISC-2): two processes on PostgreSQL.

Two child processes (tests/disclosure/approve_many.py) approve, each, half of a set of items of
one organisation, all at once (they start together on a file the test touches), each approval in
its own transaction through editorial.workflow.approve. The serial counter's row is created and
locked race-free (disclosure/catalogue.py), so every item gets a number, all numbers differ, and
they are exactly the serials 1..N: none lost, none given twice. The year's counter row does not
exist when they start, so its creation is raced too.

Real row locks need PostgreSQL: the test skips on SQLite unless REQUIRE_SERVICES=1.
"""

import json
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils import timezone

from disclosure.models import CatalogueEntry, IndexSerial, Organisation
from editorial import workflow
from sites.models import Role
from tests.conftest import require_service
from tests.editorial.conftest import member
from tests.editorial.factories import make_resource
from tests.factories import ColumnFactory, SiteFactory
from tests.shared_database import SharedDatabase
from tests.subprocesses import BASE_DIR, clean_env

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ITEMS = 40  # per process
CODE = "11130600MB0123456X"


def test_two_processes_approving_at_once_never_share_a_number(tmp_path):  # DISC-2
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "row locks need PostgreSQL (set DATABASE_URL=postgres://…)"
    )
    site = SiteFactory(name="保定市人民政府")
    column = ColumnFactory(site=site, name="通知公告", review_levels=1)
    editor = member(site, Role.EDITOR, username="editor")
    reviewers = [member(site, Role.REVIEWER, username=f"reviewer{n}") for n in (1, 2)]
    Organisation.objects.create(site=site, name=site.name, code=CODE)
    ids = []
    for n in range(2 * ITEMS):
        resource = make_resource(site, author=editor, column=column, title=f"通知{n}")
        workflow.submit(resource, acting_user=editor)
        ids.append(resource.pk)

    env = clean_env(
        tmp_path, DATABASE_URL=SharedDatabase(tmp_path).push(), DJANGO_SETTINGS_MODULE="govplatform.settings"
    )
    go = tmp_path / "go"
    children = []
    for index, reviewer in enumerate(reviewers):
        share = ids[index::2]
        args = [sys.executable, "-m", "tests.disclosure.approve_many", str(go), str(reviewer.pk), *map(str, share)]
        log = open(tmp_path / f"child{index}.log", "w")  # noqa: SIM115 (closed below)
        children.append((subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT), log))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(tmp_path.glob("ready-*"))) < len(children):
        time.sleep(0.05)
    go.touch()  # both start approving now
    for process, log in children:
        process.wait(timeout=300)
        log.close()
    logs = [(tmp_path / f"child{i}.log").read_text() for i in range(len(children))]
    assert [process.returncode for process, _log in children] == [0, 0], logs

    numbers = list(CatalogueEntry.objects.filter(resource_id__in=ids).values_list("index_number", flat=True))
    year = timezone.localdate().year
    assert len(numbers) == len(set(numbers)) == 2 * ITEMS
    assert sorted(numbers) == [f"{CODE}/{year}-{n:05d}" for n in range(1, 2 * ITEMS + 1)]
    assert IndexSerial.objects.get(organisation__code=CODE, year=year).last == 2 * ITEMS
    # The two really ran at the same time: their numbers interleave.
    first, second = (sorted(json.loads(log.strip().splitlines()[-1])) for log in logs)
    assert first[0] < second[-1] and second[0] < first[-1], (first, second)
