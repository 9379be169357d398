"""Scoping for back-office pages: what each ModelAdmin shows and lets a user touch.

Every ModelAdmin of the platform derives from ScopedAdmin. Objects outside the user's scope
answer 404 (never a redirect that would confirm they exist), and saves and deletes go through
the app's actions, never straight to the database; when an action refuses, the page says why.
"""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404
from django.utils.text import capfirst

from core.reference_fields import ModelMultipleIdField, in_range
from sites.policies import CHANGE, PermissionPolicy, policy_for


def refusal_text(error) -> str:
    """Why an action refused, for a message: a ValidationError's messages joined (its str() would
    show a Python list), or the text of a PermissionDenied."""
    return "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)


def show_refusal(form, error) -> None:
    """An action's refusal on the form that asked for it: a ValidationError by field under its
    fields (or above the form for a field it does not have), anything else above the form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_error(None, str(error))


class ReadOnlyAdminMixin:
    """Records only actions write (audit entries, lifecycle records, search logs): listed and
    shown, never added, changed or deleted in the back office. Put it before the admin class."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedAdmin(admin.ModelAdmin):
    """A model page that asks its model's permission policy (sites/policies.py) what the user
    may see and change."""

    @property
    def policy(self) -> PermissionPolicy:
        policy = policy_for(self.model)
        if policy is None:  # a model page without a policy would show every site's objects
            raise ImproperlyConfigured(f"{self.model.__name__} has no permission policy (sites/policies.py)")
        return policy

    def get_queryset(self, request):
        return self.policy.filter(super().get_queryset(request), request.user)

    # -- reference fields: only what the user may use, and any other id answered alike (SEC-3) ----

    def scoped_choices(self, db_field, request, kwargs) -> dict:
        """The choices of a relation, limited by the related model's permission policy unless the
        admin chose them itself: another site's object is then an unavailable choice, answered
        with the same message as an id that does not exist."""
        if "queryset" not in kwargs:
            # The related admin's ordering, as Django would use it, then the scope.
            related = self.get_field_queryset(kwargs.get("using"), db_field, request)
            if related is None:
                related = db_field.remote_field.model._default_manager.using(kwargs.get("using")).all()
            policy = policy_for(db_field.remote_field.model)
            if policy is not None:
                kwargs["queryset"] = policy.filter(related, request.user)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self.scoped_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", ModelMultipleIdField)
        return super().formfield_for_manytomany(db_field, request, **self.scoped_choices(db_field, request, kwargs))

    def response_action(self, request, queryset):
        # Selected rows whose ids the database cannot hold are no rows (and would fail the query).
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        kept = in_range(queryset, selected)
        if kept != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, kept)
        return super().response_action(request, queryset)

    def get_deleted_objects(self, objs, request):
        """Django's summary of what a delete takes along, without the link rows of many-to-many
        fields ("Subunit-column relationship: SubUnit_columns object (1)"): nobody made them,
        and deleting the object only unlinks what they link."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        links = [m._meta for m in apps.get_models(include_auto_created=True) if m._meta.auto_created]
        prefixes = tuple(f"{capfirst(opts.verbose_name)}: " for opts in links)
        plurals = {str(opts.verbose_name_plural) for opts in links}

        def kept(items):
            result = []
            for item in items:
                if isinstance(item, list):
                    item = kept(item)
                    if item:
                        result.append(item)
                elif not str(item).startswith(prefixes):
                    result.append(item)
            return result

        model_count = {name: count for name, count in model_count.items() if str(name) not in plurals}
        return kept(to_delete), model_count, perms_needed, protected

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("not found in your sites")
        return obj

    def can_manage(self, request, obj=None) -> bool:
        return self.policy.user_can(request.user, CHANGE, obj)

    def message_refusal(self, request, error) -> None:
        """Show a refusal (ValidationError or PermissionDenied) of an action as an error message."""
        self.message_user(request, refusal_text(error), level=messages.ERROR)

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request):
        return self.can_manage(request)

    def has_change_permission(self, request, obj=None):
        return self.can_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.can_manage(request, obj)
