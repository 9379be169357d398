from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from columns.checks import missing_required_kinds_for
from govplatform.admin_scoping import ScopedAdmin
from govplatform.admin_site import backoffice
from govplatform.models import Role
from govplatform.permissions import is_platform_admin
from sites import actions, validators
from sites.models import Domain, Site


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
        fields = ("name", "unit_name", "kind", "parent", "organiser", "operator", "contact_phone", "contact_email",
                  "contact_address", "id_code", "icp_number", "psb_number", "conac_mark", "logo")  # fmt: skip

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
    manage_roles = (Role.SITE_ADMIN,)
    list_display = ("name", "kind", "parent", "primary_domain_display", "id_code", "status")
    list_filter = ("kind", "status")
    search_fields = ("name", "unit_name", "id_code", "domains__name")
    readonly_fields = ("status", "created_at", "updated_at", "column_check")
    fieldsets = (
        (None, {"fields": ("name", "unit_name", "kind", "parent", "status")}),
        (_("Organiser and contact"), {"fields": ("organiser", "operator", "contact_phone", "contact_email",
                                                  "contact_address")}),
        (_("Identification and filings"), {"fields": ("id_code", "icp_number", "psb_number", "conac_mark", "logo")}),
        (_("Columns"), {"fields": ("column_check",)}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent").prefetch_related("domains")

    @admin.display(description=_("primary domain"))
    def primary_domain_display(self, obj):
        return obj.primary_domain

    @admin.display(description=_("required column kinds (COL-3)"))
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

    def site_of(self, obj):
        return obj  # a site is its own site (ScopedAdmin asks obj.site of everything else)

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
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, text, level=messages.ERROR)
