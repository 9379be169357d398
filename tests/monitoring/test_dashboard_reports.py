"""The monthly monitoring report and the management ledger (管理台账) of a site (OPS-7), and the
SVG charts the dashboard draws (OPS-1)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from backoffice import svg_charts
from lifecycle.models import ChangeFiling, FilingKind
from monitoring import site_records
from monitoring.models import RectificationOrder, RectificationStatus, SpotCheck, SpotCheckEntry, Trigger
from sites.models import Role
from tests.backoffice import words
from tests.factories import ColumnFactory, SiteFactory
from tests.helpers import admin_url, log_in
from tests.monitoring.dashboard_data import make_run, offender

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def last_month() -> tuple[int, int]:
    first = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    return first.year, first.month


@pytest.fixture
def world(make_member, platform_admin, backoffice_client):
    backoffice_client.cookies["django_language"] = "zh-hans"
    site = SiteFactory(name="甲市人民政府", id_code="1301000001", person_in_charge="王主任")
    admin = make_member(site, Role.SITE_ADMIN, real_name="甲管理员")
    return type("World", (), {"site": site, "admin": admin, "client": log_in(backoffice_client, admin),
                              "platform": platform_admin})  # fmt: skip


def make_month(site, year, month):
    """Home page: warning on the 3rd to 5th, passed from the 6th; empty columns: past the veto line
    from the 20th to the month's end; no check on the 10th."""
    day = datetime.date(year, month, 1)
    while day.month == month:
        if day.day != 10:
            home = 11 if 3 <= day.day <= 5 else 2
            empty = 6 if day.day >= 20 else 0
            make_run(site, day, {"home_page": home, "empty_columns": empty},
                     offenders={"empty_columns": [offender("甲空白栏目")] if empty else []})  # fmt: skip
        day += datetime.timedelta(days=1)


def test_ops7_problems_are_stretches_of_checks_with_the_day_they_were_put_right(world):
    year, month = last_month()
    make_month(world.site, year, month)
    first, last, _complete = site_records.month_bounds(year, month, timezone.localdate())

    found = {problem.key: problem for problem in site_records.problems(world.site, first, last)}

    home = found["home_page"]
    assert (home.first_day.day, home.last_day.day, home.days, home.state) == (3, 5, 3, "warning")
    assert home.rectified_on == datetime.date(year, month, 6)
    empty = found["empty_columns"]
    assert (empty.first_day.day, empty.state, empty.rectified_on, empty.examples) == (20, "veto", None, ["甲空白栏目"])


def test_ops7_the_monthly_report_sums_up_each_line_days_in_each_state_and_rectification(world):
    year, month = last_month()
    make_month(world.site, year, month)
    issuer = world.platform
    issued = timezone.make_aware(datetime.datetime(year, month, 21, 9, 0))
    RectificationOrder.objects.create(
        site=world.site, problem="空白栏目超过否决线", line_key="empty_columns", line_label="空白栏目",
        issued_at=issued, issued_by=issuer, due_at=issued + datetime.timedelta(days=1),
        status=RectificationStatus.CLOSED, answer="已补充栏目内容", answered_at=issued + datetime.timedelta(hours=5),
        closed_at=issued + datetime.timedelta(hours=8),
    )  # fmt: skip

    response = world.client.get(admin_url("monitoring_monthly", world.site.pk) + f"?month={year}-{month:02d}")

    assert response.status_code == 200
    text = page_text(response)
    days = (datetime.date(year, month % 12 + 1, 1) if month < 12 else datetime.date(year + 1, 1, 1)) - datetime.date(
        year, month, 1
    )
    assert f"共检查 {days.days - 1} 次，其中手动检查 0 次。" in text
    # Days in each state: 19 passed or warned ... and the day without a check.
    counts = dict((state, int(n)) for state, n in re.findall(
        r'monitoring-count state-(\w+)"><span class="monitoring-count-number">(\d+)', text))  # fmt: skip
    assert counts["warning"] == 3 and counts["none"] == 1
    assert counts["veto"] == days.days - 19
    # Each line with its levels, days per state and highest value.
    row = re.search(r"<th scope=\"row\">首页长期未更新</th>(.*?)</tr>", text).group(1)
    assert "<td>10 天</td> <td>14 天</td>" in row and f"11 天（{year}-{month:02d}-03）" in row
    # Problems and their rectification.
    assert f"已整改：{year}-{month:02d}-06 检查通过" in text
    assert "截至期末未整改" in text
    order = RectificationOrder.objects.get()
    assert f'<a href="{admin_url("monitoring_rectification_order", order.pk)}">整改督办〔' in text
    assert "已补充栏目内容" in text
    assert not words.page_problems(response.content.decode(), [world.admin.username])


