"""The modules whose import registers the daily check's lines (monitoring/lines.py).

Each part of the app keeps its lines beside its own code; this list is the one place that says
which modules hold lines, so that the registry is complete once the apps are ready.
"""

import importlib

LINE_MODULES = (
    "monitoring.content_lines",  # home page, stale, long-unupdated and empty columns, mandatory kinds (OPS-1, COL-3, COL-8)
    "monitoring.letter_lines",  # consultations unanswered (OPS-1)
    "monitoring.availability",  # probes of the public home page and sampled pages (OPS-1)
    "monitoring.page_lines",  # meta tags, footer items, placeholders, wording, tampering (OPS-1)
    "monitoring.link_lines",  # broken and wrong links, friendly links (LINK-2, LINK-4)
    "monitoring.repost_lines",  # reposts within 12 hours (PUB-6)
)


def load() -> None:
    for name in LINE_MODULES:
        importlib.import_module(name)
