"""The platform administrator's decisions on applications: approve, refuse; the applicant's cancel.

Nobody decides an application they made (SITE-11, PUB-1): a platform administrator who applied
(for an opening, an offline period, a return or a migration) leaves the decision to another.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from lifecycle import migration, offline, opening
from lifecycle.models import ApplicationKind, ApplicationStatus, SiteApplication
from lifecycle.rules import decision_refusal, lock_site, require_site_manager
from sites.permissions import require_platform_admin


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


def _require_not_applicant(application: SiteApplication, user) -> None:
    refusal = decision_refusal(application, user)
    if refusal:
        raise PermissionDenied(refusal)


def decision_refusals(application: SiteApplication, user) -> list[str]:
    """Why `user` cannot approve or refuse `application` now (empty when they can), for the page."""
    refusals = [decision_refusal(application, user)]
    if application.status != ApplicationStatus.PENDING:
        refusals.append(_("This application is no longer waiting for a decision (it is %(status)s).")
                        % {"status": application.get_status_display()})  # fmt: skip
    return [refusal for refusal in refusals if refusal]


def cancel_refusals(application: SiteApplication, user) -> list[str]:
    if application.cancellable:
        return []
    return [_("This application can no longer be cancelled (it is %(status)s).")
            % {"status": application.get_status_display()}]  # fmt: skip


@transaction.atomic
def approve(application: SiteApplication, *, acting_user, note: str = "") -> SiteApplication:
    """Approve an application (platform administrators, SITE-5 to SITE-7) and start what it allows."""
    require_platform_admin(acting_user)
    locked = _lock(application)
    _require_not_applicant(locked, acting_user)
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
        AuditEvent.SITE_APPLICATION_APPROVE,
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
    _require_not_applicant(locked, acting_user)
    _require_pending(locked, _("Only an application waiting for approval can be refused; this one is %(status)s."))
    locked.status = ApplicationStatus.REFUSED
    locked.decided_by = acting_user
    locked.decided_at = timezone.now()
    locked.decision_note = reason
    locked.save()
    audit.record(
        AuditEvent.SITE_APPLICATION_REFUSE,
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
    refusals = cancel_refusals(locked, acting_user)
    if refusals:
        raise ValidationError(refusals, code="not_cancellable")
    locked.status = ApplicationStatus.CANCELLED
    locked.save(update_fields=["status"])
    audit.record(AuditEvent.SITE_APPLICATION_CANCEL, actor=acting_user, obj=locked, site=locked.site,
                 details={"kind": locked.kind})  # fmt: skip
    return _refresh(application, locked)
