"""The lifecycle steps of a site's page in the back office: what each button asks and runs (SITE-5 to SITE-9).

A step has its label, its form (sites/admin_forms.py), the action it runs, when it is offered,
who sees it (platform administrators only, or the site's administrators too) and whether it
cannot be undone (its page then asks for confirmation as such, TPL-11).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govplatform.models import Role
from govplatform.permissions import has_role, is_platform_admin
from sites import admin_forms as forms
from sites.lifecycle import archiving, decisions, migration, offline, opening
from sites.models import ApplicationKind, ApplicationStatus, Site, SiteStatus

PLATFORM, MANAGER = "platform", "manager"  # who sees a step: platform administrators, or the site's too


def _pending(site, kind):
    return site.applications.filter(kind=kind, status=ApplicationStatus.PENDING).exists()


def _approved(site, kind, *statuses):
    statuses = statuses or (ApplicationStatus.APPROVED,)
    return site.applications.filter(kind=kind, status__in=statuses).order_by("-decided_at", "-id").first()


@dataclass
class Step:
    label: str
    form: type
    run: Callable
    available: Callable
    who: str = MANAGER
    explanation: str = ""
    irreversible: bool = False
    done: str = field(default=gettext_lazy("Done."))


def _take_offline(site, data, user):
    application = _approved(site, ApplicationKind.OFFLINE, ApplicationStatus.APPROVED, ApplicationStatus.FILED)
    if application is None:
        raise ValidationError(_("There is no approved or filed offline application."))
    return offline.take_offline(application, acting_user=user)


def _return_online(site, data, user):
    application = _approved(site, ApplicationKind.RETURN)
    if application is None:
        raise ValidationError(_("There is no approved application to return online."))
    return offline.return_online(application, acting_user=user)


def migration_in_progress(site):
    return _approved(site, ApplicationKind.MIGRATION)


def _migrate_content(site, data, user, form):
    return migration.migrate_content(
        migration_in_progress(site),
        default_column=data["default_column"],
        column_map=form.column_map(),
        acting_user=user,
    )


STEPS = {
    "apply_again": Step(
        gettext_lazy("Apply for opening"),
        forms.ReasonForm,
        lambda site, data, user: opening.apply_again(site, reason=data["reason"], acting_user=user),
        lambda site: site.status == SiteStatus.APPLYING and not _pending(site, ApplicationKind.OPENING),
        explanation=gettext_lazy("A new opening application for this site, to the platform administrator."),
        done=gettext_lazy("The application was sent to the platform administrator."),
    ),
    "id_code": Step(
        gettext_lazy("Record the site ID code"),
        forms.IdCodeForm,
        lambda site, data, user: opening.record_id_code(site, data["id_code"], acting_user=user),
        lambda site: site.status in (SiteStatus.APPLYING, SiteStatus.APPROVED),
        who=PLATFORM,
        done=gettext_lazy("The site ID code was recorded."),
    ),
    "security_check": Step(
        gettext_lazy("Record a security check"),
        forms.SecurityCheckForm,
        lambda site, data, user: opening.record_security_check(
            site, passed=data["passed"], report=data["report"], note=data["note"], acting_user=user
        ),
        lambda site: site.status in (SiteStatus.APPLYING, SiteStatus.APPROVED),
        who=PLATFORM,
        done=gettext_lazy("The security check was recorded."),
    ),
    "go_online": Step(
        gettext_lazy("Go online"),
        forms.ConfirmForm,
        lambda site, data, user: opening.go_online(site, acting_user=user),
        lambda site: site.status == SiteStatus.APPROVED,
        who=PLATFORM,
        explanation=gettext_lazy(
            "The site is published for citizens, and an opening announcement (开通公告) is published on its "
            "portal (SITE-5)."
        ),
        irreversible=True,
        done=gettext_lazy("The site is online; the opening announcement is published."),
    ),
    "offline": Step(
        gettext_lazy("Apply for temporary offline"),
        forms.OfflineForm,
        lambda site, data, user: offline.apply_for_offline(
            site,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            reason=data["reason"],
            force_majeure=data["force_majeure"],
            acting_user=user,
        ),  # fmt: skip
        lambda site: site.status == SiteStatus.ONLINE,
        explanation=gettext_lazy(
            "At most once a calendar year and at most 30 days (G §3(二)2); force majeure is filed and not counted."
        ),
        done=gettext_lazy("The offline application was recorded."),
    ),
    "take_offline": Step(
        gettext_lazy("Take offline now"),
        forms.ConfirmForm,
        _take_offline,
        lambda site: (
            site.status == SiteStatus.ONLINE
            and _approved(site, ApplicationKind.OFFLINE, ApplicationStatus.APPROVED, ApplicationStatus.FILED)
        ),
        explanation=gettext_lazy(
            "Every page of the site shows the offline notice with its period, and the portal announces it."
        ),
        irreversible=True,
        done=gettext_lazy("The site is temporarily offline."),
    ),
    "return": Step(
        gettext_lazy("Apply to return online"),
        forms.ReturnForm,
        lambda site, data, user: offline.apply_for_return(
            site, planned_at=data["planned_at"], reason=data["reason"], acting_user=user
        ),
        lambda site: (
            offline.current_offline(site) is not None
            and not site.applications.filter(
                kind=ApplicationKind.RETURN, status__in=(ApplicationStatus.PENDING, ApplicationStatus.APPROVED)
            ).exists()
        ),
        explanation=gettext_lazy("The application is made at least 7 days before the site returns (T art.8(三))."),
        done=gettext_lazy("The application to return online was recorded."),
    ),
    "return_online": Step(
        gettext_lazy("Return online"),
        forms.ConfirmForm,
        _return_online,
        lambda site: site.status == SiteStatus.OFFLINE and _approved(site, ApplicationKind.RETURN),
        irreversible=True,
        done=gettext_lazy("The site is online again."),
    ),
    "migrate": Step(
        gettext_lazy("Apply for migration"),
        forms.MigrationForm,
        lambda site, data, user: migration.apply_for_migration(
            site, target_site=data["target_site"], reason=data["reason"], acting_user=user
        ),
        lambda site: (
            site.status in (SiteStatus.ONLINE, SiteStatus.OFFLINE)
            and not site.applications.filter(
                kind=ApplicationKind.MIGRATION, status__in=(ApplicationStatus.PENDING, ApplicationStatus.APPROVED)
            ).exists()
        ),
        explanation=gettext_lazy(
            "The content moves into another site and this site is taken offline for good (G §3(二)1). "
            "A portal can only migrate into another portal."
        ),
        done=gettext_lazy("The migration application was recorded."),
    ),
    "migrate_content": Step(
        gettext_lazy("Move the content"),
        forms.ContentMoveForm,
        _migrate_content,
        lambda site: site.status == SiteStatus.MIGRATING and migration_in_progress(site) is not None,
        who=PLATFORM,
        explanation=gettext_lazy(
            "What the site shows moves into columns of the target site; each old page address then leads "
            "to its new address (301)."
        ),
        irreversible=True,
        done=gettext_lazy("The content was moved."),
    ),
    "complete_migration": Step(
        gettext_lazy("Complete the migration"),
        forms.ConfirmForm,
        lambda site, data, user: migration.complete_migration(migration_in_progress(site), acting_user=user),
        lambda site: site.status == SiteStatus.MIGRATING and migration_in_progress(site) is not None,
        who=PLATFORM,
        explanation=gettext_lazy(
            "The site is closed, its remaining addresses lead to the target site, and the portal announces "
            "where the content went for 30 days."
        ),
        irreversible=True,
        done=gettext_lazy("The migration is complete; the site is closed."),
    ),
    "archive": Step(
        gettext_lazy("Archive the site"),
        forms.ConfirmForm,
        lambda site, data, user: archiving.archive_site(site, acting_user=user),
        lambda site: site.archived_at is None and site.status != SiteStatus.APPLYING,
        who=PLATFORM,
        explanation=gettext_lazy("Every page stays where it is and shows “已归档” with the archive time (SITE-9)."),
        irreversible=True,
        done=gettext_lazy("The site is archived."),
    ),
    "unarchive": Step(
        gettext_lazy("End the archiving"),
        forms.ConfirmForm,
        lambda site, data, user: archiving.unarchive_site(site, acting_user=user),
        lambda site: site.archived_at is not None,
        who=PLATFORM,
        done=gettext_lazy("The site is no longer archived."),
    ),
}

DECISIONS = {
    "approve": (
        gettext_lazy("Approve the application"),
        forms.NoteForm,
        lambda application, data, user: decisions.approve(application, note=data["note"], acting_user=user),
        PLATFORM,
    ),
    "refuse": (
        gettext_lazy("Refuse the application"),
        forms.RefusalForm,
        lambda application, data, user: decisions.refuse(application, reason=data["reason"], acting_user=user),
        PLATFORM,
    ),
    "cancel": (
        gettext_lazy("Cancel the application"),
        forms.ConfirmForm,
        lambda application, data, user: decisions.cancel(application, acting_user=user),
        MANAGER,
    ),
}


def may(user, site: Site, who: str) -> bool:
    if is_platform_admin(user):
        return True
    return who == MANAGER and has_role(user, site, Role.SITE_ADMIN)


def available_steps(request, site: Site) -> list[tuple[str, str]]:
    """(step, label) of the lifecycle buttons this user sees on this site's page."""
    return [
        (name, step.label) for name, step in STEPS.items() if may(request.user, site, step.who) and step.available(site)
    ]
