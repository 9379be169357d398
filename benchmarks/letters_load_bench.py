"""Load test of the letter form on the public process (INT-1): submissions per second, 0 errors.

    .venv/bin/python benchmarks/letters_load_bench.py [--duration 20] [--warmup 3] [--connections 64]

Uses a PostgreSQL database of its own (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/govbench_letters; created when missing and reused), migrates
it, creates (or reuses) a site with a primary domain, a 咨询投诉 column and a channel taking
anonymous letters, and starts gunicorn with 2 workers on 127.0.0.1 (a free port) serving the
public process (govplatform.wsgi, production settings: DEBUG off, no back-office host; only the
HTTPS redirect is off, as TLS ends at nginx).

Each of the 64 connections (a thread with its own http.client connection) does what a citizen
does, over and over: GET /interaction/write/<channel>/?check=text with the site's Host, reads the
CSRF cookie and field and the human check's token, answers the check from its text alternative
(a sum in Chinese words, as a person who cannot see the picture does), and POSTs the letter.

Nothing in the product is weakened. The human check is answered, not bypassed. The per-address
rate limit stays at its real value: the server trusts one proxy (AUDIT_TRUSTED_PROXIES=1, as behind
nginx in production) and every submission arrives from its own address in X-Forwarded-For
(10.x.y.z), as letters from many citizens do; the limit's bookkeeping is part of the cost measured.

A submission counts as done only when the receipt (信件已提交) comes back; any other status, a
form shown again (refused input, a failed check, a rate limit) or a socket error counts as an
error. Counted: the submissions finished inside the measured window (after the warm-up), and
every error after the warm-up, also of a submission finished after the window. Prints submissions/s, total,
errors, p50/p95 of the whole submission (GET + POST) and of the POST alone, the letters stored in
the database during the run, and os.getloadavg() beside them. The server is always stopped.
Exit status 1 on any error.
"""

