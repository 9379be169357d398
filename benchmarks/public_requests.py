"""Cost of one public request in-process: milliseconds and SQL queries per published page (PUB-8).

    .venv/bin/python benchmarks/public_requests.py [--requests 500] [--articles 200]

Builds the reference workload (benchmarks.workload, 200 articles by default) and publishes it,
as benchmarks/public_load.py does (a fresh SQLite database under a temporary folder, or the
PostgreSQL database of DATABASE_URL; REDIS_URL, when set, is the shared cache of the host
cache's version), then calls Django's WSGI handler directly, as gunicorn does, with the
production settings (DEBUG off): no server, no sockets, so the figures are the process's own
work per request. Every response is read to its end.

Two passes over the same article page:

- `without host cache`: the public views resolve the Host with `sites.resolve.site_for_host`
  (the code before the host cache: the site, its domains and its redirects from the database
  on every request);
- `with host cache`: `sites.host_cache` as deployed: the first request loads the host, every
  later one reads only the cache's version.

For each: the queries of the first request and of the following ones, and the mean, median and
99th percentile of the time per request. On a machine that other work keeps busy the times
vary; the query counts do not.
"""

import argparse
import io
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def environ(host: str, path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": host,
        "HTTP_USER_AGENT": "public_requests",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def measure(handler, host: str, path: str, requests: int) -> dict:
    from django.db import connection

    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    statuses, times, counts = set(), [], []

    def start_response(status, headers, exc_info=None):
        statuses.add(status.split()[0])

    with connection.execute_wrapper(count):
        for _ in range(requests):
            queries[0] = 0
            started = time.perf_counter()
            result = handler(environ(host, path), start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
            times.append((time.perf_counter() - started) * 1000)
            counts.append(queries[0])
            assert body, "empty response"
    if statuses != {"200"}:
        sys.exit(f"unexpected status {statuses} for http://{host}{path}")
    warm = times[1:] or times
    warm_sorted = sorted(warm)
    return {
        "first_queries": counts[0],
        "queries": statistics.mean(counts[1:] or counts),
        "first_ms": times[0],
        "mean_ms": statistics.mean(warm),
        "median_ms": statistics.median(warm),
        "p99_ms": warm_sorted[min(len(warm_sorted) - 1, int(len(warm_sorted) * 0.99))],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=500, help="requests per pass (default 500)")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if not 2 <= args.requests <= 100_000:
        sys.exit("--requests must be between 2 and 100000")

    folder = Path(tempfile.mkdtemp(prefix="public-requests-"))
    os.environ.pop("DEBUG", None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="govplatform.settings",
        VAR_DIR=str(folder),
        SECRET_KEY=secrets.token_urlsafe(64),
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        BACKOFFICE_HOSTS="",  # the public process (SEC-3)
    )
    try:
        from benchmarks.public_load import ensure_database, prepare

        print(f"database: {ensure_database()}; cache: {'Redis' if os.environ.get('REDIS_URL') else 'locmem'}")
        page = prepare(args.articles)
        print(f"published {page['files']} files; page http://{page['host']}{page['path']} ({page['size']} bytes)")

        from django.core.handlers.wsgi import WSGIHandler

        from public import views as public_views

        handler = WSGIHandler()
        cached = public_views.site_for_host
        try:
            from sites import host_cache, resolve
        except ImportError:  # the code before the host cache
            host_cache = None
            from sites import resolve
        passes = [("without host cache", resolve.site_for_host)]
        if host_cache is not None:
            passes.append(("with host cache", host_cache.site_for_host))
        measure(handler, page["host"], page["path"], 20)  # imports, templates, connection: not counted
        print(f"{args.requests} requests per pass, load average {os.getloadavg()[0]:.1f}")
        print(f"{'':20} {'queries 1st':>11} {'queries':>8} {'1st ms':>8} {'mean ms':>8} {'median':>8} {'p99 ms':>8}")
        for name, resolver in passes:
            public_views.site_for_host = resolver
            if host_cache is not None:
                host_cache.hosts.clear()
            row = measure(handler, page["host"], page["path"], args.requests)
            print(
                f"{name:20} {row['first_queries']:>11} {row['queries']:>8.1f} {row['first_ms']:>8.2f} "
                f"{row['mean_ms']:>8.2f} {row['median_ms']:>8.2f} {row['p99_ms']:>8.2f}"
            )
        public_views.site_for_host = cached
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
