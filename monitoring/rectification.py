"""Rectification orders (政府网站问题整改督办单, OPS-5).

Tianjin art.14(四): the supervising unit keeps a management ledger and opens "政府网站问题整改督办单"
for serious problems found by the daily monitoring, "第一时间通知网站主办单位落实整改，整改时限不超过1天".
The limit is one calendar day (24 hours from issue), not a working day: the same regulation says
"1个工作日" where it means working days (art.14(三), error reports), and here it does not.

The steps, each an action with an audit entry:
- a platform administrator issues an order for a site (the problem in words, optionally the line
  of the daily check it came from); the site's administrators are told by mail on commit;
- a site administrator answers with what was done (整改情况);
- a platform administrator closes it (confirmed), or sends it back as not done: a new day runs.
An order still open after its deadline is overdue (逾期); an answer after the deadline is late.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from monitoring.models import CheckRun, LineResult, RectificationOrder, RectificationStatus
from monitoring.report_policies import RECTIFICATION_ORDERS
from sites.models import Membership, Role, Site, SiteStatus

log = logging.getLogger(__name__)

DEADLINE = dt.timedelta(days=1)  # "整改时限不超过1天": 24 hours, see the module docstring
PENDING = (RectificationStatus.OPEN, RectificationStatus.ANSWERED)


def _text(value: str, message: str, code: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, code=code)
    return value


def _locked(order: RectificationOrder) -> RectificationOrder:
    return RectificationOrder.objects.select_for_update().select_related("site").get(pk=order.pk)


def _tell_site_admins(order_id: int) -> None:
    """Mail the site's administrators (console backend in development); a failure is logged."""
    order = RectificationOrder.objects.select_related("site").get(pk=order_id)
    emails = sorted(
        {
            email
            for email in Membership.objects.filter(
                site=order.site, role=Role.SITE_ADMIN, user__is_active=True
            ).values_list("user__email", flat=True)
            if email
        }
    )
    if not emails:
        return
    subject = _("Rectification order %(number)s: %(site)s") % {"number": order.number, "site": order.site.name}
    body = _("Problem: %(problem)s\nTo be rectified by %(due)s; answer with what was done in the back office.") % {
        "problem": order.problem,
        "due": timezone.localtime(order.due_at).strftime("%Y-%m-%d %H:%M"),
    }
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails)
    except Exception:  # the order stands; the work page shows it anyway
        log.exception("mail of rectification order %s failed", order_id)


@transaction.atomic
def issue_order(
    site: Site, *, problem: str, acting_user, now: dt.datetime | None = None, run: CheckRun | None = None,
    line_key: str = "", line_label: str = "",
) -> RectificationOrder:  # fmt: skip
    """Issue an order to `site`, due one day later (platform administrators)."""
    RECTIFICATION_ORDERS.require(acting_user, "issue")
    problem = _text(problem, _("Describe the problem to rectify."), "problem")
    if site.archived_at is not None or site.status == SiteStatus.CLOSED:
        raise ValidationError(_("This site is closed or archived: it is not monitored."), code="site")
    now = now or timezone.now()
    order = RectificationOrder.objects.create(
        site=site, problem=problem, run=run, line_key=line_key, line_label=line_label,
        issued_at=now, issued_by=acting_user, due_at=now + DEADLINE,
    )  # fmt: skip
    audit.record(AuditEvent.RECTIFICATION_ORDER_ISSUE, actor=acting_user, obj=order,
                 details={"reason": problem, "due": order.due_at.isoformat()})  # fmt: skip
    transaction.on_commit(lambda: _tell_site_admins(order.pk))
    return order


@transaction.atomic
def answer_order(order: RectificationOrder, *, answer: str, acting_user, now=None) -> RectificationOrder:
    """Report what was done (the site's administrators)."""
    order = _locked(order)
    RECTIFICATION_ORDERS.require(acting_user, "answer", order)
    if order.status != RectificationStatus.OPEN:
        raise ValidationError(_("This order is not waiting for an answer."), code="state")
    order.answer = _text(answer, _("Say what was done to rectify the problem."), "answer")
    order.answered_at = now or timezone.now()
    order.answered_by = acting_user
    order.status = RectificationStatus.ANSWERED
    order.save(update_fields=["answer", "answered_at", "answered_by", "status"])
    audit.record(AuditEvent.RECTIFICATION_ORDER_ANSWER, actor=acting_user, obj=order,
                 details={"late": order.answered_at > order.due_at})  # fmt: skip
    return order


