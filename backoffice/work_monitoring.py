"""The work page's monitoring section (issue 17 items 4 and 5): repost offers waiting for the
user's sites with the time left of their 12 hours (PUB-6), for the target sites' editors,
administrators and reviewers; and the alerts of the daily check of the last days (OPS-1), for
the sites' administrators. Shown only when something waits; one query per panel.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.work import Panel, Row, Section, counted, site_list, url, when
from monitoring.lines import State
from monitoring.models import Alert, OfferStatus, RepostOffer
from monitoring.models.reposts import OPEN_STATUSES
from sites.models import Role, Site
from sites.permissions import site_ids_for

ALERT_DAYS = 2  # today's alerts and yesterday's (the daily check runs at night)


def time_left(deadline, now) -> str:
    """"5 小时 20 分钟后截止" / "已超过截止时间": how long the target site still has (PUB-6)."""
    left = deadline - now
    if left < dt.timedelta(0):
        return _("past the deadline of %(time)s") % {"time": when(deadline)}
    minutes = int(left.total_seconds() // 60)
    return _("%(hours)d h %(minutes)d min left") % {"hours": minutes // 60, "minutes": minutes % 60}


def offers_panel(request, site_ids, now) -> Panel:
    many = len(site_ids) > 1
    offers = (
        RepostOffer.objects.filter(site_id__in=site_ids, status__in=OPEN_STATUSES)
        .select_related("item__resource", "item__portal", "site")
        .order_by("deadline", "id")
    )
    total, rows = counted(offers)
    result = []
    for offer in rows:
        notes = [str(offer.site)] if many else []
        notes.append(_("from %(site)s") % {"site": offer.item.portal})
        if offer.status == OfferStatus.PLACED:
            notes.append(_("placed, waiting for the reviewer"))
        notes.append(_("due %(time)s") % {"time": when(offer.deadline)})
        result.append(Row(offer.item.resource.title, url("monitoring_repost_offer", offer.pk), notes,
                          time_left(offer.deadline, now)))  # fmt: skip
    return Panel("repost_offers_due", _("Important items to repost within 12 hours"), total, result,
                 url("monitoring_reposts"), empty=_("No important item waits to be reposted."))  # fmt: skip


def _alert_url(alert) -> str:
    """A missed repost opens the reposts page; a line of the daily check the site's dashboard."""
    if alert.line_key.startswith("repost_offer:"):
        return url("monitoring_reposts")
    try:
        return url("monitoring_site", alert.site_id)
    except NoReverseMatch:  # the dashboard's pages not installed
        return url("monitoring_reposts")


def alerts_panel(request, site_ids, today) -> Panel:
    many = len(site_ids) > 1
    alerts = (
        Alert.objects.filter(site_id__in=site_ids, day__gt=today - dt.timedelta(days=ALERT_DAYS))
        .select_related("site")
        .order_by("-day", "-state", "site_id", "line_key")
    )
    total, rows = counted(alerts)
    result = []
    for alert in rows:
        notes = [str(alert.site)] if many else []
        notes.append(alert.day.isoformat())
        warning = _("fails the veto line") if alert.state == State.VETO else _("warning")
        result.append(Row(alert.label, _alert_url(alert), notes + [alert.text.splitlines()[0]], warning))
    return Panel("monitoring_alerts", _("Alerts of the daily check"), total, result,
                 empty=_("No alert in the last days."))  # fmt: skip


def _waiting(answering, admin_sites, today) -> tuple[bool, bool]:
    """Whether any offer waits and any alert is recent, in one query: the panels are read only then."""
    offers = RepostOffer.objects.filter(site_id__in=answering, status__in=OPEN_STATUSES)
    alerts = Alert.objects.filter(site_id__in=admin_sites, day__gt=today - dt.timedelta(days=ALERT_DAYS))
    row = (
        Site.objects.filter(pk=answering[0])
        .annotate(offers=Exists(offers), alerts=Exists(alerts))
        .values_list("offers", "alerts")
        .first()
    )
    return row or (False, False)


def monitoring_section(request) -> Section | None:
    answering = sorted(site_ids_for(request.user, Role.EDITOR, Role.SITE_ADMIN, Role.REVIEWER))
    if not answering:
        return None
    now = timezone.now()
    today = timezone.localdate(now)
    admin_sites = sorted(site_ids_for(request.user, Role.SITE_ADMIN))
    any_offer, any_alert = _waiting(answering, admin_sites, today)
    panels = []
    if any_offer:
        panels.append(offers_panel(request, answering, now))
    if any_alert:
        panels.append(alerts_panel(request, admin_sites, today))
    if not panels:
        return None  # nothing waits: no empty panels
    return Section("monitoring", _("Monitoring and reposts"), site_list(request, answering), panels)
