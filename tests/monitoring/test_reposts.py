"""Reposts within 12 hours (PUB-6, OPS-1): the important mark, offers to the sites under a portal,
accepting through editorial.placements, declining, escalation of missed offers and the daily
check's line, each at the 12-hour boundary (just below, at, above)."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from auditlog.models import AuditEntry
from editorial import placements, workflow
from editorial.models import Placement, PlacementStatus
from monitoring import reposts
from monitoring.lines import CheckContext, State
from monitoring.models import Alert, ImportantItem, OfferStatus, Relation, RepostOffer
from monitoring.repost_lines import MissedReposts
from sites.models import Role, SiteStatus
from tests.editorial.factories import make_resource
from tests.factories import ColumnFactory, DepartmentSiteFactory, MembershipFactory, SiteFactory, UserFactory
from tests.helpers import admin_url, log_in

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DEADLINE = T0 + dt.timedelta(hours=12)
MINUTE = dt.timedelta(minutes=1)


def member(site, role, name):
    return MembershipFactory(site=site, role=role, user=UserFactory(username=name)).user


@dataclass
class Target:
    site: object
    column: object
    editor: object
    reviewer: object
    admin: object


def target(site, prefix):
    return Target(site, ColumnFactory(site=site, name="转载信息", review_levels=1), member(site, Role.EDITOR, f"{prefix}-editor"),
                  member(site, Role.REVIEWER, f"{prefix}-reviewer"), member(site, Role.SITE_ADMIN, f"{prefix}-admin"))  # fmt: skip


@pytest.fixture
def world(db):
    """A city portal with an editor, a reviewer and an administrator; under it a department site
    (本级部门), a county portal with its own department (下级), and an offline department; a portal
    of the same level beside it."""
    city = SiteFactory(name="保定市人民政府")
    county = SiteFactory(name="清苑区人民政府", parent=city)
    w = {
        "city": target(city, "city"),
        "dept": target(DepartmentSiteFactory(name="保定市教育局", parent=city), "dept"),
        "county": target(county, "county"),
        "county_dept": target(DepartmentSiteFactory(name="清苑区教育局", parent=county), "cdept"),
        "offline": target(DepartmentSiteFactory(name="保定市某局", parent=city, status=SiteStatus.OFFLINE), "off"),
        "peer": target(SiteFactory(name="石家庄市人民政府"), "peer"),
    }
    resource = make_resource(city, author=w["city"].editor, column=w["city"].column, title="关于做好防汛工作的通知")
    workflow.submit(resource, acting_user=w["city"].editor)
    workflow.approve(resource, acting_user=w["city"].reviewer)
    w["resource"] = resource
    return w


def mark(world, **kwargs):
    return reposts.mark_important(world["resource"], acting_user=world["city"].reviewer, now=T0, **kwargs)


def offer_to(world, key):
    return RepostOffer.objects.get(site=world[key].site)


def show_repost(world, key, at):
    """The target's editor accepts the offer into its column and its reviewer accepts the repost at `at`."""
    t = world[key]
    offer = reposts.accept_offer(offer_to(world, key), t.column, acting_user=t.editor, now=at - MINUTE)
    placements.accept_repost(offer.placement, acting_user=t.reviewer)
    Placement.objects.filter(pk=offer.placement_id).update(decided_at=at)  # the reviewer's clock
    return offer


def missed_count(world, key, now):
    return MissedReposts().measure(world[key].site, CheckContext(today=now.date(), now=now)).value


# --- marking and offering ---------------------------------------------------------------------


def test_pub6_marking_offers_to_every_monitored_site_under_the_portal_with_a_12_hour_deadline(world):
    item = mark(world, note="请及时转载")
    offers = {o.site.name: o for o in item.offers.all()}
    assert set(offers) == {"保定市教育局", "清苑区人民政府", "清苑区教育局"}  # not the offline one, not the peer
    assert offers["保定市教育局"].relation == Relation.OWN_GOVERNMENT
    assert offers["清苑区教育局"].relation == Relation.LOWER
    assert {o.deadline for o in offers.values()} == {DEADLINE}
    assert {o.status for o in offers.values()} == {OfferStatus.OPEN}
    entry = AuditEntry.objects.get(action="important_item.mark")
    assert entry.actor == world["city"].reviewer and entry.details["count"] == 3


