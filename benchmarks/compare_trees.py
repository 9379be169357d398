"""Before/after comparison of two checkouts: publish_bench.py and search_bench.py, interleaved.

    git worktree add --detach /work/before <commit>      # the "before" tree, once
    .venv/bin/python benchmarks/compare_trees.py --before /work/before --after /work/main [--rounds 3]

Runs R rounds in the order before, after | after, before | before, after ... (A,B,B,A), each
bench as a `nice -n 10` subprocess with cwd = that tree, the tree's own copy of the script and
PYTHONPATH = the tree, so each side imports its own packages (checked before the first round).
Each tree and bench gets its own PostgreSQL database (govbench_cmp_<side>_<bench>, dropped and
created fresh at the start, dropped at the end unless --keep-databases) and its own VAR_DIR,
PUBLISH_ROOT and MEDIA_ROOT under --work-dir. REDIS_URL is removed: a shared Redis cache would
mix the two trees' entries. Full outputs go to <work-dir>/logs/.
Smoke test: --rounds 1 --publish-args "--quick --pairs 3 --incremental-runs 2"
--search-args "--articles 1000 --runs 1".
Prints each figure with the 1-minute load average at the start -> end of its subprocess, then
per-figure medians for each tree and the median of per-round ratios after/before (pages/s:
higher is better; ms: lower is better).
"""

import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

SIDES = ("before", "after")
PUBLISH_DEFAULT = "--articles 10000 --pairs 3 --incremental-runs 5"
SEARCH_DEFAULT = "--articles 10000 --runs 1"
# figure name -> (bench, regex on the bench's output; group 1 is the value)
FIGURES = {
    "cold rebuild pages/s": ("publish", r"^median: (\d+(?:\.\d+)?) pages/s"),
    "warm rebuild pages/s": ("publish", r"^warm rebuild .*= (\d+(?:\.\d+)?) pages/s"),
    "incr. publish col 10 median ms": ("publish", r"column of\s+10:.*\n\s+median (\d+(?:\.\d+)?) ms"),
    "incr. publish col 10,000 median ms": ("publish", r"column of\s+10,000:.*\n\s+median (\d+(?:\.\d+)?) ms"),
    "site search p50 ms": ("search", r"^\s*site search: .*?p50 (\d+(?:\.\d+)?) ms"),
    "site search p95 ms": ("search", r"^\s*site search: .*?p95 (\d+(?:\.\d+)?) ms"),
    "platform search p50 ms": ("search", r"^\s*platform-wide search[^:]*: .*?p50 (\d+(?:\.\d+)?) ms"),
    "platform search p95 ms": ("search", r"^\s*platform-wide search[^:]*: .*?p95 (\d+(?:\.\d+)?) ms"),
}


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def database_url(pg: str, side: str, bench: str) -> str:
    return f"{pg.rstrip('/')}/govbench_cmp_{side}_{bench}"


def pg_cli(cmd: str, pg: str, name: str) -> None:
    """createdb/dropdb on the server of --pg (trust auth: no password)."""
    u = urlparse(pg)
    args = [cmd, "-h", u.hostname or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres"]
    quiet = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}  # no "does not exist, skipping"
    subprocess.run(args + (["--if-exists"] if cmd == "dropdb" else []) + [name], check=True, env=quiet)


def environment(tree: Path, side: str, bench: str, args) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    var = Path(args.work_dir, side)
    env.update(
        DATABASE_URL=database_url(args.pg, side, bench),
        PYTHONPATH=str(tree),
        VAR_DIR=str(var / "var"),
        PUBLISH_ROOT=str(var / "publish"),
        MEDIA_ROOT=str(var / "media"),
        PYTHONUNBUFFERED="1",
    )
    return env


