"""The demo's disclosure guides (DISC-1): one per demo site's organisation, in its 信息公开指南
column, approved through the workflow by the site's reviewer; a second run creates none."""

import pytest

from demo import data as demo_data
from demo import disclosure_guides
from demo.management.commands.load_demo import DemoBuilder
from disclosure.guide import current_guide
from disclosure.models import Organisation
from editorial.models import WorkflowAction, WorkflowEvent
from resources.models import Resource, ResourceKind, ResourceStatus

pytestmark = pytest.mark.django_db


def test_demo_guides_for_every_site_through_the_workflow():  # DISC-1
    builder = DemoBuilder(new_passwords=False)
    builder.build()  # sites, columns and accounts; no organisation yet: the guides' module makes them
    assert disclosure_guides.build(builder.sites) == len(demo_data.SITES)
    guides = Resource.objects.filter(kind=ResourceKind.GUIDE).select_related("column", "site", "current_revision")
    assert guides.count() == len(demo_data.SITES)
    for guide in guides:
        organisation = Organisation.objects.get(site=guide.site, sub_unit=None)
        assert current_guide(organisation.pk) == guide
        assert guide.status == ResourceStatus.PUBLISHED and guide.column.column_type == "信息公开指南"
        assert guide.title == f"{organisation.name}政府信息公开指南" or guide.title.endswith("政府信息公开指南")
        data = guide.current_revision.data
        assert data["categories"] and data["reading_points"] and data["postal_code"].isdigit()
        approver = WorkflowEvent.objects.get(resource=guide, action=WorkflowAction.APPROVE).actor
        assert approver.username.endswith("_reviewer")
    assert disclosure_guides.build(builder.sites) == 0  # idempotent
