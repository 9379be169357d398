"""Quarterly spot checks (OPS-2): at least 30% of the monitored sites, drawn at random, with the
results of each one's latest daily check, published on the top-level portal.

The texts: 政府网站发展指引 §8(一)1 "至少每季度……开展一次巡查抽检，抽查比例不得低于30%，每次抽查结束后
要及时在门户网站公开检查情况"; Tianjin art.14(一) "市政府办公厅至少每季度……抽查，抽查比例不低于30%，
在天津政务网上发布检查结果".

The draw: the population is the sites monitored that day (sorted ids, stored), the sample size is
ceil(30% of them) (at least one site when there is any), and the sample is `random.Random(seed)`
over that list, where the seed comes from `secrets` and is stored: nobody chooses which sites are
drawn, and anyone can draw again from the stored population and seed and get the same sites.
One spot check per quarter; drawing is not repeated (a second draw would let someone pick).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from core import feed
from monitoring import report_columns
from monitoring.checks import monitored_sites
from monitoring.lines import State
from monitoring.models import CheckRun, LineResult, SpotCheck, SpotCheckEntry
from sites.models import Site
from sites.permissions import require_platform_admin

SHARE_PERCENT = 30  # the texts' minimum share
EXAMPLES = 3  # offenders named under each finding on the published page
SHOWN_STATES = (State.VETO, State.WARNING)


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def sample_size(population: int, share_percent: int = SHARE_PERCENT) -> int:
    """ceil(share of the population), computed in integers (30% of 10 is 3, of 11 is 4)."""
    if population <= 0:
        return 0
    return max(1, -(-population * share_percent // 100))


def draw(population: list[int], seed: str, size: int) -> list[int]:
    """The sites drawn: reproducible from the stored population and seed."""
    return random.Random(seed).sample(sorted(population), size)


def monitored_site_ids(today: dt.date) -> list[int]:
    """The sites the daily check covers (monitoring.checks.monitored_sites), sorted."""
    return sorted(monitored_sites().values_list("pk", flat=True))


def latest_runs(site_ids, on_or_before: dt.date) -> dict[int, CheckRun]:
    """Each site's latest finished run up to that day (two queries)."""
    latest = (
        CheckRun.objects.filter(site_id__in=list(site_ids), day__lte=on_or_before)
        .values("site_id")
        .annotate(last=Max("day"))
        .values_list("site_id", "last")
    )
    wanted = dict(latest)
    if not wanted:
        return {}
    runs = CheckRun.objects.filter(site_id__in=list(wanted), day__in=set(wanted.values()))
    return {run.site_id: run for run in runs if wanted.get(run.site_id) == run.day}


def findings_of(run_ids) -> dict[int, list[dict]]:
    """The lines each run did not pass (veto first), with a few of their offenders named."""
    out: dict[int, list[dict]] = {}
    rows = LineResult.objects.filter(run_id__in=list(run_ids), state__in=SHOWN_STATES).order_by("run_id", "id")
    for result in rows:
        out.setdefault(result.run_id, []).append({
            "label": result.label,
            "state": result.state,
            "value": result.value,
            "unit": result.unit,
            "count": result.offender_count,
            "examples": [o.get("label", "") for o in (result.offenders or [])[:EXAMPLES]],
        })  # fmt: skip
    for findings in out.values():
        findings.sort(key=lambda f: f["state"] != State.VETO)
    return out


@transaction.atomic
def draw_spot_check(*, today: dt.date, acting_user, share_percent: int = SHARE_PERCENT) -> SpotCheck:
    """Draw this quarter's sites and record each one's latest results (platform administrators)."""
    require_platform_admin(acting_user)
    if share_percent < SHARE_PERCENT or share_percent > 100:
        raise ValidationError(_("The share drawn is between 30% and 100%."), code="share")
    year, quarter = quarter_of(today)
    if SpotCheck.objects.select_for_update().filter(year=year, quarter=quarter).exists():
        raise ValidationError(_("The sites of this quarter's spot check were drawn already."), code="drawn")
    population = monitored_site_ids(today)
    if not population:
        raise ValidationError(_("No site is monitored: there is nothing to draw from."), code="empty")
    seed = secrets.token_hex(16)
    chosen = draw(population, seed, sample_size(len(population), share_percent))
    spot_check = SpotCheck.objects.create(
        year=year, quarter=quarter, drawn_on=today, drawn_at=timezone.now(), drawn_by=acting_user, seed=seed,
        population=population, share_percent=share_percent,
    )  # fmt: skip
    sites = Site.objects.in_bulk(chosen)
    runs = latest_runs(chosen, today)
    findings = findings_of([run.pk for run in runs.values()])
    SpotCheckEntry.objects.bulk_create([
        SpotCheckEntry(
            spot_check=spot_check, site_id=site_id, site_name=sites[site_id].name, order=order,
            run=runs.get(site_id), checked_on=runs[site_id].day if site_id in runs else None,
            state=runs[site_id].state if site_id in runs else State.UNKNOWN,
            findings=findings.get(runs[site_id].pk, []) if site_id in runs else [],
        )
        for order, site_id in enumerate(sorted(chosen, key=lambda pk: sites[pk].name))
    ])  # fmt: skip
    audit.record(
        AuditEvent.SPOT_CHECK_DRAW, actor=acting_user, obj=spot_check,
        details={"count": len(chosen), "population": len(population), "seed": seed},
    )  # fmt: skip
    return spot_check


@transaction.atomic
def publish_spot_check(spot_check: SpotCheck, *, summary: str = "", acting_user) -> SpotCheck:
    """Publish the results in the top-level portal's 政府网站监管 column (platform administrators)."""
    require_platform_admin(acting_user)
    spot_check = SpotCheck.objects.select_for_update().get(pk=spot_check.pk)
    if spot_check.published_at is not None:
        raise ValidationError(_("These results are published already."), code="published")
    columns = report_columns.supervision_columns()
    if not columns:
        raise ValidationError(report_columns.missing_supervision_column(), code="column")
    spot_check.summary = summary.strip()
    spot_check.published_at = timezone.now()
    spot_check.published_by = acting_user
    spot_check.save(update_fields=["summary", "published_at", "published_by"])
    audit.record(AuditEvent.SPOT_CHECK_PUBLISH, actor=acting_user, obj=spot_check,
                 details={"count": spot_check.entries.count()})  # fmt: skip
    feed.changed(column_lists=[column.pk for column in columns])
    return spot_check


def verify_draw(spot_check: SpotCheck) -> bool:
    """The stored sites are those the stored seed draws from the stored population."""
    size = sample_size(len(spot_check.population), spot_check.share_percent)
    drawn = set(draw(spot_check.population, spot_check.seed, size))
    return drawn == set(spot_check.entries.values_list("site_id", flat=True))
