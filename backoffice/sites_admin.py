from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import path
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from backoffice import lifecycle_admin as admin_lifecycle
from backoffice import lifecycle_steps as admin_steps
from backoffice.filing_text import filing_value
from backoffice.scoping import ReadOnlyAdminMixin, ScopedAdmin
from backoffice.site import backoffice
from columns.checks import missing_required_kinds_for
from columns.models import Column, SubUnit
from core.reference_fields import ModelMultipleIdField
from lifecycle import site_settings as actions
from lifecycle import subunits
from lifecycle.models import ChangeFiling, SiteApplication
from resources.uploads import CheckedFileField
from sites import validators
from sites.models import Domain, Role, Site
from sites.permissions import is_platform_admin, site_ids_for


class DomainInlineForm(forms.ModelForm):
    make_primary = forms.BooleanField(label=_("make primary"), required=False)

    class Meta:
        model = Domain
        fields = ("name",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A domain is added or removed, not renamed: a rename is a change filing (SITE-8).
            self.fields["name"].disabled = True

    def clean(self):
        cleaned = super().clean()
        name = validators.normalise_domain(cleaned.get("name") or self.instance.name)
        if cleaned.get("make_primary") and name and not self.instance.is_primary:
            site = self.instance.site
            parent_primary = site.parent.primary_domain if site.parent else None
            validators.validate_primary_domain(name, kind=site.kind, parent_primary=parent_primary)
        return cleaned


class DomainInline(admin.TabularInline):
    """Domains of a site; the primary one is changed with “make primary” (SITE-3)."""

    model = Domain
    form = DomainInlineForm
    extra = 1
    fields = ("name", "is_primary", "make_primary")
    readonly_fields = ("is_primary",)

    def get_readonly_fields(self, request, obj=None):
        return ("is_primary",)

    def has_add_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    has_change_permission = has_delete_permission = has_add_permission


class SiteAddForm(forms.ModelForm):
    primary_domain = forms.CharField(
        label=_("primary domain"),
        help_text=_("www.X.gov.cn for a portal; Y.X.gov.cn under the portal www.X.gov.cn for a department site."),
    )

    class Meta:
        model = Site
        fields = ("name", "unit_name", "kind", "parent", "organiser", "operator", "person_in_charge", "contact_phone",
                  "contact_email", "contact_address", "id_code", "icp_number", "psb_number", "conac_mark", "logo")  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        domain = validators.normalise_domain(cleaned.get("primary_domain", ""))
        parent = cleaned.get("parent")
        if domain:
            if Domain.objects.filter(name=domain).exists():
                self.add_error("primary_domain", _("The domain %(domain)s is already in use.") % {"domain": domain})
            else:
                try:
                    validators.validate_primary_domain(
                        domain, kind=cleaned.get("kind"), parent_primary=parent.primary_domain if parent else None
                    )
                except ValidationError as error:
                    self.add_error("primary_domain", error)
        cleaned["primary_domain"] = domain
        return cleaned


@admin.register(Site, site=backoffice)
class SiteAdmin(ScopedAdmin):
    list_display = ("name", "kind", "parent", "primary_domain_display", "id_code", "status")
    list_filter = ("kind", "status")
    search_fields = ("name", "unit_name", "id_code", "domains__name")
    readonly_fields = ("status", "archived_at", "created_at", "updated_at", "column_check")
    change_form_template = "admin/sites/site/change_form.html"
    change_list_template = "admin/sites/site/change_list.html"
    fieldsets = (
        (None, {"fields": ("name", "unit_name", "kind", "parent", "status", "archived_at")}),
        (_("Organiser and contact"), {"fields": ("organiser", "operator", "person_in_charge", "contact_phone",
                                                  "contact_email", "contact_address")}),
        (_("Identification and filings"), {"fields": ("id_code", "icp_number", "psb_number", "conac_mark", "logo")}),
        (_("Columns"), {"fields": ("column_check",)}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent").prefetch_related("domains")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "logo":  # the library's checks, with their messages on the form (SEC-7)
            kwargs.update(form_class=CheckedFileField, allowed=actions.LOGO_TYPES)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # -- the lifecycle (SITE-5 to SITE-9): buttons, pages of confirmation, history, pending work ----

    def get_urls(self):
        wrap = self.admin_site.admin_view
        views = admin_lifecycle
        custom = [
            path("lifecycle/", wrap(lambda request: views.work_view(self, request)), name="sites_site_lifecycle_work"),
            path("apply/", wrap(lambda request: views.apply_view(self, request)), name="sites_site_apply"),
            path(
                "<path:object_id>/lifecycle/<slug:step>/",
                wrap(lambda request, object_id, step: views.step_view(self, request, object_id, step)),
                name="sites_site_lifecycle",
            ),
            path(
                "<path:object_id>/applications/<int:application_id>/<slug:decision>/",
                wrap(
                    lambda request, object_id, application_id, decision: views.decision_view(
                        self, request, object_id, application_id, decision
                    )
                ),
                name="sites_site_decision",
            ),
            path(
                "<path:object_id>/cancellations/<int:item_id>/",
                wrap(lambda request, object_id, item_id: views.cancellation_view(self, request, object_id, item_id)),
                name="sites_site_cancellation",
            ),
            path(
                "<path:object_id>/timeline/",
                wrap(lambda request, object_id: views.timeline_view(self, request, object_id)),
                name="sites_site_timeline",
            ),
        ]
        return custom + super().get_urls()

    def lifecycle_context(self, request, site, **context) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.opts, "site_obj": site, **context}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        site = self.get_object(request, object_id)
        extra = {
            "lifecycle_steps": admin_steps.available_steps(request, site),
            "open_applications": admin_lifecycle.with_decision_refusals(
                site.applications.filter(status__in=("pending", "approved", "filed", "in_effect"))
                .select_related("applied_by")
                .order_by("-applied_at"),
                request.user,
            ),
            "may_decide": is_platform_admin(request.user),
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def changelist_view(self, request, extra_context=None):
        extra = {
            "may_apply": is_platform_admin(request.user)
            or Site.objects.filter(kind="portal", pk__in=site_ids_for(request.user, Role.SITE_ADMIN)).exists(),
            "is_platform_admin": is_platform_admin(request.user),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=extra)

    @admin.display(description=_("primary domain"))
    def primary_domain_display(self, obj):
        return obj.primary_domain

    @admin.display(description=_("required column kinds"))  # COL-3
    def column_check(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        missing = missing_required_kinds_for(obj)
        if not missing:
            return _("All required column kinds are present.")
        return format_html_join(
            "", '<span class="errornote">{}</span> ', [(_("missing: %s") % kind,) for kind in missing]
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = SiteAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            first = (None, {"fields": ("name", "unit_name", "kind", "parent", "primary_domain")})
            return (first, *self.fieldsets[1:3])
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and not is_platform_admin(request.user):
            editable = actions.SITE_ADMIN_EDITABLE
            fields += [f.name for f in Site._meta.fields if f.name not in editable and f.name not in fields]
        return fields

    def get_inlines(self, request, obj):
        return [DomainInline] if obj is not None else []

    def has_add_permission(self, request):
        return is_platform_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # sites are taken offline and closed through the lifecycle, never deleted

    def save_model(self, request, obj, form, change):
        if change:
            actions.update_site(obj, acting_user=request.user)
        else:
            actions.create_site(obj, primary_domain=form.cleaned_data["primary_domain"], acting_user=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Domain:
            return super().save_formset(request, form, formset, change)
        site = form.instance
        make_primary = None
        # What formset.save() would have recorded: the admin's change message reads these.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        try:
            for inline_form in formset.forms:
                if not inline_form.has_changed() and not inline_form.instance.pk:
                    continue
                domain = inline_form.instance
                if formset.can_delete and formset._should_delete_form(inline_form):
                    if domain.pk:
                        actions.remove_domain(domain, acting_user=request.user)
                        formset.deleted_objects.append(domain)
                    continue
                if domain.pk is None:
                    domain = actions.add_domain(site, inline_form.cleaned_data["name"], acting_user=request.user)
                    formset.new_objects.append(domain)
                if inline_form.cleaned_data.get("make_primary"):
                    make_primary = domain
            if make_primary is not None:
                actions.set_primary_domain(make_primary, acting_user=request.user)
                formset.changed_objects.append((make_primary, ["is_primary"]))
        except (PermissionDenied, ValidationError) as error:
            self.message_refusal(request, error)


# --- lifecycle records (SITE-5 to SITE-10) -------------------------------------------------------


class ReadOnlyScopedAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Records written only by the lifecycle actions: listed and shown, never edited here."""


@admin.register(SiteApplication, site=backoffice)
class SiteApplicationAdmin(ReadOnlyScopedAdmin):
    list_display = ("site", "kind", "status", "starts_at", "ends_at", "due_at", "applied_by", "applied_at")
    list_filter = ("status", "kind", "force_majeure")
    search_fields = ("site__name", "reason")
    list_select_related = ("site", "applied_by")
    date_hierarchy = "applied_at"


@admin.register(ChangeFiling, site=backoffice)
class ChangeFilingAdmin(ReadOnlyScopedAdmin):
    # Before and after are stored as JSON; shown field by field (backoffice/filing_text.py).
    list_display = ("site", "kind", "subject", "before_text", "after_text", "filed_by", "filed_at")
    fields = ("site", "kind", "subject", "before_text", "after_text", "filed_by", "filed_at")
    readonly_fields = fields
    list_filter = ("kind",)
    search_fields = ("site__name", "subject")
    list_select_related = ("site", "filed_by")
    date_hierarchy = "filed_at"

    @admin.display(description=_("before"))
    def before_text(self, filing):
        return filing_value(filing.before)

    @admin.display(description=_("after"))
    def after_text(self, filing):
        return filing_value(filing.after)


class SubUnitForm(forms.ModelForm):
    editors = ModelMultipleIdField(label=_("editors"), queryset=User.objects.none(), required=False)
    reviewers = ModelMultipleIdField(label=_("reviewers"), queryset=User.objects.none(), required=False)

    class Meta:
        model = SubUnit
        fields = ("portal", "name", "kind", "columns")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(is_active=True, is_staff=True).order_by("username")
        for name in ("editors", "reviewers"):
            self.fields[name].queryset = staff
        if self.instance.pk:
            members = self.instance.members.select_related("membership")
            self.initial["editors"] = [m.membership.user_id for m in members if m.membership.role == Role.EDITOR]
            self.initial["reviewers"] = [m.membership.user_id for m in members if m.membership.role == Role.REVIEWER]


@admin.register(SubUnit, site=backoffice)
class SubUnitAdmin(ScopedAdmin):
    """Townships and departments without a site, publishing into their portal's columns (SITE-10)."""

    form = SubUnitForm
    list_display = ("name", "kind", "portal")
    list_filter = ("kind",)
    filter_horizontal = ("columns",)
    list_select_related = ("portal",)

    def get_readonly_fields(self, request, obj=None):
        return ("portal",) if obj is not None else ()

    # The page of a user who may only view shows the form's member fields read-only: Django
    # names them after the model admin's attribute of that name (else "Editors", in English).
    def _members(self, sub_unit, role):
        members = sub_unit.members.select_related("membership__user").filter(membership__role=role)
        return "、".join(str(member.membership.user) for member in members) or "—"

    @admin.display(description=_("editors"))
    def editors(self, sub_unit):
        return self._members(sub_unit, Role.EDITOR)

    @admin.display(description=_("reviewers"))
    def reviewers(self, sub_unit):
        return self._members(sub_unit, Role.REVIEWER)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "portal":
            portals = Site.objects.filter(kind="portal")
            if not is_platform_admin(request.user):
                portals = portals.filter(pk__in=site_ids_for(request.user, Role.SITE_ADMIN))
            kwargs["queryset"] = portals
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "columns":
            columns = (
                Column.objects.filter(site__kind="portal").select_related("site").order_by("site", "tree_id", "lft")
            )
            if not is_platform_admin(request.user):
                columns = columns.filter(site_id__in=site_ids_for(request.user, Role.SITE_ADMIN))
            kwargs["queryset"] = columns
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            subunits.update_sub_unit(
                obj, name=data["name"], kind=data["kind"], columns=data["columns"], acting_user=request.user
            )
        else:
            created = subunits.create_sub_unit(
                data["portal"], name=data["name"], kind=data["kind"], columns=data["columns"], acting_user=request.user
            )
            obj.pk = created.pk

    def save_related(self, request, form, formsets, change):
        sub_unit = SubUnit.objects.get(pk=form.instance.pk)
        members = {(m.membership.user_id, m.membership.role): m for m in sub_unit.members.select_related("membership")}
        wanted = {(user.pk, Role.EDITOR): user for user in form.cleaned_data["editors"]}
        wanted |= {(user.pk, Role.REVIEWER): user for user in form.cleaned_data["reviewers"]}
        try:
            for key, member in members.items():
                if key not in wanted:
                    subunits.remove_member(member, acting_user=request.user)
            for (user_id, role), user in wanted.items():
                if (user_id, role) not in members:
                    subunits.add_member(sub_unit, user, role, acting_user=request.user)
        except (PermissionDenied, ValidationError) as error:
            self.message_refusal(request, error)

    def delete_model(self, request, obj):
        subunits.delete_sub_unit(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for sub_unit in queryset.select_related("portal"):
            try:
                subunits.delete_sub_unit(sub_unit, acting_user=request.user)
            except PermissionDenied as error:
                self.message_refusal(request, error)
