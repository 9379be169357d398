from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import actions, twofactor
from accounts.models import User
from auditlog import audit
from auditlog.events import AuditEvent, event_label
from auditlog.models import AuditEntry
from backoffice import audit_details, audit_export
from backoffice.scoping import ReadOnlyAdminMixin, ScopedAdmin
from backoffice.site import backoffice
from sites import memberships
from sites.models import Membership, Role, Site
from sites.permissions import is_platform_admin, site_ids_for


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("site", "role", "created_at")
    readonly_fields = ("site", "role", "created_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User, site=backoffice)
class UserAdmin(DjangoUserAdmin):
    """Platform administrators manage users. Users are deactivated, never deleted (audit)."""

    list_display = ("username", "real_name", "email", "is_platform_admin", "is_active", "last_login")
    list_filter = ("is_platform_admin", "is_active")
    search_fields = ("username", "real_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("real_name", "email", "phone")}),
        (_("Platform role"), {"fields": ("is_platform_admin", "is_active")}),
        (_("Two-factor login"), {"fields": ("second_factor",)}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "real_name", "email", "is_platform_admin")}),)
    readonly_fields = ("last_login", "date_joined", "second_factor")
    inlines = [MembershipInline]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            # Accounts get a random password, shown once (SEC-1): no password typed by an admin.
            kwargs["form"] = forms.modelform_factory(
                User, fields=("username", "real_name", "email", "is_platform_admin")
            )
        return super().get_form(request, obj, **kwargs)

    def has_module_permission(self, request):
        return is_platform_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    has_add_permission = has_change_permission = lambda self, request, obj=None: is_platform_admin(request.user)  # noqa: E731

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            actions.update_user(obj, acting_user=request.user)
            return
        user, password = actions.create_user(
            obj.username,
            acting_user=request.user,
            real_name=obj.real_name,
            email=obj.email,
            is_platform_admin=obj.is_platform_admin,
        )
        obj.pk = user.pk
        self.message_user(
            request,
            _(
                "Account %(user)s created. Its one-time password is %(password)s — give it to the user "
                "now; it is not shown again."
            )
            % {"user": user.username, "password": password},
            level=messages.WARNING,
        )

    def log_change(self, request, obj, message):
        # Django's password-change page saves the password itself; make sure it is audited too.
        changed = [
            field
            for entry in message
            if isinstance(entry, dict)
            for field in entry.get("changed", {}).get("fields", [])
        ]
        if "password" in changed:
            audit.record(AuditEvent.USER_PASSWORD_SET, actor=request.user, obj=obj)
        return super().log_change(request, obj, message)

    def save_related(self, request, form, formsets, change):
        # Memberships are shown read-only here; roles are granted on the site-role page.
        pass

    @admin.display(description=_("Second factor"))
    def second_factor(self, obj):
        if obj.pk is None:
            return "-"
        status = _("authenticator app set up") if twofactor.has_app(obj) else _("no authenticator app")
        url = reverse("admin:accounts_user_reset_second_factor", args=[obj.pk])
        return format_html(
            '{}; {} · <a href="{}">{}</a>',
            status,
            _("%(count)d backup codes left") % {"count": twofactor.backup_codes_left(obj)},
            url,
            _("Reset (lost phone)…"),
        )

    def get_urls(self):
        reset = path(
            "<int:user_id>/reset-second-factor/",
            self.admin_site.admin_view(self.reset_second_factor_view),
            name="accounts_user_reset_second_factor",
        )
        return [reset, *super().get_urls()]

    def reset_second_factor_view(self, request, user_id):
        """A platform admin removes a user's app and backup codes (lost phone); confirmed first."""
        if not is_platform_admin(request.user):
            raise PermissionDenied
        user = get_object_or_404(User, pk=user_id)
        if request.method == "POST":
            twofactor.reset_second_factor(user, acting_user=request.user)
            self.message_user(
                request,
                _("The second factor of %(user)s was reset: the next login sets up a new authenticator app.")
                % {"user": user.username},
                level=messages.WARNING,
            )
            return redirect("admin:accounts_user_change", user.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reset the second factor of %(user)s?") % {"user": user.username},
            "target": user,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/accounts/user/reset_second_factor.html", context)


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "site", "role")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        # A membership's own page shows its fields read-only: then the form has none to limit.
        if request is not None and not is_platform_admin(request.user) and "site" in self.fields:
            self.fields["site"].queryset = Site.objects.filter(pk__in=site_ids_for(request.user, Role.SITE_ADMIN))
            self.fields["role"].choices = [(r.value, r.label) for r in (Role.EDITOR, Role.REVIEWER)]


