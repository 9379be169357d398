"""Announcements the platform publishes itself (开通公告, 临时下线公告, 迁移公告, 域名变更公告).

An announcement is an article in the notices column (column type 通知公告) of the site that
must carry it, written into the resource library (editorial.drafts.create_resource) and taken
through the workflow by the system account (sites.permissions.SYSTEM_USERNAME): submitted,
then published by editorial.workflow.publish_platform_notice, which records the lifecycle
decision in place of a reviewer's. Announcements with an end (at least 30 days for a migration,
the offline period for an offline notice) get `unpublish_at`, and the scheduler
(editorial.scheduling.unpublish_due) withdraws them then.

The texts are Chinese page content and live in templates/sites/notices/: the first line is the
title, the rest the body.
"""

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from accounts.models import User
from columns.models import Column
from editorial import drafts as resource_actions
from editorial import workflow
from resources.models import Resource, ResourceKind
from sites.models import Site
from sites.permissions import SYSTEM_USERNAME, is_system_account

NOTICES_COLUMN_TYPE = "通知公告"


def system_account() -> User:
    """The platform's own account, created on first use: inactive, no usable password, no back office."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_active": False, "is_staff": False, "password": make_password(None)},
    )
    if not is_system_account(user):
        raise ImproperlyConfigured(
            f"the user {SYSTEM_USERNAME!r} can sign in; it is reserved for the platform itself"  # SEC-1
        )
    return user


def notices_column(site: Site) -> Column | None:
    """The site's first notices column (通知公告) in tree order that is not archived."""
    return (
        Column.objects.filter(site=site, column_type=NOTICES_COLUMN_TYPE, archived_at__isnull=True)
        .order_by("tree_id", "lft")
        .first()
    )


def announcing_portal(site: Site) -> Site | None:
    """Where the platform announces what happens to `site` (G §3, T art.6(三)).

    A portal: its parent (superior) portal. A department site: the portal of its level, its parent.
    None for a top-level portal.
    """
    return site.parent if site.parent_id else None


def require_notices_column(site: Site, purpose: str) -> Column:
    column = notices_column(site)
    if column is None:
        raise ValidationError(
            _(
                "%(site)s has no notices column (column type 通知公告) for the %(purpose)s; "
                "create one (or end its archiving) first."
            )
            % {"site": site, "purpose": purpose},
            code="no_notices_column",
        )
    return column


def render_text(template: str, context: dict) -> tuple[str, str]:
    text = render_to_string(f"sites/notices/{template}.html", context).strip()
    title, _newline, body = text.partition("\n")
    return title.strip(), body.strip()


def publish(site: Site, column: Column, template: str, context: dict, *, decision: str, until=None) -> Resource:
    """Write, submit and publish one announcement on `site` in `column`; withdrawn at `until`.

    Runs inside the calling action's transaction: the pages are published on commit.
    """
    system = system_account()
    title, body = render_text(template, {"portal": site, **context})
    resource = resource_actions.create_resource(
        site,
        ResourceKind.ARTICLE,
        title=title,
        metadata={"source": site.organiser or site.name},
        data={"body": body},
        column=column,
        acting_user=system,
    )
    workflow.submit(resource, acting_user=system)
    workflow.publish_platform_notice(resource, acting_user=system, decision=decision)
    if until is not None:
        workflow.schedule(resource, unpublish_at=until, acting_user=system)
    return resource


def withdraw(resource_id: int | None, *, reason: str) -> None:
    """Take an announcement offline early (e.g. a site back online before its offline period ended)."""
    if not resource_id:
        return
    resource = Resource.objects.filter(pk=resource_id, published_revision__isnull=False).first()
    if resource is not None:
        workflow.withdraw(resource, acting_user=system_account(), reason=reason)


def site_url(site: Site) -> str:
    from django.conf import settings

    domain = site.primary_domain
    return f"{getattr(settings, 'PUBLIC_URL_SCHEME', 'https')}://{domain}/" if domain else ""