def check_imports(tree: Path, side: str, args) -> None:
    """Each side must import its own packages, not the editable install's (/work/main)."""
    code = "import govplatform, publishing, search; print(govplatform.__file__, publishing.__file__, search.__file__)"
    out = subprocess.run([args.python, "-c", code], cwd=tree, env=environment(tree, side, "publish", args),
                         capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    print(f"{side}: {tree} imports {' '.join(out)}")
    if not all(Path(p).resolve().is_relative_to(tree.resolve()) for p in out):
        sys.exit(f"{side}: packages are not imported from {tree}")


def run(tree: Path, side: str, bench: str, round_no: int, args) -> tuple[str, str, str]:
    """One bench in one tree; returns (output, load at start, load at end)."""
    extra = shlex.split(args.publish_args if bench == "publish" else args.search_args)
    cmd = ["nice", "-n", "10", args.python, str(tree / "benchmarks" / f"{bench}_bench.py"), *extra]
    start, started = load(), time.perf_counter()
    proc = subprocess.run(cmd, cwd=tree, env=environment(tree, side, bench, args), capture_output=True, text=True)
    end = load()
    log = Path(args.work_dir, "logs", f"round{round_no}-{side}-{bench}.log")
    log.write_text(f"$ {shlex.join(cmd)}\n{proc.stdout}\n--- stderr ---\n{proc.stderr}")
    print(f"  [{side}] {bench}_bench: exit {proc.returncode} in {time.perf_counter() - started:.0f} s; log {log}")
    if proc.returncode != 0:
        print("    " + "\n    ".join(proc.stderr.strip().splitlines()[-8:]))
    return proc.stdout, start, end


def parse(bench: str, output: str) -> dict[str, float | None]:
    out = {}
    for name, (which, pattern) in FIGURES.items():
        if which == bench:
            found = re.search(pattern, output, re.MULTILINE)
            out[name] = float(found.group(1)) if found else None
    return out


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}" if value < 10 else f"{value:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--publish-args", default=PUBLISH_DEFAULT, help=f"default: {PUBLISH_DEFAULT!r}")
    parser.add_argument("--search-args", default=SEARCH_DEFAULT, help=f"default: {SEARCH_DEFAULT!r}")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL, no database")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the benches (the shared venv)")
    parser.add_argument("--work-dir", default="/tmp/compare_trees", help="VAR_DIR, PUBLISH_ROOT, logs")
    parser.add_argument("--keep-databases", action="store_true")
    args = parser.parse_args()
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    Path(args.work_dir, "logs").mkdir(parents=True, exist_ok=True)
    for side, tree in trees.items():
        check_imports(tree, side, args)
    databases = [f"govbench_cmp_{side}_{bench}" for side in SIDES for bench in ("publish", "search")]
    for name in databases:  # the same fresh start for both sides
        pg_cli("dropdb", args.pg, name)
        pg_cli("createdb", args.pg, name)

    results = {side: [] for side in SIDES}  # per round: {figure: value}
    try:
        for round_no in range(1, args.rounds + 1):
            order = SIDES if round_no % 2 else SIDES[::-1]  # A,B | B,A | A,B ...
            print(f"\n== round {round_no}: {' then '.join(order)} (load {load()}) ==", flush=True)
            for side in order:
                figures = {}
                for bench in ("publish", "search"):
                    output, start, end = run(trees[side], side, bench, round_no, args)
                    for name, value in parse(bench, output).items():
                        figures[name] = value
                        print(f"    {side:6s} {name:36s} {fmt(value):>9s}   load {start} -> {end}", flush=True)
                results[side].append(figures)
    finally:
        if not args.keep_databases:
            for name in databases:
                pg_cli("dropdb", args.pg, name)

    print(f"\n== summary over {len(results['after'])} round(s): medians; ratio = median of per-round after/before ==")
    print(f"{'figure':36s} {'before':>9s} {'after':>9s} {'ratio':>7s}")
    for name in FIGURES:
        before = [r.get(name) for r in results["before"]]
        after = [r.get(name) for r in results["after"]]
        ratios = [a / b for b, a in zip(before, after, strict=True) if a is not None and b]
        ratio = f"{median(ratios):.3f}" if ratios else "n/a"
        print(f"{name:36s} {fmt(median(before)):>9s} {fmt(median(after)):>9s} {ratio:>7s}")
    print(f"(load average at the end {load()} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
