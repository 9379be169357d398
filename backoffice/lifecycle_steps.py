"""The lifecycle steps of a site's page in the back office: what each button asks and runs (SITE-5 to SITE-9).

Every step is one `Step` in a table; one view (sites/admin_lifecycle.py) serves them all. A step
has its label, its form (sites/admin_forms.py), the action it runs, when it is offered, who sees
it (platform administrators only, or the site's administrators too), whether it cannot be
undone or how it is undone (its page of confirmation says so, TPL-11, and says nothing untrue),
and why its action would refuse now: then the page lists why and offers no button. The decisions
on an application (approve, refuse, cancel) are steps of the same kind, run on the application.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice import site_forms as forms
from lifecycle import archiving, decisions, migration, offline, opening
from lifecycle.models import ApplicationKind, ApplicationStatus
from sites.models import Role, Site, SiteStatus
from sites.permissions import has_role, is_platform_admin

PLATFORM, MANAGER = "platform", "manager"  # who sees a step: platform administrators, or the site's too


@dataclass(frozen=True)
class Step:
    label: str
    form: type
    # run(target, form, acting_user): calls the action with the validated form; the target is the
    # site, or the application for a decision.
    run: Callable
    available: Callable = lambda site: True  # available(site): whether the site's page offers the step now
    who: str = MANAGER
    explanation: str = ""
    irreversible: bool = False
    undo: str = ""  # how the step is undone, said on its page of confirmation (a step that can be undone)
    done: str = field(default=gettext_lazy("Done."))  # the message after the action ran
    # form_arguments(site): what the form needs besides the site (raises Http404 when it is missing).
    form_arguments: Callable = lambda site: {}
    # refusals(target, user): why the action would refuse now (sentences, or rules.Gap with where
    # each is put right); the page then lists them instead of the form and its button.
    refusals: Callable = lambda target, user: []


def calls(action, *fields) -> Callable:
    """The `run` of a step whose action takes the target, these form fields as keyword arguments, and the user."""

    def run(target, form, user):
        return action(target, **{name: form.cleaned_data[name] for name in fields}, acting_user=user)

    return run


# --- the applications a step looks for -----------------------------------------------------------


def _pending(site, kind):
    return site.applications.filter(kind=kind, status=ApplicationStatus.PENDING).exists()


def _pending_or_approved(site, kind):
    statuses = (ApplicationStatus.PENDING, ApplicationStatus.APPROVED)
    return site.applications.filter(kind=kind, status__in=statuses).exists()


def _approved(site, kind, *statuses):
    statuses = statuses or (ApplicationStatus.APPROVED,)
    return site.applications.filter(kind=kind, status__in=statuses).order_by("-decided_at", "-id").first()


def _offline_to_carry_out(site):
    return _approved(site, ApplicationKind.OFFLINE, ApplicationStatus.APPROVED, ApplicationStatus.FILED)


def migration_in_progress(site):
    return _approved(site, ApplicationKind.MIGRATION)


def _migrating(site) -> bool:
    return site.status == SiteStatus.MIGRATING and migration_in_progress(site) is not None


def _take_offline_refusals(site, user) -> list[str]:
    application = _offline_to_carry_out(site)
    return offline.take_offline_refusals(application) if application is not None else []


def _return_online_refusals(site, user) -> list[str]:
    application = _approved(site, ApplicationKind.RETURN)
    return offline.return_online_refusals(application) if application is not None else []


def _complete_migration_refusals(site, user) -> list[str]:
    application = migration_in_progress(site)
    return migration.completion_refusals(application) if application is not None else []


# --- what the steps that need more than one action call run --------------------------------------


def _take_offline(site, form, user):
    application = _offline_to_carry_out(site)
    if application is None:
        raise ValidationError(_("There is no approved or filed offline application."))
    return offline.take_offline(application, acting_user=user)


def _return_online(site, form, user):
    application = _approved(site, ApplicationKind.RETURN)
    if application is None:
        raise ValidationError(_("There is no approved application to return online."))
    return offline.return_online(application, acting_user=user)


def _migration_form_arguments(site) -> dict:
    application = migration_in_progress(site)
    if application is None:
        raise Http404("no migration in progress")
    return {"application": application}


def _migrate_content(site, form, user):
    return migration.migrate_content(
        form.application,  # the migration in progress, found when the form was made
        default_column=form.cleaned_data["default_column"],
        column_map=form.column_map(),
        acting_user=user,
    )


# --- the steps, in the order of their buttons -----------------------------------------------------

STEPS = {
    "apply_again": Step(
        gettext_lazy("Apply for opening"),
        forms.ReasonForm,
        calls(opening.apply_again, "reason"),
        available=lambda site: opening.may_apply_again(site) and not _pending(site, ApplicationKind.OPENING),
        explanation=gettext_lazy(
            "A new opening application for this site, decided by a platform administrator other than the applicant."
        ),
        done=gettext_lazy("The application was sent to the platform administrator."),
    ),
    "id_code": Step(
        gettext_lazy("Record the site ID code"),
        forms.IdCodeForm,
        calls(opening.record_id_code, "id_code"),
        available=lambda site: site.status in (SiteStatus.APPLYING, SiteStatus.APPROVED),
        who=PLATFORM,
        done=gettext_lazy("The site ID code was recorded."),
    ),
    "security_check": Step(
        gettext_lazy("Record a security check"),
        forms.SecurityCheckForm,
        calls(opening.record_security_check, "passed", "report", "note"),
        available=lambda site: site.status in (SiteStatus.APPLYING, SiteStatus.APPROVED),
        who=PLATFORM,
        done=gettext_lazy("The security check was recorded."),
    ),
    "go_online": Step(
        gettext_lazy("Go online"),
        forms.ConfirmForm,
        calls(opening.go_online),
        available=lambda site: site.status == SiteStatus.APPROVED,
        who=PLATFORM,
        explanation=gettext_lazy(
            "The site is published for citizens, and an opening announcement (开通公告) is published on its portal."
        ),
        irreversible=True,
        done=gettext_lazy("The site is online; the opening announcement is published."),
        refusals=lambda site, user: opening.opening_gaps(site),
    ),
    "offline": Step(
        gettext_lazy("Apply for temporary offline"),
        forms.OfflineForm,
        calls(offline.apply_for_offline, "starts_at", "ends_at", "reason", "force_majeure"),
        available=lambda site: site.status == SiteStatus.ONLINE,
        explanation=gettext_lazy(
            "At most once a calendar year and at most 30 days (Guidelines for the Development of Government Websites); force majeure is filed and not counted."
        ),
        done=gettext_lazy("The offline application was recorded."),
    ),
    "take_offline": Step(
        gettext_lazy("Take offline now"),
        forms.ConfirmForm,
        _take_offline,
        available=lambda site: site.status == SiteStatus.ONLINE and _offline_to_carry_out(site),
        explanation=gettext_lazy(
            "Every page of the site shows the offline notice with its period, and the portal announces it."
        ),
        undo=gettext_lazy("The site comes back online only through an approved application to return online."),
        done=gettext_lazy("The site is temporarily offline."),
        refusals=_take_offline_refusals,
    ),
    "return": Step(
        gettext_lazy("Apply to return online"),
        forms.ReturnForm,
        calls(offline.apply_for_return, "planned_at", "reason"),
        available=lambda site: (
            offline.current_offline(site) is not None and not _pending_or_approved(site, ApplicationKind.RETURN)
        ),
        explanation=gettext_lazy(
            "The application is made at least 7 days before the site returns (Tianjin Measures for the Administration of Government Websites, article 8)."
        ),
        done=gettext_lazy("The application to return online was recorded."),
    ),
    "return_online": Step(
        gettext_lazy("Return online"),
        forms.ConfirmForm,
        _return_online,
        available=lambda site: site.status == SiteStatus.OFFLINE and _approved(site, ApplicationKind.RETURN),
        undo=gettext_lazy("Going offline again needs a new offline application."),
        done=gettext_lazy("The site is online again."),
        refusals=_return_online_refusals,
    ),
    "migrate": Step(
        gettext_lazy("Apply for migration"),
        forms.MigrationForm,
        calls(migration.apply_for_migration, "target_site", "reason"),
        available=lambda site: (
            site.status in (SiteStatus.ONLINE, SiteStatus.OFFLINE)
            and not _pending_or_approved(site, ApplicationKind.MIGRATION)
        ),
        explanation=gettext_lazy(
            "The content moves into another site and this site is taken offline for good (Guidelines for the Development of Government Websites). "
            "A portal can only migrate into another portal."
        ),
        done=gettext_lazy("The migration application was recorded."),
    ),
    "migrate_content": Step(
        gettext_lazy("Move the content"),
        forms.ContentMoveForm,
        _migrate_content,
        available=_migrating,
        who=PLATFORM,
        explanation=gettext_lazy(
            "What the site shows moves into columns of the target site; each old page address then leads "
            "to its new address (301)."
        ),
        irreversible=True,
        done=gettext_lazy("The content was moved."),
        form_arguments=_migration_form_arguments,
    ),
    "complete_migration": Step(
        gettext_lazy("Complete the migration"),
        forms.ConfirmForm,
        lambda site, form, user: migration.complete_migration(migration_in_progress(site), acting_user=user),
        available=_migrating,
        who=PLATFORM,
        explanation=gettext_lazy(
            "The site is closed, its remaining addresses lead to the target site, and the portal announces "
            "where the content went for 30 days."
        ),
        irreversible=True,
        done=gettext_lazy("The migration is complete; the site is closed."),
        refusals=_complete_migration_refusals,
    ),
    "archive": Step(
        gettext_lazy("Archive the site"),
        forms.ConfirmForm,
        calls(archiving.archive_site),
        available=lambda site: site.archived_at is None and site.status != SiteStatus.APPLYING,
        who=PLATFORM,
        explanation=gettext_lazy("Every page stays where it is and shows “已归档” with the archive time."),
        # Archiving is undone by "End the archiving" below (lifecycle.archiving.unarchive_site).
        undo=gettext_lazy("The archiving can be ended later with “End the archiving”."),
        done=gettext_lazy("The site is archived."),
    ),
    "unarchive": Step(
        gettext_lazy("End the archiving"),
        forms.ConfirmForm,
        calls(archiving.unarchive_site),
        available=lambda site: site.archived_at is not None,
        who=PLATFORM,
        undo=gettext_lazy("The site can be archived again later."),
        done=gettext_lazy("The site is no longer archived."),
    ),
}

# Decisions on one application of the site; their message is "<label>: done." (decision_view).
DECISIONS = {
    "approve": Step(
        gettext_lazy("Approve the application"),
        forms.NoteForm,
        calls(decisions.approve, "note"),
        who=PLATFORM,
        refusals=decisions.decision_refusals,
    ),
    "refuse": Step(
        gettext_lazy("Refuse the application"),
        forms.RefusalForm,
        calls(decisions.refuse, "reason"),
        who=PLATFORM,
        irreversible=True,
        refusals=decisions.decision_refusals,
    ),
    "cancel": Step(
        gettext_lazy("Cancel the application"),
        forms.ConfirmForm,
        calls(decisions.cancel),
        irreversible=True,
        refusals=decisions.cancel_refusals,
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
