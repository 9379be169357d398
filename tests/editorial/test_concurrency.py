"""Two approvals at the same moment (PUB-9): the resource's row lock serialises them.

Real concurrency needs PostgreSQL's row locks (SQLite serialises whole transactions), so these
threaded tests run on PostgreSQL only.
"""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from editorial import workflow
from editorial.models import WorkflowAction, WorkflowEvent
from resources.models import Resource, ResourceStatus
from tests.conftest import require_service
from tests.factories import ColumnFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def at_once(*calls):
    """Run the calls in threads released together; returns each call's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except Exception as error:  # the outcome under test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def require_postgresql():
    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "row locks need PostgreSQL (set DATABASE_URL=postgres://…)"
    )


def test_one_reviewer_approving_twice_at_once_passes_one_level(team):  # PUB-9
    require_postgresql()
    resource = team.resource(column=ColumnFactory(site=team.site, review_levels=2))
    workflow.submit(resource, acting_user=team.editor)
    reviewer = team.reviewers[0]
    outcomes = at_once(
        *[lambda: workflow.approve(Resource.objects.get(pk=resource.pk), acting_user=reviewer) for _ in range(2)]
    )
    refused = [o for o in outcomes if isinstance(o, PermissionDenied)]
    assert len(refused) == 1, outcomes
    resource.refresh_from_db()
    assert (resource.status, resource.review_level) == (ResourceStatus.IN_REVIEW, 1)


def test_two_reviewers_approving_the_last_level_at_once_publish_once(team):  # PUB-2, PUB-9
    require_postgresql()
    resource = team.resource()
    workflow.submit(resource, acting_user=team.editor)
    outcomes = at_once(
        *[
            lambda reviewer=reviewer: workflow.approve(Resource.objects.get(pk=resource.pk), acting_user=reviewer)
            for reviewer in team.reviewers[:2]
        ]
    )
    assert len([o for o in outcomes if isinstance(o, ValidationError)]) == 1, outcomes
    assert WorkflowEvent.objects.filter(resource=resource, action=WorkflowAction.PUBLISH).count() == 1
