"""The back office's navigation by job (templates/admin/base_site.html): 工作台, 内容, 审核, 站点管理,
平台管理, each shown only to whom it serves, with the entries their model pages let the user see.

The counts beside 内容 (returned to me), 审核 (the review queue), 站点管理 (lifecycle steps open)
and 平台管理 (applications to decide) cost one or two queries each, whatever the data size, and
only for a user who holds the role; the work page has counted them already when it is shown
(backoffice/work.py keeps its totals on the request).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from auditlog.models import AuditEntry
from backoffice import annual_report_views, work
from columns.models import Column, SubUnit
from disclosure.models import CatalogueEntry, InformationRequest, Organisation, SubjectCategory
from editorial.models import CheckedWord, Placement
from interaction.models import Channel, ErrorReport, Letter
from lifecycle.models import ApplicationStatus, ChangeFiling, SiteApplication
from monitoring.models.links import FriendLink, LinkFinding
from resources.models import Resource, ResourceStatus
from search.models import BlockedTerm, DictionaryWord, PopularQuery, SearchLog, Synonym
from sites.models import Membership, Role, Site
from sites.permissions import is_platform_admin, site_ids_for
from workdays.models import CalendarDay


@dataclass
class Link:
    label: str
    url: str


@dataclass
class Entry:
    key: str
    label: str
    url: str
    count: int | None = None
    count_label: str = ""
    links: list[Link] = field(default_factory=list)
    current: bool = False


def _returned_count(request, site_ids) -> int:
    cache = work.memo(request)
    if "returned" not in cache:
        cache["returned"] = Resource.objects.filter(
            site_id__in=site_ids, creator=request.user, status=ResourceStatus.RETURNED
        ).count()
    return cache["returned"]


def _queue_count(request) -> int:
    cache = work.memo(request)
    if "queue_count" not in cache:
        cache["queue_count"] = work.review_queue(request).order_by().aggregate(n=Count("pk"))["n"]
    return cache["queue_count"]


def _site_steps_count(request, site_ids) -> int:
    cache = work.memo(request)
    if "site_steps" not in cache:
        statuses = (ApplicationStatus.PENDING, *work.UNDER_WAY)
        cache["site_steps"] = SiteApplication.objects.filter(site_id__in=site_ids, status__in=statuses).count()
    return cache["site_steps"]


def _applications_count(request) -> int:
    cache = work.memo(request)
    if "applications" not in cache:
        cache["applications"] = SiteApplication.objects.filter(status=ApplicationStatus.PENDING).count()
    return cache["applications"]


def _model_links(admin_site, request, pairs) -> list[Link]:
    """A link to each model page in `pairs` ((model, label)) the user may view."""
    links = []
    for model, label in pairs:
        model_admin = admin_site._registry.get(model)
        if model_admin is not None and model_admin.has_view_permission(request):
            opts = model._meta
            links.append(Link(label, reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")))
    return links


def _current(request, entries: list[Entry]) -> None:
    """Mark the entry whose page (or one of whose links' pages) is open."""
    path = request.path
    best, length = None, 0
    for entry in entries:
        for address in [entry.url, *(link.url for link in entry.links)]:
            address = address.split("?")[0]
            matches = path == address if entry.key == "work" else path.startswith(address)
            if matches and len(address) > length:
                best, length = entry, len(address)
    if best is not None:
        best.current = True


def _disclosure_entry(admin_site, request, administering, platform) -> Entry | None:
    """Information disclosure (DISC-1 to DISC-4) as one job: applications, the catalogue and the
    items disclosed late, the organisations, the annual report. Links the user may open only."""
    links = _model_links(admin_site, request, [(InformationRequest, _("Applications for disclosure"))])
    catalogue = _model_links(admin_site, request, [(CatalogueEntry, _("Disclosure catalogue"))])
    if catalogue:
        links += [*catalogue, Link(_("Disclosed late"), f"{catalogue[0].url}?deadline=late")]
    links += _model_links(admin_site, request, [(Organisation, _("Disclosing organisations"))])
    if (administering or platform) and annual_report_views.report_site_ids(request.user):
        links.append(Link(_("Annual report on disclosure"), reverse("admin:disclosure_annual_report")))
    if not links:
        return None
    return Entry("disclosure", _("Information disclosure"), links[0].url, links=links)


def _interaction_entry(admin_site, request) -> Entry | None:
    """互动交流 (INT-1 to INT-3) as one job: the letters, their channels and the error reports.
    Links the user may open only."""
    links = _model_links(admin_site, request, [
        (Letter, _("Citizens' letters")), (ErrorReport, _("error reports")), (Channel, _("Letter channels")),
    ])  # fmt: skip
    if not links:
        return None
    return Entry("interaction", _("Interaction"), links[0].url, links=links)


def _monitoring_entry(admin_site, request, administering, platform) -> Entry | None:
    """Website monitoring and supervision (OPS-1 to OPS-7, PUB-6, LINK-2, LINK-4) for site
    administrators and platform administrators: the overview of their sites (one administered
    site's dashboard, monthly report and ledger directly), the rectification orders, the annual
    work reports, the reposts within 12 hours, the friendly links and the link problems; spot checks
    for platform administrators only. Each of these pages opens for both (their own sites'
    records). No count: it would cost the navigation a query on every page."""
    if not (administering or platform):
        return None
    overview = reverse("admin:monitoring_overview")
    entry = Entry("monitoring", _("Monitoring"), overview, links=[Link(_("Monitoring overview"), overview)])
    if not platform and len(administering) == 1:
        site_id = administering[0]
        entry.links += [
            Link(_("This site's dashboard"), reverse("admin:monitoring_site", args=[site_id])),
            Link(_("Monthly report"), reverse("admin:monitoring_monthly", args=[site_id])),
            Link(_("Management ledger"), reverse("admin:monitoring_ledger", args=[site_id])),
        ]
    if platform:
        entry.links.append(Link(_("Spot checks"), reverse("admin:monitoring_spot_checks")))
    entry.links += [
        Link(_("Rectification orders"), reverse("admin:monitoring_rectification")),
        Link(_("Annual work reports"), reverse("admin:monitoring_annual_reports")),
        Link(_("Reposts within 12 hours"), reverse("admin:monitoring_reposts")),
    ]
    entry.links += _model_links(admin_site, request, [
        (FriendLink, _("friendly links")), (LinkFinding, _("link problems")),
    ])  # fmt: skip
    return entry


def entries(admin_site, request) -> list[Entry]:
    user = request.user
    platform = is_platform_admin(user)
    editing = sorted(site_ids_for(user, Role.EDITOR, Role.SITE_ADMIN))
    reviewing = site_ids_for(user, Role.REVIEWER)
    administering = sorted(site_ids_for(user, Role.SITE_ADMIN))
    index = reverse("admin:index")
    result = [Entry("work", _("Work"), index)]

    library = reverse("admin:resources_resource_changelist")
    content = Entry("content", _("Content"), library)
    content.links = [Link(_("Resource library"), library)]
    if editing:
        own_sites = sorted(site_ids_for(user, Role.EDITOR))
        content.count = _returned_count(request, own_sites) if own_sites else None
        content.count_label = _("returned to me")
        content.links += [
            Link(_("My drafts"), f"{library}?status__exact={ResourceStatus.DRAFT}&creator=me"),
            Link(_("Returned to me"), f"{library}?status__exact={ResourceStatus.RETURNED}&creator=me"),
        ]
    content.links += _model_links(admin_site, request, [(Placement, _("Uses in columns"))])
    # Reposts within 12 hours (PUB-6): the target site's editors answer the offers, a portal's
    # reviewers mark its important items; administrators and platform administrators find the
    # page under 监测.
    reposts_link = None if administering or platform else Link(_("Reposts within 12 hours"),
                                                                reverse("admin:monitoring_reposts"))  # fmt: skip
    if editing and reposts_link:
        content.links.append(reposts_link)
    if admin_site._registry[Resource].has_view_permission(request):
        result.append(content)

    disclosure = _disclosure_entry(admin_site, request, administering, platform)
    if disclosure is not None:
        result.append(disclosure)

    interaction = _interaction_entry(admin_site, request)
    if interaction is not None:
        result.append(interaction)

    if reviewing:
        queue = reverse("admin:resources_resource_review_queue")
        placements = reverse("admin:editorial_placement_changelist")
        result.append(Entry(
            "review", _("Review"), queue, _queue_count(request), _("waiting for my review"),
            [Link(_("Review queue"), queue), Link(_("Reposts to decide"), f"{placements}?waiting=me"),
             *([reposts_link] if reposts_link and not editing else [])],
        ))  # fmt: skip

    if administering or platform:
        sites = Entry("sites", _("Site management"), reverse("admin:sites_site_changelist"))
        sites.links = _model_links(admin_site, request, [
            (Site, _("Sites")), (Column, _("Columns")), (SubUnit, _("Sub-units")), (Membership, _("Roles")),
            (SiteApplication, _("Site applications")), (ChangeFiling, _("Change filings")),
        ])  # fmt: skip
        if platform:
            sites.links.append(Link(_("Lifecycle: pending work"), reverse("admin:sites_site_lifecycle_work")))
        else:
            sites.links += _model_links(admin_site, request, [(AuditEntry, _("Audit log"))])
            sites.count, sites.count_label = _site_steps_count(request, administering), _("applications open")
        result.append(sites)

    monitoring = _monitoring_entry(admin_site, request, administering, platform)
    if monitoring is not None:
        result.append(monitoring)

    if platform:
        users = reverse("admin:accounts_user_changelist")
        platform_entry = Entry(
            "platform", _("Platform management"), users, _applications_count(request), _("applications to decide")
        )
        platform_entry.links = _model_links(admin_site, request, [
            (User, _("Users")), (AuditEntry, _("Audit log")), (CheckedWord, _("Word lists")),
            (DictionaryWord, _("Search dictionary")), (Synonym, _("Search synonyms")),
            (BlockedTerm, _("Blocked search terms")), (PopularQuery, _("Popular searches")), (SearchLog, _("Search log")),
            (CalendarDay, _("Working-day calendar")), (SubjectCategory, _("Subject classification")),
        ])  # fmt: skip
        platform_entry.links.append(Link(_("Login lockouts"), reverse("admin:lockouts")))
        result.append(platform_entry)

    _current(request, result)
    return result
