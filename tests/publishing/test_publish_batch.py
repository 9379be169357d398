"""The publish requests of one transaction are merged into one queued task (PUB-8).

publishing.publish_tasks.request_publish: inside one outermost transaction every request joins
one batch, queued once at commit with the union of the ids; outside a transaction each request
is queued at once, as before.
"""

import pytest
from django.db import transaction

from columns.models import Column
from lifecycle import column_changes as column_actions
from publishing import publish_tasks
from publishing.publish_tasks import request_publish
from sites.models import Role
from tests.factories import MembershipFactory, SiteFactory, UserFactory


class Queue:
    """Stands for publish_changes_task: records what would be queued."""

    def __init__(self):
        self.calls = []

    def delay(self, **ids):
        self.calls.append(ids)


@pytest.fixture
def queued(monkeypatch):
    queue = Queue()
    monkeypatch.setattr(publish_tasks, "publish_changes_task", queue)
    return queue.calls


def ids(resources=(), columns=(), sites=()):
    return {"resource_ids": sorted(resources), "column_ids": sorted(columns), "site_ids": sorted(sites)}


class Rollback(Exception):
    pass


@pytest.mark.django_db
def test_a_bulk_operation_in_one_transaction_queues_one_task_with_every_id(
    queued, django_capture_on_commit_callbacks
):  # PUB-8
    first, second = SiteFactory(), SiteFactory()
    admin = UserFactory()
    for site in (first, second):
        MembershipFactory(user=admin, site=site, role=Role.SITE_ADMIN)

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for site, slug in [(first, "a"), (first, "b"), (second, "c"), (second, "d"), (first, "e")]:
            column = Column(
                site=site,
                slug=slug,
                name=f"栏目{slug}",
                description="说明",
                column_type="工作动态",
                responsible_person="张三",
            )
            column_actions.create_column(column, acting_user=admin)  # one request per column
        request_publish(resource_ids=[7, 3], column_ids=[11])
        request_publish(resource_ids=[3, 5])
        assert queued == []  # nothing before the commit
    for callback in callbacks:  # what Django runs at the commit
        callback()

    assert queued == [ids(resources=[3, 5, 7], columns=[11], sites=[first.pk, second.pk])]


@pytest.mark.django_db
def test_after_a_batch_is_sent_the_next_requests_make_a_new_one(queued, django_capture_on_commit_callbacks):  # PUB-8
    with django_capture_on_commit_callbacks(execute=True):
        request_publish(resource_ids=[1])
        request_publish(resource_ids=[2])
    with django_capture_on_commit_callbacks(execute=True):
        request_publish(column_ids=[3])

    assert queued == [ids(resources=[1, 2]), ids(columns=[3])]


@pytest.mark.django_db
def test_a_request_in_a_rolled_back_savepoint_alone_is_dropped(queued, django_capture_on_commit_callbacks):  # PUB-8
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Rollback), transaction.atomic():
            request_publish(resource_ids=[1])
            raise Rollback
        request_publish(resource_ids=[2])

    assert queued == [ids(resources=[2])]


@pytest.mark.django_db
def test_a_rolled_back_request_joins_a_batch_that_goes_on(queued, django_capture_on_commit_callbacks):  # PUB-8
    with django_capture_on_commit_callbacks(execute=True):
        request_publish(resource_ids=[2])
        with pytest.raises(Rollback), transaction.atomic():
            request_publish(resource_ids=[1])
            raise Rollback

    # a little more than changed: safe, a publish renders the current state (see core.feed)
    assert queued == [ids(resources=[1, 2])]


@pytest.mark.django_db(transaction=True)
def test_real_commits_and_rollbacks(queued):  # PUB-8
    request_publish(resource_ids=[1])  # autocommit: queued at once, as before
    request_publish(resource_ids=[2])
    assert queued == [ids(resources=[1]), ids(resources=[2])]

    with pytest.raises(Rollback), transaction.atomic():
        request_publish(resource_ids=[3])
        raise Rollback
    with transaction.atomic():
        request_publish(resource_ids=[4])
        with transaction.atomic():
            request_publish(site_ids=[5])
        request_publish(resource_ids=[6])
        assert len(queued) == 2

    assert queued == [ids(resources=[1]), ids(resources=[2]), ids(resources=[4, 6], sites=[5])]


@pytest.mark.django_db
def test_an_empty_request_queues_nothing(queued, django_capture_on_commit_callbacks):  # PUB-8
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        request_publish()
    assert callbacks == [] and queued == []
