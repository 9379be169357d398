"""Opening a site (开设, SITE-5; G §3(一)2, T art.6(三)).

application → approval by the platform administrator (decisions.py) → site ID code recorded →
security check passed → online, with an opening announcement (开通公告) on the parent portal
(a portal) or on the portal of its level (a department site: its parent portal). A site without
an ID code, or whose latest security check did not pass, cannot go online.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from core import feed
from lifecycle import notices, rules
from lifecycle.models import ApplicationKind, ApplicationStatus, SecurityCheck, SiteApplication, StatusChange
from lifecycle.rules import local_day, lock_site, set_status
from resources.uploads import check_file
from sites.models import Domain, Role, Site, SiteStatus
from sites.permissions import has_role, is_platform_admin, require_platform_admin
from sites.validators import normalise_domain

REPORT_MAX_BYTES = 20 * 1024 * 1024
# What a report may be (resources/sniff.py's keys); stored as .pdf, .ofd, .doc, .docx, .jpg or .png.
REPORT_TYPES = {"pdf", "ofd", "doc", "docx", "jpeg", "png"}


def _require_applicant(user, parent: Site | None) -> None:
    """The platform administrator, or an administrator of the portal the new site will belong to."""
    if user is None or is_platform_admin(user):
        return
    if parent is not None and has_role(user, parent, Role.SITE_ADMIN):
        return
    raise PermissionDenied(
        _("Only a platform administrator, or an administrator of the parent portal, may apply for a site.")
    )


def _reason(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reason": _("Give the reason for the application.")}, code="reason_required")
    return text


@transaction.atomic
def apply_for_site(site: Site, *, primary_domain: str, reason: str, acting_user) -> SiteApplication:
    """A unit applies for a site: the site is registered as applying, with its application (SITE-5)."""
    _require_applicant(acting_user, site.parent)
    reason = _reason(reason)
    site.status = SiteStatus.APPLYING
    site.full_clean()
    site.save()
    domain = Domain(site=site, name=normalise_domain(primary_domain), is_primary=True)
    domain.full_clean()
    domain.save()
    application = SiteApplication.objects.create(
        site=site,
        kind=ApplicationKind.OPENING,
        reason=reason,
        applied_by=acting_user,
        details={"domain": domain.name, "kind": site.kind, "parent": site.parent.name if site.parent else None},
    )
    StatusChange.objects.create(site=site, before="", after=SiteStatus.APPLYING, application=application,
                                actor=acting_user)  # fmt: skip
    audit.record(
        AuditEvent.SITE_APPLY,
        actor=acting_user,
        obj=site,
        details={"application": application.pk, "domain": domain.name, "reason": reason},
    )
    return application


@transaction.atomic
def apply_again(site: Site, *, reason: str, acting_user) -> SiteApplication:
    """A new opening application for a site whose application was refused, or for an approved site
    without an approval that lets it go online (one decided by its own applicant, or none: SITE-11)."""
    _require_applicant(acting_user, site.parent)
    reason = _reason(reason)
    lock_site(site)
    if not may_apply_again(site):
        raise ValidationError(
            _("Only a site that has not been approved yet can apply again; %(site)s is %(status)s.")
            % {"site": site, "status": site.get_status_display()},
            code="not_applying",
        )
    if site.applications.filter(kind=ApplicationKind.OPENING, status=ApplicationStatus.PENDING).exists():
        raise ValidationError(_("%(site)s already has an application waiting for approval.") % {"site": site})
    application = SiteApplication.objects.create(
        site=site, kind=ApplicationKind.OPENING, reason=reason, applied_by=acting_user
    )
    audit.record(
        AuditEvent.SITE_APPLY, actor=acting_user, obj=site, details={"application": application.pk, "reason": reason}
    )
    return application


def may_apply_again(site: Site) -> bool:
    if site.status == SiteStatus.APPROVED:
        return rules.approved_opening(site) is None
    return site.status == SiteStatus.APPLYING


def on_approved(application: SiteApplication, acting_user) -> None:
    """The site is approved: from now on it is published (sites.models.PUBLISHED_STATUSES), once in
    full here with what was written while it was applying, for its security check before going online."""
    set_status(application.site, SiteStatus.APPROVED, acting_user=acting_user, application=application)
    feed.changed(sites=[application.site.pk])


@transaction.atomic
def record_id_code(site: Site, id_code: str, *, acting_user) -> Site:
    """Record the site ID code (政府网站标识码) given for an approved site (SITE-2, SITE-5)."""
    require_platform_admin(acting_user)
    lock_site(site)
    if site.status not in (SiteStatus.APPLYING, SiteStatus.APPROVED):
        raise ValidationError(
            _("The ID code of a site that is open is changed on the site's page; %(site)s is %(status)s.")
            % {"site": site, "status": site.get_status_display()},
            code="not_opening",
        )
    before = site.id_code
    site.id_code = (id_code or "").strip()
    if not site.id_code:
        raise ValidationError({"id_code": _("Enter the site ID code.")}, code="id_code_required")
    site.full_clean()
    site.save(update_fields=["id_code", "updated_at"])
    audit.record(
        AuditEvent.SITE_RECORD_ID_CODE, actor=acting_user, obj=site, details={"before": before, "after": site.id_code}
    )
    return site


@transaction.atomic
def record_security_check(site: Site, *, passed: bool, report, note: str = "", acting_user) -> SecurityCheck:
    """Record a security check of the site with its report file: who, when, passed or not (SITE-5)."""
    require_platform_admin(acting_user)
    if acting_user is None:
        raise PermissionDenied(_("A person records a security check."))
    if not report:
        raise ValidationError({"report": _("Attach the report of the security check.")}, code="report_required")
    if getattr(report, "size", 0) > REPORT_MAX_BYTES:
        raise ValidationError({"report": _("The report may be at most 20 MB.")}, code="report_size")
    try:  # the library's checks, by content; stored under the platform's name and the type found (SEC-7)
        report = check_file(report, REPORT_TYPES)
    except ValidationError as error:
        raise ValidationError({"report": error.messages}, code="report_type") from error
    lock_site(site)
    check = SecurityCheck(site=site, passed=bool(passed), report=report, note=(note or "").strip(),
                          checked_by=acting_user, checked_at=timezone.now())  # fmt: skip
    check.full_clean()
    check.save()
    audit.record(
        AuditEvent.SITE_SECURITY_CHECK,
        actor=acting_user,
        obj=site,
        details={"check": check.pk, "passed": check.passed, "report": check.report.name},
    )
    return check


# What the site still lacks before it may go online (SITE-11): one rule for the action and its page.
opening_gaps = rules.opening_gaps
latest_check = rules.latest_check


def online_refusals(site: Site) -> list[str]:
    """Why the site cannot go online yet, as sentences (empty when it can)."""
    return [gap.text for gap in opening_gaps(site)]


@transaction.atomic
def go_online(site: Site, *, acting_user) -> Site:
    """Open the complete site to the public and announce it on its portal (SITE-5, SITE-11, T art.6(三))."""
    require_platform_admin(acting_user)
    lock_site(site)
    refusals = online_refusals(site)
    if refusals:
        raise ValidationError(refusals, code="not_ready")
    portal = notices.announcing_portal(site)
    column = notices.require_notices_column(portal, _("opening announcement")) if portal else None
    application = rules.approved_opening(site)
    set_status(site, SiteStatus.ONLINE, acting_user=acting_user, application=application)
    announcement = None
    if portal is not None:
        announcement = notices.publish(
            portal,
            column,
            "opening",
            {"subject": site, "url": notices.site_url(site), "date": local_day(timezone.now())},
            decision=_("Opening of %(site)s approved") % {"site": site},
        )
    if application is not None:
        application.status = ApplicationStatus.DONE
        application.completed_at = timezone.now()
        application.details = {**application.details, "announcement": announcement.pk if announcement else None}
        application.save(update_fields=["status", "completed_at", "details"])
    audit.record(
        AuditEvent.SITE_GO_ONLINE,
        actor=acting_user,
        obj=site,
        details={"announcement": announcement.pk if announcement else None, "portal": str(portal or "")},
    )
    feed.changed(sites=[site.pk])
    return site
