"""Actions on sites and their domains (SITE-1 to SITE-4).

The lifecycle transitions (SITE-5 onwards) are in lifecycle/; the changes made here are
filed there (SITE-8: lifecycle.filings).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from core import feed
from core.changes import field_changes
from lifecycle import filings
from resources.sniff import IMAGE_KEYS
from resources.uploads import check_field_file
from sites import host_cache
from sites.models import Domain, Role, Site
from sites.permissions import has_role, is_platform_admin, require_platform_admin
from sites.validators import normalise_domain

# What a site administrator may change on their own site; the rest is the platform's business.
SITE_ADMIN_EDITABLE = {"operator", "contact_phone", "contact_email", "contact_address", "logo"}
LOGO_TYPES = IMAGE_KEYS  # JPEG, PNG, GIF, WebP: re-encoded like the library's images


@transaction.atomic
def create_site(site: Site, *, primary_domain: str, acting_user) -> Site:
    """Register a site with its primary domain (platform administrators only)."""
    require_platform_admin(acting_user)
    check_field_file(site, "logo", LOGO_TYPES)
    site.full_clean()
    site.save()
    domain = Domain(site=site, name=normalise_domain(primary_domain), is_primary=True)
    domain.full_clean()
    domain.save()
    audit.record(AuditEvent.SITE_CREATE, actor=acting_user, obj=site, details={"primary_domain": domain.name})
    return site


@transaction.atomic
def update_site(site: Site, *, acting_user) -> Site:
    """Save edited fields of a site; site administrators may change only contact data and logo."""
    changes = field_changes(site)
    changes.pop("updated_at", None)
    if acting_user is not None and not is_platform_admin(acting_user):
        if not has_role(acting_user, site, Role.SITE_ADMIN):
            raise PermissionDenied(_("You are not an administrator of the site %(site)s.") % {"site": site})
        forbidden = set(changes) - SITE_ADMIN_EDITABLE
        if forbidden:
            raise PermissionDenied(
                _("Only a platform administrator may change: %(fields)s.")
                % {"fields": "、".join(str(Site._meta.get_field(f).verbose_name) for f in sorted(forbidden))}
            )
    check_field_file(site, "logo", LOGO_TYPES)  # a new logo: the library's checks, re-encoded (SEC-7)
    site.full_clean()
    site.save()
    if changes:
        audit.record(AuditEvent.SITE_UPDATE, actor=acting_user, obj=site, details={"changes": changes})
        filings.record_site_changes(site, changes, acting_user=acting_user)  # SITE-8
        feed.changed(sites=[site.pk])  # names, filings and contacts are on every page
    return site


@transaction.atomic
def add_domain(site: Site, name: str, *, acting_user, is_primary: bool = False) -> Domain:
    require_platform_admin(acting_user)
    domain = Domain(site=site, name=normalise_domain(name), is_primary=False)
    domain.full_clean()
    domain.save()
    audit.record(AuditEvent.DOMAIN_ADD, actor=acting_user, obj=domain, site=site, details={"domain": domain.name})
    filings.record_domain_added(site, domain.name, acting_user=acting_user)  # SITE-8
    if is_primary:
        set_primary_domain(domain, acting_user=acting_user)
    return domain


@transaction.atomic
def set_primary_domain(domain: Domain, *, acting_user) -> Domain:
    """Make `domain` the one primary domain of its site; the old primary becomes an alias."""
    require_platform_admin(acting_user)
    # Lock the site's domains: the primary flag moves atomically.
    domains = list(Domain.objects.select_for_update().filter(site_id=domain.site_id))
    previous = next((d for d in domains if d.is_primary), None)
    if previous and previous.pk == domain.pk:
        return domain
    # The old primary steps down first: validation checks the one-primary constraint, and a
    # refusal below rolls this back with the transaction.
    if previous:
        Domain.objects.filter(pk=previous.pk).update(is_primary=False)
        host_cache.changed()  # update() sends no signal
    domain.is_primary = True
    domain.full_clean()  # the structure rule of SITE-3 applies to primary domains
    domain.save(update_fields=["is_primary"])
    audit.record(
        AuditEvent.DOMAIN_SET_PRIMARY,
        actor=acting_user,
        obj=domain,
        site=domain.site,
        details={"before": previous.name if previous else None, "after": domain.name},
    )
    filings.record_primary_domain_change(
        domain.site, previous.name if previous else None, domain.name, acting_user=acting_user
    )  # SITE-8: filed, old addresses redirected, a notice on the site
    feed.changed(sites=[domain.site_id])  # the site is now published under this domain
    return domain


@transaction.atomic
def remove_domain(domain: Domain, *, acting_user) -> None:
    require_platform_admin(acting_user)
    if domain.is_primary:
        raise ValidationError(_("The primary domain cannot be removed; make another domain primary first."))  # SITE-3
    audit.record(
        AuditEvent.DOMAIN_REMOVE, actor=acting_user, obj=domain, site=domain.site, details={"domain": domain.name}
    )
    filings.record_domain_removed(domain.site, domain.name, acting_user=acting_user)  # SITE-8
    domain.delete()