def test_pub6_a_portal_of_the_same_level_is_offered_only_by_choice(world):
    peer = world["peer"].site
    assert reposts.eligible_targets(world["city"].site)[peer.pk] == Relation.PEER
    mark(world, target_ids=[peer.pk, world["dept"].site.pk])
    assert set(RepostOffer.objects.values_list("site__name", flat=True)) == {"石家庄市人民政府", "保定市教育局"}


def test_pub6_only_the_portals_reviewers_and_administrators_mark(world):
    with pytest.raises(PermissionDenied):
        reposts.mark_important(world["resource"], acting_user=world["city"].editor, now=T0)
    with pytest.raises(PermissionDenied):
        reposts.mark_important(world["resource"], acting_user=world["dept"].admin, now=T0)
    reposts.mark_important(world["resource"], acting_user=world["city"].admin, now=T0)
    with pytest.raises(ValidationError, match="already marked"):
        mark(world)


def test_pub6_drafts_and_department_items_are_not_marked(world):
    draft = make_resource(world["city"].site, author=world["city"].editor, column=world["city"].column)
    with pytest.raises(ValidationError, match="published"):
        reposts.mark_important(draft, acting_user=world["city"].reviewer, now=T0)
    dept_item = make_resource(world["dept"].site, author=world["dept"].editor, column=world["dept"].column)
    with pytest.raises(ValidationError, match="portal"):
        reposts.mark_important(dept_item, acting_user=world["dept"].admin, now=T0)
    assert not ImportantItem.objects.exists()


# --- accepting and declining ------------------------------------------------------------------


def test_pub6_accepting_places_the_item_as_a_repost_that_the_target_reviewer_accepts(world):
    mark(world)
    dept = world["dept"]
    offer = reposts.accept_offer(offer_to(world, "dept"), dept.column, acting_user=dept.editor, now=T0 + MINUTE)
    placement = offer.placement
    assert (offer.status, placement.is_repost, placement.status) == (OfferStatus.PLACED, True, PlacementStatus.PENDING)
    assert placement.column == dept.column and placement.resource == world["resource"]
    placements.accept_repost(placement, acting_user=dept.reviewer)
    reposts.escalate_missed(timezone.now())  # the periodic task brings offers within their 12 hours up to date
    offer.refresh_from_db()
    assert offer.status == OfferStatus.REPOSTED and offer.reposted_at is not None
    assert AuditEntry.objects.filter(action="repost_offer.accept", actor=dept.editor).exists()


def test_pub6_only_the_target_sites_editors_answer_and_only_into_its_columns(world):
    mark(world)
    dept, county = world["dept"], world["county"]
    with pytest.raises(PermissionDenied):
        reposts.accept_offer(offer_to(world, "dept"), dept.column, acting_user=county.editor, now=T0)
    with pytest.raises(PermissionDenied):
        reposts.decline_offer(offer_to(world, "dept"), reason="不适用", acting_user=dept.reviewer, now=T0)
    with pytest.raises(ValidationError, match="Choose a column"):
        reposts.accept_offer(offer_to(world, "dept"), county.column, acting_user=dept.admin, now=T0)


def test_pub6_declining_needs_a_reason_and_is_recorded(world):
    mark(world)
    dept = world["dept"]
    with pytest.raises(ValidationError, match="Say why"):
        reposts.decline_offer(offer_to(world, "dept"), reason="  ", acting_user=dept.editor, now=T0)
    offer = reposts.decline_offer(offer_to(world, "dept"), reason="与本部门职能无关", acting_user=dept.editor, now=T0)
    assert (offer.status, offer.decline_reason) == (OfferStatus.DECLINED, "与本部门职能无关")
    assert AuditEntry.objects.get(action="repost_offer.decline").details["reason"] == "与本部门职能无关"
    with pytest.raises(ValidationError, match="already answered"):
        reposts.decline_offer(offer, reason="再次", acting_user=dept.editor, now=T0)


