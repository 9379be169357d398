"""The public listings of letters (INT-2), published as static pages through the publisher's
extension point (publishing/extensions.py), registered from interaction/apps.py:

- the index page of every column holding a channel (互动交流 kind): the channel's published
  letters, newest first (20), each with its received date, reply date, replying department and
  question, linking to its reply page; a 写信 link to each channel's form on the public process
  (/interaction/write/<channel id>/) and a link to the statistics. Such a column is shown even
  without a published letter (it has its form);
- numbered pages `<column>/_letters/page-N.html`, numbered from the oldest published letter so
  that a number keeps its letters (like the columns' own numbered pages);
- one reply page per published letter `<column>/_letters/<id>.html`: a normal page of the site
  (meta tags, header, footer) with the question, the writer masked or 匿名, the dates, the replying
  department and the answer;
- the site's statistics `_letters/stats.html` (interaction/letter_stats.py).

A full rebuild reads the site's channels and its published letters in two queries, and the
statistics in one. Incremental publishing: the letters' actions (interaction/letters.py) report
the channel's column in the change feed (`column_lists`); `affected` then draws again that
column's list pages and the statistics, draws the reply pages not published yet, and deletes the
reply and list pages that no longer exist.
"""

from __future__ import annotations

import re

from core.masking import mask_name
from interaction.letter_stats import site_statistics
from interaction.models.letters import Channel, ChannelKind, Letter
from publishing import dependencies
from publishing.extensions import PageProvider, SitePages
from publishing.jinja import day, pubdate
from publishing.sitedata import PAGE_SIZE

KEY_KIND = "letters"
FOLDER = "_letters/"
STATS_PATH = FOLDER + "stats.html"
WRITE_URL = "/interaction/write/{}/"
ARCHIVE_LINKS = 10
EXCERPT = 80
PAGE_RE = re.compile(r"page-(?P<number>[1-9][0-9]*)\.html")
LETTER_RE = re.compile(r"(?P<id>[1-9][0-9]*)\.html")
KIND_TEXT = {
    ChannelKind.LEADER_MAILBOX: "领导信箱",
    ChannelKind.CONSULTATION: "咨询",
    ChannelKind.COMPLAINT: "投诉",
    ChannelKind.SUGGESTION: "建议",
}


def site_channels(site_id: int, column_ids) -> list[dict]:
    """The channels of a site placed in these columns (one query)."""
    return list(
        Channel.objects.filter(site_id=site_id, column_id__in=list(column_ids))
        .order_by("column_id", "name", "id")
        .values("id", "name", "kind", "leader_name", "column_id", "is_open")
    )


