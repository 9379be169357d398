"""The demo content of `load_demo` (issue 3): made through the actions, plausible, idempotent."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from auditlog.models import AuditEntry
from editorial.models import Placement, PlacementStatus, ReviewFlag, WorkflowAction, WorkflowEvent
from resources.models import PolicyInterpretation, Resource, ResourceKind, ResourceStatus
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLISH_ROOT = tmp_path / "publish"


@pytest.fixture
def published_sites(monkeypatch):
    """The demo sites load_demo asks to publish (the publisher's own tests render pages)."""
    from demo import content as demo_content

    calls = []
    monkeypatch.setattr(demo_content, "publish_sites", lambda sites: calls.append(sorted(s.pk for s in sites.values())))
    return calls


def test_load_demo_builds_the_content_through_the_workflow_once(published_sites):  # RES-1..8, PUB-2..4, PUB-6
    printed = io.StringIO()
    call_command("load_demo", stdout=printed)
    assert_printed_accounts_log_in(printed.getvalue())  # SEC-1

    articles = Resource.objects.filter(kind=ResourceKind.ARTICLE)
    assert 250 <= articles.count() <= 350
    assert articles.values("site").distinct().count() == 5
    assert articles.filter(status=ResourceStatus.PUBLISHED).count() > 250
    assert Resource.objects.filter(status=ResourceStatus.IN_REVIEW).count() >= 5
    assert Resource.objects.filter(status=ResourceStatus.RETURNED).exists()
    assert {flag.kind for flag in ReviewFlag.objects.all()} >= {"mobile", "wrong_wording"}
    # Published by the site's reviewer, never by its editor (PUB-1).
    # (The opening announcements of the lifecycle are the platform's own: published by the system account.)
    approvals = WorkflowEvent.objects.filter(action=WorkflowAction.APPROVE).exclude(actor__username="system")
    approvals = approvals.select_related("actor", "resource__site")
    assert approvals.count() > 300
    assert all(event.actor.username == f"{_key(event.resource.site)}_reviewer" for event in approvals)
    # Policies and their interpretations, institutions, leaders with photos, news photos.
    assert PolicyInterpretation.objects.count() >= 10
    assert Resource.objects.filter(kind=ResourceKind.POLICY, current_revision__data__validity="repealed").exists()
    assert Resource.objects.filter(kind=ResourceKind.INSTITUTION).count() >= 20
    leaders = Resource.objects.filter(kind=ResourceKind.LEADER).select_related("current_revision")
    assert leaders.count() >= 15
    assert all(leader.current_revision.data["photo"] for leader in leaders)
    assert Resource.objects.filter(kind=ResourceKind.IMAGE, current_revision__asset__isnull=False).count() >= 30
    # City news reposted to the department sites and the county; one repost still waits.
    reposts = Placement.objects.filter(is_repost=True)
    assert reposts.filter(status=PlacementStatus.ACTIVE).values("site").distinct().count() == 4
    assert reposts.filter(status=PlacementStatus.PENDING).count() == 1
    # The sites look lived-in: publication dates spread over months, none in the future.
    dates = sorted(articles.filter(published_at__isnull=False).values_list("published_at", flat=True))
    assert (dates[-1] - dates[0]).days > 90
    assert dates[-1] <= AuditEntry.objects.order_by("-time").first().time

    resources, entries = Resource.objects.count(), AuditEntry.objects.count()
    out = io.StringIO()
    call_command("load_demo", stdout=out)

    assert (Resource.objects.count(), AuditEntry.objects.count()) == (resources, entries)
    assert "nothing to create" in out.getvalue()
    assert len(published_sites) == 1 and len(published_sites[0]) == 5  # one publish of the five sites, once


def test_publishing_is_held_back_while_the_demo_is_built(django_capture_on_commit_callbacks):  # PUB-8
    from core import feed
    from demo import content as demo_content

    heard = []
    feed.subscribe(heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            with demo_content.publishing_held_back():
                feed.changed(resources=[1])
            feed.changed(resources=[2])
    finally:
        feed._subscribers.remove(heard.append)

    assert heard == [feed.Changes(resources=[2])]


def _key(site) -> str:
    from demo import data as demo_data

    return next(spec["key"] for spec in demo_data.SITES if spec["fields"]["name"] == site.name)


def assert_printed_accounts_log_in(output: str) -> None:
    """A printed demo account gets in with its password and one printed backup code, and only with
    both (SEC-1: no known password, a second factor for everyone, demo accounts included)."""
    rows = [line.split() for line in output.splitlines() if line.startswith("  ") and "_editor" in line]
    assert rows, output
    username, password, *codes = rows[0][:7]
    client = Client(HTTP_HOST="localhost")
    client.post(admin_url("login"), {"username": username, "password": password})
    assert client.get(admin_url("index")).status_code == 302  # the password alone is not enough
    client.post(admin_url("login_verify"), {"token": codes[0]})
    assert client.get(admin_url("index")).status_code == 200