import argparse
import http.client
import itertools
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
HOST = "127.0.0.1"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/govbench_letters"
DOMAIN = "letters.bench.gov.cn"
SERVER_START_TIMEOUT = 60
TIMEOUT = 120  # seconds a request may wait in the listen queue before it counts as an error
CHINESE_NUMBERS = "零一二三四五六七八九十"  # as core.humancheck writes its sums
TOKEN_RE = re.compile(r'name="check_token" value="([^"]+)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
QUESTION_RE = re.compile(r"请回答：(.)加(.)等于几")
LETTER = {
    "title": "小区门口路灯不亮",
    "body": "幸福路12号小区门口的路灯已经坏了两周，夜间出行不便，请有关部门尽快维修。",
    "writer_name": "",
    "writer_phone": "",
    "writer_email": "",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def ensure_database() -> str:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    server = dict(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"] or None
    )
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')
    return config["NAME"]


def prepare() -> int:
    """Migrate; the site, its 咨询投诉 column and an open channel taking anonymous letters (reused)."""
    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks.workload import column, make_site
    from interaction.models.letters import Channel, ChannelKind
    from sites.models import Domain

    call_command("migrate", verbosity=0)
    domain = Domain.objects.filter(name=DOMAIN).select_related("site").first()
    site = domain.site if domain else make_site("示例市信箱测试站", DOMAIN, "1399000016")
    channel = Channel.objects.filter(site=site, name="咨询").first()
    if channel is None:
        col = column(site, "zxts", "咨询投诉", channel=True)
        col.column_type = "咨询投诉"
        col.save(update_fields=["column_type"])
        channel = Channel(site=site, column=col, name="咨询", kind=ChannelKind.CONSULTATION, allows_anonymous=True)
        channel.full_clean()
        channel.save()
    elif not (channel.allows_anonymous and channel.is_open):
        Channel.objects.filter(pk=channel.pk).update(allows_anonymous=True, is_open=True)
    return channel.pk


def letters_stored(channel_id: int) -> int:
    from django.db import connection

    from interaction.models.letters import Letter

    connection.close()  # a fresh connection: the count after the workers' commits
    return Letter.objects.filter(channel_id=channel_id).count()


def wait_for(port: int, path: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with status {server.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", path, headers={"Host": DOMAIN})
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return
            sys.exit(f"the letter form answered {response.status}")
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer in time")


class Load:
    """The connections' shared state: addresses handed out, results, the clock."""

    def __init__(self, port: int, channel_id: int, warmup_end: float, end: float):
        self.port, self.path = port, f"/interaction/write/{channel_id}/"
        self.warmup_end, self.end = warmup_end, end
        self.numbers = itertools.count(1)
        self.lock = threading.Lock()
        self.results = []  # (ok, total seconds, post seconds, what went wrong)

    def address(self) -> str:
        with self.lock:
            n = next(self.numbers)
        return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def record(self, started: float, ok: bool, total: float, post: float, error: str = "") -> None:
        """Every submission finished inside the measured window, and every error after the warm-up."""
        finished = time.monotonic()
        inside = self.warmup_end <= finished <= self.end
        if inside or (not ok and started >= self.warmup_end):
            with self.lock:
                self.results.append((ok, total, post, error))

    def submit(self, conn: http.client.HTTPConnection) -> tuple[bool, float, str]:
        address = self.address()
        headers = {"Host": DOMAIN, "X-Forwarded-For": address, "User-Agent": "letters_load_bench"}
        conn.request("GET", self.path + "?check=text", headers=headers)
        response = conn.getresponse()
        page = response.read().decode()
        if response.status != 200:
            return False, 0.0, f"GET {response.status}"
        cookies = [value.split(";", 1)[0] for name, value in response.getheaders() if name.lower() == "set-cookie"]
        token, csrf, question = TOKEN_RE.search(page), CSRF_RE.search(page), QUESTION_RE.search(page)
        if not (token and csrf and question and cookies):
            return False, 0.0, "form without its tokens"
        answer = CHINESE_NUMBERS.index(question.group(1)) + CHINESE_NUMBERS.index(question.group(2))
        body = urllib.parse.urlencode(
            {**LETTER, "csrfmiddlewaretoken": csrf.group(1), "check_token": token.group(1), "check_answer": answer}
        )
        posted = time.monotonic()
        conn.request("POST", self.path, body=body, headers={
            **headers, "Cookie": "; ".join(cookies), "Content-Type": "application/x-www-form-urlencoded",
        })  # fmt: skip
        response = conn.getresponse()
        page = response.read().decode()
        post = time.monotonic() - posted
        if response.status != 200:
            return False, post, f"POST {response.status}"
        if "信件已提交" not in page:
            return False, post, "form shown again"
        return True, post, ""

    def connection(self) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        while time.monotonic() < self.end:
            started = time.monotonic()
            try:
                ok, post, error = self.submit(conn)
            except (OSError, http.client.HTTPException) as problem:
                ok, post, error = False, 0.0, type(problem).__name__
                conn.close()
                conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
            self.record(started, ok, time.monotonic() - started, post, error)
        conn.close()


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=20, help="seconds measured (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before measuring (default 3)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    if not 1 <= args.duration <= 300 or not 0 <= args.warmup <= 60:
        sys.exit("--duration must be 1–300 s and --warmup 0–60 s")

    folder = Path(tempfile.mkdtemp(prefix="letters-load-"))
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    if not env["DATABASE_URL"].startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database")
    env.update(
        DJANGO_SETTINGS_MODULE="govplatform.settings",
        VAR_DIR=str(folder),
        SECRET_KEY=secrets.token_urlsafe(64),
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        BACKOFFICE_HOSTS="",  # the public process: no back-office host at all (SEC-3)
        AUDIT_TRUSTED_PROXIES="1",  # behind one proxy, as behind nginx: each citizen's own address
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",  # no writer's e-mail is given anyway
        PYTHONPATH=str(REPO),
    )
    os.environ.update(env)
    server = None
    try:
        print(f"database: PostgreSQL ({ensure_database()}); "
              f"cache: {'Redis' if env.get('REDIS_URL') else 'locmem (per worker)'}")  # fmt: skip
        channel_id = prepare()
        before = letters_stored(channel_id)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "govplatform.wsgi", "--bind", f"{HOST}:{port}",
             "--workers", str(args.workers), "--log-level", "warning"],
            cwd=REPO, env=env, start_new_session=True,
        )  # fmt: skip
        wait_for(port, f"/interaction/write/{channel_id}/", server)
        start = time.monotonic()
        load = Load(port, channel_id, start + args.warmup, start + args.warmup + args.duration)
        threads = [threading.Thread(target=load.connection, daemon=True) for _ in range(args.connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.warmup + args.duration + 120)
        load_average = os.getloadavg()
        stored = letters_stored(channel_id) - before
        done = [r for r in load.results if r[0]]
        errors = [r for r in load.results if not r[0]]
        totals, posts = [r[1] * 1000 for r in done], [r[2] * 1000 for r in done]
        kinds = {}
        for error in errors:
            kinds[error[3]] = kinds.get(error[3], 0) + 1
        print(
            f"{len(done) / args.duration:.1f} submissions/s over {args.duration} s after {args.warmup} s of warm-up; "
            f"{args.connections} connections, gunicorn {args.workers} workers\n"
            f"total {len(done)} letters received, {len(errors)} errors {kinds or ''}\n"
            f"submission (GET form + POST) p50 {percentile(totals, 0.5):.0f} ms, p95 {percentile(totals, 0.95):.0f} ms; "
            f"POST alone p50 {percentile(posts, 0.5):.0f} ms, p95 {percentile(posts, 0.95):.0f} ms"
            + (f", mean {statistics.fmean(posts):.0f} ms" if posts else "")
            + f"\nletters stored during the run (warm-up included): {stored}\n"
            f"load average {load_average[0]:.2f} {load_average[1]:.2f} {load_average[2]:.2f} "
            f"on {os.cpu_count()} CPUs"
        )
        return 0 if done and not errors else 1
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
