"""Back office for links (LINK-2, LINK-4), scoped to the user's sites like every site's records.

- 友情链接: editors and site administrators propose a link; the list's actions approve, refuse,
  drop or confirm through monitoring/friend_links.py, which refuses the proposer's own approval;
  a link is never deleted (its history is the audit log), it is dropped.
- Link problems: what the link check found, per page and per editor who placed the link (a
  filter), read only: an editor fixes the link in the content, and the next check clears it.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from backoffice.scoping import ReadOnlyAdminMixin, ScopedAdmin
from backoffice.site import backoffice
from monitoring import friend_links
from monitoring.link_policies import FRIEND_LINKS
from monitoring.models.links import FriendLink, LinkFinding
from sites.models import Site
from sites.permissions import site_ids_for


@admin.register(FriendLink, site=backoffice)
class FriendLinkAdmin(ScopedAdmin):
    list_display = ("name", "url", "site", "state", "proposed_by", "decided_by", "last_check", "last_checked_at",
                    "last_detail")  # fmt: skip
    list_filter = ("state", ("site", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "url")
    list_select_related = ("site", "proposed_by", "decided_by")
    fields = ("site", "name", "url", "sort_order")
    actions = ("approve", "refuse", "drop", "confirm")

    def has_add_permission(self, request):
        return FRIEND_LINKS.user_can(request.user, "propose")

    def has_change_permission(self, request, obj=None):
        return obj is None and self.has_add_permission(request)  # the add form; a link changes by its actions

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "site":  # the sites where the user may propose a link
            sites = Site.objects.all()
            if not FRIEND_LINKS.is_unrestricted(request.user):
                sites = sites.filter(pk__in=site_ids_for(request.user, *FRIEND_LINKS.roles_for("propose")))
            kwargs["queryset"] = sites
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            link = friend_links.propose_friend_link(obj.site, name=obj.name, url=obj.url, sort_order=obj.sort_order,
                                                    acting_user=request.user)  # fmt: skip
            obj.pk = link.pk
        except (PermissionDenied, ValidationError) as error:
            self.message_refusal(request, error)

    def _each(self, request, queryset, action, done):
        count = 0
        for link in queryset:
            try:
                action(link, acting_user=request.user)
                count += 1
            except (PermissionDenied, ValidationError) as error:
                self.message_refusal(request, error)
        if count:
            self.message_user(request, done % {"count": count}, level=messages.SUCCESS)

    @admin.action(description=_("Approve the selected links"))
    def approve(self, request, queryset):
        self._each(request, queryset, friend_links.approve_friend_link, _("%(count)d links approved."))

    @admin.action(description=_("Refuse the selected links"))
    def refuse(self, request, queryset):
        self._each(request, queryset, friend_links.refuse_friend_link, _("%(count)d links refused."))

    @admin.action(description=_("Take the selected links out of the links area"))
    def drop(self, request, queryset):
        self._each(request, queryset, friend_links.drop_friend_link, _("%(count)d links taken out."))

    @admin.action(description=_("Keep the selected flagged links"))
    def confirm(self, request, queryset):
        self._each(request, queryset, friend_links.confirm_friend_link, _("%(count)d links kept."))


@admin.register(LinkFinding, site=backoffice)
class LinkFindingAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    list_display = ("url", "problem", "detail", "page_path", "responsible", "site", "first_found_at", "last_found_at")
    list_filter = ("problem", "kind", ("responsible", admin.RelatedOnlyFieldListFilter),
                   ("site", admin.RelatedOnlyFieldListFilter))  # fmt: skip
    search_fields = ("url", "page_path")
    list_select_related = ("site", "responsible")
