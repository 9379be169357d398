"""Stored check runs for the dashboard tests, made directly (the lines' own tests measure them)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from monitoring.lines import SEVERITY, State
from monitoring.models import CheckRun, LineResult, Trigger

# (key, label, unit, warning, veto): four lines like the real ones.
LINES = {
    "home_page": ("home_page", "首页长期未更新", "天", 10.0, 14.0),
    "stale_columns": ("stale_columns", "栏目不更新", "个栏目", 3.0, 5.0),
    "empty_columns": ("empty_columns", "空白栏目", "个栏目", 2.0, 5.0),
    "letters": ("letters", "互动回应差", "件", 1.0, 3.0),
}


def state_of(value, warning, veto) -> str:
    if value is None:
        return State.UNKNOWN
    if veto is not None and value >= veto:
        return State.VETO
    if warning is not None and value >= warning:
        return State.WARNING
    return State.OK


def make_run(site, day: datetime.date, values: dict, *, offenders=None, trigger=Trigger.SCHEDULE, by=None, notes=None):
    """A run of `site` on `day` with a result per line in `values` ({line key: value or None})."""
    results = []
    for key, value in values.items():
        _key, label, unit, warning, veto = LINES[key]
        listed = (offenders or {}).get(key, [])
        results.append(
            LineResult(
                line_key=key, label=label, unit=unit, value=value, warning=warning, veto=veto,
                state=state_of(value, warning, veto), offenders=listed, offender_count=len(listed),
                note=(notes or {}).get(key, ""),
            )  # fmt: skip
        )
    state = max((r.state for r in results), key=lambda s: SEVERITY[s]) if results else State.UNKNOWN
    now = timezone.now()
    run = CheckRun.objects.create(
        site=site, day=day, started_at=now, finished_at=now, state=state, trigger=trigger, triggered_by=by
    )
    for result in results:
        result.run = run
    LineResult.objects.bulk_create(results)
    return run


def offender(label, *, responsible="", url="", detail="", kind="", object_id=None) -> dict:
    return {"label": label, "url": url, "detail": detail, "responsible": responsible, "object_kind": kind,
            "object_id": object_id}  # fmt: skip
