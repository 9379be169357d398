"""Back office for search: the user dictionary and the synonym list (platform administrators
edit them, through search/actions.py, audited), and the search statistics (read only)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from govplatform.admin_scoping import ReadOnlyAdminMixin, refusal_text
from govplatform.admin_site import backoffice
from govplatform.permissions import is_platform_admin
from search import actions
from search.models import DictionaryWord, PopularQuery, SearchLog, Synonym


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


@admin.register(PopularQuery, site=backoffice)
class PopularQueryAdmin(ReadOnly):
    list_display = ("query", "site", "count", "last_searched")
    list_filter = (("site", admin.RelatedOnlyFieldListFilter),)
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
