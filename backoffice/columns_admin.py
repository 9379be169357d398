from django import forms, http
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mptt.admin import DraggableMPTTAdmin

from backoffice.scoping import ScopedAdmin
from backoffice.site import backoffice
from columns.models import Column
from columns.policies import COLUMNS
from columns.types import STANDARD_COLUMN_TYPES
from lifecycle import archiving
from lifecycle import column_changes as actions
from sites.models import Role, Site
from sites.permissions import is_platform_admin, site_ids_for


class ColumnTypeWidget(forms.TextInput):
    """A text box with the standard types offered as suggestions: the list is open (COL-2)."""

    def __init__(self, attrs=None):
        super().__init__({"list": "column-types", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.html import format_html, format_html_join

        options = format_html_join("", '<option value="{}">', ((t,) for t in STANDARD_COLUMN_TYPES))
        return format_html('{}<datalist id="column-types">{}</datalist>', super().render(name, value, attrs, renderer),
                           options)  # fmt: skip


class ColumnForm(forms.ModelForm):
    class Meta:
        model = Column
        fields = ("site", "parent", "name", "slug", "column_type", "description", "keywords", "is_channel",
                  "sort_order", "review_levels", "responsible_person", "responsible_phone", "update_interval_days")  # fmt: skip
        widgets = {"column_type": ColumnTypeWidget}


@admin.register(Column, site=backoffice)
class ColumnAdmin(ScopedAdmin, DraggableMPTTAdmin):
    """The column tree of each site, shown as a tree and reordered by dragging (COL-1)."""

    form = ColumnForm
    list_display = ("tree_actions", "indented_title", "site", "column_type", "is_channel", "responsible_person",
                    "update_interval_days", "archived_at")  # fmt: skip
    actions = ["archive_columns", "unarchive_columns"]
    list_display_links = ("indented_title",)
    # Only the sites of the user's own columns: a plain "site" filter would list every site.
    list_filter = (("site", admin.RelatedOnlyFieldListFilter), "is_channel", "column_type")
    search_fields = ("name", "slug", "column_type")
    list_select_related = ("site",)
    expand_tree_by_default = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("site")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        user = request.user
        if db_field.name == "site" and not is_platform_admin(user):
            kwargs["queryset"] = Site.objects.filter(pk__in=site_ids_for(user, Role.SITE_ADMIN))
        if db_field.name == "parent":
            queryset = COLUMNS.instances(user).select_related("site")
            if not is_platform_admin(user):
                queryset = queryset.filter(site_id__in=site_ids_for(user, Role.SITE_ADMIN))
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return ("site", "archived_at") if obj is not None else ()

    # -- archiving columns and topics (SITE-9, COL-7), confirmed on a page of its own (TPL-11) ----

    def _archive_action(self, request, queryset, action, verb, title):
        if request.POST.get("post") != "yes":
            return TemplateResponse(
                request,
                "admin/columns/column/confirm_archive.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "title": title,
                    "columns": queryset.select_related("site"),
                    "action": request.POST.get("action"),
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                    "archiving": action is archiving.archive_column,
                },
            )
        done = 0
        for column in queryset:
            try:
                action(column, acting_user=request.user)
                done += 1
            except (PermissionDenied, ValidationError) as error:
                self.message_refusal(request, error)
        if done:
            self.message_user(request, verb % {"count": done})
        return None

    @admin.action(description=gettext_lazy("Archive the selected columns or topics"))
    def archive_columns(self, request, queryset):
        return self._archive_action(
            request, queryset, archiving.archive_column, _("%(count)d columns archived."), _("Archive these columns?")
        )

    @admin.action(description=gettext_lazy("End the archiving of the selected columns"))
    def unarchive_columns(self, request, queryset):
        return self._archive_action(
            request, queryset, archiving.unarchive_column, _("%(count)d columns are current again."),
            _("End the archiving of these columns?"),
        )  # fmt: skip

    def save_model(self, request, obj, form, change):
        if change:
            actions.update_column(obj, acting_user=request.user)
        else:
            actions.create_column(obj, acting_user=request.user)

    def delete_model(self, request, obj):
        actions.delete_column(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        # Deepest first, so a parent selected together with its children can go too.
        for column in sorted(queryset, key=lambda c: -c.level):
            try:
                actions.delete_column(column, acting_user=request.user)
            except (PermissionDenied, ValidationError) as error:
                self.message_refusal(request, error)

    def get_actions(self, request):
        actions_ = super().get_actions(request)
        if "delete_selected" in actions_:
            func, name, _desc = actions_["delete_selected"]
            actions_["delete_selected"] = (
                admin.actions.delete_selected,
                name,
                gettext_lazy("Delete selected %(verbose_name_plural)s"),
            )
        return actions_

    def _move_node(self, request):
        """Drag-and-drop reordering, through the move action (depth and audit included)."""
        queryset = self.get_queryset(request)
        try:
            column = queryset.get(pk=request.POST.get("cut_item"))
            target = queryset.get(pk=request.POST.get("pasted_on"))
        except (Column.DoesNotExist, TypeError, ValueError):
            self.message_user(request, _("The column no longer exists; reload the page."), level=messages.ERROR)
            return http.HttpResponse("FAIL, invalid objects.", status=400)
        try:
            actions.move_column(column, target, request.POST.get("position", ""), acting_user=request.user)
        except PermissionDenied as error:
            self.message_refusal(request, error)
            return http.HttpResponse("FAIL, no permission.", status=403)
        except ValidationError as error:
            self.message_refusal(request, error)
            return http.HttpResponse("FAIL, invalid move.", status=400)
        self.message_user(request, _("%(column)s has been moved.") % {"column": column})
        return http.HttpResponse("OK, moved.")
