"""Migration and permanent offline (迁移/永久下线, SITE-7; G §3(二)1, T art.8(一)).

After approval the site shows a migration notice on its home page, its registrations (ID code,
ICP and public-security filings, the Party/government mark, domains) are marked for
cancellation, and the work is due within three months. Its content is moved into columns of the
target site (the resources change owner; their placements move), each old page address
answering 301 with the new one. Completing the migration closes the site (every other old
address then leads to the target's matching column or home page) and publishes an announcement
on the parent portal (a top-level portal: on the target portal) saying where the content went,
kept 30 days. Portals are not closed (G §3(二): 政府门户网站一般不得关停): a portal can only be
retired by migrating into another portal.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from columns.models import Column
from core import feed
from editorial.models import Placement, PlacementStatus, UsageRecord
from lifecycle import notices
from lifecycle.models import (
    ApplicationKind,
    ApplicationStatus,
    RegistrationCancellation,
    RegistrationItem,
    SiteApplication,
)
from lifecycle.rules import (
    ANNOUNCEMENT_DAYS,
    MIGRATION_MONTHS,
    add_months,
    local_day,
    lock_site,
    require_site_manager,
    set_status,
)
from resources.models import Resource
from sites import host_cache
from sites.models import Redirect, Site, SiteKind, SiteStatus
from sites.permissions import require_platform_admin


def base_url(site: Site) -> str:
    return f"{getattr(settings, 'PUBLIC_URL_SCHEME', 'https')}://{site.primary_domain}"


def _target_refusal(site: Site, target: Site | None) -> str | None:
    if site.kind == SiteKind.PORTAL and (target is None or target.kind != SiteKind.PORTAL):
        return _(
            "A portal cannot be closed or taken offline for good (Guidelines for the Development of Government Websites: 政府门户网站一般不得关停); "
            "it can only be retired by migrating its content into another portal."
        )
    if target is None:
        return _(
            "Choose the site the content moves to: the content of a site taken offline for good is "
            "migrated (Guidelines for the Development of Government Websites: 原有内容应做整合迁移)."
        )
    if target.pk == site.pk:
        return _("A site cannot migrate into itself.")
    if target.status != SiteStatus.ONLINE:
        return _("The target site %(target)s is not online (it is %(status)s).") % {
            "target": target,
            "status": target.get_status_display(),
        }
    return None


@transaction.atomic
def apply_for_migration(site: Site, *, target_site: Site | None, reason: str, acting_user) -> SiteApplication:
    """Apply to migrate the site into `target_site` and take it offline for good (SITE-7)."""
    require_site_manager(acting_user, site)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the application.")}, code="reason_required")
    lock_site(site)
    if site.status not in (SiteStatus.ONLINE, SiteStatus.OFFLINE):
        raise ValidationError(
            _("Only an online or temporarily offline site can be migrated; %(site)s is %(status)s.")
            % {"site": site, "status": site.get_status_display()},
            code="not_open",
        )
    refusal = _target_refusal(site, target_site)
    if refusal:
        raise ValidationError(refusal, code="target")
    children = site.children.exclude(status=SiteStatus.CLOSED)
    if children.exists():
        raise ValidationError(
            _("%(site)s still has sites under it (%(children)s); migrate or move them first.")
            % {"site": site, "children": "、".join(child.name for child in children)},
            code="has_children",
        )
    if site.applications.filter(
        kind=ApplicationKind.MIGRATION, status__in=(ApplicationStatus.PENDING, ApplicationStatus.APPROVED)
    ).exists():
        raise ValidationError(_("%(site)s already has a migration application.") % {"site": site})
    application = SiteApplication.objects.create(
        site=site, kind=ApplicationKind.MIGRATION, reason=reason, target_site=target_site, applied_by=acting_user
    )
    audit.record(
        AuditEvent.SITE_APPLY_MIGRATION,
        actor=acting_user,
        obj=site,
        details={"application": application.pk, "target": target_site.name, "reason": reason},
    )
    return application


def _registrations(site: Site) -> list[tuple[str, str]]:
    items = [
        (RegistrationItem.ID_CODE, site.id_code),
        (RegistrationItem.ICP, site.icp_number),
        (RegistrationItem.PSB, site.psb_number),
        (RegistrationItem.CONAC, site.conac_mark),
    ]
    items += [(RegistrationItem.DOMAIN, domain.name) for domain in site.domains.all()]
    return [(item, value) for item, value in items if value]


def on_approved(application: SiteApplication, acting_user) -> None:
    """Start the migration: notice on the home page, registrations to cancel, due in three months."""
    site, target = application.site, application.target_site
    refusal = _target_refusal(site, target)
    if refusal:
        raise ValidationError(refusal, code="target")
    application.due_at = add_months(application.decided_at, MIGRATION_MONTHS)
    application.save(update_fields=["due_at"])
    set_status(site, SiteStatus.MIGRATING, acting_user=acting_user, application=application)
    site.home_notice = render_to_string(
        "sites/notices/migration_banner.txt", {"site": site, "target": target, "target_url": base_url(target) + "/"}
    ).strip()
    site.save(update_fields=["home_notice", "updated_at"])
    RegistrationCancellation.objects.bulk_create(
        [RegistrationCancellation(site=site, application=application, item=item, value=value)
         for item, value in _registrations(site)]
    )  # fmt: skip
    feed.changed(sites=[site.pk])


def _approved_migration(application: SiteApplication) -> SiteApplication:
    application = SiteApplication.objects.select_for_update().get(pk=application.pk)
    if application.kind != ApplicationKind.MIGRATION or application.status != ApplicationStatus.APPROVED:
        raise ValidationError(
            _("This is not an approved migration in progress (it is %(status)s).")
            % {"status": application.get_status_display()},
            code="not_migrating",
        )
    if application.site.status != SiteStatus.MIGRATING:
        raise ValidationError(_("%(site)s is not migrating.") % {"site": application.site}, code="not_migrating")
    return application


def _shown_placements(site: Site):
    return (
        Placement.objects.filter(site=site, status=PlacementStatus.ACTIVE, resource__published_revision__isnull=False)
        .select_related("resource__site", "resource__column", "column")
        .order_by("column__tree_id", "column__lft", "placed_at", "pk")
    )


def _page_path(column: Column, resource_id: int) -> str:
    return f"/{column.path}{resource_id}.html"


@transaction.atomic
def migrate_content(application: SiteApplication, *, default_column: Column, column_map=None, acting_user) -> int:
    """Move what the site shows into columns of the target site; old page addresses answer 301.

    `column_map`: {old column id: target column}; any other column's content goes to
    `default_column`. The site's own resources change owner and column; reposts of other sites'
    content are removed, their old addresses leading to the original page. Returns the count.
    """
    require_platform_admin(acting_user)
    lock_site(application.site)
    application = _approved_migration(application)
    site, target = application.site, application.target_site
    column_map = dict(column_map or {})
    for column in [default_column, *column_map.values()]:
        if column.site_id != target.pk:
            raise ValidationError(
                _("The column %(column)s is not a column of the target site %(target)s.")
                % {"column": column, "target": target},
                code="column_site",
            )
    target_base = base_url(target)
    moved_resources, redirects, count = set(), [], 0
    taken = set(Placement.objects.filter(site=target).values_list("resource_id", "column_id"))
    for placement in _shown_placements(site):
        resource = placement.resource
        old_path = _page_path(placement.column, resource.pk)
        new_column = column_map.get(placement.column_id, default_column)
        if resource.site_id == site.pk:  # the site's own content moves with it
            if resource.pk not in moved_resources:
                home = column_map.get(resource.column_id, default_column) if resource.column_id else new_column
                Resource.objects.filter(pk=resource.pk).update(site=target, column=home)
                moved_resources.add(resource.pk)
            if (resource.pk, new_column.pk) in taken:
                placement.delete()
            else:
                Placement.objects.filter(pk=placement.pk).update(column=new_column, site=target, is_repost=False)
                taken.add((resource.pk, new_column.pk))
                UsageRecord.objects.create(resource=resource, column=new_column, column_name=new_column.name[:50],
                                           site=target, action=UsageRecord.Action.PLACE, actor=acting_user)  # fmt: skip
            new_url = target_base + _page_path(new_column, resource.pk)
        else:  # a repost: the content stays with its own site
            origin = resource.column if resource.column_id and resource.column.site_id == resource.site_id else None
            new_url = base_url(resource.site) + (_page_path(origin, resource.pk) if origin else "/")
            UsageRecord.objects.create(resource=resource, column=placement.column,
                                       column_name=placement.column.name[:50], site=site,
                                       action=UsageRecord.Action.REMOVE, actor=acting_user)  # fmt: skip
            placement.delete()
        redirects.append(Redirect(site=site, path=old_path, target=new_url, reason="migration"))
        count += 1
    # The target's own reposts of moved content are its own content now.
    Placement.objects.filter(resource_id__in=moved_resources, site=target).update(is_repost=False)
    Redirect.objects.filter(site=site, host="", path__in=[r.path for r in redirects]).delete()
    Redirect.objects.bulk_create(redirects)
    host_cache.changed()  # bulk_create sends no signal
    mapping = {str(old): column.pk for old, column in column_map.items()}
    application.details = {
        **application.details,
        "moved": application.details.get("moved", 0) + count,
        "default_column": default_column.pk,
        "column_map": {**application.details.get("column_map", {}), **mapping},
    }
    application.save(update_fields=["details"])
    audit.record(
        AuditEvent.SITE_MIGRATE_CONTENT,
        actor=acting_user,
        obj=site,
        details={"application": application.pk, "target": target.name, "moved": count,
                 "resources": sorted(moved_resources), "default_column": default_column.pk},
    )  # fmt: skip
    feed.changed(resources=moved_resources, sites=[site.pk, target.pk])
    return count


def _column_redirects(site: Site, application: SiteApplication) -> list[Redirect]:
    """Every remaining old address: a column's pages to its target column, the rest to the target's home."""
    target = application.target_site
    target_base = base_url(target)
    mapping = {int(old): new for old, new in application.details.get("column_map", {}).items()}
    default = application.details.get("default_column")
    targets = {c.pk: c for c in Column.objects.filter(site=target, pk__in=[*mapping.values(), default or 0])}
    redirects = [Redirect(site=site, path="/", is_prefix=True, keep_rest=False, target=target_base + "/",
                          reason="migration")]  # fmt: skip
    for column in Column.objects.filter(site=site):
        new = targets.get(mapping.get(column.pk, default))
        if new is not None:
            redirects.append(
                Redirect(
                    site=site,
                    path=f"/{column.path}",
                    is_prefix=True,
                    keep_rest=False,
                    target=f"{target_base}/{new.path}",
                    reason="migration",
                )  # fmt: skip
            )
    return redirects


def completion_refusals(application: SiteApplication) -> list[str]:
    """Why the migration cannot be completed now (empty when it can), for the action and its page."""
    site, target = application.site, application.target_site
    remaining = _shown_placements(site).count()
    if remaining:
        return [
            _("Move the content of %(site)s into %(target)s first: %(count)d items are still shown on it.")
            % {"site": site, "target": target, "count": remaining}
        ]
    return []


@transaction.atomic
def complete_migration(application: SiteApplication, *, acting_user) -> Site:
    """Close the migrated site and announce where its content went, for 30 days (SITE-7)."""
    require_platform_admin(acting_user)
    lock_site(application.site)
    application = _approved_migration(application)
    site, target = application.site, application.target_site
    refusals = completion_refusals(application)
    if refusals:
        raise ValidationError(refusals, code="content_left")
    portal = site.parent if site.parent_id else target
    column = notices.require_notices_column(portal, _("migration announcement"))
    now = timezone.now()
    until = now + timezone.timedelta(days=ANNOUNCEMENT_DAYS)
    announcement = notices.publish(
        portal,
        column,
        "migration",
        {
            "subject": site,
            "target": target,
            "target_url": base_url(target) + "/",
            "old_url": base_url(site) + "/",
            "date": local_day(now),
            "until": local_day(until),
        },
        decision=_("Migration of %(site)s into %(target)s approved") % {"site": site, "target": target},
        until=until,
    )
    Redirect.objects.filter(site=site, host="", is_prefix=True).delete()
    Redirect.objects.bulk_create(_column_redirects(site, application))
    host_cache.changed()  # bulk_create sends no signal
    set_status(site, SiteStatus.CLOSED, acting_user=acting_user, application=application)
    feed.changed(addresses=[site.pk])  # every old address of the site is answered by a redirect
    site.home_notice = ""
    site.save(update_fields=["home_notice", "updated_at"])
    application.status = ApplicationStatus.DONE
    application.completed_at = now
    application.details = {**application.details, "announcement": announcement.pk, "portal": portal.pk}
    application.save(update_fields=["status", "completed_at", "details"])
    audit.record(
        AuditEvent.SITE_MIGRATION_COMPLETE,
        actor=acting_user,
        obj=site,
        details={"application": application.pk, "target": target.name, "announcement": announcement.pk,
                 "portal": portal.name, "until": until.isoformat()},
    )  # fmt: skip
    return site


@transaction.atomic
def confirm_cancellation(item: RegistrationCancellation, *, acting_user) -> RegistrationCancellation:
    """A registration of a retired site has been cancelled with its authority (SITE-7)."""
    require_platform_admin(acting_user)
    item = RegistrationCancellation.objects.select_for_update().get(pk=item.pk)
    if item.done_at is None:
        item.done_at = timezone.now()
        item.done_by = acting_user
        item.save(update_fields=["done_at", "done_by"])
        audit.record(
            AuditEvent.SITE_REGISTRATION_CANCELLED,
            actor=acting_user,
            obj=item,
            site=item.site,
            details={"item": item.item, "value": item.value},
        )
    return item
