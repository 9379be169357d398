"""The work page (工作台) as the back office's landing page, and the navigation by job on every page."""

from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from backoffice import (
    annual_report_views,
    work,
    work_admin,
    work_disclosure,
    work_error_reports,
    work_letters,
    work_monitoring,
    work_nav,
    work_supervision,
)
from sites.permissions import site_ids_for


def navigation(admin_site, request) -> dict:
    """What every back-office page adds to its context: the job navigation (signed-in staff only)."""
    if not admin_site.has_permission(request):
        return {}
    memo = work.memo(request)
    if "nav" not in memo:
        memo["nav"] = work_nav.entries(admin_site, request)
    return {"job_nav": memo["nav"]}


def index(admin_site, request, extra_context=None):
    sections_shown = sections(request)  # first: the navigation reuses the totals it counted
    context = {
        **admin_site.each_context(request),
        "title": _("Work"),
        "subtitle": None,
        "sections": sections_shown,
        **(extra_context or {}),
    }
    request.current_app = admin_site.name
    return TemplateResponse(request, "admin/index.html", context)


def sections(request) -> list:
    """The user's panel sets: the platform's first, then the site administrator's, reviewer's, editor's."""
    user = request.user
    work.site_names(request, site_ids_for(user))  # every site's name in one query
    makers = (
        work_admin.platform_section,
        work_admin.site_admin_section,
        annual_report_views.work_section,
        work_disclosure.requests_section,
        work_letters.letters_section,
        work_error_reports.error_reports_section,
        work_monitoring.monitoring_section,
        work_supervision.supervision_section,
        work.reviewer_section,
        work.editor_section,
    )
    return [section for section in (make(request) for make in makers) if section is not None]
