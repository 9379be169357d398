"""DISC-3: the demo's applications, made through the actions with past dates, are in every state
(answered, overdue, extended, awaiting completion, awaiting a third party, awaiting receipt)."""

import pytest
from django.utils import timezone

from demo import disclosure_requests
from disclosure.models import InformationRequest, Organisation, RequestStatus
from sites.models import Role
from tests.factories import MembershipFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_disc3_demo_requests_cover_every_state():
    site = SiteFactory(name="示范市人民政府")
    Organisation.objects.create(site=site, name="示范市人民政府办公室", code="11110000000000000D")
    for suffix, role in (("reviewer", Role.REVIEWER), ("admin", Role.SITE_ADMIN)):
        MembershipFactory(site=site, role=role, user=UserFactory(username=f"city_{suffix}"))
    spec = {"key": "city", "words": {"unit": "示范市"}}
    today = timezone.localdate()
    assert disclosure_requests.build_site(site, spec, today) == 7
    assert disclosure_requests.build_site(site, spec, today) == 0  # idempotent
    requests = InformationRequest.objects.filter(site=site)
    statuses = {r.status for r in requests}
    assert statuses == set(RequestStatus.values)
    assert requests.filter(status__in=["received"], due_on__lt=today).count() == 1  # overdue
    extended = requests.get(extension_days=15)
    assert extended.extension_approved_by.username == "city_admin" and extended.due_on >= today
    answered = requests.filter(status="answered")
    assert {r.outcome for r in answered} == {"granted", "refused_process"}
    assert answered.get(outcome="granted").attachments.count() == 1
