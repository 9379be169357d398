"""Scheduled publishing and unpublishing (PUB-5): the periodic task acting on the set times.

An editor sets a resource's `publish_at` and `unpublish_at` with editorial.workflow.schedule.
The periodic task (publishing.tasks) calls `publish_due`, which puts approved content online
when its time has come, and `unpublish_due`, which withdraws published content at its
unpublishing time; each resource in its own transaction, so one failure stops no other.
The transitions themselves are those of editorial/workflow.py.
"""

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial import queries
from editorial.workflow import put_online, withdraw
from resources.models import Resource

logger = logging.getLogger(__name__)


@transaction.atomic
def _publish_if_due(resource_id: int, now) -> bool:
    resource = Resource.objects.select_for_update().get(pk=resource_id)
    if not queries.approved_waiting(resource):
        return False
    if resource.publish_at is not None and resource.publish_at > now:
        return False
    put_online(resource, acting_user=None, now=now)
    return True


def publish_due(now=None) -> list[int]:
    """Publish approved content whose publishing time has come; returns the resources' IDs (PUB-5)."""
    now = now or timezone.now()
    due = Resource.objects.filter(queries.approved_waiting_q()).filter(
        Q(publish_at__isnull=True) | Q(publish_at__lte=now)
    )
    done = []
    for resource_id in due.order_by("publish_at", "pk").values_list("pk", flat=True):
        try:
            if _publish_if_due(resource_id, now):
                done.append(resource_id)
        except Exception:  # one broken resource must not stop the others; the next run retries it
            logger.exception("scheduled publishing of resource %s failed", resource_id)
    return done


@transaction.atomic
def _unpublish_if_due(resource_id: int, now) -> bool:
    resource = Resource.objects.select_for_update().get(pk=resource_id)
    if not queries.is_online(resource) or resource.unpublish_at is None or resource.unpublish_at > now:
        return False
    withdraw(resource, acting_user=None, reason=_("Scheduled unpublishing."))
    return True


def unpublish_due(now=None) -> list[int]:
    """Withdraw published content whose unpublishing time has come; returns the resources' IDs (PUB-5)."""
    now = now or timezone.now()
    due = Resource.objects.filter(published_revision__isnull=False, unpublish_at__lte=now)
    done = []
    for resource_id in due.order_by("unpublish_at", "pk").values_list("pk", flat=True):
        try:
            if _unpublish_if_due(resource_id, now):
                done.append(resource_id)
        except Exception:  # as above
            logger.exception("scheduled unpublishing of resource %s failed", resource_id)
    return done
