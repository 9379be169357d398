"""The demo's annual reports (DISC-4): last year's report of every demo site's organisation,
generated from the demo's records, published through the workflow; a second run makes none."""

import pytest
from django.utils import timezone

from demo import data as demo_data
from demo import disclosure_reports, disclosure_requests
from demo.disclosure_catalogue import ensure_organisations
from demo.management.commands.load_demo import DemoBuilder
from disclosure import annual_report
from disclosure.models import Organisation
from resources.models import ResourceStatus

pytestmark = pytest.mark.django_db


def test_demo_reports_for_every_site_through_the_workflow():  # DISC-4
    builder = DemoBuilder(new_passwords=False)
    builder.build()
    ensure_organisations(builder.sites)
    disclosure_requests.build(builder.sites)
    year = timezone.localdate().year - 1
    assert disclosure_reports.build(builder.sites) == len(demo_data.SITES)
    for organisation in Organisation.objects.filter(sub_unit__isnull=True):
        report = annual_report.reports_of(organisation, year).get()
        assert report.status == ResourceStatus.PUBLISHED and report.column.column_type == "信息公开年报"
        data = report.published_revision.data
        assert data["computed"]["requests"] == annual_report.request_table(organisation, year)
        assert data["remedies"]["lawsuit_after"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 0}
        assert "未收取信息处理费" in data["other_matters"]
    assert annual_report.reports_due([site.pk for site in builder.sites.values()]) == []
    assert disclosure_reports.build(builder.sites) == 0  # idempotent