def test_ops7_the_monthly_report_is_printable_and_offers_the_last_months(world):
    response = world.client.get(admin_url("monitoring_monthly", world.site.pk) + "?month=2999-01")

    text = page_text(response)
    this_month = timezone.localdate().strftime("%Y-%m")
    assert f'<option value="{this_month}" selected>' in text  # a month in the future: this month
    assert "本月尚未结束" in text and "本月没有检查。" in text
    assert "@media print" in open("backoffice/static/backoffice/monitoring.css", encoding="utf-8").read()


def test_ops7_the_ledger_holds_facts_people_filings_inspections_and_rectification(world):
    today = timezone.localdate()
    ColumnFactory(site=world.site, name="甲通知公告", responsible_person="赵六", responsible_phone="13900000006")
    ChangeFiling.objects.create(
        site=world.site, kind=FilingKind.PERSON_IN_CHARGE, subject="网站负责人",
        before={"person_in_charge": "李主任"}, after={"person_in_charge": "王主任"}, filed_by=world.admin,
    )  # fmt: skip
    make_run(world.site, today, {"home_page": 15}, trigger=Trigger.DEMAND, by=world.admin)
    spot = SpotCheck.objects.create(
        year=today.year, quarter=(today.month - 1) // 3 + 1, drawn_on=today, drawn_at=timezone.now(), seed="s"
    )
    SpotCheckEntry.objects.create(spot_check=spot, site=world.site, site_name=world.site.name, checked_on=today,
                                  state="veto", findings=[{"label": "首页长期未更新"}])  # fmt: skip

    response = world.client.get(admin_url("monitoring_ledger", world.site.pk))

    assert response.status_code == 200
    text = page_text(response)
    assert "1301000001" in text and world.site.primary_domain in text and "王主任" in text  # facts, people
    assert "甲管理员" in text and "赵六" in text and "13900000006" in text and "甲通知公告" in text
    assert "李主任" in text  # the filing, in words, never JSON
    assert '{"person_in_charge"' not in text
    assert f'?month={today.strftime("%Y-%m")}">月度监测报告</a>' in text  # inspections month by month
    assert "发起人：甲管理员" in text  # the check run on demand
    assert str(spot) in text  # the spot check
    assert "截至期末未整改" in text  # the problem found today
    assert not words.page_problems(response.content.decode(), [world.admin.username])


def test_the_chart_escapes_its_words_and_breaks_its_line_where_nothing_was_measured():
    day = datetime.date(2026, 5, 1)
    points = [svg_charts.Point(day + datetime.timedelta(days=n), value, "ok") for n, value in
              enumerate([1, 2, None, 3, 4])]  # fmt: skip

    svg = svg_charts.trend_chart(
        points, chart_id="x", title="<b>标题</b>", description="说明 & 更多",
        levels=[svg_charts.Level(10, "预警线 10", "warning")],
    )  # fmt: skip

    assert "&lt;b&gt;标题&lt;/b&gt;" in svg and "说明 &amp; 更多" in svg and "<b>" not in svg
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 4
    assert 'aria-labelledby="x-title x-desc"' in svg and 'role="img"' in svg
    assert svg_charts.number(2.0) == "2" and svg_charts.number(2.345) == "2.35" and svg_charts.number(None) == "—"
