"""The demo's letters, error reports and knowledge base (INT-1, INT-2, INT-3, INT-5): channels on
every demo site, letters in every state made through the actions, one letter over three months
unanswered on a department site, error reports (one overdue) and published Q&A entries; a second
run makes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from auditlog.models import AuditEntry
from demo import data as demo_data
from demo import interaction_demo
from demo.management.commands.load_demo import DemoBuilder
from interaction.error_reports import overdue
from interaction.models import Channel, ChannelKind, ErrorReport, Letter, LetterStatus, ReportSource
from resources.models import Resource, ResourceKind, ResourceStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLISH_ROOT = tmp_path / "publish"
    builder = DemoBuilder(new_passwords=False)
    builder.build()
    return builder.sites


def test_demo_letters_reports_and_knowledge_on_every_site_once(sites):  # INT-1, INT-2, INT-3, INT-5
    made = interaction_demo.build(sites)
    assert made["letters"] > 0 and made["error_reports"] > 0 and made["qa_entries"] >= 10
    today = timezone.localdate()
    for spec in demo_data.SITES:
        site = sites[spec["key"]]
        kinds = set(Channel.objects.filter(site=site).values_list("kind", flat=True))
        assert kinds == set(ChannelKind.values), spec["key"]
        mailbox = Channel.objects.get(site=site, kind=ChannelKind.LEADER_MAILBOX)
        assert mailbox.column.name == spec["words"]["mailbox"] and mailbox.leader_name
        written = Letter.objects.filter(channel__site=site)
        assert set(written.values_list("status", flat=True)) == set(LetterStatus.values), spec["key"]
        assert written.filter(status=LetterStatus.CLOSED, private_reason="untrue").exists()
        assert written.exclude(site=site).exists()  # forwarded to another site of the family
        assert written.filter(steps__kind="send_back", status=LetterStatus.RECEIVED).exists()
        assert written.filter(published=True, reusable=True).exists()
        assert ErrorReport.objects.filter(site=site, source=ReportSource.NATIONAL).exists()
        entries = Resource.objects.filter(site=site, kind=ResourceKind.QA)
        assert entries.exists() and not entries.exclude(status=ResourceStatus.PUBLISHED).exists()
        assert (
            entries.filter(current_revision__data__source_letter__isnull=False)
            .exclude(current_revision__data__source_letter=None)
            .exists()
        )  # one drawn from a letter
    # More than three months unanswered on a department site (the monitoring finds it).
    old = Letter.objects.filter(status=LetterStatus.RECEIVED, received_on__lt=today - dt.timedelta(days=92))
    assert list(old.values_list("site__kind", flat=True)) == ["department"]
    assert overdue(ErrorReport.objects.filter(site=sites[demo_data.CITY]), today).count() == 1
    city_entries = Resource.objects.filter(site=sites[demo_data.CITY], kind=ResourceKind.QA)
    assert city_entries.count() >= 10

    counts = (Letter.objects.count(), ErrorReport.objects.count(), Resource.objects.count(), AuditEntry.objects.count())
    assert interaction_demo.build(sites) == {"letters": 0, "error_reports": 0, "qa_entries": 0}
    assert (
        Letter.objects.count(),
        ErrorReport.objects.count(),
        Resource.objects.count(),
        AuditEntry.objects.count(),
    ) == counts


def test_load_demo_builds_the_interaction_demo():  # INT-1
    from demo.management.commands import load_demo

    assert "interaction_demo.build" in open(load_demo.__file__, encoding="utf-8").read()
