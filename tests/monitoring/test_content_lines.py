"""OPS-1, COL-3, COL-8: the content lines of the daily check, counted as citizens see the site.

Each line is set just below, at and above its warning and its veto level. Dates are those the
published lists print (the item's publication date), and only what the publisher shows counts.
"""

import datetime as dt

import pytest
from django.utils import timezone

from columns.checks import missing_required_kinds_for
from columns.models import Column
from monitoring.checks import context_for
from monitoring.lines import REGISTRY, State
from publishing.models import HeldBackItem
from resources.models import Disclosure
from tests.factories import SiteFactory
from tests.monitoring.content_data import TODAY, column, days_ago, online_item

pytestmark = pytest.mark.django_db


def measure(key, site):
    line = REGISTRY[key]
    measurement = line.measure(site, context_for(TODAY))
    return measurement, line.state_of(measurement.value)


def archive(col):
    Column.objects.filter(pk=col.pk).update(archived_at=timezone.now())


# --- home page not updated (OPS-1: warning 10 days, veto 2 weeks) --------------------------------


@pytest.mark.parametrize(
    "age,state",
    [(9, State.OK), (10, State.WARNING), (11, State.WARNING), (13, State.WARNING), (14, State.VETO), (15, State.VETO)],
)
def test_home_page_not_updated_around_both_levels(age, state):  # OPS-1
    site = SiteFactory()
    news = column(site, "要闻", is_channel=True)
    online_item(news, days_ago(age + 3))
    online_item(news, days_ago(age))
    measurement, got = measure("home_not_updated", site)
    assert (measurement.value, got) == (age, state)


def test_home_page_date_is_the_one_printed_not_when_it_was_placed():  # OPS-1
    """An old item placed today shows its own (old) date on the home page: that is what a crawl reads."""
    site = SiteFactory()
    news = column(site, "要闻", is_channel=True)
    item = online_item(news, days_ago(20))
    item.placements.update(placed_at=timezone.now())
    assert measure("home_not_updated", site)[0].value == 20


def test_home_page_ignores_what_citizens_do_not_see():  # OPS-1
    site = SiteFactory()
    news = column(site, "要闻", is_channel=True)
    old = column(site, "旧专栏", is_channel=True)
    online_item(news, days_ago(16))
    online_item(old, days_ago(1))
    archive(old)  # archived: off the home page (SITE-9)
    online_item(news, days_ago(2), disclosure=Disclosure.ON_REQUEST)  # never placed on a public page (PUB-10)
    held = online_item(news, days_ago(3))
    HeldBackItem.objects.create(site=site, resource=held)  # held back by the publisher
    measurement, state = measure("home_not_updated", site)
    assert (measurement.value, state) == (16, State.VETO)


def test_home_page_without_dated_items_cannot_be_computed():  # OPS-1: never "passed"
    site = SiteFactory()
    column(site, "要闻", is_channel=True)
    measurement, state = measure("home_not_updated", site)
    assert measurement.value is None and state == State.UNKNOWN and measurement.note


# --- stale columns (OPS-1: warning 3, veto 5; COL-8 intervals) ----------------------------------


@pytest.mark.parametrize(
    "stale,state", [(2, State.OK), (3, State.WARNING), (4, State.WARNING), (5, State.VETO), (6, State.VETO)]
)
def test_stale_columns_around_both_levels(stale, state):  # OPS-1
    site = SiteFactory()
    for n in range(stale):
        online_item(column(site, f"部门动态{n}"), days_ago(14))  # news: 2 weeks with nothing new
    online_item(column(site, "工作动态"), days_ago(13))  # news, 13 days: in time
    measurement, got = measure("stale_columns", site)
    assert (measurement.value, got) == (stale, state)
    assert all("超过2周" in o.detail for o in measurement.offenders)


def test_first_level_notices_and_policies_are_stale_after_six_months():  # OPS-1
    site = SiteFactory()
    notices = column(site, "通知公告", "通知公告")
    policies = column(site, "政策文件", "政策文件")
    lower = column(site, "通知公告", "通知公告", parent=policies, slug="tzgg2")
    online_item(notices, dt.date(2026, 6, 6))  # exactly six months: nothing new since
    online_item(policies, dt.date(2026, 6, 7))  # one day less: in time
    online_item(lower, dt.date(2025, 1, 1))  # not first-level: the six-month rule does not apply
    measurement, _ = measure("stale_columns", site)
    assert [o.label for o in measurement.offenders] == ["通知公告"]
    assert "6个月" in measurement.offenders[0].detail


@pytest.mark.parametrize("age,stale", [(6, False), (7, False), (8, True)])
def test_a_column_past_its_own_update_interval_is_overdue(age, stale):  # COL-8
    site = SiteFactory()
    col = column(site, "统计数据", "数据发布", interval=7, responsible_person="李四", responsible_phone="0312-1234567")
    online_item(col, days_ago(age))
    # The national veto line counts only its own rule: an outside inspection cannot know the interval.
    assert measure("stale_columns", site)[0].value == 0
    measurement, _ = measure("columns_past_interval", site)
    assert measurement.value == int(stale)
    if stale:
        offender = measurement.offenders[0]
        assert offender.responsible == "李四 0312-1234567" and offender.url == f"/{col.slug}/"
        assert "更新周期 7 天" in offender.detail


