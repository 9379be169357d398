"""Back office for search: the user dictionary and the synonym list (platform administrators
edit them, through search/actions.py, audited), the terms blocked from suggestions (site
administrators for their own sites, scoped like every site's records), and the search
statistics (read only)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from backoffice.scoping import ReadOnlyAdminMixin, ScopedAdmin, refusal_text
from backoffice.site import backoffice
from search import actions
from search.models import BlockedTerm, DictionaryWord, PopularQuery, SearchLog, Synonym
from sites.models import Role, Site
from sites.permissions import is_platform_admin, site_ids_for


class PlatformAdminOnly(admin.ModelAdmin):
    """Platform-wide lists: only platform administrators see and change them."""

    def has_module_permission(self, request):
        return is_platform_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def has_add_permission(self, request):
        return is_platform_admin(request.user)

    has_change_permission = has_delete_permission = lambda self, request, obj=None: is_platform_admin(request.user)  # noqa: E731

    def _run(self, request, action, *args, **kwargs):
        try:
            return action(*args, acting_user=request.user, **kwargs)
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, refusal_text(error), level=messages.ERROR)
            return None

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(DictionaryWord, site=backoffice)
class DictionaryWordAdmin(PlatformAdminOnly):
    list_display = ("word", "note", "created_by", "created_at")
    search_fields = ("word", "note")
    fields = ("word", "note")

    def save_model(self, request, obj, form, change):
        if change:
            self._run(request, actions.update_dictionary_word, obj)
        else:
            entry = self._run(request, actions.add_dictionary_word, obj.word, note=obj.note)
            if entry is not None:
                obj.pk = entry.pk

    def delete_model(self, request, obj):
        self._run(request, actions.delete_dictionary_word, obj)


@admin.register(Synonym, site=backoffice)
class SynonymAdmin(PlatformAdminOnly):
    list_display = ("plain", "official", "updated_at")
    search_fields = ("plain", "official")
    fields = ("plain", "official")

    def save_model(self, request, obj, form, change):
        if change:
            self._run(request, actions.update_synonym, obj)
        else:
            entry = self._run(request, actions.add_synonym, obj.plain, obj.official)
            if entry is not None:
                obj.pk = entry.pk

    def delete_model(self, request, obj):
        self._run(request, actions.delete_synonym, obj)


class ReadOnly(ReadOnlyAdminMixin, PlatformAdminOnly):
    pass


@admin.register(BlockedTerm, site=backoffice)
class BlockedTermAdmin(ScopedAdmin):
    """Terms no suggestion may contain (SRCH-2): hidden at once, every change audited."""

    list_display = ("term", "site_or_all", "note", "created_by", "created_at")
    list_filter = (("site", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("term", "note")
    fields = ("site", "term", "note")
    list_select_related = ("site", "created_by")

    @admin.display(description=_("site"), ordering="site__name")
    def site_or_all(self, obj):
        return obj.site or _("every site")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "site":
            if is_platform_admin(request.user):
                kwargs["queryset"] = Site.objects.all()
            else:
                kwargs["queryset"] = Site.objects.filter(pk__in=site_ids_for(request.user, Role.SITE_ADMIN))
                kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ("site",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        try:
            if change:
                actions.update_blocked_term(obj, acting_user=request.user)
            else:
                entry = actions.add_blocked_term(obj.site, obj.term, note=obj.note, acting_user=request.user)
                obj.pk = entry.pk
        except (PermissionDenied, ValidationError) as error:
            self.message_refusal(request, error)

    def delete_model(self, request, obj):
        try:
            actions.delete_blocked_term(obj, acting_user=request.user)
        except (PermissionDenied, ValidationError) as error:
            self.message_refusal(request, error)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(PopularQuery, site=backoffice)
class PopularQueryAdmin(ReadOnly):
    """Queries many visitors asked, counted from the logs; `eligible` ones are suggested."""

    list_display = ("query", "site", "count", "visitors", "days", "clicks", "eligible", "last_searched")
    list_filter = ("eligible", ("site", admin.RelatedOnlyFieldListFilter))
    search_fields = ("query",)
    ordering = ("-count",)


@admin.register(SearchLog, site=backoffice)
class SearchLogAdmin(ReadOnly):
    """What was searched (no personal data is stored: SRCH-3)."""

    list_display = ("time", "site", "scope", "query", "corrected", "results", "page")
    list_filter = ("scope", ("site", admin.RelatedOnlyFieldListFilter))
    search_fields = ("query",)
    date_hierarchy = "time"
    verbose_name = _("search log")
