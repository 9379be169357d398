"""OPS-4 visit statistics from nginx's access logs, OPS-6 their retention.

The log lines are in the format of deploy/nginx.conf.template (govplatform_visits); the test
checks that the template still has the fields the parser reads.
"""

import datetime
import gzip
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from editorial.models import UsageRecord
from monitoring.models import AccessLogFile, PageVisitDay, SiteVisitDay
from monitoring.visits import ingest, purge_access_logs, retention_days
from monitoring.visits_parse import add_to_sketch, empty_sketch, estimate
from monitoring.visits_queries import (
    column_update_counts,
    column_visits,
    resource_usage,
    top_pages,
    visits_by_day,
    year_totals,
)
from publishing.models import PublishedFile
from resources.models import Resource
from tests.factories import ColumnFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
BAIDU = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
DAY = datetime.date(2026, 11, 20)


def line(host, path, *, ip="203.0.113.7", agent=FIREFOX, status=200, method="GET", when="2026-11-20T10:15:00+08:00"):
    return f"{when}\t{host}\t{ip}\t{method}\t{path}\t{status}\t5120\t{agent}\t-\n"


@pytest.fixture
def logs(tmp_path, settings):
    folder = tmp_path / "nginx"
    folder.mkdir()
    settings.MONITORING_ACCESS_LOG = folder / "access.log"
    return folder


@pytest.fixture
def site():
    return SiteFactory()


def write(path: Path, lines, mode="a"):
    with open(path, mode, encoding="utf-8") as f:
        f.writelines(lines)


def pages(site):
    """Page views of every page over all days: {path: (people, robots)}."""
    totals = {}
    for row in PageVisitDay.objects.filter(site=site):
        people, robots = totals.get(row.path, (0, 0))
        totals[row.path] = (people + row.page_views, robots + row.bot_views)
    return totals