@transaction.atomic
def close_order(order: RectificationOrder, *, note: str = "", acting_user, now=None) -> RectificationOrder:
    """Confirm the rectification and close the order (platform administrators)."""
    order = _locked(order)
    RECTIFICATION_ORDERS.require(acting_user, "close", order)
    if order.status != RectificationStatus.ANSWERED:
        raise ValidationError(_("Only an answered order is closed."), code="state")
    order.closing_note = (note or "").strip()
    order.closed_at = now or timezone.now()
    order.closed_by = acting_user
    order.status = RectificationStatus.CLOSED
    order.save(update_fields=["closing_note", "closed_at", "closed_by", "status"])
    audit.record(AuditEvent.RECTIFICATION_ORDER_CLOSE, actor=acting_user, obj=order)
    return order


@transaction.atomic
def send_back(order: RectificationOrder, *, reason: str, acting_user, now=None) -> RectificationOrder:
    """The problem is still there: the order is open again, with a new day (platform administrators)."""
    order = _locked(order)
    RECTIFICATION_ORDERS.require(acting_user, "send_back", order)
    if order.status != RectificationStatus.ANSWERED:
        raise ValidationError(_("Only an answered order is sent back."), code="state")
    reason = _text(reason, _("Say what is still wrong."), "reason")
    now = now or timezone.now()
    order.closing_note = reason
    order.status = RectificationStatus.OPEN
    order.due_at = now + DEADLINE
    order.times_sent_back += 1
    order.save(update_fields=["closing_note", "status", "due_at", "times_sent_back"])
    audit.record(AuditEvent.RECTIFICATION_ORDER_SEND_BACK, actor=acting_user, obj=order,
                 details={"reason": reason, "due": order.due_at.isoformat()})  # fmt: skip
    transaction.on_commit(lambda: _tell_site_admins(order.pk))
    return order


# --- queries ---------------------------------------------------------------------------------


def latest_result(site, line_key: str) -> LineResult | None:
    """The site's latest result of one line of the daily check (an order may come from it)."""
    if not line_key:
        return None
    site_id = getattr(site, "pk", site)
    return (
        LineResult.objects.filter(run__site_id=site_id, line_key=line_key)
        .select_related("run")
        .order_by("-run__day", "-run_id")
        .first()
    )


def problem_text(result: LineResult) -> str:
    """The problem in words from a line's result: its label, value and the first offenders."""
    value = "" if result.value is None else f"{result.value:.1f}".removesuffix(".0")
    names = "、".join(o.get("label", "") for o in (result.offenders or [])[:5] if o.get("label"))
    text = f"{result.label}：{value}{result.unit}（{result.run.day.isoformat()}）"
    return f"{text}：{names}" if names else text


def is_overdue(order: RectificationOrder, now: dt.datetime | None = None) -> bool:
    """Still open past its deadline."""
    return order.status == RectificationStatus.OPEN and (now or timezone.now()) > order.due_at


def answered_late(order: RectificationOrder) -> bool:
    return order.answered_at is not None and order.answered_at > order.due_at


def pending_orders(site_ids=None):
    """Orders not closed yet, the earliest deadline first (all sites when `site_ids` is None)."""
    queryset = RectificationOrder.objects.filter(status__in=PENDING).select_related("site")
    if site_ids is not None:
        queryset = queryset.filter(site_id__in=list(site_ids))
    return queryset.order_by("due_at", "id")


def orders_in_year(year: int, site_ids=None):
    """Orders issued in `year` (for the ledger and the annual reports)."""
    zone = timezone.get_default_timezone()
    start, end = dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)
    queryset = RectificationOrder.objects.filter(issued_at__gte=start, issued_at__lt=end)
    if site_ids is not None:
        queryset = queryset.filter(site_id__in=list(site_ids))
    return queryset


def year_counts(year: int, site_ids=None) -> dict[str, int]:
    """Issued, closed (rectified), overdue now, and answered late, among the orders of `year`."""
    now = timezone.now()
    orders = orders_in_year(year, site_ids)
    return {
        "issued": orders.count(),
        "closed": orders.filter(status=RectificationStatus.CLOSED).count(),
        "overdue": orders.filter(status=RectificationStatus.OPEN, due_at__lt=now).count(),
        "late": orders.filter(answered_at__isnull=False, answered_at__gt=F("due_at")).count(),
    }