class LetterPages(SitePages):
    def __init__(self, renderer, cache):
        super().__init__(renderer)
        self.data = renderer.data
        self.site_id = renderer.site.id
        self._cache = cache
        self._by_path = {c.path: c for c in self.data.columns.values()}

    # --- what is shown ------------------------------------------------------------------------

    def _loaded(self) -> dict:
        """Channels by column and the published letters by column (oldest first), once per SiteData."""
        cached = self._cache.get("data")
        if cached is not None and cached[0] is self.data:
            return cached[1]
        channels: dict[int, list[dict]] = {}
        for channel in site_channels(self.site_id, self.data.columns.keys()):
            channels.setdefault(channel["column_id"], []).append(channel)
        letters: dict[int, list[dict]] = {cid: [] for cid in channels}
        if channels:
            rows = (
                Letter.objects.filter(channel__site_id=self.site_id, channel__column_id__in=list(channels), published=True)
                .order_by("published_at", "id")
                .values(
                    "id", "channel_id", "channel__column_id", "title", "body", "answer", "received_on",
                    "answered_on", "replying_department", "writer_name", "published_at",
                )
            )  # fmt: skip
            for row in rows:
                letters[row["channel__column_id"]].append(row)
        out = {"channels": channels, "letters": letters, "ids": {r["id"]: r for rs in letters.values() for r in rs}}
        self._cache["data"] = (self.data, out)
        return out

    def _full_pages(self, column_id: int) -> int:
        return len(self._loaded()["letters"].get(column_id, ())) // PAGE_SIZE

    def _letter_path(self, col, letter_id: int) -> str:
        return f"{col.path}{FOLDER}{letter_id}.html"

    def _page_path(self, col, number: int) -> str:
        return f"{col.path}{FOLDER}page-{number}.html"

    # --- keys and paths -----------------------------------------------------------------------

    def keys(self) -> list[tuple]:
        loaded = self._loaded()
        keys = []
        for cid, rows in loaded["letters"].items():
            keys += [(KEY_KIND, cid, "page", n) for n in range(1, len(rows) // PAGE_SIZE + 1)]
            keys += [(KEY_KIND, cid, "letter", row["id"]) for row in rows]
        if loaded["channels"]:
            keys.append((KEY_KIND, 0, "stats", 0))
        return keys

    def path_of(self, key: tuple) -> str:
        _kind, cid, what, number = key
        if what == "stats":
            return STATS_PATH
        col = self.data.columns[cid]
        return self._page_path(col, number) if what == "page" else self._letter_path(col, number)

    def key_of(self, path: str) -> tuple | None:
        if FOLDER not in path:
            return None
        loaded = self._loaded()
        if path == STATS_PATH:
            return (KEY_KIND, 0, "stats", 0) if loaded["channels"] else None
        head, _sep, rest = path.rpartition(FOLDER)
        col = self._by_path.get(head)
        if col is None or col.id not in loaded["channels"]:
            return None
        match = PAGE_RE.fullmatch(rest)
        if match:
            number = int(match["number"])
            return (KEY_KIND, col.id, "page", number) if number <= self._full_pages(col.id) else None
        match = LETTER_RE.fullmatch(rest)
        if match:
            row = loaded["ids"].get(int(match["id"]))
            if row is not None and row["channel__column_id"] == col.id:
                return (KEY_KIND, col.id, "letter", row["id"])
        return None

    # --- pages --------------------------------------------------------------------------------

    def _entries(self, col, rows) -> list[dict]:
        out = []
        for row in rows:
            body = " ".join(row["body"].split())
            out.append({
                "title": row["title"],
                "excerpt": body[:EXCERPT] + ("…" if len(body) > EXCERPT else ""),
                "url": "/" + self._letter_path(col, row["id"]),
                "received_on": day(row["received_on"]),
                "answered_on": day(row["answered_on"]),
                "department": row["replying_department"],
            })  # fmt: skip
        return out

    def _channel_links(self, column_id: int) -> list[dict]:
        out = []
        for channel in self._loaded()["channels"].get(column_id, ()):
            name = channel["name"]
            if channel["kind"] == ChannelKind.LEADER_MAILBOX and channel["leader_name"]:
                name = f"{name}（{channel['leader_name']}）"
            out.append({"name": name, "kind": KIND_TEXT.get(channel["kind"], ""), "is_open": channel["is_open"],
                        "write_url": WRITE_URL.format(channel["id"])})  # fmt: skip
        return out

    def column_page(self, page, col, ctx) -> str | None:
        loaded = self._loaded()
        if col.id not in loaded["channels"]:
            return None
        rows = loaded["letters"][col.id]
        full = len(rows) // PAGE_SIZE
        numbers = list(range(full, max(0, full - ARCHIVE_LINKS), -1))
        letter_pages = [(n, "/" + self._page_path(col, n)) for n in numbers]
        if numbers and numbers[-1] > 1:
            letter_pages += [(0, ""), (1, "/" + self._page_path(col, 1))]
        ctx.update(
            letters=self._entries(col, rows[-PAGE_SIZE:][::-1]), letter_pages=letter_pages, letter_count=len(rows),
            letter_channels=self._channel_links(col.id), stats_url="/" + STATS_PATH,
        )  # fmt: skip
        return self.renderer.template("interaction_letters_column.html").render(ctx)

    def render(self, page, key, contents) -> str:
        what = key[2]
        if what == "stats":
            return self._render_stats(page)
        col = self.data.columns[key[1]]
        if what == "page":
            return self._render_list(page, col, key[3])
        return self._render_letter(page, col, self._loaded()["ids"][key[3]])

    def _render_list(self, page, col, number: int) -> str:
        r = self.renderer
        rows = self._loaded()["letters"][col.id][(number - 1) * PAGE_SIZE : number * PAGE_SIZE][::-1]
        ctx = r.base_context(page, title=f"{col.name}（第{number}页） - {r.site.name}", meta=r.column_meta(col),
                             crumbs=r.crumbs_for(col, last_is_page=True) + [(f"第{number}页", "")],
                             current=r.channel_of(col))  # fmt: skip
        ctx.update(
            column=col, number=number, letters=self._entries(col, rows), stats_url="/" + STATS_PATH,
            previous_url="/" + self._page_path(col, number - 1) if number > 1 else "",
        )  # fmt: skip
        page.columns.add(col.id)
        return r.template("interaction_letters_list.html").render(ctx)

    def _render_letter(self, page, col, row: dict) -> str:
        r = self.renderer
        ctx = r.base_context(page, title=f"{row['title']} - {col.name} - {r.site.name}", meta=[],
                             crumbs=r.crumbs_for(col, last_is_page=True) + [("答复", "")],
                             current=r.channel_of(col))  # fmt: skip
        description = " ".join(row["body"].split())[:200]
        ctx["meta"] = [
            (name, value)
            for name, value in r.site_meta() + [
                ("ColumnName", col.name),
                ("ColumnType", col.column_type or col.name),
                ("ArticleTitle", row["title"]),
                ("PubDate", pubdate(row["published_at"])),
                ("ContentSource", row["replying_department"]),
                ("Keywords", col.effective_keywords),
                ("Description", description),
                ("Url", ctx["page_url"]),
            ]
            if value
        ]  # fmt: skip
        writer = (row["writer_name"] or "").strip()
        ctx.update(
            column=col, letter=row, writer=mask_name(writer) if writer else "匿名",
            received_on=day(row["received_on"]), answered_on=day(row["answered_on"]),
            question=[p for p in row["body"].splitlines() if p.strip()],
            answer=[p for p in row["answer"].splitlines() if p.strip()],
        )  # fmt: skip
        return r.template("interaction_letter.html").render(ctx)

    def _render_stats(self, page) -> str:
        r = self.renderer
        loaded = self._loaded()
        by_channel, years = site_statistics(self.site_id)
        channels = []
        for cid, listed in loaded["channels"].items():
            col = self.data.columns[cid]
            page.columns.add(cid)
            for channel, link in zip(listed, self._channel_links(cid), strict=True):
                channels.append({"name": link["name"], "column": col, "stats": by_channel.get(channel["id"])})
        meta = r.site_meta() + [
            ("ColumnName", "来信统计"),
            ("ColumnDescription", f"{r.site.name}来信办理情况统计"),
            ("ColumnKeywords", "来信,统计"),
            ("ColumnType", "互动交流"),
        ]
        ctx = r.base_context(page, title=f"来信办理情况统计 - {r.site.name}", meta=meta,
                             crumbs=[("首页", "/"), ("来信办理情况统计", "")])  # fmt: skip
        ctx.update(channels=channels, years=years)
        return r.template("interaction_letter_stats.html").render(ctx)

    # --- incremental publishing -----------------------------------------------------------------

    def affected(self, resource_ids, column_ids, showing) -> tuple[set, set[str]]:
        loaded = self._loaded()
        changed = [cid for cid in column_ids if cid in loaded["channels"]]
        if not changed:
            return set(), set()
        keys: set[tuple] = {(KEY_KIND, 0, "stats", 0)}
        deletions: set[str] = set()
        for cid in changed:
            col = self.data.columns[cid]
            keys.add(("column", cid))
            keys.update((KEY_KIND, cid, "page", n) for n in range(1, self._full_pages(cid) + 1))
            existing = set(dependencies.manifest_under(self.site_id, col.path + FOLDER, ("",)))
            for path in existing:
                if self.key_of(path) is None:
                    deletions.add(path)
            for row in loaded["letters"][cid]:
                if self._letter_path(col, row["id"]) not in existing:
                    keys.add((KEY_KIND, cid, "letter", row["id"]))
        return keys, deletions


class LetterProvider(PageProvider):
    key_kind = KEY_KIND
    dynamic_paths = ("interaction/",)  # the forms, accounts and status pages of the public process

    def __init__(self):
        self.cache: dict = {}  # the last site loaded, shared by the renderers of one publish

    def visible_columns(self, data) -> set[int]:
        """A column holding a channel shows its form and its answers: visible without items."""
        return {c["column_id"] for c in site_channels(data.site.id, data.columns.keys())}

    def for_site(self, renderer) -> LetterPages:
        return LetterPages(renderer, self.cache)


provider = LetterProvider()
