"""The back office: Django's admin, scoped to the user's sites and translated (zh-hans first)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class BackOfficeSite(admin.AdminSite):
    site_header = _("Government website platform")
    site_title = _("Government website platform")
    index_title = _("Back office")
    enable_nav_sidebar = True

    def has_permission(self, request):
        """Active staff with a platform or site role; nobody else sees any back-office page."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return user.is_platform_administrator or user.memberships.exists()


backoffice = BackOfficeSite(name="admin")