def test_ops4_the_nginx_template_logs_the_fields_the_parser_reads():
    template = (Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf.template").read_text()
    fmt = re.search(r"log_format govplatform_visits '([^']*)'", template).group(1)
    assert fmt.split("\\t") == [
        "$time_iso8601", "$host", "$remote_addr", "$request_method", "$request_uri", "$status",
        "$body_bytes_sent", "$http_user_agent", "$http_referer",
    ]  # fmt: skip
    assert re.search(r"access_log \S+ govplatform_visits;", template)


def test_ops4_page_views_per_site_column_page_and_day_people_and_robots_apart(logs, site):
    zwgk = ColumnFactory(site=site, slug="zwgk", name="政务公开")
    zcwj = ColumnFactory(site=site, parent=zwgk, slug="zcwj", name="政策文件")
    other = SiteFactory()
    host = site.primary_domain
    write(
        logs / "access.log",
        [
            line(host, "/"),
            line(host, "/index.html", ip="198.51.100.1", agent=CHROME),
            line(host.upper(), "/zwgk/zcwj/12.html?from=home"),
            line(host, "/zwgk/zcwj/12.html", agent=BAIDU),
            line(host, "/zwgk/zcwj/12.html", agent="-"),
            line(host, "/zwgk/"),
            line(host, "/static/site.css"),  # not a page
            line(host, "/zwgk/zcwj/files/3-a.pdf"),  # an attachment: not a page view
            line(host, "/zwgk/missing.html", status=404),  # not found: not a view
            line(host, "/zwgk/", method="HEAD"),
            line("10.0.0.5", "/"),  # an address, not a site's host
            line(other.primary_domain, "/"),
            line(host, "/", when="2026-11-20T23:30:00+00:00"),  # 07:30 on the 21st in Beijing
            "garbage\n",
        ],
    )
    report = ingest()
    assert (report.lines, report.counted, report.malformed) == (14, 8, 1)
    assert pages(site) == {"/": (3, 0), "/zwgk/zcwj/12.html": (1, 2), "/zwgk/": (1, 0)}
    day = SiteVisitDay.objects.get(site=site, day=DAY)
    assert (day.page_views, day.bot_views, day.unique_visitors) == (4, 2, 2)
    assert SiteVisitDay.objects.get(site=site, day=DAY + datetime.timedelta(days=1)).page_views == 1
    assert SiteVisitDay.objects.get(site=other).page_views == 1
    columns = {row.path: row.column_id for row in PageVisitDay.objects.filter(site=site, day=DAY)}
    assert columns == {"/": None, "/zwgk/zcwj/12.html": zcwj.pk, "/zwgk/": zwgk.pk}
    # No address is stored anywhere: only counts and a sketch of hashes.
    stored = b"".join(bytes(row.visitor_sketch) for row in SiteVisitDay.objects.all())
    assert b"203.0.113.7" not in stored and b"198.51.100.1" not in stored


def test_ops4_a_rerun_adds_nothing_and_new_lines_are_added_once(logs, site):
    host = site.primary_domain
    write(logs / "access.log", [line(host, "/")] * 3)
    ingest()
    ingest()
    assert pages(site) == {"/": (3, 0)}
    write(logs / "access.log", [line(host, "/a.html"), line(host, "/a.html")[:20]])  # a line being written
    ingest()
    assert pages(site) == {"/": (3, 0), "/a.html": (1, 0)}
    write(logs / "access.log", [line(host, "/a.html")[20:]])  # the rest of it
    ingest()
    ingest()
    assert pages(site) == {"/": (3, 0), "/a.html": (2, 0)}
    assert AccessLogFile.objects.get().lines == 5


def test_ops4_rotation_renamed_then_compressed_is_not_counted_twice(logs, site):
    host = site.primary_domain
    live = logs / "access.log"
    write(live, [line(host, "/")] * 2)
    ingest()
    # nginx wrote more, then logrotate renamed the file and nginx opened a new one.
    write(live, [line(host, "/late.html")])
    live.rename(logs / "access.log.1")
    write(live, [line(host, "/new.html", when="2026-11-21T08:00:00+08:00")])
    ingest()
    assert pages(site) == {"/": (2, 0), "/late.html": (1, 0), "/new.html": (1, 0)}
    # Next rotation: .1 is compressed to .2.gz (a new inode), the live file becomes .1.
    with open(logs / "access.log.1", "rb") as source, gzip.open(logs / "access.log.2.gz", "wb") as target:
        target.write(source.read())
    os.unlink(logs / "access.log.1")
    live.rename(logs / "access.log.1")
    write(live, [line(host, "/", when="2026-11-22T08:00:00+08:00")])
    ingest()
    ingest()
    assert SiteVisitDay.objects.get(site=site, day=DAY).page_views == 3
    assert SiteVisitDay.objects.get(site=site, day=datetime.date(2026, 11, 21)).page_views == 1
    assert SiteVisitDay.objects.get(site=site, day=datetime.date(2026, 11, 22)).page_views == 1
    assert AccessLogFile.objects.get(path__endswith=".gz").complete


def test_ops4_a_compressed_file_never_seen_before_is_read_whole(logs, site):
    host = site.primary_domain
    with gzip.open(logs / "access.log.3.gz", "wt", encoding="utf-8") as f:
        f.writelines([line(host, "/"), line(host, "/", agent=BAIDU)])
    write(logs / "access.log", [line(host, "/b.html")])
    ingest()
    ingest()
    assert pages(site) == {"/": (1, 1), "/b.html": (1, 0)}


def test_ops4_copytruncate_rotation_starts_the_live_file_again(logs, site):
    host = site.primary_domain
    live = logs / "access.log"
    write(live, [line(host, "/")])
    ingest()
    (logs / "access.log.1").write_bytes(live.read_bytes())  # copytruncate: a copy, then the file emptied
    write(live, [line(host, "/c.html", when="2026-11-20T11:00:00+08:00")], mode="w")
    ingest()
    assert pages(site) == {"/": (1, 0), "/c.html": (1, 0)}


def test_ops4_robots_by_their_browser_string():
    from monitoring.visits_parse import is_bot

    for agent in (BAIDU, "Sogou web spider/4.0", "curl/8.5.0", "python-requests/2.32", "-", "", "GovPlatformProbe/1.0",
                  "Mozilla/5.0 (compatible; bingbot/2.0)", "Bytespider", "HeadlessChrome/126.0"):  # fmt: skip
        assert is_bot(agent), agent
    for agent in (FIREFOX, CHROME, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5) AppleWebKit/605.1.15 MicroMessenger/8.0"):
        assert not is_bot(agent), agent


def test_ops4_unique_visitors_are_estimated_closely_and_merge_over_a_year(logs, site):
    sketch = empty_sketch()
    add_to_sketch(sketch, [f"10.0.{n // 256}.{n % 256}\t{FIREFOX}" for n in range(20000)], b"salt")
    assert abs(estimate(sketch) - 20000) < 20000 * 0.07
    host = site.primary_domain
    write(
        logs / "access.log",
        [
            line(host, "/", ip=f"192.0.2.{n}", when=f"2026-0{month}-10T09:00:00+08:00")
            for month in (3, 4)
            for n in range(30)
        ]
        + [line(host, "/", ip="192.0.2.200", when="2025-12-31T09:00:00+08:00")],
    )
    ingest()
    totals = year_totals(site, 2026)
    # 60 views over two days, but the same 30 visitors: the year counts them once.
    assert (totals.page_views, totals.unique_visitors, totals.days_counted) == (60, 30, 2)
    assert year_totals(site, 2025).page_views == 1


def test_ops4_queries_by_day_top_pages_and_columns(logs, site):
    column = ColumnFactory(site=site, slug="xwzx", name="新闻中心")
    host = site.primary_domain
    write(
        logs / "access.log",
        [line(host, "/xwzx/1.html")] * 5
        + [line(host, "/xwzx/2.html")] * 2
        + [line(host, "/")] * 3
        + [line(host, "/xwzx/2.html", when="2026-11-22T10:00:00+08:00")] * 4
        + [line(host, "/xwzx/3.html", agent=BAIDU)] * 50,
    )
    ingest()
    days = visits_by_day(site, DAY, DAY + datetime.timedelta(days=2))
    assert [(d.day.day, d.page_views, d.unique_visitors) for d in days] == [(20, 10, 1), (21, 0, 0), (22, 4, 1)]
    top = top_pages(site, DAY, DAY + datetime.timedelta(days=2), 2)
    assert [(p.path, p.page_views, p.column_name) for p in top] == [
        ("/xwzx/2.html", 6, "新闻中心"),
        ("/xwzx/1.html", 5, "新闻中心"),
    ]
    assert column_visits(site, DAY, DAY) == [(column, 7)]


def test_ops4_column_update_counts_and_resource_usage(site):
    user = UserFactory()
    news, notices = ColumnFactory(site=site, name="要闻"), ColumnFactory(site=site, name="通知公告")
    resource = Resource.objects.create(site=site, kind="article", title="一篇", creator=user)
    inside = timezone.make_aware(datetime.datetime(2026, 11, 3, 9))
    for when, action, column in [
        (inside, UsageRecord.Action.PLACE, news),
        (inside, UsageRecord.Action.ACCEPT, news),
        (inside, UsageRecord.Action.REMOVE, news),  # a removal is not an update
        (inside, UsageRecord.Action.PLACE, notices),
        (timezone.make_aware(datetime.datetime(2026, 12, 1, 0, 5)), UsageRecord.Action.PLACE, notices),  # after
    ]:
        UsageRecord.objects.create(
            resource=resource, column=column, column_name=column.name, site=site, action=action, actor=user, time=when
        )
    counts = column_update_counts(site, datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    assert [(c.name, n) for c, n in counts] == [("要闻", 2), ("通知公告", 1)]
    PublishedFile.objects.create(site=site, path="index.html", sha256="0" * 64, size=1000)
    PublishedFile.objects.create(site=site, path="yw/files/3-a.pdf", sha256="0" * 64, size=50000)
    usage = resource_usage(site)
    assert (usage["files"], usage["bytes"], usage["pages"], usage["other_bytes"]) == (2, 51000, 1, 50000)


def test_ops6_rotated_logs_older_than_six_months_are_purged_never_the_live_one(logs, site, settings):
    settings.MONITORING_LOG_RETENTION_DAYS = 30  # below six months: the floor holds
    assert retention_days() == 183
    host = site.primary_domain
    today = datetime.date(2026, 12, 6)
    old = datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC).timestamp()  # 219 days before
    recent = datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC).timestamp()  # 158 days before
    write(logs / "access.log", [line(host, "/")])
    with gzip.open(logs / "access.log.9.gz", "wt") as f:
        f.write(line(host, "/old.html", when="2026-04-30T10:00:00+08:00"))
    with gzip.open(logs / "access.log.8.gz", "wt") as f:
        f.write(line(host, "/kept.html", when="2026-06-30T10:00:00+08:00"))
    with gzip.open(logs / "access.log.10.gz", "wt") as f:  # old but never read: kept until counted
        f.write(line(host, "/unread.html", when="2026-04-29T10:00:00+08:00"))
    ingest()
    (logs / "access.log.11.gz").write_bytes((logs / "access.log.10.gz").read_bytes())
    os.unlink(logs / "access.log.10.gz")
    with gzip.open(logs / "access.log.10.gz", "wt") as f:
        f.write(line(host, "/unread2.html", when="2026-04-28T10:00:00+08:00"))
    for name, stamp in [
        ("access.log", old),
        ("access.log.9.gz", old),
        ("access.log.8.gz", recent),
        ("access.log.10.gz", old),
    ]:
        os.utime(logs / name, (stamp, stamp))
    os.utime(logs / "access.log.11.gz", (old, old))
    deleted = purge_access_logs(today)
    assert sorted(p.name for p in deleted) == ["access.log.11.gz", "access.log.9.gz"]
    assert sorted(os.listdir(logs)) == ["access.log", "access.log.10.gz", "access.log.8.gz"]


def test_ops4_alias_and_chinese_domains_count_for_their_site(logs, site):
    from sites.models import Domain

    Domain.objects.create(site=site, name="测试市.政务")
    Domain.objects.create(site=site, name="old.example.gov.cn")
    write(
        logs / "access.log",
        [
            line("测试市.政务".encode("idna").decode(), "/"),
            line("old.example.gov.cn", "/"),
            line(site.primary_domain, "/"),
        ],
    )
    ingest()
    assert SiteVisitDay.objects.get(site=site).page_views == 3
