"""OPS-1 availability: probes of the public home page and sampled pages, and the line over 7 days.

The probes go to a local test server on 127.0.0.1 (MONITORING_PROBE_BASE), which answers by Host
header like the public process: a quick page, a slow one, a trickled one, an error, a redirect.
The time limit is shortened to 0.4 s so that "slow" needs no 15-second wait.
"""

import datetime
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from monitoring.availability import HomePageAvailability, probe_sites
from monitoring.lines import CheckContext, State
from monitoring.models import Probe, ProbeFailure
from publishing.models import PublishedFile
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

# What the test server does for each host: "ok", "slow", "trickle", "error", "redirect".
BEHAVIOUR: dict[str, str] = {}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        try:
            self.answer()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the prober gave up on a slow answer

    def answer(self):
        host = self.headers.get("Host", "")
        behaviour = BEHAVIOUR.get(host, "ok")
        self.server.seen.append((host, self.path, self.headers.get("User-Agent")))
        if behaviour == "error":
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if behaviour == "redirect" and self.path == "/":
            self.send_response(302)
            self.send_header("Location", "/index.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if behaviour == "slow":
            time.sleep(0.8)
        body = "<html><body>首页</body></html>".encode() * 50
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if behaviour == "trickle":
            # Headers at once, then the page a piece at a time: each read is quick, the whole is slow.
            for start in range(0, len(body), len(body) // 8):
                self.wfile.write(body[start : start + len(body) // 8])
                self.wfile.flush()
                time.sleep(0.1)
            return
        self.wfile.write(body)


@pytest.fixture
def server(settings):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.seen = []
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    settings.MONITORING_PROBE_BASE = f"http://127.0.0.1:{httpd.server_port}"
    settings.MONITORING_PROBE_TIMEOUT = 0.4
    BEHAVIOUR.clear()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_ops1_probe_opens_home_and_a_sampled_page_through_the_public_address(server):
    site = SiteFactory()
    PublishedFile.objects.create(site=site, path="index.html", sha256="0" * 64, size=10)
    PublishedFile.objects.create(site=site, path="zwgk/12.html", sha256="0" * 64, size=10)
    probes = probe_sites([site], samples=1, seed=1)
    assert {(p.is_home, p.path, p.opened) for p in probes} == {(True, "", True), (False, "zwgk/12.html", True)}
    assert all(p.status_code == 200 and p.elapsed_ms is not None for p in probes)
    # The site's own domain is the Host header, and the prober says it is a robot.
    assert {(host, path) for host, path, _ua in server.seen} == {
        (site.primary_domain, "/"),
        (site.primary_domain, "/zwgk/12.html"),
    }
    assert all("GovPlatformProbe" in ua for _h, _p, ua in server.seen)


@pytest.mark.parametrize(
    ("behaviour", "failure"),
    [("slow", ProbeFailure.TIMEOUT), ("trickle", ProbeFailure.TIMEOUT), ("error", ProbeFailure.HTTP_ERROR)],
)
def test_ops1_slow_trickled_and_failing_answers_are_not_opened(server, behaviour, failure):
    site = SiteFactory()
    BEHAVIOUR[site.primary_domain] = behaviour
    [home] = probe_sites([site], samples=0)
    assert (home.opened, home.failure) == (False, failure)


def test_ops1_redirect_is_followed_and_unreachable_server_fails(server, settings):
    site = SiteFactory()
    BEHAVIOUR[site.primary_domain] = "redirect"
    [home] = probe_sites([site], samples=0)
    assert home.opened and home.status_code == 200
    server.shutdown()
    server.server_close()
    [down] = probe_sites([site], samples=0)
    assert (down.opened, down.failure) == (False, ProbeFailure.CONNECTION)


def _record(site, day, total, failed, *, per_day=True):
    """`total` home-page probes spread over `day`, the first `failed` of them not opened."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 10)))
    rows = []
    for n in range(total):
        ok = n >= failed
        rows.append(
            Probe(
                site=site, is_home=True, url=f"https://{site.primary_domain}/",
                started_at=start + datetime.timedelta(minutes=30 * n), opened=ok,
                elapsed_ms=300 if ok else None, status_code=200 if ok else None,
                failure="" if ok else ProbeFailure.TIMEOUT,
            )
        )  # fmt: skip
    Probe.objects.bulk_create(rows)


def _week(site, today, failures_total, per_day=48):
    """7 days of probes before `today` with `failures_total` failures spread over the first days."""
    left = failures_total
    for n in range(1, 8):
        failed = min(left, per_day)
        _record(site, today - datetime.timedelta(days=n), per_day, failed)
        left -= failed


def _measure(site, today):
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(6)))
    line = HomePageAvailability()
    measurement = line.measure(site, CheckContext(today=today, now=now))
    return line, measurement


@pytest.mark.parametrize(
    ("failures", "state"),
    [
        (0, State.OK),
        (6, State.OK),  # 6 / 336 = 1.79%: just below the warning
        (7, State.WARNING),  # 2.08%: at the warning
        (16, State.WARNING),  # 4.76%: just below the veto line
        (17, State.VETO),  # 5.06%: across the line ("5% or more")
    ],
)
def test_ops1_share_of_home_page_probes_not_opened_over_7_days(failures, state):
    site = SiteFactory()
    today = datetime.date(2026, 12, 6)
    _week(site, today, failures)
    line, m = _measure(site, today)
    assert m.value == round(100 * failures / 336, 2)
    assert line.state_of(m.value) == state
    assert len(m.offenders) == failures
    assert "336" in m.note


def test_ops1_exactly_5_percent_fails_the_veto_line():
    site = SiteFactory()
    today = datetime.date(2026, 12, 6)
    for n in range(1, 8):
        _record(site, today - datetime.timedelta(days=n), 20, 1)  # 7 of 140 = 5.00%
    line, m = _measure(site, today)
    assert m.value == 5.0 and line.state_of(m.value) == State.VETO


def test_ops1_fewer_than_20_probes_on_a_day_cannot_be_computed():
    """19 probes on one day: the rule's minimum is not met, so the share is never 'passed'."""
    site = SiteFactory()
    today = datetime.date(2026, 12, 6)
    for n in range(1, 8):
        _record(site, today - datetime.timedelta(days=n), 19 if n == 3 else 20, 0)
    line, m = _measure(site, today)
    assert m.value is None and line.state_of(m.value) == State.UNKNOWN
    assert "12-03" in m.note


def test_ops1_probes_outside_the_window_and_of_other_sites_do_not_count():
    site, other = SiteFactory(), SiteFactory()
    today = datetime.date(2026, 12, 6)
    _week(site, today, 0, per_day=20)
    _record(site, today, 20, 20)  # today: not a full day yet, not in the window
    _record(site, today - datetime.timedelta(days=8), 20, 20)  # before the window
    _week(other, today, 140, per_day=20)
    _line, m = _measure(site, today)
    assert m.value == 0.0 and m.offenders == []


def test_ops1_offenders_name_the_time_the_page_and_the_error_in_words():
    site = SiteFactory()
    today = datetime.date(2026, 12, 6)
    _week(site, today, 1, per_day=20)
    Probe.objects.create(
        site=site, path="zwgk/12.html", is_home=False, url="https://x/zwgk/12.html", opened=False,
        started_at=timezone.make_aware(datetime.datetime(2026, 12, 4, 9, 30)), status_code=503,
        failure=ProbeFailure.HTTP_ERROR,
    )  # fmt: skip
    _line, m = _measure(site, today)
    assert m.value == round(100 / 140, 2)  # the sampled page is listed, not counted
    home, sampled = m.offenders
    assert home.label == "Home page" and "2026-12-05 00:10" in home.detail and "15 seconds" in home.detail
    assert sampled.label == "zwgk/12.html" and "2026-12-04 09:30" in sampled.detail and "503" in sampled.detail


def test_ops1_the_beat_task_probes_monitored_sites_only(server):
    """Offline by approval, closed or archived sites are not probed (they get no alerts either)."""
    from monitoring.availability import probe_monitored_sites
    from sites.models import SiteStatus

    online, migrating = SiteFactory(), SiteFactory(status=SiteStatus.MIGRATING)
    SiteFactory(status=SiteStatus.OFFLINE)
    SiteFactory(status=SiteStatus.CLOSED)
    SiteFactory(archived_at=timezone.now())
    assert probe_monitored_sites() == 2
    assert set(Probe.objects.values_list("site_id", flat=True)) == {online.pk, migrating.pk}


def test_ops1_probes_are_kept_a_year_then_purged():
    from monitoring.availability import purge_probes

    site = SiteFactory()
    today = datetime.date(2026, 12, 6)
    _record(site, today - datetime.timedelta(days=401), 2, 0)
    _record(site, today - datetime.timedelta(days=399), 3, 0)
    assert purge_probes(today) == 2
    assert Probe.objects.count() == 3


def test_ops1_a_chinese_primary_domain_is_asked_for_in_punycode(server):
    from sites.models import Domain

    site = SiteFactory()
    Domain.objects.filter(site=site).update(name="测试市.政务")
    [home] = probe_sites([site], samples=0)
    assert home.opened
    assert server.seen[0][0] == "测试市.政务".encode("idna").decode()
