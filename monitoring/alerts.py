"""Alerts of the daily check (OPS-1, issue 17 item 5): after a site's check run, each line at a
warning or past a veto line is told to the people responsible, once per problem per day.

Who is told: the site's administrators (sites.Membership role site_admin) by e-mail (Django's mail:
the console backend in development, SMTP with EMAIL_HOST) and on their work page. A column's
responsible person (COL-8) is only a name and a phone number, not an account: the alert names them
with the offending column so that the administrator can call them.

Once per problem per day: an Alert row keyed by site + line + day (monitoring/models/alerts.py);
a second run the same day adds nothing, except when a line got worse (warning -> veto), which is a
new problem and told again. Nothing is told for a site that is not monitored (offline by approval,
closed, archived, applying): its runs should not exist, and this module checks again.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from monitoring.lines import SEVERITY, State

log = logging.getLogger(__name__)

ALERT_LANGUAGE = "zh-hans"
MAIL_OFFENDERS = 10  # offenders named in one alert's text; the dashboard has them all
ALERTED_STATES = (State.WARNING, State.VETO)


def is_alerted_site(site) -> bool:
    """Sites offline by approval, closed, applying or archived get no alerts (issue 17 item 5)."""
    from sites.models import SiteStatus

    return site.archived_at is None and site.status in (SiteStatus.ONLINE, SiteStatus.MIGRATING)


def site_admin_emails(site) -> list[str]:
    from sites.models import Membership, Role

    emails = (
        Membership.objects.filter(site=site, role=Role.SITE_ADMIN, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails))


def _number(value) -> str:
    if value is None:
        return "-"
    return f"{value:g}"


def alert_text(site, result) -> str:
    """The alert in words (Chinese): the rule, the number against its levels, the offenders and
    their responsible person (a name and phone, COL-8)."""
    with translation.override(ALERT_LANGUAGE):
        if result.state == State.VETO:
            head = _("%(site)s fails the veto line “%(line)s”: %(value)s %(unit)s (veto line %(veto)s).")
        elif result.veto is None:  # a line with a warning only (e.g. reposts, PUB-6)
            head = _("Warning for %(site)s on “%(line)s”: %(value)s %(unit)s (warning from %(warning)s).")
        else:
            head = _(
                "%(site)s is close to the veto line “%(line)s”: %(value)s %(unit)s "
                "(warning from %(warning)s, veto line %(veto)s)."
            )
        lines = [
            head
            % {
                "site": site.name,
                "line": result.label,
                "value": _number(result.value),
                "unit": result.unit,
                "warning": _number(result.warning),
                "veto": _number(result.veto),
            }
        ]
        offenders = list(result.offenders or [])
        for offender in offenders[:MAIL_OFFENDERS]:
            parts = [offender.get("label", "")]
            if offender.get("detail"):
                parts.append(offender["detail"])
            if offender.get("responsible"):
                parts.append(_("responsible: %(person)s") % {"person": offender["responsible"]})
            lines.append("  - " + "；".join(p for p in parts if p))
        count = max(result.offender_count or 0, len(offenders))
        if count > MAIL_OFFENDERS:
            lines.append(_("  … and %(count)s more, listed on the monitoring page.") % {"count": count - MAIL_OFFENDERS})
        if result.note:
            lines.append(result.note)
    return "\n".join(lines)


def _record(site, result, day):
    """Create or worsen the day's alert for one line; answers the row when something is to be told."""
    from monitoring.models import Alert

    fields = {
        "label": result.label,
        "state": result.state,
        "value": result.value,
        "unit": result.unit,
        "warning": result.warning,
        "veto": result.veto,
        "text": alert_text(site, result),
    }
    existing = Alert.objects.select_for_update().filter(site=site, line_key=result.line_key, day=day).first()
    if existing is None:
        try:
            with transaction.atomic():
                return Alert.objects.create(site=site, line_key=result.line_key, day=day, **fields)
        except IntegrityError:  # another run the same day told it first
            return None
    if SEVERITY[State(result.state)] <= SEVERITY[State(existing.state)]:
        return None
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.mailed_at = None
    existing.save()
    return existing


def alert_for_run(run) -> list:
    """Tell the site's administrators about every line of the run at a warning or past a veto
    line, once per line and day. Called on commit by monitoring.checks.run_checks. Answers the
    alerts created (or worsened) now."""
    site = run.site
    if not is_alerted_site(site):
        return []
    results = [r for r in run.results.all() if r.state in ALERTED_STATES]
    if not results:
        return []
    created = []
    with transaction.atomic():
        for result in sorted(results, key=lambda r: r.line_key):
            alert = _record(site, result, run.day)
            if alert is not None:
                created.append(alert)
    if created:
        mail_alerts(site, created)
    return created


def mail_alerts(site, alerts) -> None:
    """One mail per site and run with every new alert; a mail server that fails loses nothing:
    the alerts stay on the work page, with mailed_at empty."""
    recipients = site_admin_emails(site)
    if not recipients:
        return
    with translation.override(ALERT_LANGUAGE):
        vetoes = sum(1 for a in alerts if a.state == State.VETO)
        if vetoes:
            subject = _("%(site)s: %(count)s veto lines failed in the daily check") % {"site": site.name, "count": vetoes}
        else:
            subject = _("%(site)s: warnings of the daily check") % {"site": site.name}
        body = "\n\n".join(a.text for a in alerts)
        body += "\n\n" + _("The site's monitoring page lists every line and what to fix.")
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:
        log.exception("monitoring alerts of site %s not mailed", site.pk)
        return
    from monitoring.models import Alert

    Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(mailed_at=timezone.now(), recipients=recipients)


def alert_missed_repost(offer, now) -> object | None:
    """An offer missed its 12-hour deadline (PUB-6): told once (keyed by the offer) to the target
    site's administrators and, upward, to the portal's, by mail and on the target's work page."""
    from monitoring.models import Alert

    site, item = offer.site, offer.item
    if not is_alerted_site(site):
        return None
    with translation.override(ALERT_LANGUAGE):
        text = _(
            "%(site)s did not repost “%(title)s” of %(portal)s within 12 hours (offered %(offered)s, due %(deadline)s)."
        ) % {
            "site": site.name,
            "title": item.resource.title,
            "portal": item.portal.name,
            "offered": timezone.localtime(offer.offered_at).strftime("%Y-%m-%d %H:%M"),
            "deadline": timezone.localtime(offer.deadline).strftime("%Y-%m-%d %H:%M"),
        }
        label = _("Important item not reposted within 12 hours")
        subject = _("%(site)s: an important item was not reposted within 12 hours") % {"site": site.name}
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                site=site,
                line_key=f"repost_offer:{offer.pk}",
                day=timezone.localdate(now),
                label=label,
                state=State.WARNING,
                value=1,
                unit="",
                text=text,
            )
    except IntegrityError:
        return None  # already told
    recipients = sorted(set(site_admin_emails(site)) | set(site_admin_emails(item.portal)))
    if recipients:
        try:
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:
            log.exception("missed repost %s not mailed", offer.pk)
            return alert
        Alert.objects.filter(pk=alert.pk).update(mailed_at=timezone.now(), recipients=recipients)
    return alert
