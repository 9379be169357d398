"""The published supervision reports as pages of the sites (publishing/extensions.py), registered
from monitoring/apps.py, in the columns of their type (monitoring/report_columns.py):

- a top-level portal's 政府网站监管 column lists the published spot checks (OPS-2) and supervision
  annual reports (OPS-7), newest first; one page each: `<column>/_supervision/spot-<id>.html`
  (the sites drawn, the day of their latest check, its result and the problems found) and
  `<column>/_supervision/annual-<year>.html`;
- a site's 网站年度报表 column lists its published annual work reports (OPS-3); one page each,
  `<column>/_supervision/report-<year>.html`, in the national layout.

Such a column is shown once it has something published (before, it would be an empty column).
The actions that publish report the column in the change feed (`column_lists`); `affected` then
draws the column's index and the pages not published yet.
"""

from __future__ import annotations

import re

from monitoring import annual_layout, supervision_report
from monitoring.lines import State
from monitoring.models import ReportStatus, SiteAnnualReport, SpotCheck, SupervisionReport
from monitoring.report_columns import ANNUAL_REPORT_COLUMN_TYPE, SUPERVISION_COLUMN_TYPE
from publishing import dependencies
from publishing.extensions import PageProvider, SitePages
from publishing.jinja import day, pubdate
from sites.models import Site, SiteKind

KEY_KIND = "supervision"
FOLDER = "_supervision/"
PAGE_RE = re.compile(r"(?P<what>spot|annual|report)-(?P<number>[1-9][0-9]*)\.html")
RESULT_TEXT = {State.OK: "合格", State.WARNING: "合格（有预警）", State.VETO: "不合格（触及单项否决指标）",
               State.UNKNOWN: "未能完成检测"}  # fmt: skip


def _is_top_portal(site_id: int) -> bool:
    return Site.objects.filter(pk=site_id, parent__isnull=True, kind=SiteKind.PORTAL).exists()


def published(site_id: int, columns) -> dict[int, list[tuple[str, int, str, object]]]:
    """For each of these columns (ColumnInfo or dicts with id and column_type) of the site: its
    published reports as (what, number, title, date), newest first. At most three queries."""
    supervision = [c for c in columns if _type(c) == SUPERVISION_COLUMN_TYPE]
    annual = [c for c in columns if _type(c) == ANNUAL_REPORT_COLUMN_TYPE]
    out: dict[int, list] = {}
    if supervision and _is_top_portal(site_id):
        entries = [("spot", s.pk, str(s), s.published_at)
                   for s in SpotCheck.objects.filter(published_at__isnull=False)]  # fmt: skip
        entries += [("annual", r.year, str(r), r.published_at)
                    for r in SupervisionReport.objects.filter(published_at__isnull=False)]  # fmt: skip
        entries.sort(key=lambda e: e[3], reverse=True)
        if entries:
            out.update({_id(c): entries for c in supervision})
    if annual:
        reports = [("report", r.year, f"{r.year}年政府网站工作年度报表", r.published_at)
                   for r in SiteAnnualReport.objects.filter(site_id=site_id, status=ReportStatus.PUBLISHED)
                   .order_by("-year")]  # fmt: skip
        if reports:
            out.update({_id(c): reports for c in annual})
    return out


def _number(value) -> str:
    if value is None:
        return ""
    return f"{value:.1f}".removesuffix(".0")


def _type(column) -> str:
    return column["column_type"] if isinstance(column, dict) else column.column_type


def _id(column) -> int:
    return column["id"] if isinstance(column, dict) else column.id


