"""Lists of the back office's resource library and review queue: filters, paginator, change list.

Everything here keeps the number of queries of a list page independent of its length: the
filters ask one small question each (the user's sites, columns and colleagues, never a scan of
the resources), the rows come with their site, column and creator joined, and the usage of the
resources of a page is counted in one more query. A page is read in two steps (its IDs, then its
rows), so that deep pages do not join the rows they skip. On PostgreSQL an unfiltered list of a
large library counts its rows from the planner's statistics instead of scanning them.
"""

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from columns.models import Column
from editorial.models import Placement, PlacementStatus
from resources.models import ResourceStatus
from resources.policies import EDITING_ROLES
from sites.models import Site
from sites.permissions import has_role, is_platform_admin, site_ids_for


def editable_site_ids(request) -> set[int] | None:
    """Sites where the user may write content; None: every site (platform administrators)."""
    if is_platform_admin(request.user):
        return None
    return site_ids_for(request.user, *EDITING_ROLES)


def visible_sites(request):
    sites = Site.objects.order_by("pk")
    if not is_platform_admin(request.user):
        sites = sites.filter(pk__in=site_ids_for(request.user))
    return sites


# --- filters ----------------------------------------------------------------------------------


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SiteFilter(admin.SimpleListFilter):
    """The user's own sites only: a plain foreign-key filter would name every site."""

    title = _("site")
    parameter_name = "site"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in visible_sites(request).values_list("pk", "name")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(site_id=_int(self.value()) or 0)


def chosen_site_id(request) -> int | None:
    """The site of the site filter, or the user's only site."""
    chosen = _int(request.GET.get(SiteFilter.parameter_name))
    if chosen is not None:
        return chosen
    if not is_platform_admin(request.user):
        sites = sorted(site_ids_for(request.user))
        if len(sites) == 1:
            return sites[0]
    return None


class ColumnFilter(admin.SimpleListFilter):
    """The columns of the chosen site (or of the user's only site), with their sub-columns."""

    title = _("column")
    parameter_name = "column"

    def lookups(self, request, model_admin):
        site_id = chosen_site_id(request)
        if site_id is None or not has_role(request.user, site_id):
            return []
        columns = Column.objects.filter(site_id=site_id).order_by("tree_id", "lft")
        return [(str(pk), "— " * level + name) for pk, name, level in columns.values_list("pk", "name", "level")]

    def queryset(self, request, queryset):
        column_id = _int(self.value())
        if self.value() is None:
            return queryset
        column = Column.objects.filter(pk=column_id or 0).first()
        if column is None:
            return queryset.none()
        return queryset.filter(column__in=column.get_descendants(include_self=True))


class CreatorFilter(admin.SimpleListFilter):
    """Who created the resource: the user, or a colleague with an editing role on the user's sites."""

    title = _("creator")
    parameter_name = "creator"

    def lookups(self, request, model_admin):
        # The chosen site only when it is one of the user's (?site= may name any site): the editors
        # of another site are that site's data (SEC-3). Role and site in one condition, so that
        # an editor of another site who holds some other role here is not listed.
        site_id = chosen_site_id(request)
        if site_id is not None and has_role(request.user, site_id):
            sites = [site_id]
        elif is_platform_admin(request.user):
            sites = None
        else:
            sites = sorted(site_ids_for(request.user))
        editing = Q(memberships__role__in=EDITING_ROLES)
        if sites is not None:
            editing &= Q(memberships__site_id__in=sites)
        people = User.objects.filter(editing).exclude(pk=request.user.pk).distinct().order_by("username")
        choices = [("me", _("created by me"))]
        choices += [(str(pk), f"{real_name} ({username})" if real_name else username)
                    for pk, username, real_name in people.values_list("pk", "username", "real_name")[:200]]  # fmt: skip
        return choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if self.value() == "me":
            return queryset.filter(creator=request.user)
        return queryset.filter(creator_id=_int(self.value()) or 0)


# --- paginator --------------------------------------------------------------------------------

ESTIMATE_ABOVE = 50_000


