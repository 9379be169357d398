"""Publishing in the back office: the review queue, the uses of resources in columns, the word lists.

- The review queue (审核队列, PUB-9) lists `editorial.queries.review_queue(user)`: what the
  reviewer may pass next, over every site and column they review. It is an admin change list of
  resources, reached at /admin/resources/resource/review/ (the resource admin routes it); each
  item opens the review page (backoffice/review_pages.py).
- Placements (RES-3, RES-4): where resources are used, scoped to the user's sites (as target or
  owner); reviewers of a target site accept or refuse pending reposts, editors pin, unpin and
  remove. Each of these is an action, recorded (UsageRecord, audit log).
- Word lists (PUB-3): the sensitive words and wrong wordings of the check, for platform
  administrators only.
"""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from backoffice.resource_forms import RequiredReasonForm
from backoffice.resource_support import LibraryPaginator, SiteFilter, fetch_page
from backoffice.review_pages import review_view  # noqa: F401 (routed by backoffice.resources_admin)
from backoffice.scoping import ScopedAdmin
from backoffice.site import backoffice
from editorial import placements, queries, wordlists
from editorial.models import CheckedWord, Placement, ReviewFlag, ReviewLevel
from publishing import readiness
from resources.models import Resource, Revision
from sites.models import Role
from sites.permissions import is_platform_admin, site_ids_for

# --- the review queue -------------------------------------------------------------------------


class ReviewQueueChangeList(ChangeList):
    def url_for_result(self, result):
        return reverse("admin:resources_resource_review", args=[result.pk])

    def get_results(self, request):
        super().get_results(request)
        self.result_list = fetch_page(self)
        revisions = [r.submitted_revision_id for r in self.result_list if r.submitted_revision_id]
        counts = {}
        if revisions:
            rows = (
                ReviewFlag.objects.filter(revision_id__in=revisions, confirmed_at__isnull=True)
                .values("revision_id")
                .annotate(n=Count("id"))
                .order_by()
            )
            counts = {row["revision_id"]: row["n"] for row in rows}
        for resource in self.result_list:
            resource.open_flags = counts.get(resource.submitted_revision_id, 0)
        # What would stop each from going online whole (LINK-2, RES-5), in a fixed number of queries.
        data = dict(Revision.objects.filter(pk__in=revisions).values_list("pk", "data")) if revisions else {}
        ready = readiness.check_many((r, data.get(r.submitted_revision_id)) for r in self.result_list)
        for resource in self.result_list:
            resource.readiness = ready.get(resource.pk)


class ReviewQueueAdmin(ScopedAdmin):
    """Not registered: one instance, shown through the resource admin's URLs."""

    list_display = ("title", "kind", "site", "column", "submitter", "submitted", "level", "flags", "problems")
    list_display_links = ("title",)
    list_filter = (SiteFilter, "kind")
    search_fields = ("title",)
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = LibraryPaginator
    sortable_by = ()
    actions = None
    change_list_template = "admin/publishing/review_queue.html"

    def get_queryset(self, request):
        return queries.review_queue(request.user)

    def get_ordering(self, request):
        return [F("submitted_at").desc(nulls_last=True), "-id"]

    def get_changelist(self, request, **kwargs):
        return ReviewQueueChangeList

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("submitted by"))
    def submitter(self, obj):
        if not obj.submitted_revision_id:
            return "—"
        author = obj.submitted_revision.created_by
        return author.real_name or author.username

    @admin.display(description=_("submitted at"))
    def submitted(self, obj):
        return timezone.localtime(obj.submitted_at).strftime("%Y-%m-%d %H:%M") if obj.submitted_at else "—"

    def get_list_display(self, request):
        if not is_platform_admin(request.user) and len(site_ids_for(request.user)) == 1:
            return [name for name in self.list_display if name != "site"]  # one site: no need to name it
        return self.list_display

    @admin.display(description=_("review level"))
    def level(self, obj):
        levels = queries.review_levels_for(obj)
        label = ReviewLevel(min(obj.review_level + 1, 3)).label
        return _("%(level)s (%(number)d of %(levels)d)") % {"level": label, "number": obj.review_level + 1,
                                                            "levels": levels}  # fmt: skip

    @admin.display(description=_("to confirm"))
    def flags(self, obj):
        count = getattr(obj, "open_flags", 0)
        if not count:
            return "—"
        return format_html('<span class="review-flag-count">{}</span>', count)

    @admin.display(description=_("before publishing"))
    def problems(self, obj):
        found = getattr(obj, "readiness", None)
        if not found:
            return "—"
        return format_html('<span class="review-problems">{}</span>', found.message())


review_queue_admin = ReviewQueueAdmin(Resource, backoffice)


def review_queue_view(request):
    reviewer_sites = sorted(site_ids_for(request.user, Role.REVIEWER))
    context = {
        "title": _("Review queue"),
        "is_reviewer": bool(reviewer_sites),
        "pending_reposts": queries.pending_reposts(request.user).count() if reviewer_sites else 0,
        "placements_url": reverse("admin:editorial_placement_changelist"),
    }
    return review_queue_admin.changelist_view(request, extra_context=context)


# --- placements -------------------------------------------------------------------------------


