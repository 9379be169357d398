"""Load test of the public process: gunicorn (2 workers) serving a published article to wrk.

    .venv/bin/python benchmarks/public_load.py [--duration 30] [--connections 64] [--articles 1000]

Builds the reference workload (shared/bench, 1,000 articles by default) in a fresh SQLite
database under a temporary folder, or in the PostgreSQL database of DATABASE_URL (created when
missing; production's setting), publishes it, starts
gunicorn with the production settings (DEBUG off; only the HTTPS redirect is off, as TLS ends at
nginx) on 127.0.0.1, drives `wrk` for 30 s with 64 connections against one article page with the
site's Host header, stops the server and prints requests/s, latency and errors. With REDIS_URL
the workers use Redis as production does (one GET per request: the host cache's version). The run fails
(exit status 1) on any socket error or non-2xx response. Loopback only, bounded in time.
`wrk` is installed with apt-get when missing (as root).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
HOST = "127.0.0.1"
SERVER_START_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "wrk"],
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is not installed (apt-get install wrk)")
    return found


def ensure_database() -> str:
    """Create the PostgreSQL database of DATABASE_URL when it does not exist; returns a description."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return "SQLite (embedded default)"
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    server = dict(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"], password=config["PASSWORD"] or None
    )
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')
    return f"PostgreSQL ({config['NAME']})"


def prepare(articles: int) -> dict:
    """Migrate, build the workload, publish it; returns the Host and the path of one article."""
    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks.workload import load_reference
    from publishing.models import PublishedFile
    from publishing.publisher import publish_site

    call_command("migrate", verbosity=0)
    site = load_reference(articles)
    report = publish_site(site.pk, strict=False)
    pages = PublishedFile.objects.filter(site=site, path__regex=r"/[0-9]+\.html$").order_by("path")
    article = pages[len(pages) // 2]
    return {"host": site.primary_domain, "path": "/" + article.path, "size": article.size, "files": len(report.written)}


def wait_for(url: str, host: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Host": host}), timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer in time")


def parse_wrk(output: str) -> dict:
    def number(pattern, default="0"):
        match = re.search(pattern, output)
        return match.group(1) if match else default

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    socket_errors = sum(int(n) for n in errors.groups()) if errors else 0
    return {
        "requests": int(number(r"(\d+) requests in")),
        "requests_per_second": float(number(r"Requests/sec:\s+([\d.]+)")),
        "latency_p50": number(r"(?m)^\s+50%\s+(\S+)", "?"),
        "latency_p99": number(r"(?m)^\s+99%\s+(\S+)", "?"),
        "non_2xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": socket_errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=30, help="seconds of load (default 30)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if not 1 <= args.duration <= 300:
        sys.exit("--duration must be between 1 and 300 seconds")
    wrk = ensure_wrk()

    folder = Path(tempfile.mkdtemp(prefix="public-load-"))
    # REDIS_URL stays: the workers share the host cache's version through it, as in production.
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(
        DJANGO_SETTINGS_MODULE="govplatform.settings",
        VAR_DIR=str(folder),
        SECRET_KEY=secrets.token_urlsafe(64),
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        BACKOFFICE_HOSTS="",  # the public process: no back-office host at all (SEC-3)
        PYTHONPATH=str(REPO),
    )
    os.environ.update(env)
    server = None
    try:
        started = time.perf_counter()
        print(f"database: {ensure_database()}; cache: {'Redis' if env.get('REDIS_URL') else 'locmem (per worker)'}")
        page = prepare(args.articles)
        print(f"published {page['files']} files in {time.perf_counter() - started:.1f} s; "
              f"target http://{page['host']}{page['path']} ({page['size']} bytes)")  # fmt: skip
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "govplatform.wsgi", "--bind", f"{HOST}:{port}",
             "--workers", str(args.workers), "--log-level", "warning"],
            cwd=REPO, env=env, start_new_session=True,
        )  # fmt: skip
        url = f"http://{HOST}:{port}{page['path']}"
        wait_for(url, page["host"], server)
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Host": page["host"]}), timeout=5) as response:
            headers = dict(response.headers)
        assert "Content-Security-Policy" in headers, "the public page has no Content-Security-Policy"
        result = subprocess.run(
            [wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
             "-H", f"Host: {page['host']}", url],
            capture_output=True, text=True, timeout=args.duration + 60,
        )  # fmt: skip
        print(result.stdout)
        if result.returncode != 0:
            print(result.stderr, file=sys.stderr)
            return 1
        figures = parse_wrk(result.stdout)
        figures.update(duration=args.duration, connections=args.connections, workers=args.workers)
        print(json.dumps(figures, indent=1))
        ok = figures["requests"] > 0 and figures["non_2xx"] == 0 and figures["socket_errors"] == 0
        print(
            f"{figures['requests_per_second']:.0f} requests/s, p50 {figures['latency_p50']}, "
            f"p99 {figures['latency_p99']}, {figures['non_2xx']} non-2xx, {figures['socket_errors']} socket errors"
            + ("" if ok else "  <-- FAILED")
        )
        return 0 if ok else 1
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
