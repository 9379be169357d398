"""Published content for the daily check's tests (OPS-1): items online in columns on chosen days.

Rows are written directly (as a publish would leave them: an online, proactively disclosed
resource with an ACTIVE placement), so that a test sets the date each item shows.
"""

import datetime as dt

from django.utils import timezone

from editorial.models import Placement, PlacementStatus
from resources.models import Disclosure, Resource, ResourceKind, ResourceStatus, Revision
from tests.factories import ColumnFactory, UserFactory

TODAY = dt.date(2026, 12, 6)


def moment(day: dt.date) -> dt.datetime:
    """Ten in the morning, China time, of `day` (the date the lists print)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)), timezone.get_fixed_timezone(480))


def online_item(column, day: dt.date, *, title="一条信息", user=None, disclosure=Disclosure.PROACTIVE):
    user = user or UserFactory()
    resource = Resource.objects.create(
        site=column.site, kind=ResourceKind.ARTICLE, column=column, title=title, creator=user,
        status=ResourceStatus.PUBLISHED, disclosure=disclosure, published_at=moment(day),
    )  # fmt: skip
    revision = Revision.objects.create(resource=resource, number=1, title=title, created_by=user, data={"body": "x"})
    Resource.objects.filter(pk=resource.pk).update(current_revision=revision, published_revision=revision)
    Placement.objects.create(
        resource=resource, column=column, site=column.site, status=PlacementStatus.ACTIVE,
        placed_by=user, placed_at=moment(day),
    )  # fmt: skip
    return resource


def column(site, name, column_type="工作动态", *, parent=None, interval=None, **fields):
    return ColumnFactory(
        site=site, parent=parent, name=name, column_type=column_type, update_interval_days=interval, **fields
    )


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)
