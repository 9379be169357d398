"""The demo's annual reports on disclosure work (DISC-4): last year's report of each demo site's own
organisation, generated from the demo's records by its site administrator (the action), its
hand-entered tables and text sections written, submitted, and approved by its reviewer, so that
it is published in the site's 信息公开年报 column with its DOCX. Invented text and numbers.

Idempotent: an organisation that has last year's report gets no other (generate_report counts
the existing draft again, and a published one is left alone here).
"""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from demo import data as demo_data
from disclosure import annual_report
from disclosure.models import Organisation
from editorial import drafts, workflow
from resources.models import ResourceStatus
from sites.models import Site

MAX_LEVELS = 3


def hand_entered(spec: dict, year: int) -> dict:
    """What a site's administrator types into the report: invented, plausible for its kind."""
    portal = spec["kind"] == "portal"
    unit = spec["words"]["unit"]
    return {
        "rules": {"rules": {"made": 0, "repealed": 0, "in_force": 0}},
        "decisions": {
            "licensing": {"decisions": 1260 if portal else 86},
            "penalty": {"decisions": 342 if portal else 27},
            "enforcement": {"decisions": 18 if portal else 3},
        },
        "fees": "0.00",
        "remedies": {
            "reconsideration": {
                "upheld": 2 if portal else 0,
                "corrected": 0,
                "other": 0,
                "pending": 1 if portal else 0,
            },
            "lawsuit_direct": {"upheld": 1 if portal else 0, "corrected": 0, "other": 0, "pending": 0},
            "lawsuit_after": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0},
        },
        "problems": (
            f"<p>{year}年，{unit}政府信息公开工作取得一定成效，但仍存在一些不足：一是政策解读的形式还不够丰富；"
            "二是部分栏目信息更新不够及时。</p><p>下一步，将加强图表、音视频等多种形式的政策解读，"
            "健全栏目内容保障机制，确保信息及时准确发布。</p>"
        ),
        "other_matters": (
            f"<p>{year}年，{unit}未收取信息处理费。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。</p>"
        ),
    }


def build(sites: dict[str, Site]) -> int:
    """Last year's report for every demo site; returns how many were published now."""
    year = timezone.localdate().year - 1
    published = 0
    for spec in demo_data.SITES:
        site = sites.get(spec["key"])
        organisation = Organisation.objects.filter(site=site, sub_unit__isnull=True).first() if site else None
        if organisation is None or annual_report.report_column(site) is None:
            continue
        existing = annual_report.reports_of(organisation, year).first()
        if existing is not None and existing.published_revision_id:
            continue
        admin = User.objects.get(username=f"{spec['key']}_admin")
        reviewer = User.objects.get(username=f"{spec['key']}_reviewer")
        report = annual_report.generate_report(organisation, year, acting_user=admin)
        revision = report.current_revision
        drafts.save_draft(
            report, base_revision_id=revision.pk, title=revision.title, metadata=revision.metadata,
            data={**revision.data, **hand_entered(spec, year)}, note="填写手工统计部分和文字部分", acting_user=admin,
        )  # fmt: skip
        workflow.submit(report, acting_user=admin)
        for _level in range(MAX_LEVELS):
            report.refresh_from_db()
            if report.status != ResourceStatus.IN_REVIEW:
                break
            workflow.approve(report, acting_user=reviewer, confirm_flags=True)
        report.refresh_from_db()
        published += report.status == ResourceStatus.PUBLISHED
    return published