class LibraryPaginator(Paginator):
    """Exact counts, except for an unfiltered large table on PostgreSQL: there the planner's
    estimate (pg_class.reltuples, kept by autovacuum) spares a scan of every row."""

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where and connections[queryset.db].vendor == "postgresql":
            with connections[queryset.db].cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table]
                )
                row = cursor.fetchone()
            if row and row[0] and row[0] > ESTIMATE_ABOVE:
                return int(row[0])
        return super().count


# --- the change list --------------------------------------------------------------------------


def fetch_page(changelist) -> list:
    """The rows of a change list's page in two steps: first the IDs of the page (sorted and
    limited on the resource table alone, which its indexes answer), then those rows with their
    joins. A deep page (page 500) then skips rows without joining them first."""
    ids = list(changelist.result_list.values_list("pk", flat=True))
    if not ids:
        return []
    rows = changelist.queryset.filter(pk__in=ids).order_by()
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


# The tabs above the library list (草稿/待审/已发/已退回, as in 站群 systems), after "all".
STATUS_TABS = (ResourceStatus.DRAFT, ResourceStatus.IN_REVIEW, ResourceStatus.PUBLISHED, ResourceStatus.RETURNED)
STATUS_PARAMETER = "status__exact"


class LibraryChangeList(ChangeList):
    """The admin's change list, plus the usage of each listed resource in one query (RES-4)."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = fetch_page(self)
        self.model_admin.annotate_page(request, self.result_list)

    def column_tree(self, request) -> list[dict]:
        """The chosen site's columns in tree order, each a link to its items (sub-columns'
        included) keeping the status tab and the search: the 内容 view's left-hand tree. One query."""
        site_id = chosen_site_id(request)
        if site_id is None or not has_role(request.user, site_id):
            return []
        current = _int(request.GET.get(ColumnFilter.parameter_name))
        columns = Column.objects.filter(site_id=site_id).order_by("tree_id", "lft")
        return [
            {
                "name": name,
                "level": level,
                "current": pk == current,
                "url": self.get_query_string(
                    {SiteFilter.parameter_name: site_id, ColumnFilter.parameter_name: pk}, remove=["p"]
                ),
            }
            for pk, name, level in columns.values_list("pk", "name", "level")
        ]

    def status_tabs(self, request) -> list[dict]:
        """A link per status with the number of resources it would list: every other filter and
        the search kept. Counted in one query when one site is chosen (or the user has one): its
        column tree is then beside the list; across sites the tabs are links without numbers."""
        counts = None
        if chosen_site_id(request) is not None:
            queryset = self.root_queryset
            for spec in self.filter_specs:
                if STATUS_PARAMETER not in spec.expected_parameters():
                    filtered = spec.queryset(request, queryset)
                    queryset = queryset if filtered is None else filtered
            queryset, _duplicates = self.model_admin.get_search_results(request, queryset, self.query)
            counts = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
        current = request.GET.get(STATUS_PARAMETER)
        tabs = [{"label": _("All"), "count": sum(counts.values()) if counts is not None else None, "current": not current, "status": "",
                 "url": self.get_query_string(remove=[STATUS_PARAMETER, "p"])}]  # fmt: skip
        for status in STATUS_TABS:
            tabs.append({
                "label": status.label, "status": status.value, "count": counts.get(status.value, 0) if counts is not None else None,
                "current": current == status.value,
                "url": self.get_query_string({STATUS_PARAMETER: status.value}, remove=["p"]),
            })  # fmt: skip
        return tabs


def attach_usage(resources) -> None:
    """Set `active_uses` and `reposts` on each resource: its active placements (RES-4)."""
    by_id = {resource.pk: resource for resource in resources}
    for resource in resources:
        resource.active_uses = resource.reposts = 0
    if not by_id:
        return
    rows = (
        Placement.objects.filter(resource_id__in=list(by_id), status=PlacementStatus.ACTIVE)
        .values("resource_id")
        .annotate(uses=Count("id"), reposts=Count("id", filter=Q(is_repost=True)))
        .order_by()
    )
    for row in rows:
        resource = by_id[row["resource_id"]]
        resource.active_uses, resource.reposts = row["uses"], row["reposts"]