class ReportPages(SitePages):
    def __init__(self, renderer, cache):
        super().__init__(renderer)
        self.data = renderer.data
        self._cache = cache
        self._by_path = {c.path: c for c in self.data.columns.values()}

    def _loaded(self) -> dict[int, list]:
        cached = self._cache.get("data")
        if cached is not None and cached[0] is self.data:
            return cached[1]
        out = published(self.renderer.site.id, list(self.data.columns.values()))
        self._cache["data"] = (self.data, out)
        return out

    def changing(self, resource_ids, column_ids) -> None:
        self._cache.pop("data", None)  # a report was just published: read them again

    def _path(self, col, what: str, number: int) -> str:
        return f"{col.path}{FOLDER}{what}-{number}.html"

    def keys(self) -> list[tuple]:
        return [(KEY_KIND, cid, what, number) for cid, entries in self._loaded().items()
                for what, number, _title, _date in entries]  # fmt: skip

    def path_of(self, key: tuple) -> str:
        _kind, cid, what, number = key
        return self._path(self.data.columns[cid], what, number)

    def key_of(self, path: str) -> tuple | None:
        if FOLDER not in path:
            return None
        head, _sep, rest = path.rpartition(FOLDER)
        col = self._by_path.get(head)
        match = PAGE_RE.fullmatch(rest)
        if col is None or match is None:
            return None
        key = (KEY_KIND, col.id, match["what"], int(match["number"]))
        wanted = {(what, number) for what, number, _t, _d in self._loaded().get(col.id, ())}
        return key if key[2:] in wanted else None

    def column_page(self, page, col, ctx) -> str | None:
        entries = self._loaded().get(col.id)
        if not entries:
            return None
        ctx["reports"] = [{"title": title, "url": "/" + self._path(col, what, number), "date": day(date)}
                          for what, number, title, date in entries]  # fmt: skip
        return self.renderer.template("monitoring_reports_column.html").render(ctx)

    def render(self, page, key, contents) -> str:
        _kind, cid, what, number = key
        col = self.data.columns[cid]
        r = self.renderer
        page.columns.add(col.id)
        if what == "spot":
            spot_check = SpotCheck.objects.get(pk=number)
            title, template = str(spot_check), "monitoring_spot_check.html"
            extra = {"spot_check": spot_check, "entries": self._spot_rows(spot_check),
                     "drawn": spot_check.entries.count(), "population": len(spot_check.population)}  # fmt: skip
        elif what == "annual":
            report = SupervisionReport.objects.get(year=number)
            title, template = str(report), "monitoring_supervision_report.html"
            extra = {"report": report, "rows": supervision_report.rows(report.data)}
        else:
            report = SiteAnnualReport.objects.get(site_id=r.site.id, year=number)
            title, template = f"{report.year}年政府网站工作年度报表", "monitoring_site_annual_report.html"
            extra = {"report": report, "sections": annual_layout.rows(report.data), "per_column": report.columns}
        # The content tags of the annex (三、网页标签): a report is one item of its column.
        published_at = extra.get("spot_check", extra.get("report")).published_at
        tags = [("ColumnName", col.name), ("ColumnType", col.column_type), ("ArticleTitle", title),
                ("PubDate", pubdate(published_at)), ("ContentSource", r.site.organiser), ("Description", title)]
        meta = [(n, v) for n, v in r.site_meta() + tags if v]  # fmt: skip
        ctx = r.base_context(page, title=f"{title} - {r.site.name}", meta=meta,
                             crumbs=r.crumbs_for(col, last_is_page=True) + [(title, "")],
                             current=r.channel_of(col))  # fmt: skip
        ctx.update(column=col, page_title=title, **extra)
        return r.template(template).render(ctx)

    def _spot_rows(self, spot_check) -> list[dict]:
        return [
            {"site": e.site_name, "checked_on": e.checked_on.isoformat() if e.checked_on else "—",
             "result": RESULT_TEXT.get(e.state, "—"), "veto": e.state == State.VETO,
             "findings": [{**f, "value_text": _number(f.get("value"))} for f in e.findings]}
            for e in spot_check.entries.all()
        ]  # fmt: skip

    def affected(self, resource_ids, column_ids, showing) -> tuple[set, set[str]]:
        loaded = self._loaded()
        changed = [cid for cid in column_ids if cid in loaded]
        keys: set[tuple] = set()
        deletions: set[str] = set()
        for cid in changed:
            col = self.data.columns[cid]
            keys.add(("column", cid))
            existing = set(dependencies.manifest_under(self.renderer.site.id, col.path + FOLDER, ("",)))
            deletions |= {path for path in existing if self.key_of(path) is None}
            for what, number, _title, _date in loaded[cid]:
                if self._path(col, what, number) not in existing:
                    keys.add((KEY_KIND, cid, what, number))
        return keys, deletions


class ReportProvider(PageProvider):
    key_kind = KEY_KIND

    def __init__(self):
        self.cache: dict = {}

    def visible_columns(self, data) -> set[int]:
        """A report column is shown once it holds a published report."""
        columns = [{"id": c.id, "column_type": c.column_type} for c in data.columns.values()]
        return set(published(data.site.id, columns))

    def for_site(self, renderer) -> ReportPages:
        return ReportPages(renderer, self.cache)


provider = ReportProvider()