@admin.register(Membership, site=backoffice)
class MembershipAdmin(ScopedAdmin):
    form = MembershipForm
    list_display = ("user", "site", "role", "created_at")
    # Only the sites of the memberships shown: a plain "site" filter would list every site.
    list_filter = ("role", ("site", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__username", "user__real_name", "site__name")
    list_select_related = ("user", "site")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class ScopedForm(form_class):
            def __init__(self, *args, **inner):
                inner["request"] = request
                super().__init__(*args, **inner)

        return ScopedForm

    def get_readonly_fields(self, request, obj=None):
        return ("user", "site", "role") if obj else ()

    def has_change_permission(self, request, obj=None):
        return False  # a role is granted or revoked, never edited

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return self.can_manage(request)
        return self.can_manage(request, obj) and (obj.role != Role.SITE_ADMIN or is_platform_admin(request.user))

    def save_model(self, request, obj, form, change):
        membership = memberships.grant_role(obj.user, obj.site, obj.role, acting_user=request.user)
        obj.pk = membership.pk

    def delete_model(self, request, obj):
        memberships.revoke_role(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            try:
                memberships.revoke_role(membership, acting_user=request.user)
            except PermissionDenied as error:
                self.message_user(request, str(error), level=messages.ERROR)


# Users read labels and sentences, never the stored code, model label or JSON.
AUDIT_FIELDS_SHOWN_AS = {
    "action": "action_label",
    "object_type": "object_type_label",
    "details": "details_text",
    "actor_name": "actor_shown",
}


@admin.register(AuditEntry, site=backoffice)
class AuditEntryAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """The audit log: read-only for everyone; searchable, filterable, exportable (SEC-2).

    Site administrators see their sites' entries; platform administrators see all and export
    the filtered list as CSV (the export is an entry of the log too).
    """

    list_display = ("time", "actor_shown", "action_label", "object_repr", "site_name", "ip")
    list_filter = (
        "action",
        ("site", admin.RelatedOnlyFieldListFilter),
        ("time", admin.DateFieldListFilter),
    )
    search_fields = ("actor_name", "action", "object_repr", "site_name", "ip")
    date_hierarchy = "time"
    fields = readonly_fields = [
        AUDIT_FIELDS_SHOWN_AS.get(f.name, f.name) for f in AuditEntry._meta.fields if f.name != "id"
    ]
    actions = ["export_selected_csv"]

    @admin.display(description=_("actor name"), ordering="actor_name")
    def actor_shown(self, entry):
        return entry.actor_label

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, entry):
        return event_label(entry.action)

    @admin.display(description=_("object type"))
    def object_type_label(self, entry):
        return audit_details.object_type_label(entry.object_type)

    @admin.display(description=_("details"))
    def details_text(self, entry):
        return audit_details.describe(entry.details)

    def has_module_permission(self, request):
        return is_platform_admin(request.user) or bool(site_ids_for(request.user, Role.SITE_ADMIN))

    has_view_permission = lambda self, request, obj=None: self.has_module_permission(request)  # noqa: E731

    def has_export_permission(self, request) -> bool:
        return is_platform_admin(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_export_permission(request):
            actions.pop("export_selected_csv", None)
        return actions

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        export = path("export/", self.admin_site.admin_view(self.export_view), name=f"{info[0]}_{info[1]}_export")
        return [export, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_export": self.has_export_permission(request)}
        return super().changelist_view(request, extra_context)

    def export_view(self, request):
        """The changelist as it is filtered and searched (same query string), as CSV."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(str(_("Unknown filter.")))
        queryset = changelist.get_queryset(request)
        filters = {key: request.GET.getlist(key) for key in request.GET}
        return self._export(request, queryset, {"filters": filters})

    @admin.action(description=_("Export the selected entries as CSV"))
    def export_selected_csv(self, request, queryset):
        if not self.has_export_permission(request):
            raise PermissionDenied
        return self._export(request, queryset, {"selected": True})

    def _export(self, request, queryset, details):
        rows = queryset.count()
        audit.record(AuditEvent.AUDIT_EXPORT, actor=request.user, details={**details, "rows": rows})
        response = StreamingHttpResponse(
            audit_export.csv_lines(audit_export.entries_for_export(queryset)),
            content_type="text/csv; charset=utf-8",
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
        response["Cache-Control"] = "no-store"
        return response
