"""The page lines of the daily check (monitoring/page_lines.py: meta tags, footer items, placeholders,
wording, sensitive words, tampering) over published sites: a first scan (every file read) and the
next day's (nothing changed: no file read), per site and projected to 100 sites.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govbench_pages .venv/bin/python benchmarks/page_lines_bench.py
    ... --sites 5 --pages 1000 --words 2000

Builds and publishes the sites as benchmarks/monitoring_check_bench.py does (12 columns, --pages
articles each), puts --words words on the wrong-wording and sensitive-word lists (the list is
one Aho-Corasick automaton: its length should hardly matter), then measures every page line of every site
with a fresh run context, twice. Prints seconds with the load average beside them.
"""

import argparse
import datetime as dt
import os
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/govbench_pages")
# Its own folder: benchmarks/monitoring_check_bench.py publishes the same domains under var/bench/publish.
os.environ.setdefault("PUBLISH_ROOT", str(Path(__file__).resolve().parents[1] / "var" / "bench" / "pages_publish"))
from benchmarks import monitoring_check_bench, publish_bench  # noqa: E402

PAGE_LINES = ("page_meta_tags", "page_footer_items", "page_placeholders", "page_wrong_wording",
              "page_sensitive_words", "page_tampering")  # fmt: skip


COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性"
    "好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第"
    "向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管"
    "特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处"
    "府务县镇街乡市省委局办厅室会议通知公告政策文件工作动态服务信息公开依申请监督检查安全发展改革"
)


def word_lists(count: int) -> None:
    """`count` words of 2 to 4 common characters (half wrong wordings): words of the pages' own
    characters, so that the automaton meets many beginnings of words, as real lists make it."""
    import random

    from editorial.models import CheckedWord, WordList

    pick = random.Random(1)
    texts: set[str] = set()
    while len(texts) < count:
        texts.add("".join(pick.choice(COMMON) for _ in range(pick.randint(2, 4))))
    CheckedWord.objects.all().delete()
    CheckedWord.objects.bulk_create(
        CheckedWord(
            list=WordList.WRONG_WORDING if n % 2 else WordList.SENSITIVE,
            text=text,
            suggestion="正确的表述" if n % 2 else "",
        )  # fmt: skip
        for n, text in enumerate(sorted(texts))
    )


def check(sites) -> tuple[float, int, int, dict]:
    from django.utils import timezone

    from monitoring.lines import REGISTRY, CheckContext
    from monitoring.page_lines import site_scan

    begun = time.perf_counter()
    files = read = 0
    values: dict[str, float] = {}
    for site in sites:
        context = CheckContext(today=dt.date.today(), now=timezone.now())
        for key in PAGE_LINES:
            measurement = REGISTRY[key].measure(site, context)
            values[key] = values.get(key, 0) + (measurement.value or 0)
        scan = site_scan(site, context)
        files += scan.files
        read += scan.read
    return time.perf_counter() - begun, files, read, values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=5)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--reuse", action="store_true", help="check the sites an earlier run built and published")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=RuntimeWarning)  # the workload's naive dates, thousands of them
    publish_bench.setup()

    from monitoring.models import PageScan

    started = time.perf_counter()
    if args.reuse:
        from sites.models import Site

        sites = list(Site.objects.filter(domains__name__startswith="www.mon").order_by("pk")[: args.sites])
    else:
        import shutil

        from django.conf import settings

        # Files of an earlier run's sites (other ids, same domains) would be files nobody published.
        for n in range(args.sites):
            shutil.rmtree(Path(settings.PUBLISH_ROOT) / f"www.mon{n:03d}.gov.cn", ignore_errors=True)
        sites = monitoring_check_bench.build(args.sites, args.pages, True)
        print(
            f"built and published {len(sites)} sites x {args.pages} articles in {time.perf_counter() - started:.1f} s"
        )
    word_lists(args.words)
    PageScan.objects.filter(site__in=sites).delete()
    for label in ("first scan (every file read)", "next day (nothing changed)"):
        before = publish_bench.machine()
        seconds, files, read, values = check(sites)
        per_site = seconds / len(sites)
        print(f"{label}: {len(sites)} sites, {files} files, {read} read, {seconds:.2f} s "
              f"({per_site * 1000:.0f} ms a site; 100 sites ~ {per_site * 100:.1f} s) {before} {publish_bench.machine()}")  # fmt: skip
        print("  " + ", ".join(f"{key} {value:g}" for key, value in values.items()))


if __name__ == "__main__":
    main()
