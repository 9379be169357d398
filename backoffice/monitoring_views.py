"""The monitoring pages of the back office (OPS-1, OPS-7): the platform's overview, a site's
dashboard with its trend, and the button that runs the check now.

Who sees them: platform administrators every site; a site administrator the sites they
administer. Another site answers 404, as every scoped page does (backoffice/scoping.py); a user
who administers no site at all gets 403 before anything is read. The monthly report and the
management ledger are in backoffice/monitoring_ledger_views.py; the words of the pages (states,
margins, offenders) in backoffice/monitoring_display.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from backoffice import monitoring_display as display
from backoffice.scoping import refusal_text
from monitoring import checks, summaries
from sites.models import Role, Site
from sites.permissions import is_platform_admin, site_ids_for


def urls(admin_site) -> list:
    """The monitoring pages' URL patterns (backoffice/site.py adds them to the back office's)."""
    view = admin_view(admin_site)
    return [
        path("monitoring/", view(overview), name="monitoring_overview"),
        path("monitoring/<int:site_id>/", view(dashboard), name="monitoring_site"),
        path("monitoring/<int:site_id>/run/", view(run_now), name="monitoring_run"),
    ]


def admin_view(admin_site):
    """Wrap a view taking (request, admin_site, **kwargs) in the back office's login and 2FA check."""

    def wrap(function):
        return admin_site.admin_view(lambda request, **kwargs: function(request, admin_site, **kwargs))

    return wrap


# --- who sees what ------------------------------------------------------------------------------


def administered_site_ids(user) -> set[int] | None:
    """The sites whose monitoring the user reads: None for every site (platform administrators)."""
    if is_platform_admin(user):
        return None
    return site_ids_for(user, Role.SITE_ADMIN)


def visible_sites(user):
    site_ids = administered_site_ids(user)
    if site_ids is None:
        return Site.objects.all()
    if not site_ids:
        raise PermissionDenied
    return Site.objects.filter(pk__in=site_ids)


def site_or_404(request, site_id: int) -> Site:
    """The site, when the user reads its monitoring; 404 for another site (as for one that does not exist)."""
    sites = visible_sites(request.user)
    try:
        return sites.prefetch_related("domains").get(pk=site_id)
    except Site.DoesNotExist as error:
        raise Http404 from error


def page(request, admin_site, template, title, **context):
    request.current_app = admin_site.name
    return TemplateResponse(request, template, {**admin_site.each_context(request), "title": title, **context})


# --- the pages ----------------------------------------------------------------------------------


@require_GET
def overview(request, admin_site):
    """Every monitored site the user reads, worst first, with its state, its worst line and the
    counts per state; the sites not checked (offline, closed, applying, archived) are counted."""
    sites = visible_sites(request.user)
    monitored = checks.monitored_sites().filter(pk__in=sites.values("pk"))
    states = summaries.site_states(monitored)
    counts = summaries.state_counts(states)
    rows = display.overview_rows(states)
    return page(
        request, admin_site, "admin/monitoring/overview.html", _("Website monitoring"),
        rows=rows,
        counts=display.count_rows(counts),
        not_monitored=sites.exclude(pk__in=monitored.values("pk")).count(),
        platform=is_platform_admin(request.user),
    )  # fmt: skip


@require_GET
def dashboard(request, admin_site, site_id):
    """The site's latest run line by line (value, levels, margin, offenders with the person
    responsible) and the last 30 days as charts, each with its table."""
    site = site_or_404(request, site_id)
    today = timezone.localdate()
    run = summaries.latest_run(site, on_or_before=today)
    links = display.OffenderLinks(site)
    lines = [display.line_row(row, links) for row in summaries.run_lines(run)] if run is not None else []
    trend = summaries.site_trend(site, today)
    return page(
        request, admin_site, "admin/monitoring/site.html", _("Monitoring of %(site)s") % {"site": site.name},
        site=site,
        run=display.run_facts(run, today) if run is not None else None,
        lines=lines,
        line_counts=display.count_rows(display.line_counts(lines), with_unchecked=False),
        trend=display.trend_view(trend),
        monitored=checks.is_monitored(site),
        may_run=checks.may_run_checks(request.user, site),  # shown only when the action would accept
    )  # fmt: skip


def run_now(request, admin_site, site_id):
    """Run every line for the site now (the action checks permission again and replaces today's
    results), then show the dashboard. POST only; another site's address answers 404 whatever the
    method (a 405 first would tell that it exists)."""
    site = site_or_404(request, site_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not checks.is_monitored(site):
        # The action would measure it; a site offline by approval, closed or archived is not checked.
        messages.error(request, _("This site is not checked: it is offline by approval, closed, applying or archived."))
        return redirect("admin:monitoring_site", site.pk)
    try:
        run = checks.run_checks(site, trigger="demand", acting_user=request.user)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(
            request,
            _("Checked now: %(state)s.") % {"state": display.state_word(run.state)},
        )
    return redirect("admin:monitoring_site", site.pk)
