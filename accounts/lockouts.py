"""Login lockouts (SEC-1): who is blocked now, the failures that count, and lifting a lockout.

django-axes (settings: AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]) keeps one
AccessAttempt row per account, address and browser, with the number of failures in a row and
the time of the last one. A row counts while its last failure is younger than AXES_COOLOFF_TIME.
An account is locked while the rows of that account (from any address) add up to
AXES_FAILURE_LIMIT failures; an address, while the rows of that address (for any account) do.
Each failure is also kept in AccessFailureLog (AXES_ENABLE_ACCESS_FAILURE_LOG), which gives the
time of the first failure of a row: its n-th newest entry for the same account, address and
browser, n being the row's number of failures.

Lifting forgets the rows the lockout counts, as a successful login does: by account, every
failure of that account (from any address); by address, every failure from it (for any
account). So lifting an account also frees an address whose failures were all that account's,
and the confirmation page says so before anything happens. Lifting an account also ends
django-otp's slow-down of wrong codes on that user's devices, so the next right code works.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.authority import require_platform_admin
from accounts.models import AuthenticatorDevice
from auditlog import audit
from auditlog.events import AuditEvent

ACCOUNT = "account"
ADDRESS = "address"
KINDS = (ACCOUNT, ADDRESS)
# The row field that identifies each kind of lockout.
FIELDS = {ACCOUNT: "username", ADDRESS: "ip_address"}
# Retention of AccessFailureLog: the audit log keeps every failure anyway (SEC-2).
FAILURE_LOG_RETENTION_DAYS = 30


@dataclass
class Failures:
    """The failures counted against one account or one address."""

    kind: str
    key: str
    failures: int
    first_failure: datetime | None  # None when no failure log reaches back to it
    last_failure: datetime
    locked_until: datetime | None  # None: not locked
    accounts: list[str]  # the accounts tried (for an address) ...
    addresses: list[str]  # ... and the addresses used (for an account)
    user: object | None = None  # the account's user, when it exists

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


def cool_off() -> timedelta:
    return settings.AXES_COOLOFF_TIME


def failure_limit() -> int:
    return settings.AXES_FAILURE_LIMIT


def counted_attempts(now: datetime | None = None):
    """The AccessAttempt rows django-axes counts now (their last failure within the cool-off)."""
    return AccessAttempt.objects.filter(attempt_time__gte=(now or timezone.now()) - cool_off())


def _first_failure(row: AccessAttempt) -> datetime | None:
    """The first failure of a row: its n-th newest failure log (same account, address, browser)."""
    logged = AccessFailureLog.objects.filter(
        username=row.username, ip_address=row.ip_address, user_agent=row.user_agent
    ).order_by("-attempt_time")
    n = max(row.failures_since_start, 1)
    times = list(logged.values_list("attempt_time", flat=True)[n - 1 : n])
    return times[0] if times else None


def _summarise(kind: str, key: str, rows: list[AccessAttempt], first_failures: dict) -> Failures:
    rows = sorted(rows, key=lambda row: row.attempt_time, reverse=True)
    locked_until = None
    total = 0
    for row in rows:  # newest first: the row that reaches the limit is the last to expire
        total += row.failures_since_start
        if locked_until is None and total >= failure_limit():
            locked_until = row.attempt_time + cool_off()
    firsts = [first_failures[row.pk] for row in rows]
    return Failures(
        kind=kind,
        key=key,
        failures=total,
        first_failure=min(firsts) if firsts and None not in firsts else None,
        last_failure=rows[0].attempt_time,
        locked_until=locked_until,
        accounts=sorted({row.username for row in rows if row.username is not None}),
        addresses=sorted({row.ip_address for row in rows if row.ip_address is not None}),
    )


def _group(kind: str, rows: list[AccessAttempt]) -> dict[str, list[AccessAttempt]]:
    groups: dict[str, list[AccessAttempt]] = {}
    for row in rows:
        key = getattr(row, FIELDS[kind])
        if key is not None and key != "":
            groups.setdefault(key, []).append(row)
    return groups


def _order(summaries: list[Failures]) -> list[Failures]:
    """Locked first, then the most recent failure first."""
    return sorted(summaries, key=lambda s: (not s.locked, -s.last_failure.timestamp(), s.key))


def summaries(rows: list[AccessAttempt], kind: str, limit: int | None = None) -> tuple[list[Failures], int]:
    """The failures of each account or address in `rows`, locked ones first; at most `limit` of
    them (with the number left out), so an attack from many addresses keeps the page small."""
    groups = _group(kind, rows)
    # Order cheaply first, then read the failure logs only for the summaries that are shown.
    plain = _order([_summarise(kind, key, group, {row.pk: None for row in group}) for key, group in groups.items()])
    shown = plain if limit is None else plain[:limit]
    result = []
    for summary in shown:
        group = groups[summary.key]
        result.append(_summarise(kind, summary.key, group, {row.pk: _first_failure(row) for row in group}))
    if kind == ACCOUNT:
        users = get_user_model().objects.in_bulk([s.key for s in result], field_name="username")
        for summary in result:
            summary.user = users.get(summary.key)
    return result, len(plain) - len(shown)


def locked_now(now: datetime | None = None) -> list[Failures]:
    """The accounts and addresses locked now, the most recent failure first, in one query (the
    work page's panel; the lockout page adds the time of each first failure)."""
    rows = list(counted_attempts(now))
    locked = []
    for kind in KINDS:
        for key, group in _group(kind, rows).items():
            summary = _summarise(kind, key, group, {row.pk: None for row in group})
            if summary.locked:
                locked.append(summary)
    return sorted(locked, key=lambda s: (-s.last_failure.timestamp(), s.kind, s.key))


def failures_of(kind: str, key: str, now: datetime | None = None) -> Failures | None:
    """The failures counted now against one account or address, None when there are none."""
    if kind not in KINDS or not key:
        return None
    rows = list(counted_attempts(now).filter(**{FIELDS[kind]: key}))
    if not rows:
        return None
    (summary,), _ = summaries(rows, kind)
    return summary


# --- actions --------------------------------------------------------------------------------------


@transaction.atomic
def lift_lockout(kind: str, key: str, *, acting_user) -> int:
    """Forget the failures of an account (from any address) or of an address (for any account):
    the lockout ends and the count starts again. Returns the number of failures forgotten;
    0 (and nothing changes, nothing is audited) when none were counted. Platform admins only."""
    require_platform_admin(acting_user)
    if kind not in KINDS or not key:
        raise ValueError(f"a lockout is lifted by {' or '.join(KINDS)}, with a non-empty value")
    field = FIELDS[kind]
    rows = list(AccessAttempt.objects.select_for_update().filter(**{field: key}))
    summary = failures_of(kind, key)
    if summary is None:  # nothing counted (rows past the cool-off are dropped at the next failure)
        return 0
    AxesProxyHandler.reset_attempts(**{field: key})
    details = {
        kind: key,
        "failures": summary.failures,
        "was_locked": summary.locked,
        "accounts": sorted({row.username for row in rows if row.username is not None}),
        "addresses": sorted({row.ip_address for row in rows if row.ip_address is not None}),
    }
    user = None
    if kind == ACCOUNT:
        user = get_user_model().objects.filter(username=key).first()
        if user is not None:
            details["code_throttles_reset"] = _reset_code_throttles(user)
    audit.record(AuditEvent.AUTH_LOCKOUT_LIFT, actor=acting_user, obj=user, details=details)
    return details["failures"]


def _reset_code_throttles(user) -> int:
    """End django-otp's slow-down after wrong codes on the user's devices; returns how many."""
    reset = 0
    for model in (AuthenticatorDevice, StaticDevice):
        throttled = model.objects.filter(user=user, throttling_failure_count__gt=0)
        reset += throttled.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    return reset


def purge_failure_log(now: datetime | None = None) -> int:
    """Delete failure-log entries older than FAILURE_LOG_RETENTION_DAYS (daily, Celery beat)."""
    cutoff = (now or timezone.now()) - timedelta(days=FAILURE_LOG_RETENTION_DAYS)
    deleted, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted
