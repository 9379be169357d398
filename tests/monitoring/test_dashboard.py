"""The monitoring dashboard in the back office (OPS-1): a site's latest check line by line, its
trend as charts with their text, the platform's overview, the button that runs the check now,
and who may see which site."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from monitoring.models import CheckRun, Trigger
from sites.models import Role, SiteStatus
from tests.backoffice import words
from tests.factories import SiteFactory
from tests.helpers import admin_url, log_in
from tests.monitoring.dashboard_data import make_run, offender

pytestmark = pytest.mark.django_db


@pytest.fixture
def chinese(backoffice_client):
    backoffice_client.cookies["django_language"] = "zh-hans"
    return backoffice_client


@pytest.fixture
def world(make_member, platform_admin):
    site = SiteFactory(name="甲市人民政府")
    other = SiteFactory(name="乙市人民政府")
    return type("World", (), {
        "site": site, "other": other, "admin": make_member(site, Role.SITE_ADMIN),
        "editor": make_member(site, Role.EDITOR), "other_admin": make_member(other, Role.SITE_ADMIN),
        "platform": platform_admin,
    })  # fmt: skip


def page_text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_ops1_the_dashboard_shows_each_state_in_words_with_levels_margin_and_offenders(world, chinese):
    today = timezone.localdate()
    make_run(
        world.site, today,
        {"home_page": 6, "stale_columns": 3, "empty_columns": 7, "letters": None},
        offenders={"empty_columns": [
            offender("甲空白栏目一", responsible="张三 13800000001", url="/kbl1/", detail="没有任何内容"),
            offender("甲空白栏目二"),
        ]},
        notes={"letters": "互动交流尚未启用，无法计算"},
    )  # fmt: skip
    response = log_in(chinese, world.admin).get(admin_url("monitoring_site", world.site.pk))

    assert response.status_code == 200
    text = page_text(response)
    # Each state in words, in its colour class.
    for state, word in [("ok", "通过"), ("warning", "预警"), ("veto", "未通过否决线"), ("unknown", "无法计算")]:
        assert f'class="monitoring-state state-{state}">{word}</span>' in text
    # The value with its unit, the levels and the margin to the next level.
    assert "6 天" in text and "10 天" in text and "14 天" in text
    assert "距预警线还差 4 天" in text  # 6 of warning 10
    assert "距否决线还差 2 个栏目" in text  # 3 of veto 5
    assert "已超过否决线 2 个栏目" in text  # 7 of veto 5
    assert "互动交流尚未启用，无法计算" in text
    # Offenders with the person responsible, linked on the public site.
    assert f'href="https://{world.site.primary_domain}/kbl1/"' in text
    assert "责任人：张三 13800000001" in text
    assert "甲空白栏目二" in text and "未填写责任人" in text
    # The site's overall state is the worst line's.
    assert re.search(r'monitoring-overall">.*?state-veto">未通过否决线', text)
    assert not words.page_problems(response.content.decode(), [world.admin.username])


def test_ops1_a_site_never_checked_says_so(world, chinese):
    response = log_in(chinese, world.admin).get(admin_url("monitoring_site", world.site.pk))

    text = page_text(response)
    assert "state-none\">尚未检查" in text
    assert "本站尚未检查。" in text


def test_ops1_the_trend_is_a_chart_with_its_numbers_as_text(world, chinese):
    today = timezone.localdate()
    for days_ago, value in [(3, 9), (2, 11), (1, None), (0, 15)]:
        make_run(world.site, today - datetime.timedelta(days=days_ago), {"home_page": value})
    response = log_in(chinese, world.admin).get(admin_url("monitoring_site", world.site.pk))

    text = page_text(response)
    chart = re.search(r'<figure class="monitoring-chart" id="chart-home_page">(.*?)</figure>', text).group(1)
    assert re.search(r'<svg [^>]*role="img" aria-labelledby="trend-home_page-title trend-home_page-desc"', chart)
    assert '<title id="trend-home_page-title">首页长期未更新</title>' in chart
    # The description beside the chart counts the days in each state.
    assert "首页长期未更新：近 30 天中，1 天通过，1 天预警，1 天未通过否决线，1 天无法计算，26 天未检查；最新数值 15 天。" in chart
    # The levels are drawn and named; the day that cannot be computed breaks the line.
    assert "chart-level-warning" in chart and "chart-level-veto" in chart
    assert chart.count("<polyline") == 1 and chart.count("chart-unknown") == 1
    # The same numbers as a table.
    day = (today - datetime.timedelta(days=2)).isoformat()
    assert f"<td>{day}</td><td>11 天</td>" in chart
    # The site's state by day, as a strip with its own table.
    assert 'class="state-strip"' in text and "本站每日状态" in text


def test_ops1_the_overview_lists_every_monitored_site_worst_first_with_counts(world, chinese):
    today = timezone.localdate()
    make_run(world.site, today, {"home_page": 11, "stale_columns": 0})
    make_run(world.other, today, {"home_page": 20})
    offline = SiteFactory(name="丙市人民政府", status=SiteStatus.OFFLINE)
    SiteFactory(name="丁市人民政府")  # monitored, never checked

    response = log_in(chinese, world.platform).get(admin_url("monitoring_overview"))

    text = page_text(response)
    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', text)
    assert names == ["乙市人民政府", "甲市人民政府", "丁市人民政府"]  # veto, warning, not checked
    assert offline.name not in text and "1 个站点未纳入监测" in text
    assert re.findall(r'monitoring-count state-(\w+)"><span class="monitoring-count-number">(\d+)', text) == [
        ("veto", "1"), ("warning", "1"), ("unknown", "0"), ("ok", "0"), ("none", "1")
    ]
    # The worst line of each site, in words.
    assert "首页长期未更新：20 天（已超过否决线 6 天）" in text
    assert not words.page_problems(response.content.decode(), [world.platform.username])


def test_ops1_a_site_administrator_sees_only_their_sites(world, chinese):
    make_run(world.other, timezone.localdate(), {"home_page": 20})
    client = log_in(chinese, world.admin)

    overview = page_text(client.get(admin_url("monitoring_overview")))
    assert "甲市人民政府" in overview and "乙市人民政府" not in overview
    for name in ("monitoring_site", "monitoring_monthly", "monitoring_ledger"):
        assert client.get(admin_url(name, world.other.pk)).status_code == 404
        assert client.get(admin_url(name, 999999)).status_code == 404
    assert client.post(admin_url("monitoring_run", world.other.pk)).status_code == 404
    assert not CheckRun.objects.filter(site=world.other, trigger=Trigger.DEMAND).exists()


def test_ops1_staff_who_administer_no_site_are_refused(world, chinese):
    client = log_in(chinese, world.editor)

    assert client.get(admin_url("monitoring_overview")).status_code == 403
    assert client.get(admin_url("monitoring_site", world.site.pk)).status_code == 403
    assert client.post(admin_url("monitoring_run", world.site.pk)).status_code == 403


def test_ops1_the_button_runs_the_check_now(world, chinese):
    client = log_in(chinese, world.admin)
    dashboard = page_text(client.get(admin_url("monitoring_site", world.site.pk)))
    assert f'<form method="post" action="{admin_url("monitoring_run", world.site.pk)}"' in dashboard
    assert "立即检查" in dashboard

    response = client.post(admin_url("monitoring_run", world.site.pk), follow=True)

    run = CheckRun.objects.get(site=world.site)
    assert (run.day, run.trigger, run.triggered_by) == (timezone.localdate(), Trigger.DEMAND, world.admin)
    text = page_text(response)
    assert response.redirect_chain[-1][0] == admin_url("monitoring_site", world.site.pk)
    assert "已完成检查" in text
    assert client.get(admin_url("monitoring_run", world.site.pk)).status_code == 405  # POST only


def test_ops1_no_button_for_a_site_that_is_not_checked(world, chinese):
    world.site.status = SiteStatus.OFFLINE
    world.site.save()
    client = log_in(chinese, world.admin)

    text = page_text(client.get(admin_url("monitoring_site", world.site.pk)))

    assert "立即检查" not in text
    assert "本站不在检查之列" in text
    response = client.post(admin_url("monitoring_run", world.site.pk), follow=True)
    assert not CheckRun.objects.filter(site=world.site).exists()
    assert "本站不在检查之列" in page_text(response)


def test_ops1_the_navigation_leads_site_administrators_to_their_dashboard(world, chinese):
    text = page_text(log_in(chinese, world.admin).get(admin_url("index")))

    assert f'href="{admin_url("monitoring_site", world.site.pk)}"' in text
    assert f'href="{admin_url("monitoring_ledger", world.site.pk)}"' in text
    editor_page = page_text(log_in(chinese, world.editor).get(admin_url("index")))
    # The overview is not theirs (the reposts page, /admin/monitoring/reposts/, is: PUB-6).
    assert f'href="{admin_url("monitoring_overview")}"' not in editor_page


def test_ops1_offenders_beyond_the_first_ten_are_folded_and_those_not_kept_counted(world, chinese):
    listed = [offender(f"栏目{n}", responsible="李四") for n in range(11)]
    listed.append(offender("<script>栏目</script>", responsible="<b>李四</b>", url="/x/?a=1&b=2", detail="<i>空</i>"))
    run = make_run(world.site, timezone.localdate(), {"empty_columns": 12}, offenders={"empty_columns": listed})
    run.results.update(offender_count=250)

    text = page_text(log_in(chinese, world.admin).get(admin_url("monitoring_site", world.site.pk)))

    assert "共 250 项需要整改：" in text
    assert re.search(r"<summary>还有 2 项</summary>", text)
    assert "另有 238 项未随结果保存。" in text
    # Whatever a page's title says, it is shown as text (escaped), never as markup.
    assert "&lt;script&gt;栏目&lt;/script&gt;" in text and "<script>栏目" not in text
    assert "责任人：&lt;b&gt;李四&lt;/b&gt;" in text and "&lt;i&gt;空&lt;/i&gt;" in text
    assert 'href="https://' in text and '/x/?a=1&amp;b=2"' in text
