"""Broken and wrong links (LINK-2, LINK-4), two lines of the daily check (monitoring/lines.py).

Each measurement reads the site's published pages afresh (monitoring/linkcheck.py: internal links
against the manifest) and judges their external addresses by the answers the scheduled link check
recorded (monitoring/link_runs.py, rate-limited per host), stores the findings per page and per
editor, and counts distinct addresses: a broken link in a template shows on every page and is one
thing to fix. The friendly links the re-check flagged count too.

Levels, from the official texts (../shared/spec):
- G-Annex §2(三) (and T-Annex §5(一)) ask that *all* links work (确保所有链接有效可用，及时清除
  不可访问的链接地址，避免产生“错链”、“断链”) and that government sites in principle not link to
  commercial sites (原则上不得链接商业网站; 严禁…链接商业广告页面). So one broken or wrong link is
  already a fault: the warning is at 1 (value >= 1).
- Neither line has a veto level: the 单项否决 list of the 2019 indicators that OPS-1 restates
  names no link rule (links are scored items there, not grounds to fail a site outright), and a
  platform rule stricter than the national one would fail sites the inspection passes.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from monitoring import linkcheck
from monitoring.lines import CheckContext, Line, Measurement, Offender, register
from monitoring.linkcheck_external import external_findings, lychee_binary, url_hash
from monitoring.models.links import (
    SHOWN_STATES,
    ExternalLinkStatus,
    FriendLink,
    FriendLinkCheck,
    LinkFinding,
    LinkKind,
    LinkProblem,
)

CACHE_KEY = "link_lines:{}"
EXTERNAL_FRESH = timedelta(hours=48)  # answers older than two daily runs do not count as checked
EXAMPLE_PAGES = 3


def _measure_site(site, context: CheckContext) -> dict:
    """Read the site once for both lines: findings stored, grouped for the offenders."""
    key = CACHE_KEY.format(site.pk)
    if key in context.cache:
        return context.cache[key]
    links = linkcheck.scan(site)
    internal = linkcheck.internal_findings(site, links)
    external = external_findings(site, links)
    linkcheck.store(site, (LinkKind.INTERNAL, LinkKind.EXTERNAL), internal + external, now=context.now)
    result = {"links": links, "findings": internal + external, "external_checked": _external_checked(links, context)}
    context.cache[key] = result
    return result


def _external_checked(links, context: CheckContext) -> bool:
    """Whether the external addresses have recent answers (True when the site links to none)."""
    if not links.external:
        return True
    if lychee_binary() is None:
        return False
    hashes = [url_hash(url) for url in links.external]
    fresh = ExternalLinkStatus.objects.filter(url_hash__in=hashes, checked_at__gte=context.now - EXTERNAL_FRESH)
    return fresh.exists()


def _people(findings: list[LinkFinding]) -> dict[int, str]:
    ids = {f.responsible_id for f in findings if f.responsible_id}
    users = get_user_model().objects.filter(pk__in=ids)
    return {user.pk: (getattr(user, "real_name", "") or user.get_username()) for user in users}


def _offenders(findings: list[LinkFinding]) -> list[Offender]:
    """One offender per address: its pages (the first few named) and who placed it."""
    people = _people(findings)
    by_url: dict[str, list[LinkFinding]] = {}
    for finding in findings:
        by_url.setdefault(finding.url, []).append(finding)
    offenders = []
    for url, group in sorted(by_url.items(), key=lambda pair: (-len(pair[1]), pair[0])):
        pages = sorted({f.page_path for f in group})
        names = sorted({people[f.responsible_id] for f in group if f.responsible_id in people})
        shown = "、".join("/" + page for page in pages[:EXAMPLE_PAGES])
        more = f" 等 {len(pages)} 个页面" if len(pages) > EXAMPLE_PAGES else ""
        detail = f"{group[0].detail}；所在页面：{shown}{more}"
        offenders.append(
            Offender(
                label=url,
                url="/" + pages[0],
                detail=detail,
                responsible="、".join(names) if names else "网站模板（无编辑）",
                object_kind="link",
                object_id=group[0].pk,
            )  # fmt: skip
        )
    return offenders


def _friend_offenders(site, checks) -> list[Offender]:
    rows = FriendLink.objects.filter(site=site, state__in=SHOWN_STATES, last_check__in=checks).order_by(
        "sort_order", "id"
    )
    return [
        Offender(
            label=f"友情链接：{link.name}",
            url=link.url,
            detail=link.last_detail,
            responsible="网站管理员",
            object_kind="friend_link",
            object_id=link.pk,
        )  # fmt: skip
        for link in rows
    ]


def _measurement(site, context, problem: str, friend_checks) -> Measurement:
    measured = _measure_site(site, context)
    if measured["links"].pages == 0:
        return Measurement(None, note="网站尚无已发布的页面，无法检查链接。")
    findings = [f for f in measured["findings"] if f.problem == problem]
    offenders = _offenders(findings) + _friend_offenders(site, friend_checks)
    value = len(offenders)
    note = f"已检查 {measured['links'].pages} 个页面。"
    if not measured["external_checked"]:
        if value == 0:  # nothing found inside, nothing known outside: not a pass
            return Measurement(None, note="外部链接尚未检查（链接检查任务未运行或检查工具不可用）。")
        note += "外部链接尚未检查，仅统计本站链接。"
    return Measurement(float(value), offenders, note)


@register
class BrokenLinks(Line):
    key = "links_broken"
    label = _("Broken links")
    unit = "个"
    warning = 1  # G-Annex §2(三): every link must work (see the module docstring)
    veto = None  # not a 单项否决 line
    order = 70

    def measure(self, site, context: CheckContext) -> Measurement:
        return _measurement(site, context, LinkProblem.BROKEN, [FriendLinkCheck.UNREACHABLE])


@register
class WrongLinks(Line):
    key = "links_wrong"
    label = _("Wrong links")
    unit = "个"
    warning = 1  # G-Annex §2(三): no 错链; no links to commercial sites (see the module docstring)
    veto = None  # not a 单项否决 line
    order = 71

    def measure(self, site, context: CheckContext) -> Measurement:
        checks = [FriendLinkCheck.MOVED, FriendLinkCheck.TITLE_CHANGED, FriendLinkCheck.LEFT_GOVERNMENT]
        return _measurement(site, context, LinkProblem.WRONG, checks)