class WaitingForMeFilter(admin.SimpleListFilter):
    title = _("decision")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("me", _("reposts waiting for my decision"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(pk__in=queries.pending_reposts(request.user).values("pk"))
        return queryset


@admin.register(Placement, site=backoffice)
class PlacementAdmin(ScopedAdmin):
    """Where library resources are used (RES-3, RES-4); reposts wait for the target site's reviewer."""

    list_display = ("resource_link", "source_site", "target_site", "target_column", "status", "is_repost", "pinned",
                    "placed_by_name", "placed", "decided_by_name")  # fmt: skip
    list_filter = (WaitingForMeFilter, "status", "is_repost", "pinned", SiteFilter)
    search_fields = ("resource__title",)
    list_select_related = ("resource__site", "column", "site", "placed_by", "decided_by")
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = LibraryPaginator
    sortable_by = ("placed",)
    ordering = ("-placed_at", "-id")
    change_list_template = "admin/editorial/placement/change_list.html"
    actions = ("accept_reposts", "refuse_reposts", "pin_placements", "unpin_placements", "remove_placements")

    @admin.display(description=_("resource"))
    def resource_link(self, obj):
        url = reverse("admin:resources_resource_change", args=[obj.resource_id])
        return format_html('<a href="{}">{}</a>', url, obj.resource.title)

    @admin.display(description=_("owning site"))
    def source_site(self, obj):
        return obj.resource.site

    @admin.display(description=_("used on site"))
    def target_site(self, obj):
        return obj.site

    @admin.display(description=_("column"))
    def target_column(self, obj):
        return obj.column

    @admin.display(description=_("placed by"))
    def placed_by_name(self, obj):
        return obj.placed_by.real_name or obj.placed_by.username

    @admin.display(description=_("placed at"), ordering="placed_at")
    def placed(self, obj):
        return timezone.localtime(obj.placed_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description=_("decided by"))
    def decided_by_name(self, obj):
        user = obj.decided_by
        return (user.real_name or user.username) if user else "—"

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": _("Uses of resources in columns"), **(extra_context or {})})

    def has_add_permission(self, request):
        return False  # a resource is placed from its page in the library

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # removed with the action below, so that the removal is recorded

    def get_actions(self, request):
        return {name: value for name, value in super().get_actions(request).items() if name != "delete_selected"}

    def _each(self, request, queryset, action, done_text, **kwargs) -> None:
        done = 0
        for placement in queryset.select_related("resource", "column", "site"):
            try:
                action(placement, acting_user=request.user, **kwargs)
            except (PermissionDenied, ValidationError) as error:
                text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{placement.resource.title} → {placement.column}: {text}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_text(done), messages.SUCCESS)

    @admin.action(description=_("Accept the selected reposts"))
    def accept_reposts(self, request, queryset):
        self._each(request, queryset, placements.accept_repost,
                   lambda n: ngettext("%(n)d repost accepted.", "%(n)d reposts accepted.", n) % {"n": n})  # fmt: skip

    @admin.action(description=_("Refuse the selected reposts…"))
    def refuse_reposts(self, request, queryset):
        form = RequiredReasonForm(request.POST if "post" in request.POST else None)
        if "post" in request.POST and form.is_valid():
            self._each(request, queryset, placements.refuse_repost,
                       lambda n: ngettext("%(n)d repost refused.", "%(n)d reposts refused.", n) % {"n": n},
                       reason=form.cleaned_data["reason"])  # fmt: skip
            return None
        return self._intermediate(request, queryset, "refuse_reposts", _("Refuse the reposts?"), form)

    @admin.action(description=_("Pin the selected placements"))
    def pin_placements(self, request, queryset):
        self._each(request, queryset, placements.pin,
                   lambda n: ngettext("%(n)d placement pinned.", "%(n)d placements pinned.", n) % {"n": n})  # fmt: skip

    @admin.action(description=_("Unpin the selected placements"))
    def unpin_placements(self, request, queryset):
        self._each(request, queryset, placements.unpin,
                   lambda n: ngettext("%(n)d placement unpinned.", "%(n)d placements unpinned.", n) % {"n": n})  # fmt: skip

    @admin.action(description=_("Remove from the columns…"))
    def remove_placements(self, request, queryset):
        if "post" in request.POST:
            self._each(request, queryset, placements.remove_placement,
                       lambda n: ngettext("%(n)d placement removed.", "%(n)d placements removed.", n) % {"n": n})  # fmt: skip
            return None
        return self._intermediate(request, queryset, "remove_placements", _("Remove from the columns?"), None)

    def _intermediate(self, request, queryset, action, title, form):
        """A confirmation page for an action that cannot be undone by a click (TPL-11)."""
        return TemplateResponse(
            request,
            "admin/editorial/placement/confirm_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.opts,
                "action": action,
                "placements": list(queryset.select_related("resource", "column", "site")),
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


# --- word lists -------------------------------------------------------------------------------


@admin.register(CheckedWord, site=backoffice)
class CheckedWordAdmin(ScopedAdmin):
    """The sensitive-word and wrong-wording lists of the check (PUB-3): platform administrators only."""

    list_display = ("text", "list", "suggestion", "created_by", "created_at")
    list_filter = ("list",)
    search_fields = ("text", "suggestion")
    fields = ("list", "text", "suggestion")
    list_select_related = ("created_by",)

    def get_queryset(self, request):
        return CheckedWord.objects.all()

    def has_module_permission(self, request):
        return is_platform_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_add_permission(self, request):
        return is_platform_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def save_model(self, request, obj, form, change):
        if change:
            wordlists.update_word(obj, acting_user=request.user)
        else:
            wordlists.add_word(obj, acting_user=request.user)

    def delete_model(self, request, obj):
        wordlists.remove_word(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for word in queryset:
            wordlists.remove_word(word, acting_user=request.user)
