"""Two editors saving the same resource at the same moment: one wins, the other is told (PUB-4).

The resource's row is locked while a revision is written; real concurrency needs PostgreSQL's row
locks (SQLite serialises whole transactions), so the threaded test runs on PostgreSQL only.
"""

import threading

import pytest
from django.db import connection, connections

from editorial import drafts as actions
from editorial.drafts import EditConflict
from tests.conftest import require_service
from tests.resources import factories as f


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_on_one_base_give_one_revision_and_one_conflict(site, editor, other_editor):  # PUB-4
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "row locks need PostgreSQL (set DATABASE_URL=postgres://…)"
    )
    resource = f.make_article(site, editor)
    base = resource.current_revision_id
    barrier = threading.Barrier(2)
    outcomes = {}

    def edit(user, body):
        try:
            barrier.wait(timeout=10)
            revision = actions.save_draft(
                resource.__class__.objects.get(pk=resource.pk),
                base_revision_id=base,
                title=resource.title,
                metadata={},
                data=f.article_data(body=body),
                acting_user=user,
            )
            outcomes[user.pk] = revision
        except EditConflict as conflict:
            outcomes[user.pk] = conflict
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=edit, args=(editor, "<p>王编辑的版本</p>")),
        threading.Thread(target=edit, args=(other_editor, "<p>赵编辑的版本</p>")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    conflicts = [o for o in outcomes.values() if isinstance(o, EditConflict)]
    saved = [o for o in outcomes.values() if not isinstance(o, EditConflict)]
    assert len(conflicts) == 1 and len(saved) == 1, outcomes
    winner = saved[0].created_by
    assert conflicts[0].saved_by == winner
    resource.refresh_from_db()
    assert resource.revisions.count() == 2 and resource.current_revision == saved[0]


@pytest.mark.django_db
def test_sequential_saves_on_one_base_conflict(site, editor, other_editor):  # PUB-4
    resource = f.make_article(site, editor)
    base = resource.current_revision_id
    for user in (other_editor, editor):
        try:
            actions.save_draft(resource, base_revision_id=base, title=resource.title, metadata={},
                               data=f.article_data(body=f"<p>{user.real_name}</p>"), acting_user=user)  # fmt: skip
        except EditConflict as conflict:
            assert conflict.saved_by == other_editor and user == editor
        else:
            assert user == other_editor
