"""The platform administrator's decisions on applications: approve, refuse; the applicant's cancel."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govplatform import audit
from govplatform.permissions import require_platform_admin
from sites.lifecycle import migration, offline, opening
from sites.lifecycle.rules import lock_site, require_site_manager
from sites.models import ApplicationKind, ApplicationStatus, SiteApplication


def _lock(application: SiteApplication) -> SiteApplication:
    locked = SiteApplication.objects.select_for_update().get(pk=application.pk)
    lock_site(locked.site)
    return locked


def _refresh(application: SiteApplication, locked: SiteApplication) -> SiteApplication:
    for field in SiteApplication._meta.concrete_fields:
        setattr(application, field.attname, getattr(locked, field.attname))
    application._state.fields_cache.clear()
    return application


def _require_pending(application: SiteApplication, message: str) -> None:
    if application.status != ApplicationStatus.PENDING:
        raise ValidationError(message % {"status": application.get_status_display()}, code="not_pending")


@transaction.atomic
def approve(application: SiteApplication, *, acting_user, note: str = "") -> SiteApplication:
    """Approve an application (platform administrators, SITE-5 to SITE-7) and start what it allows."""
    require_platform_admin(acting_user)
    locked = _lock(application)
    _require_pending(locked, _("Only an application waiting for approval can be approved; this one is %(status)s."))
    now = timezone.now()
    locked.status = ApplicationStatus.APPROVED
    locked.decided_by = acting_user
    locked.decided_at = now
    locked.decision_note = (note or "").strip()
    if locked.kind == ApplicationKind.OFFLINE:
        offline.check_rules(
            locked.site, locked.starts_at, locked.ends_at, locked.force_majeure, exclude=locked.pk, decided_only=True
        )
    locked.save()
    if locked.kind == ApplicationKind.OPENING:
        opening.on_approved(locked, acting_user)
    elif locked.kind == ApplicationKind.MIGRATION:
        migration.on_approved(locked, acting_user)
    audit.record(
        "site_application.approve",
        actor=acting_user,
        obj=locked,
        site=locked.site,
        details={"kind": locked.kind, "note": locked.decision_note},
    )
    return _refresh(application, locked)


@transaction.atomic
def refuse(application: SiteApplication, *, reason: str, acting_user) -> SiteApplication:
    """Refuse an application with the reason the applicant reads (SITE-5)."""
    require_platform_admin(acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the application is refused.")}, code="reason_required")
    locked = _lock(application)
    _require_pending(locked, _("Only an application waiting for approval can be refused; this one is %(status)s."))
    locked.status = ApplicationStatus.REFUSED
    locked.decided_by = acting_user
    locked.decided_at = timezone.now()
    locked.decision_note = reason
    locked.save()
    audit.record(
        "site_application.refuse",
        actor=acting_user,
        obj=locked,
        site=locked.site,
        details={"kind": locked.kind, "reason": reason},
    )
    return _refresh(application, locked)


@transaction.atomic
def cancel(application: SiteApplication, *, acting_user) -> SiteApplication:
    """The applicant withdraws an application that has not been carried out."""
    locked = _lock(application)
    require_site_manager(acting_user, locked.site)
    if not locked.cancellable:
        raise ValidationError(
            _("This application can no longer be cancelled (it is %(status)s).")
            % {"status": locked.get_status_display()},
            code="not_cancellable",
        )
    locked.status = ApplicationStatus.CANCELLED
    locked.save(update_fields=["status"])
    audit.record("site_application.cancel", actor=acting_user, obj=locked, site=locked.site,
                 details={"kind": locked.kind})  # fmt: skip
    return _refresh(application, locked)
