"""The resource library in the back office (资源库, RES-1 to RES-8, PUB-1 to PUB-5, PUB-9).

One list of the resources of the user's sites, filtered by site, kind, status, column, date and
creator and searched by title; pages to add and edit each kind, with the workflow's buttons,
the revision history, the usage of the resource and the links between policy documents and their
interpretations. The review queue and the review page live in backoffice/review_admin.py and are
reached through this admin's URLs (/admin/resources/resource/review/).

Every change goes through an action (editorial.drafts, editorial.workflow,
editorial.placements); these views only translate forms into calls and errors into messages.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Q
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from backoffice import resource_views as admin_views
from backoffice import resource_workflow as admin_workflow
from backoffice.resource_support import (
    ColumnFilter,
    CreatorFilter,
    LibraryChangeList,
    LibraryPaginator,
    SiteFilter,
    attach_usage,
)
from backoffice.scoping import ScopedAdmin
from backoffice.site import backoffice
from publishing import held_back
from resources.models import Resource
from resources.policies import RESOURCES
from sites.models import Role
from sites.permissions import is_platform_admin, site_ids_for
from sites.policies import CHANGE


@admin.register(Resource, site=backoffice)
class ResourceAdmin(ScopedAdmin):
    list_display = ("id", "title", "kind", "status_label", "site", "column", "creator_name", "updated", "usage")
    list_display_links = ("title",)
    list_filter = (
        SiteFilter,
        "kind",
        "status",
        ColumnFilter,
        ("updated_at", admin.DateFieldListFilter),
        CreatorFilter,
    )
    search_fields = ("title",)
    search_help_text = _("Search by title; a number also finds the resource with that ID.")
    list_select_related = ("site", "column", "creator")
    list_per_page = 50
    list_max_show_all = 200
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = LibraryPaginator
    sortable_by = ("id", "updated")
    actions = None
    change_list_template = "admin/resources/resource/change_list.html"

    # -- the list ------------------------------------------------------------------------------

    def get_changelist(self, request, **kwargs):
        return LibraryChangeList

    def annotate_page(self, request, results):
        attach_usage(results)
        held = held_back.status_labels([r.pk for r in results])  # never "published" while held back
        for resource in results:
            resource.held_label = held.get(resource.pk)

    def get_search_results(self, request, queryset, search_term):
        """Every word in the title; a number also finds the resource with that ID.

        Words without Latin letters (Chinese titles) are matched as they are: case does not
        apply to them, and a plain LIKE lets PostgreSQL estimate and use the newest-first index
        instead of upper-casing every title (a third of the time on 100,000 rows).
        """
        words = search_term.split()
        if not words:
            return queryset, False
        condition = Q()
        for word in words:
            latin = any("a" <= char.lower() <= "z" for char in word)
            condition &= Q(title__icontains=word) if latin else Q(title__contains=word)
        if len(words) == 1 and words[0].isdigit() and len(words[0]) < 15:
            condition |= Q(pk=int(words[0]))
        return queryset.filter(condition), False

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        held = getattr(obj, "held_label", None)
        if held:
            return format_html('<span class="resource-status status-held">{}</span>', held)
        return format_html('<span class="resource-status status-{}">{}</span>', obj.status, obj.get_status_display())

    @admin.display(description=_("creator"))
    def creator_name(self, obj):
        return obj.creator.real_name or obj.creator.username

    @admin.display(description=_("updated at"), ordering="updated_at")
    def updated(self, obj):
        return timezone.localtime(obj.updated_at).strftime("%Y-%m-%d %H:%M")

    def get_list_display(self, request):
        if not is_platform_admin(request.user) and len(site_ids_for(request.user)) == 1:
            return [name for name in self.list_display if name != "site"]  # one site: no need to name it
        return self.list_display

    @admin.display(description=_("in use"))
    def usage(self, obj):
        uses = getattr(obj, "active_uses", 0)
        if not uses:
            return "—"
        reposts = getattr(obj, "reposts", 0)
        if reposts:
            return _("%(uses)d columns, %(reposts)d reposted") % {"uses": uses, "reposts": reposts}
        return _("%(uses)d columns") % {"uses": uses}

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": _("Resource library"),
            **(extra_context or {}),
            "review_queue_url": reverse("admin:resources_resource_review_queue"),
            "is_reviewer": bool(self._reviewer_site_ids(request)),
        }
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if isinstance(changelist, LibraryChangeList):
            response.context_data["status_tabs"] = changelist.status_tabs(request)
            response.context_data["column_tree"] = changelist.column_tree(request)
            response.context_data["all_columns_url"] = changelist.get_query_string(remove=["column", "p"])
        return response

    def _reviewer_site_ids(self, request):
        return sorted(site_ids_for(request.user, Role.REVIEWER))

    # -- permissions ---------------------------------------------------------------------------

    def has_add_permission(self, request):
        from backoffice.resource_support import editable_site_ids

        editable = editable_site_ids(request)
        return editable is None or bool(editable)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.has_add_permission(request)
        return self.can_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # content is withdrawn, never deleted: its history stays (PUB-2)

    def can_edit(self, request, resource) -> bool:
        return RESOURCES.user_can(request.user, CHANGE, resource)

    def scoped_object(self, request, object_id, *related) -> Resource:
        """The resource, if it is in the user's sites; 404 otherwise (never a hint that it exists)."""
        try:
            pk = int(unquote(str(object_id)))
        except (TypeError, ValueError):
            raise Http404("not found in your sites") from None
        queryset = self.get_queryset(request).select_related("site", "column", "creator", *related)
        resource = queryset.filter(pk=pk).first()
        if resource is None:
            raise Http404("not found in your sites")
        return resource

    # -- pages ---------------------------------------------------------------------------------

    def get_urls(self):
        from backoffice import review_admin as publishing_admin

        wrap = self.admin_site.admin_view
        custom = [
            path("review/", wrap(publishing_admin.review_queue_view), name="resources_resource_review_queue"),
            path(
                "<path:object_id>/review/",
                wrap(lambda request, object_id: publishing_admin.review_view(self, request, object_id)),
                name="resources_resource_review",
            ),
            path(
                "<path:object_id>/workflow/<slug:step>/",
                wrap(lambda request, object_id, step: admin_workflow.workflow_view(self, request, object_id, step)),
                name="resources_resource_workflow",
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/",
                wrap(
                    lambda request, object_id, revision_id: admin_workflow.revision_view(
                        self, request, object_id, revision_id
                    )
                ),
                name="resources_resource_revision",
            ),  # fmt: skip
            path(
                "<path:object_id>/place/",
                wrap(lambda request, object_id: admin_workflow.place_view(self, request, object_id)),
                name="resources_resource_place",
            ),
        ]
        return custom + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        return admin_views.add_view(self, request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return admin_views.change_view(self, request, object_id)

    def history_view(self, request, object_id, extra_context=None):
        return admin_workflow.history_view(self, request, object_id)

    def page_context(self, request, **context) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "media": self.media,
            "changelist_url": reverse("admin:resources_resource_changelist"),
            **context,
        }
