"""Dates of the demo content (demo.content): demo data only.

The actions stamp the current time. So that the demo sites look like sites that have been running
for months, the content one run of `load_demo` created is finally given the dates of its timeline
(`[(resource id, date)]`): workflow events, revisions, the resource's own dates, its placements and
usage records. These columns are written directly, after the actions did their work; the audit
log keeps the real times.
"""

import datetime

from editorial.models import Placement, UsageRecord, WorkflowAction, WorkflowEvent
from resources.models import Resource, Revision


def backdate(timeline: list[tuple[int, datetime.datetime]], anchor: datetime.datetime) -> None:
    """Give the content created by this run the dates of its timeline (demo only, see above).

    The workflow events of a resource end at its date, 25 minutes apart; a revision takes the
    time of the event that wrote it, the resource its first and last times, its placement the
    time of publication, a repost an hour later and its acceptance three hours later.
    """
    if not timeline:
        return
    when_of = dict(timeline)
    ids = list(when_of)
    events = list(WorkflowEvent.objects.filter(resource_id__in=ids).order_by("resource_id", "id"))
    by_resource: dict[int, list[WorkflowEvent]] = {}
    for event in events:
        by_resource.setdefault(event.resource_id, []).append(event)
    written, published, first = {}, {}, {}
    for resource_id, rows in by_resource.items():
        for position, event in enumerate(rows):
            event.time = when_of[resource_id] - datetime.timedelta(minutes=25 * (len(rows) - 1 - position))
            first.setdefault(resource_id, event.time)
            if event.action in (WorkflowAction.CREATE, WorkflowAction.SAVE, WorkflowAction.RESTORE):
                written.setdefault(event.revision_id, event.time)
            elif event.action == WorkflowAction.PUBLISH:
                published.setdefault(resource_id, event.time)
    WorkflowEvent.objects.bulk_update(events, ["time"], batch_size=500)
    revisions = list(Revision.objects.filter(resource_id__in=ids))
    for revision in revisions:
        revision.created_at = written.get(revision.pk, when_of[revision.resource_id])
    Revision.objects.bulk_update(revisions, ["created_at"], batch_size=500)
    last_written = {}
    for revision in revisions:
        last_written[revision.resource_id] = max(revision.created_at, last_written.get(revision.resource_id,
                                                                                        revision.created_at))  # fmt: skip
    resources = Resource.objects.in_bulk(ids)
    for resource in resources.values():
        resource.created_at = first.get(resource.pk, when_of[resource.pk])
        resource.updated_at = last_written.get(resource.pk, when_of[resource.pk])
        if resource.published_at is not None:
            resource.published_at = published.get(resource.pk, when_of[resource.pk])
    Resource.objects.bulk_update(resources.values(), ["created_at", "updated_at", "published_at"], batch_size=500)

    def later(resource_id, hours):
        start = published.get(resource_id, when_of[resource_id])
        return min(start + datetime.timedelta(hours=hours), max(anchor, start))

    placed = list(Placement.objects.filter(resource_id__in=ids))
    for placement in placed:
        placement.placed_at = later(placement.resource_id, 1 if placement.is_repost else 0)
        if placement.decided_at is not None:
            placement.decided_at = later(placement.resource_id, 3)
    Placement.objects.bulk_update(placed, ["placed_at", "decided_at"], batch_size=500)
    records = list(UsageRecord.objects.filter(resource_id__in=ids))
    for record in records:
        repost = record.site_id != resources[record.resource_id].site_id
        hours = 3 if record.action == UsageRecord.Action.ACCEPT else (1 if repost else 0)
        record.time = later(record.resource_id, hours)
    UsageRecord.objects.bulk_update(records, ["time"], batch_size=500)
