"""The limits of G §3 and T art.6/art.8, and what every lifecycle action shares.

The numbers are the texts' and are not settings: once a year and at most 30 days offline
(G §3(二)2, T art.8(二)), announcements kept at least 30 days and migrations done within three
months (T art.8(一)). Tianjin's prior filing for up to 24 hours offline (T art.8(二)) is a
platform setting, LIFECYCLE_TIANJIN_MODE; the return-online application's lead time (T art.8(三),
7 days) is LIFECYCLE_RETURN_NOTICE_DAYS.

Two rules every page and action ask here: what a site still lacks before it may go online
(`opening_gaps`, SITE-11) and who may not decide an application (`decision_refusal`: its
applicant, SITE-11 and PUB-1's separation of duties).
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from columns.models import Column
from columns.types import REQUIRED_COLUMN_KINDS, STANDARD_COLUMN_TYPES
from editorial.models import Placement, PlacementStatus
from lifecycle.models import ApplicationKind, ApplicationStatus, SecurityCheck, StatusChange
from publishing.models import HeldBackItem
from resources.models import Disclosure
from sites.models import Role, Site, SiteStatus
from sites.permissions import has_role, is_platform_admin

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


# --- who decides an application (SITE-11, PUB-1) ------------------------------------------------


def decision_refusal(application, user) -> str | None:
    """Why `user` may not approve or refuse `application`, or None: nobody decides what they applied for.

    An application the system made (no applicant, e.g. the demo loader) may be decided by any
    platform administrator; whether `user` is one is require_platform_admin's business.
    """
    if user is not None and user.pk is not None and application.applied_by_id == user.pk:
        return _("You made this application yourself: another platform administrator must decide it.")
    return None


def approved_opening(site: Site):
    """The opening application that lets the site go online: approved by someone other than its applicant."""
    application = (
        site.applications.filter(kind=ApplicationKind.OPENING, status=ApplicationStatus.APPROVED)
        .order_by("-decided_at", "-id")
        .first()
    )
    if (
        application is None
        or application.decided_by_id is None
        or application.decided_by_id == application.applied_by_id
    ):
        return None
    return application


# --- what a site lacks before it goes online (SITE-11; T art.6(三), G §3(一)) ----------------------


@dataclass(frozen=True)
class Gap:
    """One thing that keeps a site from going online, and where it is put right: `place` is one of
    the FIX_* below and `target` what that place needs (a field, a step, a column type, a column)."""

    text: str
    place: str = ""
    target: object = None


FIX_SITE_FIELD, FIX_STEP, FIX_NEW_COLUMN, FIX_COLUMN_CONTENT, FIX_APPLY = (
    "site_field", "step", "new_column", "column_content", "apply",
)  # fmt: skip


def latest_check(site: Site) -> SecurityCheck | None:
    return site.security_checks.order_by("-checked_at", "-id").first()


def _new_column_type(kind: str, satisfied_by: set[str]) -> str:
    """The column type offered for a missing kind: the kind itself, or the first standard type that satisfies it."""
    return kind if kind in satisfied_by else next(t for t in STANDARD_COLUMN_TYPES if t in satisfied_by)


@dataclass(frozen=True)
class CurrentColumn:
    """A column that is not archived, and whether its own pages list published content."""

    pk: int
    site_id: int
    name: str
    column_type: str
    tree_id: int
    lft: int
    rght: int
    shows_content: bool

    def contains(self, other: "CurrentColumn") -> bool:
        return self.tree_id == other.tree_id and self.lft <= other.lft and other.rght <= self.rght


def current_columns(site_ids) -> dict[int, list[CurrentColumn]]:
    """The current columns of the sites, in tree order, in one query (whatever their number of
    resources): `shows_content` is whether the column itself lists something citizens see.

    As the publisher decides (publishing/site_loading.py `shown_placements`, COL-3 counting only
    what citizens see): an ACTIVE placement of an online, proactively disclosed resource (PUB-10)
    that the publisher does not hold back on the site (publishing/held_back.py)."""
    held_back = HeldBackItem.objects.filter(site_id=OuterRef("site_id"), resource_id=OuterRef("resource_id"))
    shown = Placement.objects.filter(
        column=OuterRef("pk"),
        status=PlacementStatus.ACTIVE,
        resource__published_revision__isnull=False,
        resource__disclosure=Disclosure.PROACTIVE,
    ).exclude(Exists(held_back))
    rows = (
        Column.objects.filter(site_id__in=list(site_ids), archived_at__isnull=True)
        .annotate(shows_content=Exists(shown))
        .order_by("site_id", "tree_id", "lft")
        .values_list("pk", "site_id", "name", "column_type", "tree_id", "lft", "rght", "shows_content")
    )
    columns: dict[int, list[CurrentColumn]] = {site_id: [] for site_id in site_ids}
    for row in rows:
        columns[row[1]].append(CurrentColumn(*row))
    return columns


def column_gaps_of(columns: list[CurrentColumn]) -> list[Gap]:
    """Every required kind of COL-3 has a current column whose pages (or its current sub-columns')
    list published content: the gaps of one site, from its `current_columns`."""
    gaps = []
    for kind, satisfied_by in REQUIRED_COLUMN_KINDS.items():
        typed = [column for column in columns if column.column_type in satisfied_by]
        if not typed:
            gaps.append(Gap(_("There is no column of the required kind “%(kind)s”.") % {"kind": kind},
                            FIX_NEW_COLUMN, _new_column_type(kind, satisfied_by)))  # fmt: skip
            continue
        if not any(column.shows_content and any(t.contains(column) for t in typed) for column in columns):
            gaps.append(
                Gap(
                    _("The column %(columns)s of the required kind “%(kind)s” has no published content yet.")
                    % {"columns": "、".join(f"“{c.name}”" for c in typed), "kind": kind},
                    FIX_COLUMN_CONTENT,
                    typed[0].pk,
                )
            )
    return gaps


def _column_gaps(site: Site) -> list[Gap]:
    return column_gaps_of(current_columns([site.pk])[site.pk])


def site_gaps(site: Site) -> list[Gap]:
    """What the site lacks before going online besides its columns: status, approval, ID code,
    security check and filings (two queries)."""
    gaps = []
    if site.status != SiteStatus.APPROVED:
        gaps.append(Gap(_("Only an approved site can go online; %(site)s is %(status)s.")
                        % {"site": site, "status": site.get_status_display()}))  # fmt: skip
    if approved_opening(site) is None:
        gaps.append(Gap(_("The opening must be approved by a platform administrator other than the applicant; "
                          "there is no such approval yet."), FIX_APPLY))  # fmt: skip
    if not site.id_code:
        gaps.append(Gap(_("A site without a site ID code cannot go online: record the ID code (政府网站标识码) first."),
                        FIX_STEP, "id_code"))  # fmt: skip
    check = latest_check(site)
    if check is None or not check.passed:
        gaps.append(Gap(_("A site cannot go online before it has passed its security check: record a passed "
                          "check with its report first."), FIX_STEP, "security_check"))  # fmt: skip
    if not site.icp_number:
        gaps.append(Gap(_("The ICP filing number (ICP备案编号) is not recorded."), FIX_SITE_FIELD, "icp_number"))
    if not site.psb_number:
        gaps.append(Gap(_("The public-security filing number (公安机关备案号) is not recorded."),
                        FIX_SITE_FIELD, "psb_number"))  # fmt: skip
    if not site.conac_mark:
        gaps.append(Gap(_("The Party/government site mark (党政机关网站标识) registration is not recorded."),
                        FIX_SITE_FIELD, "conac_mark"))  # fmt: skip
    return gaps


def opening_gaps(site: Site) -> list[Gap]:
    """What the site still lacks before it may go online (SITE-5, SITE-11); empty when it is complete.

    The go-online action refuses with these, and its page lists them with where each is put right.
    """
    return site_gaps(site) + _column_gaps(site)
