"""OPS-1 (issue 17 item 5): a check on demand is refused by the action itself for a site that is not
monitored (offline by approval, closed, applying, archived), not only by the dashboard's button;
the schedule's path is unchanged (run_all passes only monitored sites)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from monitoring import alerts, checks
from monitoring.models import CheckRun, Trigger
from sites.models import Role, SiteStatus
from tests.factories import MembershipFactory, SiteFactory, UserFactory
from tests.monitoring.content_data import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def told(monkeypatch):
    runs = []
    monkeypatch.setattr(alerts, "alert_for_run", runs.append)
    return runs


NOT_MONITORED = [
    {"status": SiteStatus.OFFLINE},
    {"status": SiteStatus.CLOSED},
    {"status": SiteStatus.APPLYING},
    {"status": SiteStatus.ONLINE, "archived_at": timezone.now},
]


@pytest.mark.parametrize("fields", NOT_MONITORED, ids=["offline", "closed", "applying", "archived"])
def test_on_demand_the_action_refuses_a_site_that_is_not_monitored(fields, told):
    values = {key: value() if callable(value) else value for key, value in fields.items()}
    site = SiteFactory(**values)
    for user in (MembershipFactory(site=site, role=Role.SITE_ADMIN).user, UserFactory(is_platform_admin=True)):
        with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
            checks.run_checks(site, today=TODAY, trigger=Trigger.DEMAND, acting_user=user)
        assert "不在检查之列" in refused.value.messages[0]
    assert not CheckRun.objects.exists() and told == []
    assert not AuditEntry.objects.filter(action=AuditEvent.MONITORING_CHECK_RUN).exists()


def test_the_refusal_reads_the_sites_status_from_the_database(told):
    """A site closed since the page that offered the button was drawn is refused too."""
    site = SiteFactory()
    admin = MembershipFactory(site=site, role=Role.SITE_ADMIN).user
    type(site).objects.filter(pk=site.pk).update(status=SiteStatus.CLOSED)

    with pytest.raises(ValidationError):
        checks.run_checks(site, today=TODAY, trigger=Trigger.DEMAND, acting_user=admin)
    assert not CheckRun.objects.exists()


def test_on_demand_a_monitored_site_is_checked(told):
    migrating = SiteFactory(status=SiteStatus.MIGRATING)
    admin = MembershipFactory(site=migrating, role=Role.SITE_ADMIN).user

    run = checks.run_checks(migrating, today=TODAY, trigger=Trigger.DEMAND, acting_user=admin)

    assert run.trigger == Trigger.DEMAND and CheckRun.objects.filter(site=migrating).count() == 1


def test_the_schedules_path_is_unchanged(told):
    """run_all chooses the monitored sites; run_checks on the schedule's path does not ask again."""
    SiteFactory(status=SiteStatus.CLOSED)
    online = SiteFactory()

    assert checks.run_all(today=TODAY, processes=1) == 1
    assert list(CheckRun.objects.values_list("site", flat=True)) == [online.pk]
