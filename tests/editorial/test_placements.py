"""Using resources in columns and reposting them on other sites, with usage records (RES-3, RES-4)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from auditlog.models import AuditEntry
from core import feed
from editorial import placements, queries, workflow
from editorial.models import Placement, PlacementStatus, UsageRecord
from resources.models import Resource
from sites.models import Role
from tests.editorial.conftest import member, scope
from tests.factories import ColumnFactory, MembershipFactory, SiteFactory

pytestmark = pytest.mark.django_db


def published(team, **kwargs):
    resource = team.resource(**kwargs)
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    return resource


def usage(resource):
    return list(
        UsageRecord.objects.filter(resource=resource)
        .order_by("id")
        .values_list("action", "site__name", "column_name", "actor__username")
    )


# --- the own site -----------------------------------------------------------------------------


def test_editor_places_published_content_in_another_column_of_the_site(team):  # RES-3, RES-4
    resource = published(team)
    notices = ColumnFactory(site=team.site, name="通知公告")
    placement = placements.place(resource, notices, acting_user=team.editor)
    assert (placement.status, placement.is_repost, placement.placed_by) == (PlacementStatus.ACTIVE, False, team.editor)
    assert [p.resource for p in queries.shown_placements(notices)] == [resource]
    assert usage(resource)[-1] == ("place", "保定市人民政府", "通知公告", "editor")
    assert AuditEntry.objects.filter(action="placement.place", actor=team.editor).exists()
    assert Resource.objects.count() == 1  # used, not copied


@pytest.mark.parametrize("who", ["reviewer", "other_editor"])
def test_only_editors_of_the_site_place_in_its_columns(team, who):  # RES-4, PUB-1
    resource = published(team)
    notices = ColumnFactory(site=team.site)
    user = team.reviewers[0] if who == "reviewer" else team.other_editor
    with pytest.raises(PermissionDenied):
        placements.place(resource, notices, acting_user=user)
    assert not Placement.objects.filter(column=notices).exists()


def test_drafts_and_withdrawn_content_are_not_placed(team):  # RES-3
    draft = team.resource()
    with pytest.raises(ValidationError, match="published"):
        placements.place(draft, ColumnFactory(site=team.site), acting_user=team.editor)
    resource = published(team)
    workflow.withdraw(resource, acting_user=team.editor)
    with pytest.raises(ValidationError):
        placements.place(resource, ColumnFactory(site=team.site), acting_user=team.editor)


def test_approved_content_waiting_for_its_time_may_be_placed(team):  # RES-3, PUB-5
    resource = team.resource()
    workflow.schedule(resource, publish_at=timezone.now() + timezone.timedelta(hours=1), acting_user=team.editor)
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    notices = ColumnFactory(site=team.site)
    placements.place(resource, notices, acting_user=team.editor)
    assert list(queries.shown_placements(notices)) == []  # shown once it is online


def test_one_column_holds_a_resource_once(team):  # RES-3
    resource = published(team)
    with pytest.raises(ValidationError, match="already used"):
        placements.place(resource, team.column, acting_user=team.editor)


def test_remove_pin_and_reorder(team):  # RES-3, RES-4
    first, second, third = (published(team, title=title) for title in ("一", "二", "三"))
    column = team.column
    shown = lambda: [p.resource.title for p in queries.shown_placements(column)]  # noqa: E731
    assert shown() == ["三", "二", "一"]  # newest first (COL-5)

    placement = Placement.objects.get(resource=first, column=column)
    with pytest.raises(PermissionDenied):
        placements.pin(placement, acting_user=team.other_editor)
    placements.pin(placement, acting_user=team.editor)
    assert shown() == ["一", "三", "二"]
    placements.unpin(placement, acting_user=team.editor)

    ids = {p.resource.title: p.pk for p in Placement.objects.filter(column=column)}
    placements.reorder(column, [ids["二"], ids["一"]], acting_user=team.editor)
    assert shown() == ["二", "一", "三"]
    stranger = Placement.objects.create(
        resource=published(team, column=None), column=ColumnFactory(site=team.site), site=team.site,
        status=PlacementStatus.ACTIVE, placed_by=team.editor,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="not in the column"):
        placements.reorder(column, [stranger.pk], acting_user=team.editor)
    with pytest.raises(PermissionDenied):
        placements.reorder(column, [ids["一"]], acting_user=team.reviewers[0])

    placements.remove_placement(Placement.objects.get(resource=third, column=column), acting_user=team.editor)
    assert shown() == ["二", "一"]
    assert usage(third)[-1] == ("remove", "保定市人民政府", column.name, "editor")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"placement.pin", "placement.unpin", "placement.reorder", "placement.remove"} <= actions
    assert second is not None


# --- reposts (转载) ---------------------------------------------------------------------------


def test_repost_requested_by_the_target_site_and_accepted_by_its_reviewer(team):  # RES-3, RES-4
    resource = published(team, metadata={"source": ""})
    placement = placements.place(resource, team.other_column, acting_user=team.other_editor)
    assert (placement.status, placement.is_repost, placement.site) == (
        PlacementStatus.PENDING,
        True,
        team.other_site,
    )
    assert list(queries.shown_placements(team.other_column)) == []
    assert list(queries.pending_reposts(team.other_reviewer)) == [placement]
    assert list(queries.pending_reposts(team.reviewers[0])) == []  # the owning site does not decide

    placements.accept_repost(placement, acting_user=team.other_reviewer)
    placement.refresh_from_db()
    assert (placement.status, placement.decided_by) == (PlacementStatus.ACTIVE, team.other_reviewer)
    [shown] = queries.shown_placements(team.other_column)
    assert shown.resource == resource  # the one resource, not a copy
    assert Resource.objects.count() == 1
    with translation.override("en"):
        assert placements.display_source(shown) == "Reposted from 保定市人民政府"
    assert usage(resource)[-2:] == [
        ("place", "石家庄市人民政府", "转载信息", "other-editor"),
        ("accept", "石家庄市人民政府", "转载信息", "other-reviewer"),
    ]
    assert AuditEntry.objects.filter(action="placement.accept_repost", site=team.other_site).exists()


def test_the_owning_site_offers_a_repost(team):  # RES-3
    resource = published(team)
    placement = placements.place(resource, team.other_column, acting_user=team.editor)
    assert (placement.status, placement.is_repost) == (PlacementStatus.PENDING, True)
    placements.accept_repost(placement, acting_user=team.other_reviewer)


def test_a_third_site_cannot_repost_into_another_sites_column(team):  # RES-4, PUB-1
    resource = published(team)
    third_editor = member(SiteFactory(), Role.EDITOR)
    with pytest.raises(PermissionDenied):
        placements.place(resource, team.other_column, acting_user=third_editor)


@pytest.mark.parametrize("who", ["owning_reviewer", "target_editor", "third_reviewer"])
def test_only_a_reviewer_of_the_target_site_decides(team, who):  # RES-3, PUB-1
    resource = published(team)
    placement = placements.place(resource, team.other_column, acting_user=team.other_editor)
    user = {
        "owning_reviewer": team.reviewers[1],
        "target_editor": team.other_editor,
        "third_reviewer": member(SiteFactory(), Role.REVIEWER),
    }[who]
    with pytest.raises(PermissionDenied):
        placements.accept_repost(placement, acting_user=user)
    with pytest.raises(PermissionDenied):
        placements.refuse_repost(placement, reason="不转载", acting_user=user)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PENDING


def test_a_reviewer_does_not_accept_their_own_request(team):  # PUB-1
    admin = member(team.other_site, Role.SITE_ADMIN, username="other-admin")
    MembershipFactory(user=admin, site=team.other_site, role=Role.REVIEWER)
    placement = placements.place(published(team), team.other_column, acting_user=admin)
    with pytest.raises(PermissionDenied, match="another reviewer"):
        placements.accept_repost(placement, acting_user=admin)
    placements.accept_repost(placement, acting_user=team.other_reviewer)


def test_a_scoped_reviewer_decides_only_for_their_columns(team):  # PUB-9, RES-3
    scope(team.other_reviewer, team.other_site, ColumnFactory(site=team.other_site))
    placement = placements.place(published(team), team.other_column, acting_user=team.other_editor)
    assert list(queries.pending_reposts(team.other_reviewer)) == []
    with pytest.raises(PermissionDenied, match="only some columns"):
        placements.accept_repost(placement, acting_user=team.other_reviewer)


def test_refusing_a_repost_needs_a_reason_and_it_can_be_asked_again(team):  # RES-3, RES-4
    resource = published(team)
    placement = placements.place(resource, team.other_column, acting_user=team.other_editor)
    with pytest.raises(ValidationError, match="why"):
        placements.refuse_repost(placement, reason=" ", acting_user=team.other_reviewer)
    placements.refuse_repost(placement, reason="与本站栏目定位不符", acting_user=team.other_reviewer)
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.REFUSED
    assert AuditEntry.objects.get(action="placement.refuse_repost").details["reason"] == "与本站栏目定位不符"
    with pytest.raises(ValidationError):
        placements.accept_repost(placement, acting_user=team.other_reviewer)
    again = placements.place(resource, team.other_column, acting_user=team.other_editor)
    assert (again.pk, again.status, again.decided_by) == (placement.pk, PlacementStatus.PENDING, None)
    assert [action for action, *_ in usage(resource)] == ["place", "place", "refuse", "place"]


def test_the_owning_site_may_take_back_an_offer_but_not_an_accepted_repost(team):  # RES-3
    resource = published(team)
    offer = placements.place(resource, team.other_column, acting_user=team.editor)
    placements.remove_placement(offer, acting_user=team.editor)
    accepted = placements.place(resource, team.other_column, acting_user=team.editor)
    placements.accept_repost(accepted, acting_user=team.other_reviewer)
    with pytest.raises(PermissionDenied):
        placements.remove_placement(accepted, acting_user=team.editor)
    placements.remove_placement(accepted, acting_user=team.other_editor)


def test_withdrawn_content_disappears_from_every_site_and_returns_when_published_again(team):  # RES-3, PUB-2
    resource = published(team)
    repost = placements.place(resource, team.other_column, acting_user=team.other_editor)
    placements.accept_repost(repost, acting_user=team.other_reviewer)
    workflow.withdraw(resource, acting_user=team.editor)
    assert list(queries.shown_placements(team.column)) == []
    assert list(queries.shown_placements(team.other_column)) == []
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    assert [p.resource for p in queries.shown_placements(team.other_column)] == [resource]


def test_the_source_shown_on_pages(team):  # RES-3, PUB-7
    with_source = published(team, metadata={"source": "新华社"})
    without_source = published(team, metadata={})
    home = Placement.objects.get(resource=with_source, column=team.column)
    assert placements.display_source(home) == "新华社"
    assert placements.display_source(Placement.objects.get(resource=without_source)) == "保定市人民政府"
    repost = placements.place(with_source, team.other_column, acting_user=team.other_editor)
    with translation.override("en"):
        assert placements.display_source(repost) == "Reposted from 保定市人民政府"


def test_usage_summary(team):  # RES-4
    resource = published(team)
    notices = ColumnFactory(site=team.site, name="通知公告")
    placements.place(resource, notices, acting_user=team.editor)
    repost = placements.place(resource, team.other_column, acting_user=team.other_editor)
    placements.accept_repost(repost, acting_user=team.other_reviewer)
    third_site = SiteFactory(name="廊坊市人民政府")
    third_column = ColumnFactory(site=third_site, name="要闻")
    placements.place(resource, third_column, acting_user=member(third_site, Role.EDITOR))
    placements.remove_placement(Placement.objects.get(column=notices), acting_user=team.editor)

    summary = placements.usage_summary(resource)
    assert summary["active_count"] == 2
    assert summary["pending_count"] == 1
    assert summary["site_count"] == 2
    assert summary["repost_count"] == 1
    assert summary["history"] == {"place": 4, "accept": 1, "refuse": 0, "remove": 1}
    assert summary["last_used"] is not None
    places = {(p["site_name"], p["column_name"], p["is_repost"], p["status"]) for p in summary["places"]}
    assert places == {
        ("保定市人民政府", "工作动态", False, "active"),
        ("石家庄市人民政府", "转载信息", True, "active"),
        ("廊坊市人民政府", "要闻", True, "pending"),
    }
    repost_place = next(p for p in summary["places"] if p["column_name"] == "转载信息")
    repost.refresh_from_db()
    assert repost_place["since"] == repost.decided_at


def test_changes_are_signalled_after_commit_and_a_failing_receiver_does_not_fail_the_action(
    team, django_capture_on_commit_callbacks, caplog, monkeypatch
):  # PUB-8
    resource = published(team)
    received = []

    def receiver(changes):
        received.append((changes.resources, changes.column_lists))
        raise RuntimeError("publisher down")

    # The test's own subscriber only, so that the static publisher's do not run here.
    monkeypatch.setattr(feed, "_subscribers", [receiver])
    notices = ColumnFactory(site=team.site)
    with django_capture_on_commit_callbacks(execute=True):
        placement = placements.place(resource, notices, acting_user=team.editor)
        assert received == []  # nothing before the commit
    with django_capture_on_commit_callbacks(execute=True):
        placements.reorder(notices, [placement.pk], acting_user=team.editor)
    # placed: the item's pages and lists; reordered: the column's lists only
    assert received == [({resource.pk}, set()), (set(), {notices.pk})]
    assert "publisher down" in caplog.text