def test_pub6_a_refused_placement_opens_the_offer_again(world):
    mark(world)
    dept = world["dept"]
    offer = reposts.accept_offer(offer_to(world, "dept"), dept.column, acting_user=dept.editor, now=T0)
    placements.refuse_repost(offer.placement, reason="栏目不对", acting_user=dept.reviewer)
    reposts.sync([offer], T0 + MINUTE)
    assert offer.status == OfferStatus.OPEN


# --- the 12-hour boundary ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "shown_at, missed",
    [(DEADLINE - MINUTE, False), (DEADLINE, False), (DEADLINE + MINUTE, True)],
    ids=["just-below-12h", "at-12h", "above-12h"],
)
def test_pub6_ops1_a_repost_shown_by_the_12th_hour_is_in_time(world, shown_at, missed):
    mark(world)
    show_repost(world, "dept", shown_at)
    later = DEADLINE + dt.timedelta(hours=2)
    escalated = reposts.escalate_missed(later)
    assert {o.site.name for o in escalated} == {"清苑区人民政府", "清苑区教育局"} | ({"保定市教育局"} if missed else set())
    assert missed_count(world, "dept", later) == (1 if missed else 0)
    state = MissedReposts().state_of(missed_count(world, "dept", later))
    assert state == (State.WARNING if missed else State.OK)


@pytest.mark.parametrize(
    "now, escalated",
    [(DEADLINE - dt.timedelta(seconds=1), False), (DEADLINE, False), (DEADLINE + dt.timedelta(seconds=1), True)],
    ids=["just-below-12h", "at-12h", "above-12h"],
)
def test_pub6_ops1_an_open_offer_is_escalated_only_once_the_12_hours_have_passed(world, now, escalated, mailoutbox,
                                                                                django_capture_on_commit_callbacks):  # fmt: skip
    mark(world, target_ids=[world["dept"].site.pk])
    with django_capture_on_commit_callbacks(execute=True):
        result = reposts.escalate_missed(now)
    assert bool(result) == escalated
    assert missed_count(world, "dept", now) == (1 if escalated else 0)
    assert AuditEntry.objects.filter(action="repost_offer.miss").count() == (1 if escalated else 0)
    if escalated:
        (mail,) = mailoutbox
        # told to the target's administrators and, upward, to the portal's
        assert set(mail.to) == {"dept-admin@example.gov.cn", "city-admin@example.gov.cn"}
        assert "关于做好防汛工作的通知" in mail.body and "12" in mail.subject
        assert Alert.objects.get(site=world["dept"].site).text == mail.body
    else:
        assert not mailoutbox and not Alert.objects.exists()


def test_pub6_escalation_happens_once(world, mailoutbox, django_capture_on_commit_callbacks):
    mark(world, target_ids=[world["dept"].site.pk])
    with django_capture_on_commit_callbacks(execute=True):
        reposts.escalate_missed(DEADLINE + MINUTE)
        reposts.escalate_missed(DEADLINE + 2 * MINUTE)
    assert len(mailoutbox) == 1
    assert AuditEntry.objects.filter(action="repost_offer.miss").count() == 1


@pytest.mark.parametrize(
    "declined_at, missed",
    [(DEADLINE - MINUTE, False), (DEADLINE, False), (DEADLINE + MINUTE, True)],
    ids=["just-below-12h", "at-12h", "above-12h"],
)
def test_pub6_ops1_declining_counts_as_an_answer_only_within_12_hours(world, declined_at, missed):
    mark(world)
    reposts.decline_offer(offer_to(world, "dept"), reason="不适用", acting_user=world["dept"].editor, now=declined_at)
    assert missed_count(world, "dept", DEADLINE + dt.timedelta(hours=1)) == (1 if missed else 0)