def test_hidden_and_archived_columns_are_not_stale():  # OPS-1, COL-4, SITE-9
    site = SiteFactory()
    column(site, "机关动态")  # no content: hidden from citizens
    archived = column(site, "旧动态")
    online_item(archived, days_ago(400))
    archive(archived)
    assert measure("stale_columns", site)[0].value == 0


@pytest.mark.parametrize("count,state", [(2, State.OK), (3, State.WARNING), (6, State.WARNING)])
def test_columns_past_their_interval_warn_and_never_veto(count, state):  # COL-8
    site = SiteFactory()
    for n in range(count):
        online_item(column(site, f"统计数据{n}", "数据发布", interval=30), days_ago(31))
    online_item(column(site, "统计数据近期", "数据发布", interval=30), days_ago(30))  # the due day: in time
    measurement, got = measure("columns_past_interval", site)
    assert (measurement.value, got) == (count, state)


# --- columns long not updated (OPS-1: veto 10) ----------------------------------------------------


@pytest.mark.parametrize(
    "count,state", [(6, State.OK), (7, State.WARNING), (9, State.WARNING), (10, State.VETO), (11, State.VETO)]
)
def test_long_unupdated_columns_around_both_levels(count, state):  # OPS-1
    site = SiteFactory()
    for n in range(count):
        online_item(column(site, f"专项工作{n}", "专题专栏"), days_ago(365))
    online_item(column(site, "专项工作近期", "专题专栏"), days_ago(364))  # not yet a year
    online_item(column(site, "机构职能", "机构职能"), days_ago(900))  # describes, need not update
    measurement, got = measure("long_unupdated_columns", site)
    assert (measurement.value, got) == (count, state)


# --- empty columns (OPS-1: warning 2, veto 5), counting what citizens can reach ---------------------


def reachable_empty_column(site, n):
    """A column whose page exists (a sub-column shows something) but lists nothing: its only
    sub-column is archived, and archived sub-columns leave their parent's page (SITE-9)."""
    parent = column(site, f"专题{n}", "专题专栏", slug=f"zt{n}")
    child = column(site, f"子栏目{n}", "专题专栏", parent=parent, slug=f"zl{n}")
    online_item(child, days_ago(3))
    archive(child)
    return parent


@pytest.mark.parametrize(
    "empty,state", [(1, State.OK), (2, State.WARNING), (4, State.WARNING), (5, State.VETO), (6, State.VETO)]
)
def test_empty_columns_around_both_levels(empty, state):  # OPS-1
    site = SiteFactory()
    for n in range(empty):
        reachable_empty_column(site, n)
    for n in range(3):
        column(site, f"未启用栏目{n}")  # no content: hidden by the publisher (COL-4), unreachable
    online_item(column(site, "工作动态"), days_ago(1))
    measurement, got = measure("empty_columns", site)
    assert (measurement.value, got) == (empty, state)
    assert {o.url for o in measurement.offenders} == {f"/zt{n}/" for n in range(empty)}


# --- mandatory kinds (COL-3), counting only what citizens see -------------------------------------

KINDS = [("机构职能", "机构职能"), ("领导信息", "负责人信息"), ("政策文件", "政策文件"),
         ("政策解读", "政策解读"), ("工作动态", "工作动态"), ("互动交流", "互动交流")]  # fmt: skip


def test_mandatory_kinds_all_shown():  # COL-3
    site = SiteFactory()
    for name, kind in KINDS:
        online_item(column(site, name, kind), days_ago(1))
    measurement, state = measure("mandatory_kinds", site)
    assert (measurement.value, state) == (0, State.OK)


def test_mandatory_kinds_count_only_what_citizens_see():  # COL-3
    site = SiteFactory()
    cols = {kind: column(site, name, kind) for name, kind in KINDS}
    online_item(cols["机构职能"], days_ago(1))
    online_item(cols["负责人信息"], days_ago(1))
    online_item(cols["工作动态"], days_ago(1))
    online_item(cols["政策文件"], days_ago(1))
    archive(cols["政策文件"])  # archived: no longer counts
    online_item(cols["政策解读"], days_ago(1), disclosure=Disclosure.ON_REQUEST)  # never shown
    # 互动交流: set up, nothing shown (hidden)
    measurement, state = measure("mandatory_kinds", site)
    assert measurement.value == 3 and state == State.WARNING
    assert [o.label for o in measurement.offenders] == ["政策文件", "解读回应", "互动交流"]
    assert measurement.offenders[1].detail == "有此类栏目，但没有公众能看到的内容"
    # the editor's view (columns/checks.py without the publisher's answer) counts the set-up columns,
    # less the archived one
    assert missing_required_kinds_for(site) == ["政策文件"]


def test_missing_kind_without_any_column():  # COL-3
    site = SiteFactory()
    for name, kind in KINDS[1:]:
        online_item(column(site, name, kind), days_ago(1))
    measurement, _ = measure("mandatory_kinds", site)
    assert [(o.label, o.detail) for o in measurement.offenders] == [("机构职能", "没有此类栏目")]
