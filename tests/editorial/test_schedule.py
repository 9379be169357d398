"""Scheduled publishing and unpublishing, run by the periodic task with a given time (PUB-5)."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from auditlog.models import AuditEntry
from editorial import queries, scheduling, workflow
from editorial.models import WorkflowAction, WorkflowEvent
from publishing import tasks
from resources.models import ResourceStatus
from tests.editorial.factories import edit

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def approved_for_later(team, publish_at, **kwargs):
    resource = team.resource(**kwargs)
    workflow.schedule(resource, publish_at=publish_at, acting_user=team.editor)
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    resource.refresh_from_db()
    return resource


def test_content_approved_before_its_time_waits_and_is_published_by_the_task(team):  # PUB-5
    publish_at = timezone.now() + 2 * HOUR
    resource = approved_for_later(team, publish_at)
    assert resource.status == ResourceStatus.APPROVED
    assert not queries.is_online(resource)
    assert list(queries.shown_placements(team.column)) == []

    assert scheduling.publish_due(now=publish_at - datetime.timedelta(minutes=1)) == []
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.APPROVED

    assert scheduling.publish_due(now=publish_at + datetime.timedelta(seconds=30)) == [resource.pk]
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED
    assert resource.published_at == publish_at + datetime.timedelta(seconds=30)
    assert [p.resource for p in queries.shown_placements(team.column)] == [resource]
    event = WorkflowEvent.objects.filter(resource=resource).first()
    assert (event.action, event.actor) == (WorkflowAction.PUBLISH, None)
    entry = AuditEntry.objects.filter(action="resource.publish").get()
    assert (entry.actor, entry.actor_name) == (None, "system")
    assert scheduling.publish_due(now=publish_at + 2 * HOUR) == []  # once only


def test_published_content_is_unpublished_at_its_time(team):  # PUB-5
    resource = team.resource()
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    unpublish_at = timezone.now() + 3 * HOUR
    workflow.schedule(resource, unpublish_at=unpublish_at, acting_user=team.editor)

    assert scheduling.unpublish_due(now=unpublish_at - HOUR) == []
    assert scheduling.unpublish_due(now=unpublish_at) == [resource.pk]
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.WITHDRAWN
    assert not queries.is_online(resource)
    assert resource.unpublish_at is None
    event = WorkflowEvent.objects.filter(resource=resource).first()
    assert (event.action, event.actor, event.revision) == (
        WorkflowAction.WITHDRAW,
        None,
        queries.last_published_revision(resource),
    )
    assert scheduling.unpublish_due(now=unpublish_at + HOUR) == []


def test_publish_and_unpublish_times_in_one_schedule(team):  # PUB-5
    start = timezone.now() + HOUR
    resource = approved_for_later(team, start)
    workflow.schedule(resource, publish_at=start, unpublish_at=start + 24 * HOUR, acting_user=team.editor)
    assert scheduling.publish_due(now=start) == [resource.pk]
    assert scheduling.unpublish_due(now=start + 23 * HOUR) == []
    assert scheduling.unpublish_due(now=start + 24 * HOUR) == [resource.pk]


def test_an_edit_approved_for_later_replaces_the_online_version_only_at_its_time(team):  # PUB-5, PUB-9
    resource = team.resource(title="第一版")
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    resource.refresh_from_db()
    first = resource.published_revision
    second = edit(resource, author=team.editor, title="第二版")
    publish_at = timezone.now() + HOUR
    workflow.schedule(resource, publish_at=publish_at, acting_user=team.editor)
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[1])
    resource.refresh_from_db()
    assert (resource.status, resource.published_revision) == (ResourceStatus.APPROVED, first)
    scheduling.publish_due(now=publish_at)
    resource.refresh_from_db()
    assert (resource.status, resource.published_revision) == (ResourceStatus.PUBLISHED, second)


def test_a_new_draft_does_not_stop_the_approved_version(team):  # PUB-5, PUB-9
    publish_at = timezone.now() + HOUR
    resource = approved_for_later(team, publish_at, title="已审定版本")
    approved = resource.submitted_revision
    edit(resource, author=team.editor, title="又改了一稿")  # save_draft: APPROVED → DRAFT
    assert queries.approved_waiting(resource)
    assert scheduling.publish_due(now=publish_at) == [resource.pk]
    resource.refresh_from_db()
    assert resource.published_revision == approved
    assert resource.status == ResourceStatus.DRAFT  # the new draft still waits for its own review


def test_submitting_a_new_draft_replaces_the_waiting_version(team):  # PUB-5
    publish_at = timezone.now() + HOUR
    resource = approved_for_later(team, publish_at)
    edit(resource, author=team.editor, title="替换稿")
    workflow.submit(resource, acting_user=team.editor)
    assert scheduling.publish_due(now=publish_at) == []
    assert AuditEntry.objects.filter(action="resource.submit").first().details["replaces_approved"] == 1


def test_moving_the_time_of_waiting_content_to_now_publishes_it(team):  # PUB-5
    resource = approved_for_later(team, timezone.now() + HOUR)
    workflow.schedule(resource, publish_at=None, acting_user=team.editor)
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED


def test_waiting_content_can_be_withdrawn_and_is_then_never_published(team):  # PUB-5, PUB-2
    publish_at = timezone.now() + HOUR
    resource = approved_for_later(team, publish_at)
    workflow.withdraw(resource, acting_user=team.editor, reason="活动取消")
    assert scheduling.publish_due(now=publish_at + HOUR) == []
    resource.refresh_from_db()
    assert (resource.status, resource.published_revision) == (ResourceStatus.WITHDRAWN, None)


def test_schedule_validation(team):  # PUB-5
    resource = team.resource()
    now = timezone.now()
    with pytest.raises(ValidationError, match="after the publishing time"):
        workflow.schedule(resource, publish_at=now + 2 * HOUR, unpublish_at=now + HOUR, acting_user=team.editor)
    with pytest.raises(ValidationError, match="future"):
        workflow.schedule(resource, unpublish_at=now - HOUR, acting_user=team.editor)
    with pytest.raises(ValidationError, match="time zone"):
        workflow.schedule(resource, publish_at=datetime.datetime(2030, 1, 1, 8, 0), acting_user=team.editor)
    with pytest.raises(PermissionDenied):
        workflow.schedule(resource, publish_at=now + HOUR, acting_user=team.other_editor)
    workflow.schedule(resource, publish_at=now + HOUR, unpublish_at=now + 2 * HOUR, acting_user=team.editor)
    resource.refresh_from_db()
    assert (resource.publish_at, resource.unpublish_at) == (now + HOUR, now + 2 * HOUR)
    assert WorkflowEvent.objects.filter(resource=resource).first().action == WorkflowAction.SCHEDULE
    assert AuditEntry.objects.get(action="resource.schedule").details["publish_at"] == (now + HOUR).isoformat()


def test_the_periodic_task_runs_both_and_is_scheduled_every_minute(team):  # PUB-5
    entry = settings.CELERY_BEAT_SCHEDULE["publishing-schedule"]
    assert (entry["task"], entry["schedule"]) == ("publishing.run_schedule", 60.0)
    assert tasks.run_schedule.name == "publishing.run_schedule"

    due = approved_for_later(team, timezone.now() + HOUR)
    ending = team.resource()
    workflow.submit(ending, acting_user=team.editor)
    workflow.approve(ending, acting_user=team.reviewers[0])
    workflow.schedule(ending, unpublish_at=timezone.now() + HOUR, acting_user=team.editor)
    # Both times have come (set directly: the action refuses times in the past).
    past = timezone.now() - datetime.timedelta(minutes=1)
    type(due).objects.filter(pk=due.pk).update(publish_at=past)
    type(ending).objects.filter(pk=ending.pk).update(unpublish_at=past)

    assert tasks.run_schedule() == {"published": [due.pk], "unpublished": [ending.pk]}


def test_one_failing_resource_does_not_stop_the_others(team, monkeypatch):  # PUB-5
    publish_at = timezone.now() + HOUR
    broken = approved_for_later(team, publish_at, title="坏的")
    fine = approved_for_later(team, publish_at, title="好的")
    real_publish = workflow.put_online

    def publish(resource, **kwargs):
        if resource.pk == broken.pk:
            raise RuntimeError("disk full")
        return real_publish(resource, **kwargs)

    monkeypatch.setattr(scheduling, "put_online", publish)
    assert scheduling.publish_due(now=publish_at) == [fine.pk]
    broken.refresh_from_db()
    assert broken.status == ResourceStatus.APPROVED  # rolled back, retried at the next run