def test_ops1_the_line_counts_offers_missed_in_the_last_30_days(world):
    mark(world)
    line = MissedReposts()
    assert (line.warning, line.veto) == (1, None)  # a warning line: no 单项否决 in the 2019 indicators
    assert missed_count(world, "dept", DEADLINE + dt.timedelta(days=29)) == 1
    assert missed_count(world, "dept", DEADLINE + dt.timedelta(days=30, seconds=1)) == 0
    measured = line.measure(world["dept"].site, CheckContext(today=DEADLINE.date(), now=DEADLINE + MINUTE))
    assert [o.label for o in measured.offenders] == ["关于做好防汛工作的通知"]
    # a repost shown in time but not yet brought up to date by the periodic task still counts as in time
    show_repost(world, "county", DEADLINE - MINUTE)
    assert missed_count(world, "county", DEADLINE + MINUTE) == 0


# --- the back office --------------------------------------------------------------------------


def zh(client, path, **post):
    if post:
        return client.post(path, post, HTTP_ACCEPT_LANGUAGE="zh-hans")
    return client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_pub6_the_offer_is_on_the_target_editors_work_page_with_the_time_left(world, backoffice_client):
    now = timezone.now()
    reposts.mark_important(world["resource"], acting_user=world["city"].reviewer, now=now - dt.timedelta(hours=2))
    body = zh(log_in(backoffice_client, world["dept"].editor), admin_url("index")).content.decode()
    assert "需在12小时内转载的重要信息" in body and "关于做好防汛工作的通知" in body
    assert "剩余 9 小时" in body or "剩余 10 小时" in body  # 12 h less the 2 h since the offer
    other = zh(log_in(backoffice_client, world["peer"].editor), admin_url("index")).content.decode()
    assert "关于做好防汛工作的通知" not in other


def test_pub6_an_editor_accepts_into_a_column_or_declines_on_the_offer_page(world, backoffice_client):
    reposts.mark_important(world["resource"], acting_user=world["city"].reviewer)
    dept, county = world["dept"], world["county"]
    client = log_in(backoffice_client, dept.editor)
    page = admin_url("monitoring_repost_offer", offer_to(world, "dept").pk)
    assert "转载到栏目" in zh(client, page).content.decode()
    assert zh(client, page, column=str(dept.column.pk), accept="1").status_code == 302
    assert offer_to(world, "dept").status == OfferStatus.PLACED
    county_client = log_in(backoffice_client, county.editor)
    county_page = admin_url("monitoring_repost_offer", offer_to(world, "county").pk)
    refused = zh(county_client, county_page, reason="", decline="1").content.decode()
    assert "请说明不转载的理由" in refused
    zh(county_client, county_page, reason="本区已发布同类信息", decline="1")
    assert offer_to(world, "county").decline_reason == "本区已发布同类信息"
    # another site's offer is not shown
    assert zh(county_client, admin_url("monitoring_repost_offer", offer_to(world, "dept").pk)).status_code == 404


def test_pub6_the_portals_reviewer_marks_on_the_reposts_page(world, backoffice_client):
    client = log_in(backoffice_client, world["city"].reviewer)
    listing = zh(client, admin_url("monitoring_reposts")).content.decode()
    mark_url = admin_url("monitoring_repost_mark", world["resource"].pk)
    assert mark_url in listing
    form = zh(client, mark_url).content.decode()
    assert "保定市教育局（本级部门网站）" in form and "石家庄市人民政府（同级门户网站）" in form
    zh(client, mark_url, targets=str(world["dept"].site.pk), note="请转载")
    assert list(RepostOffer.objects.values_list("site__name", flat=True)) == ["保定市教育局"]
    assert zh(log_in(backoffice_client, world["city"].editor), mark_url).status_code == 403
