"""The catalogue's pages in the back office (DISC-2, PUB-10).

- 信息公开机构 (Organisation): the disclosing organisations with their codes; site administrators
  keep their sites' (the site's own and its sub-units'), platform administrators every site's.
- 主题分类 (SubjectCategory): the platform's subject list, kept by platform administrators.
- 信息公开目录 (CatalogueEntry): the entries of disclosed items, with filters for the items
  disclosed after their 20 working days (条例 art.26) and those whose deadline could not be
  computed; editors, reviewers and site administrators correct an entry's metadata (its number
  never changes). The page also lists the items disclosed without a number (no organisation
  configured then) and lets a site administrator give them their numbers.
- The review page's choice of the disclosure attribute (`DisclosureDecisionForm`, PUB-10).

Every change goes through the actions of disclosure/organisations.py and disclosure/catalogue.py.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.scoping import ScopedAdmin, refusal_text
from backoffice.site import backoffice
from columns.models import SubUnit
from disclosure import catalogue, organisations
from disclosure.models import CatalogueEntry, Organisation, SubjectCategory
from resources.models import Disclosure
from sites.models import Role, Site
from sites.permissions import has_role, is_platform_admin, site_ids_for

# --- the review page's decision (PUB-10) ----------------------------------------------------------


class DisclosureDecisionForm(forms.Form):
    """The disclosure attribute the last review level decides; 不予公开 needs its reason."""

    disclosure = forms.ChoiceField(
        label=gettext_lazy("Disclosure attribute"),
        choices=Disclosure.choices,
        initial=Disclosure.PROACTIVE,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the disclosure attribute.")},
        help_text=gettext_lazy("Only proactively disclosed content is put on public pages."),
    )
    disclosure_reason = forms.CharField(
        label=gettext_lazy("Reason for not disclosing"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=gettext_lazy("Required when the content is not disclosed, e.g. the article of the regulation."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("disclosure") == Disclosure.WITHHELD and not (cleaned.get("disclosure_reason") or "").strip():
            self.add_error("disclosure_reason", _("Say why the content is not disclosed."))
        return cleaned


def approval_notice(resource) -> str:
    """After the last level: what the catalogue says about the item (shown with the success message)."""
    if resource.disclosure and resource.disclosure != Disclosure.PROACTIVE:
        return _("Its disclosure attribute is %(attribute)s: it is kept in the library and put on no public page.") % {
            "attribute": Disclosure(resource.disclosure).label
        }
    if resource.published_revision_id is None or not catalogue.is_catalogued(resource.kind):
        return ""
    entry = CatalogueEntry.objects.filter(resource_id=resource.pk).first()
    if entry is not None:
        return _("Index number: %(number)s.") % {"number": entry.index_number}
    return _(
        "It has no index number: no disclosing organisation is set up for %(site)s. "
        "A site administrator sets it up under 信息公开机构, then gives the numbers."
    ) % {"site": resource.site.name}


# --- organisations --------------------------------------------------------------------------------


def _administered(request):
    if is_platform_admin(request.user):
        return Site.objects.all()
    return Site.objects.filter(pk__in=site_ids_for(request.user, Role.SITE_ADMIN))


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ("site", "sub_unit", "name", "code")

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper().replace(" ", "")

    def clean(self):
        cleaned = super().clean()
        site, unit = cleaned.get("site") or getattr(self.instance, "site", None), cleaned.get("sub_unit")
        if site is not None and unit is not None and unit.portal_id != site.pk:
            self.add_error("sub_unit", _("The sub-unit %(unit)s belongs to another site.") % {"unit": unit})
        if (
            self.instance.pk
            and cleaned.get("code")
            and cleaned["code"] != Organisation.objects.get(pk=self.instance.pk).code
            and CatalogueEntry.objects.filter(organisation_id=self.instance.pk).exists()
        ):
            self.add_error("code", _("The organisation has given out index numbers, so its code cannot change."))
        return cleaned


@admin.register(Organisation, site=backoffice)
class OrganisationAdmin(ScopedAdmin):
    form = OrganisationForm
    list_display = ("name", "code", "site", "sub_unit", "numbers")
    list_select_related = ("site", "sub_unit")
    search_fields = ("name", "code")

    @admin.display(description=gettext_lazy("index numbers given"))
    def numbers(self, organisation):
        return organisation.entries.count()

    def get_readonly_fields(self, request, obj=None):
        return ("site",) if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "site":
            kwargs["queryset"] = _administered(request)
            kwargs["required"] = True
        elif db_field.name == "sub_unit":
            kwargs["queryset"] = SubUnit.objects.filter(portal__in=_administered(request)).select_related("portal")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                organisations.update_organisation(
                    obj, name=data["name"], code=data["code"], sub_unit=data.get("sub_unit"), acting_user=request.user
                )
            else:
                created = organisations.create_organisation(
                    data["site"], name=data["name"], code=data["code"], sub_unit=data.get("sub_unit"),
                    acting_user=request.user,
                )  # fmt: skip
                obj.pk = created.pk
        except (PermissionDenied, ValidationError) as error:
            self.message_refusal(request, error)

    def delete_model(self, request, obj):
        try:
            organisations.delete_organisation(obj, acting_user=request.user)
        except (PermissionDenied, ValidationError) as error:
            self.message_refusal(request, error)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


# --- the subject list -----------------------------------------------------------------------------


@admin.register(SubjectCategory, site=backoffice)
class SubjectCategoryAdmin(ScopedAdmin):
    list_display = ("name", "position")  # the code is an address part: on the form only
    list_editable = ()
    search_fields = ("name", "code")
    fields = ("name", "code", "position")

    def has_module_permission(self, request):
        return is_platform_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_platform_admin(request.user)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                organisations.update_subject(
                    obj, name=data["name"], code=data["code"], position=data["position"], acting_user=request.user
                )
            else:
                obj.pk = organisations.create_subject(
                    name=data["name"], code=data["code"], position=data["position"], acting_user=request.user
                ).pk
        except (PermissionDenied, ValidationError) as error:
            self.message_refusal(request, error)

    def delete_model(self, request, obj):
        try:
            organisations.delete_subject(obj, acting_user=request.user)
        except (PermissionDenied, ValidationError) as error:
            self.message_refusal(request, error)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


# --- the catalogue entries ------------------------------------------------------------------------


class DeadlineFilter(admin.SimpleListFilter):
    """条例 art.26: the items disclosed after their 20 working days, or whose deadline is unknown."""

    title = gettext_lazy("20-working-day rule")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("late", _("disclosed late")),
            ("unknown", _("deadline not computed")),
            ("kept", _("disclosed in time")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "late":
            return queryset.filter(late=True)
        if value == "unknown":
            return queryset.filter(due_on__isnull=True)
        if value == "kept":
            return queryset.filter(late=False, due_on__isnull=False)
        return queryset


class EntrySiteFilter(admin.SimpleListFilter):
    title = gettext_lazy("site")
    parameter_name = "site"

    def lookups(self, request, model_admin):
        sites = (
            Site.objects.all()
            if is_platform_admin(request.user)
            else Site.objects.filter(pk__in=site_ids_for(request.user))
        )
        return [(str(pk), name) for pk, name in sites.values_list("pk", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(resource__site_id=int(value) if value.isdigit() else 0)


class EntryForm(forms.ModelForm):
    class Meta:
        model = CatalogueEntry
        fields = catalogue.ENTRY_FIELDS
        widgets = {"written_on": forms.DateInput(attrs={"type": "date"})}


@admin.register(CatalogueEntry, site=backoffice)
class CatalogueEntryAdmin(ScopedAdmin):
    form = EntryForm
    list_display = ("index_number", "title", "organisation", "subject", "made_on", "due", "disclosed", "late")
    list_filter = (DeadlineFilter, EntrySiteFilter)
    list_select_related = ("resource__site", "organisation", "subject")
    search_fields = ("index_number", "document_number", "resource__title")
    readonly_fields = ("index_number", "title", "organisation", "made_on", "due", "disclosed", "late")
    fields = ("index_number", "title", "organisation", *catalogue.ENTRY_FIELDS, "made_on", "due", "disclosed", "late")
    change_list_template = "admin/disclosure/catalogueentry/change_list.html"

    @admin.display(description=gettext_lazy("title"), ordering="resource__title")
    def title(self, entry):
        return entry.resource.title

    @admin.display(description=gettext_lazy("to be disclosed by"), ordering="due_on")
    def due(self, entry):
        if entry.due_on is not None:
            return entry.due_on.isoformat()
        due, unknown = catalogue.due_date(entry.made_on)
        return due.isoformat() if due else catalogue.unknown_year_text(unknown)

    @admin.display(description=gettext_lazy("disclosed at"), ordering="disclosed_at")
    def disclosed(self, entry):
        return timezone.localtime(entry.disclosed_at).strftime("%Y-%m-%d %H:%M")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # kept for ever: the number is never given again

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "subject":
            kwargs["queryset"] = SubjectCategory.objects.order_by("position", "id")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            catalogue.update_entry(
                obj, acting_user=request.user, **{name: form.cleaned_data.get(name) for name in catalogue.ENTRY_FIELDS}
            )
        except (PermissionDenied, ValidationError) as error:
            self.message_refusal(request, error)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("unnumbered/", wrap(self.unnumbered_view), name="disclosure_catalogueentry_unnumbered"),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        missing = catalogue.unnumbered(request.user).count()
        extra = {"unnumbered_count": missing, "unnumbered_url": reverse("admin:disclosure_catalogueentry_unnumbered")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def unnumbered_view(self, request):
        """The items disclosed without an index number, by site; a site administrator gives them."""
        if request.method == "POST":
            site = Site.objects.filter(pk=request.POST.get("site") or 0).first()
            if site is None or not (is_platform_admin(request.user) or has_role(request.user, site, Role.SITE_ADMIN)):
                messages.error(request, _("Choose a site you administer."))
            else:
                try:
                    done = catalogue.number_unnumbered(site, acting_user=request.user)
                except (PermissionDenied, ValidationError) as error:
                    messages.error(request, refusal_text(error))
                else:
                    if done:
                        messages.success(request, _("%(count)d items got their index numbers.") % {"count": len(done)})
                    else:
                        messages.warning(
                            request,
                            _("No item got a number: set up the disclosing organisation of %(site)s first.")
                            % {"site": site.name},
                        )
            return HttpResponseRedirect(request.path)
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET", "POST"])
        items = list(
            catalogue.unnumbered(request.user).select_related("site").order_by("site_id", "-published_at", "-pk")[:500]
        )
        administered = set(site_ids_for(request.user, Role.SITE_ADMIN))
        platform = is_platform_admin(request.user)
        by_site: dict[int, dict] = {}
        for item in items:
            group = by_site.setdefault(
                item.site_id,
                {"site": item.site, "items": [], "may_number": platform or item.site_id in administered},
            )
            group["items"].append(item)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Disclosed items without an index number"),
            "groups": list(by_site.values()),
            "organisations_url": reverse("admin:disclosure_organisation_changelist"),
        }
        return TemplateResponse(request, "admin/disclosure/catalogueentry/unnumbered.html", context)
