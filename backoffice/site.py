"""The back office: Django's admin, scoped to the user's sites and translated (zh-hans first)."""

from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts import login_views
from backoffice import (
    annual_report_views,
    chooser,
    lockout_views,
    monitoring_ledger_views,
    monitoring_rectification_views,
    monitoring_reports_views,
    monitoring_repost_views,
    monitoring_views,
    preview,
    work_page,
)
from sites.permissions import site_ids_for


class BackOfficeSite(admin.AdminSite):
    site_header = _("Government website platform")
    site_title = _("Government website platform")
    index_title = _("Back office")
    enable_nav_sidebar = False  # the navigation by job replaces the list of models (templates/admin/base_site.html)

    def has_permission(self, request):
        """Active staff with a platform or site role, logged in with both factors (SEC-1)."""
        user = request.user
        # is_verified comes from django-otp's middleware; without it nobody is verified.
        verified = getattr(user, "is_verified", None)
        if not (user.is_active and user.is_staff and verified is not None and verified()):
            return False
        return user.is_platform_administrator or bool(site_ids_for(user))

    def login(self, request, extra_context=None):
        return login_views.password_step(request, self, extra_context)

    def each_context(self, request):
        return {**super().each_context(request), **work_page.navigation(self, request)}

    def index(self, request, extra_context=None):
        """The work page (工作台) of the user's roles: backoffice/work.py."""
        return work_page.index(self, request, extra_context)

    def get_urls(self):
        # Before the admin's own patterns: its catch-all would swallow "login/verify/" otherwise.
        steps = [
            path("login/verify/", lambda request: login_views.verify_step(request, self), name="login_verify"),
            path("login/enrol/", lambda request: login_views.enrol_step(request, self), name="login_enrol"),
            path(
                "security/",
                self.admin_view(lambda request: login_views.security_page(request, self)),
                name="security",
            ),
            # Platform administrators only (403 for everyone else): backoffice/lockout_views.py.
            path(
                "security/lockouts/",
                self.admin_view(lambda request: lockout_views.lockout_list(request, self)),
                name="lockouts",
            ),
            path(
                "security/lockouts/lift/",
                self.admin_view(lambda request: lockout_views.lift(request, self)),
                name="lockout_lift",
            ),
            # The library chooser and the preview (issue 14 items 3 and 4): backoffice/chooser.py, preview.py.
            path("chooser/", self.admin_view(lambda request: chooser.chooser_view(self, request)), name="chooser"),
            path(
                "preview/<int:pk>/",
                self.admin_view(lambda request, pk: preview.preview_view(self, request, pk)),
                name="resource_preview",
            ),
            path("preview/<int:pk>/page/", self.admin_view(preview.preview_page_view), name="resource_preview_page"),
            # Site administrators generate the annual report on disclosure (DISC-4).
            path(
                "disclosure/annual-report/",
                self.admin_view(lambda request: annual_report_views.generate_view(request, self)),
                name="disclosure_annual_report",
            ),
            path(
                "preview/site/<int:site_id>/-/<str:name>",
                self.admin_view(preview.preview_static),
                name="preview_static",
            ),
        ]
        steps += monitoring_repost_views.urls(self)  # reposts within 12 hours (PUB-6)
        # Monitoring (OPS-1, OPS-7): backoffice/monitoring_views.py, monitoring_ledger_views.py.
        steps += [*monitoring_views.urls(self), *monitoring_ledger_views.urls(self)]
        # Spot checks, rectification orders, annual reports (OPS-2, OPS-3, OPS-5, OPS-7).
        steps += [*monitoring_reports_views.urls(self), *monitoring_rectification_views.urls(self)]
        return steps + super().get_urls()


backoffice = BackOfficeSite(name="admin")
