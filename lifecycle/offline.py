"""Temporary offline (临时下线) and returning online (SITE-6; G §3(二)2, T art.8(二)(三)).

An application with its reason and period; at most once a calendar year and at most 30 days,
refused beyond that with the rule quoted. Force majeure (power or network failure, an ordered
emergency shutdown) is filed and recorded but neither counted nor limited. In Tianjin mode
(LIFECYCLE_TIANJIN_MODE) a period of up to 24 hours needs only a filing made before it starts.
While the site is offline every page answers with a notice of the period (public/serving.py) and
its portal carries an announcement until the period ends. Returning online needs an application
made at least LIFECYCLE_RETURN_NOTICE_DAYS (7) days ahead and its approval.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from core import feed
from lifecycle import notices
from lifecycle.models import LIVE_STATUSES, ApplicationKind, ApplicationStatus, SiteApplication
from lifecycle.rules import (
    FILING_ONLY_HOURS,
    OFFLINE_MAX_DAYS,
    OFFLINE_PER_YEAR,
    local_minute,
    lock_site,
    require_site_manager,
    return_notice_days,
    set_status,
    tianjin_mode,
)
from sites.models import Site, SiteStatus


def _days(duration: dt.timedelta) -> str:
    return f"{duration.total_seconds() / 86400:.1f}".removesuffix(".0")


def _aware(*moments) -> None:
    for moment in moments:
        if moment is not None and timezone.is_naive(moment):
            raise ValidationError(_("Give the time with its time zone."), code="naive_time")


def _year_bounds(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    local = timezone.localtime(moment)
    start = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    return start, start.replace(year=start.year + 1)


def check_rules(site: Site, starts_at, ends_at, force_majeure: bool, *, exclude=None, decided_only=False) -> None:
    """The limits of G §3(二)2 and T art.8(二); raises ValidationError quoting the rule.

    Applying counts the applications still waiting too; approving (`decided_only`) counts the
    ones approved or filed, so that of two waiting applications the first approved wins.
    """
    if starts_at is None or ends_at is None:
        raise ValidationError(_("Give the start and the end of the offline period."), code="period_required")
    _aware(starts_at, ends_at)
    if ends_at <= starts_at:
        raise ValidationError(_("The end of the offline period must be after its start."), code="period_order")
    if force_majeure:
        return  # recorded, neither counted nor limited
    duration = ends_at - starts_at
    if duration > dt.timedelta(days=OFFLINE_MAX_DAYS):
        raise ValidationError(
            _(
                "A temporary offline period may last at most %(max)d days (Guidelines for the Development of Government Websites; Tianjin Measures for the Administration of Government Websites, article 8: "
                "下线时间不得超过30天); this one would last %(days)s days."
            )
            % {"max": OFFLINE_MAX_DAYS, "days": _days(duration)},
            code="too_long",
        )
    year_start, year_end = _year_bounds(starts_at)
    earlier = SiteApplication.objects.filter(
        site=site,
        kind=ApplicationKind.OFFLINE,
        force_majeure=False,
        status__in=[s for s in LIVE_STATUSES if not (decided_only and s == ApplicationStatus.PENDING)],
        starts_at__gte=year_start,
        starts_at__lt=year_end,
    ).exclude(pk=exclude)
    if earlier.count() >= OFFLINE_PER_YEAR:
        first = earlier.order_by("starts_at").first()
        raise ValidationError(
            _(
                "A site may go temporarily offline at most once a year (Guidelines for the Development of Government Websites; Tianjin Measures for the Administration of Government Websites, article 8: "
                "临时下线每年不得超过1次); %(site)s already has an offline period in %(year)d "
                "(%(start)s to %(end)s). Force majeure is exempt and recorded as such."
            )
            % {
                "site": site,
                "year": year_start.year,
                "start": local_minute(first.starts_at),
                "end": local_minute(first.ends_at),
            },
            code="once_a_year",
        )


def _reason(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reason": _("Give the reason for the application.")}, code="reason_required")
    return text


@transaction.atomic
def apply_for_offline(
    site: Site, *, starts_at, ends_at, reason: str, force_majeure: bool = False, acting_user
) -> SiteApplication:
    """Apply for (or, where allowed, file) a temporary offline period of an online site (SITE-6)."""
    require_site_manager(acting_user, site)
    reason = _reason(reason)
    lock_site(site)
    if site.status != SiteStatus.ONLINE:
        raise ValidationError(
            _("Only an online site can go temporarily offline; %(site)s is %(status)s.")
            % {"site": site, "status": site.get_status_display()},
            code="not_online",
        )
    check_rules(site, starts_at, ends_at, force_majeure)
    now = timezone.now()
    if ends_at <= now:
        raise ValidationError(_("The offline period is over already."), code="period_past")
    status = ApplicationStatus.PENDING
    filing_only = tianjin_mode() and ends_at - starts_at <= dt.timedelta(hours=FILING_ONLY_HOURS)
    if force_majeure:
        status = ApplicationStatus.FILED  # reported in writing, not approved (G §3(二)2)
    elif filing_only:
        if starts_at <= now:
            raise ValidationError(
                _(
                    "An offline period of up to 24 hours is filed before it starts (Tianjin Measures for the Administration of Government Websites, article 8: "
                    "需提前以书面形式向市政府办公厅报备); its start must be in the future."
                ),
                code="filing_late",
            )
        status = ApplicationStatus.FILED
    application = SiteApplication.objects.create(
        site=site,
        kind=ApplicationKind.OFFLINE,
        status=status,
        reason=reason,
        starts_at=starts_at,
        ends_at=ends_at,
        force_majeure=force_majeure,
        applied_by=acting_user,
        details={"filing_only": filing_only and not force_majeure},
    )
    audit.record(
        AuditEvent.SITE_APPLY_OFFLINE,
        actor=acting_user,
        obj=site,
        details={
            "application": application.pk,
            "status": status,
            "from": starts_at.isoformat(),
            "until": ends_at.isoformat(),
            "force_majeure": force_majeure,
            "reason": reason,
        },
    )
    return application


def take_offline_refusals(application: SiteApplication) -> list[str]:
    """Why the offline period cannot be carried out now (empty when it can), for the action and its page."""
    site = application.site
    if application.kind != ApplicationKind.OFFLINE or application.status not in (
        ApplicationStatus.APPROVED,
        ApplicationStatus.FILED,
    ):
        return [
            _("A site goes offline only with an approved (or filed) offline application; this one is %(status)s.")
            % {"status": application.get_status_display()}
        ]
    refusals = []
    if site.status != SiteStatus.ONLINE:
        refusals.append(
            _("Only an online site can go temporarily offline; %(site)s is %(status)s.")
            % {"site": site, "status": site.get_status_display()}
        )
    if application.ends_at <= timezone.now():
        refusals.append(_("The offline period is over already."))
    return refusals


@transaction.atomic
def take_offline(application: SiteApplication, *, acting_user) -> Site:
    """Carry out an approved (or filed) offline period: the site serves its notice, the portal announces it."""
    site = lock_site(application.site)
    require_site_manager(acting_user, site)
    application = SiteApplication.objects.select_for_update().get(pk=application.pk)
    application.site = site
    refusals = take_offline_refusals(application)
    if refusals:
        raise ValidationError(refusals, code="not_ready")
    portal = notices.announcing_portal(site)
    column = notices.require_notices_column(portal, _("offline announcement")) if portal else None
    set_status(site, SiteStatus.OFFLINE, acting_user=acting_user, application=application)
    announcement = None
    if portal is not None:
        announcement = notices.publish(
            portal,
            column,
            "offline",
            {
                "subject": site,
                "url": notices.site_url(site),
                "reason": application.reason,
                "start": local_minute(application.starts_at),
                "end": local_minute(application.ends_at),
            },
            decision=_("Temporary offline of %(site)s approved or filed") % {"site": site},
            until=application.ends_at,
        )
    application.status = ApplicationStatus.IN_EFFECT
    application.details = {**application.details, "announcement": announcement.pk if announcement else None}
    application.save(update_fields=["status", "details"])
    feed.changed(addresses=[site.pk])  # nginx asks the public process, which answers with the notice
    audit.record(
        AuditEvent.SITE_TAKE_OFFLINE,
        actor=acting_user,
        obj=site,
        details={"application": application.pk, "until": application.ends_at.isoformat(),
                 "announcement": announcement.pk if announcement else None},
    )  # fmt: skip
    return site


def current_offline(site: Site) -> SiteApplication | None:
    """The offline period in effect, or the next one approved or filed."""
    statuses = (ApplicationStatus.IN_EFFECT, ApplicationStatus.APPROVED, ApplicationStatus.FILED)
    candidates = site.applications.filter(kind=ApplicationKind.OFFLINE, status__in=statuses)
    return candidates.order_by("-status", "starts_at").first()


@transaction.atomic
def apply_for_return(site: Site, *, planned_at, reason: str, acting_user) -> SiteApplication:
    """Apply to return online, at least 7 days ahead (T art.8(三))."""
    require_site_manager(acting_user, site)
    reason = _reason(reason)
    _aware(planned_at)
    lock_site(site)
    offline_application = current_offline(site)
    if offline_application is None:
        raise ValidationError(
            _("Only a site that is (or is about to be) temporarily offline applies to return online."),
            code="not_offline",
        )
    if site.applications.filter(
        kind=ApplicationKind.RETURN, status__in=(ApplicationStatus.PENDING, ApplicationStatus.APPROVED)
    ).exists():
        raise ValidationError(_("%(site)s already has an application to return online.") % {"site": site})
    if planned_at is None:
        raise ValidationError({"starts_at": _("Give the time the site returns online.")}, code="time_required")
    days = return_notice_days()
    earliest = timezone.now() + dt.timedelta(days=days)
    if planned_at < earliest:
        raise ValidationError(
            _(
                "An application to return online is made at least %(days)d days before the site goes "
                "online again (Tianjin Measures for the Administration of Government Websites, article 8: 应在正式上线前7日逐级提交上线申请); the earliest time "
                "for this application is %(earliest)s."
            )
            % {"days": days, "earliest": local_minute(earliest)},
            code="too_late",
        )
    application = SiteApplication.objects.create(
        site=site,
        kind=ApplicationKind.RETURN,
        reason=reason,
        starts_at=planned_at,
        applied_by=acting_user,
        details={"offline": offline_application.pk},
    )
    audit.record(
        AuditEvent.SITE_APPLY_RETURN,
        actor=acting_user,
        obj=site,
        details={"application": application.pk, "planned": planned_at.isoformat(), "reason": reason},
    )
    return application


def return_online_refusals(application: SiteApplication, now=None) -> list[str]:
    """Why the site cannot return online now (empty when it can), for the action and its page."""
    site = application.site
    if application.kind != ApplicationKind.RETURN or application.status != ApplicationStatus.APPROVED:
        return [
            _("A site returns online only with an approved application; this one is %(status)s.")
            % {"status": application.get_status_display()}
        ]
    refusals = []
    if site.status != SiteStatus.OFFLINE:
        refusals.append(
            _("%(site)s is not offline (it is %(status)s).") % {"site": site, "status": site.get_status_display()}
        )
    if (now or timezone.now()) < application.starts_at:
        refusals.append(
            _("%(site)s may return online from %(time)s, the time of its approved application.")
            % {"site": site, "time": local_minute(application.starts_at)}
        )
    return refusals


@transaction.atomic
def return_online(application: SiteApplication, *, acting_user, now=None) -> Site:
    """Bring the site back online at (or after) the approved time; its offline notice ends."""
    site = lock_site(application.site)
    require_site_manager(acting_user, site)
    application = SiteApplication.objects.select_for_update().get(pk=application.pk)
    application.site = site
    now = now or timezone.now()
    refusals = return_online_refusals(application, now)
    if refusals:
        raise ValidationError(refusals, code="not_ready")
    set_status(site, SiteStatus.ONLINE, acting_user=acting_user, application=application)
    application.status = ApplicationStatus.DONE
    application.completed_at = now
    application.save(update_fields=["status", "completed_at"])
    offline_application = site.applications.filter(
        kind=ApplicationKind.OFFLINE, status=ApplicationStatus.IN_EFFECT
    ).first()
    if offline_application is not None:
        offline_application.status = ApplicationStatus.DONE
        offline_application.completed_at = now
        offline_application.save(update_fields=["status", "completed_at"])
        notices.withdraw(offline_application.details.get("announcement"), reason=_("The site is back online."))
    audit.record(AuditEvent.SITE_RETURN_ONLINE, actor=acting_user, obj=site, details={"application": application.pk})
    feed.changed(addresses=[site.pk])
    feed.changed(sites=[site.pk])
    return site
