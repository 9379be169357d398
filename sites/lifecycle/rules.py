"""The limits of G §3 and T art.6/art.8, and what every lifecycle action shares.

The numbers are the texts' and are not settings: once a year and at most 30 days offline
(G §3(二)2, T art.8(二)), announcements kept at least 30 days and migrations done within three
months (T art.8(一)). Tianjin's prior filing for up to 24 hours offline (T art.8(二)) is a
platform setting, LIFECYCLE_TIANJIN_MODE; the return-online application's lead time (T art.8(三),
7 days) is LIFECYCLE_RETURN_NOTICE_DAYS.
"""

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from govplatform.models import Role
from govplatform.permissions import has_role, is_platform_admin
from sites.models import Site, SiteStatus, StatusChange

OFFLINE_PER_YEAR = 1
OFFLINE_MAX_DAYS = 30
FILING_ONLY_HOURS = 24  # Tianjin: up to 24 hours needs only a prior filing
ANNOUNCEMENT_DAYS = 30
MIGRATION_MONTHS = 3
# Sites whose changes are filed (SITE-8): those that are (or were) open to the public.
OPENED_STATUSES = (SiteStatus.ONLINE, SiteStatus.OFFLINE, SiteStatus.MIGRATING)


def tianjin_mode() -> bool:
    return bool(getattr(settings, "LIFECYCLE_TIANJIN_MODE", False))


def return_notice_days() -> int:
    return int(getattr(settings, "LIFECYCLE_RETURN_NOTICE_DAYS", 7))


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def local_day(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else ""


def local_minute(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def require_site_manager(user, site: Site) -> None:
    """Platform administrators, or administrators of the site itself (applications, carrying out)."""
    if user is None or is_platform_admin(user) or has_role(user, site, Role.SITE_ADMIN):
        return
    raise PermissionDenied(_("You are not an administrator of the site %(site)s.") % {"site": site})


def lock_site(site: Site) -> Site:
    """Lock the site's row and reload it: lifecycle actions on one site run one after another."""
    locked = Site.objects.select_for_update().get(pk=site.pk)
    for field in Site._meta.concrete_fields:
        setattr(site, field.attname, getattr(locked, field.attname))
    return site


def set_status(site: Site, status: str, *, acting_user, application=None, note: str = "") -> StatusChange | None:
    """Change the status and keep its history (inside the action's transaction)."""
    before = site.status
    if before == status:
        return None
    site.status = status
    site.save(update_fields=["status", "updated_at"])
    return StatusChange.objects.create(
        site=site,
        before=before,
        after=status,
        application=application,
        actor=acting_user if acting_user is not None and acting_user.pk else None,
        note=note[:300],
    )
