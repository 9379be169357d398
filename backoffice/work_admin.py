"""The work page's panels of site and platform administrators (backoffice/work.py has the
editor's and reviewer's, and what they share): one function per panel, a fixed number of queries each."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import lockouts
from auditlog.events import AuditEvent, event_label
from auditlog.models import AuditEntry
from backoffice import work_calendar
from backoffice.work import SHOWN, UNDER_WAY, Panel, Row, Section, counted, memo, site_list, site_names, url, when
from lifecycle import rules
from lifecycle.models import ApplicationStatus, SiteApplication
from sites.models import Membership, Role, Site, SiteStatus
from sites.permissions import is_platform_admin, site_ids_for

RECENT_DAYS = 30  # tamper alarms
ACTIVITY_DAYS = 7  # a site's recent activity
AUDIT_HOURS = 24  # the platform's recent audit entries


def _name(user) -> str:
    return (user.real_name or user.username) if user is not None else _("the system")


# --- site administrator -----------------------------------------------------------------------


def _empty_columns(columns: list[rules.CurrentColumn]) -> list[rules.CurrentColumn]:
    """Current columns whose pages list no published content, neither their own nor a sub-column's."""
    return [c for c in columns if not any(d.shows_content and c.contains(d) for d in columns)]


def site_state(request, site_ids) -> Panel:
    """What each site lacks: required column kinds missing or without content (lifecycle.rules, the
    rule of going online), empty columns, and, for a site not yet online, the rest of going online."""
    sites = site_names(request, site_ids)
    columns = rules.current_columns(site_ids)
    many = len(site_ids) > 1
    rows = []
    for site_id in site_ids:
        site = sites[site_id]
        prefix = [str(site)] if many else []
        columns_url = url("columns_column_changelist", query={"site__id__exact": site_id})
        gaps = rules.column_gaps_of(columns[site_id])
        if site.status in (SiteStatus.APPLYING, SiteStatus.APPROVED):
            gaps = [gap for gap in rules.site_gaps(site) if gap.place] + gaps
        targets = {gap.target for gap in gaps if gap.place == rules.FIX_COLUMN_CONTENT}
        for gap in gaps:
            if gap.place == rules.FIX_COLUMN_CONTENT:
                target = url("columns_column_change", gap.target)
            elif gap.place == rules.FIX_NEW_COLUMN:
                target = columns_url
            else:
                target = url("sites_site_change", site_id)
            rows.append(Row(gap.text, target, prefix, _("needed to go online") if site.status != SiteStatus.ONLINE
                            else _("a column every site must have")))  # fmt: skip
        for column in _empty_columns(columns[site_id]):
            if column.pk not in targets:
                rows.append(Row(_("The column “%(name)s” lists no published content.") % {"name": column.name},
                                url("columns_column_change", column.pk), prefix))  # fmt: skip
    return Panel("site_state", _("State of the site"), len(rows), rows[:SHOWN],
                 url("sites_site_changelist") if many else url("sites_site_change", site_ids[0]),
                 count_text=_("things to put right"), empty=_("Nothing to put right: every required column shows content."))  # fmt: skip


def lifecycle_steps(request, site_ids) -> Panel:
    statuses = (ApplicationStatus.PENDING, *UNDER_WAY)
    applications = (
        SiteApplication.objects.filter(site_id__in=site_ids, status__in=statuses)
        .select_related("site")
        .order_by("applied_at", "id")
    )
    total, rows = counted(applications)
    result = [
        Row(_("%(kind)s: %(status)s") % {"kind": a.get_kind_display(), "status": a.get_status_display()},
            url("sites_site_change", a.site_id), [str(a.site), _("applied %(time)s") % {"time": when(a.applied_at)}],
            _("due %(time)s") % {"time": when(a.due_at)} if a.due_at else "")
        for a in rows
    ]  # fmt: skip
    memo(request)["site_steps"] = total
    return Panel("lifecycle", _("Lifecycle steps under way"), total, result,
                 url("lifecycle_siteapplication_changelist"), empty=_("No application is open."))  # fmt: skip


def roles(request, site_ids) -> Panel:
    sites = site_names(request, site_ids)
    counts = (
        Membership.objects.filter(site_id__in=site_ids).values("site_id", "role").annotate(n=Count("pk")).order_by()
    )
    by_site: dict[int, dict[str, int]] = {site_id: {} for site_id in site_ids}
    for row in counts:
        by_site[row["site_id"]][row["role"]] = row["n"]
    rows = []
    for site_id in site_ids:
        held = by_site[site_id]
        notes = [_("%(role)s: %(n)d") % {"role": role.label, "n": held.get(role.value, 0)} for role in Role]
        warning = "" if held.get(Role.REVIEWER) else _("no reviewer: nothing can be published")
        rows.append(Row(str(sites[site_id]), url("sites_membership_changelist", query={"site__id__exact": site_id}),
                        notes, warning))  # fmt: skip
    total = sum(n for held in by_site.values() for n in held.values())
    return Panel("roles", _("Roles"), total, rows[:SHOWN], url("sites_membership_changelist"),
                 count_text=_("roles held"))  # fmt: skip


def _audit_row(entry, *, many_sites: bool) -> Row:
    notes = [when(entry.time), entry.actor_label]
    if many_sites and entry.site_name:
        notes.append(entry.site_name)
    text = event_label(entry.action) + (f"：{entry.object_repr}" if entry.object_repr else "")
    return Row(text, url("auditlog_auditentry_change", entry.pk), notes)


def recent_activity(request, site_ids) -> Panel:
    since = timezone.now() - dt.timedelta(days=ACTIVITY_DAYS)
    total, rows = counted(AuditEntry.objects.filter(site_id__in=site_ids, time__gte=since).order_by("-time", "-id"))
    return Panel("activity", _("Recent activity"), total, [_audit_row(e, many_sites=len(site_ids) > 1) for e in rows],
                 url("auditlog_auditentry_changelist"),
                 count_text=_("in the last %(days)d days") % {"days": ACTIVITY_DAYS}, empty=_("No activity."))  # fmt: skip


def site_admin_section(request) -> Section | None:
    site_ids = sorted(site_ids_for(request.user, Role.SITE_ADMIN))
    if not site_ids:
        return None
    panels = [site_state(request, site_ids), lifecycle_steps(request, site_ids), roles(request, site_ids),
              recent_activity(request, site_ids)]  # fmt: skip
    return Section("site_admin", _("Site administration"), site_list(request, site_ids), panels)


# --- platform administrator -------------------------------------------------------------------


def applications_to_decide(request) -> Panel:
    pending = (
        SiteApplication.objects.filter(status=ApplicationStatus.PENDING)
        .select_related("site", "applied_by")
        .order_by("applied_at", "id")
    )
    total, rows = counted(pending)
    memo(request)["applications"] = total
    result = []
    for application in rows:
        refusal = rules.decision_refusal(application, request.user)
        target = (url("sites_site_change", application.site_id) if refusal else
                  url("sites_site_decision", application.site_id, application.pk, "approve"))  # fmt: skip
        result.append(Row(
            _("%(site)s: %(kind)s") % {"site": application.site, "kind": application.get_kind_display()}, target,
            [_("applied %(time)s by %(name)s") % {"time": when(application.applied_at), "name": _name(application.applied_by)}],
            _("your own application: another platform administrator decides it") if refusal else "",
        ))  # fmt: skip
    return Panel("applications", _("Applications to decide"), total, result, url("sites_site_lifecycle_work"),
                 empty=_("No application is waiting."))  # fmt: skip


def steps_under_way(request) -> Panel:
    now = timezone.now()
    applications = (
        SiteApplication.objects.filter(status__in=UNDER_WAY)
        .select_related("site")
        .order_by(F("due_at").asc(nulls_last=True), "applied_at", "id")
    )
    total, rows = counted(applications)
    result = [
        Row(_("%(site)s: %(kind)s") % {"site": a.site, "kind": a.get_kind_display()}, url("sites_site_change", a.site_id),
            [a.get_status_display(), *([_("due %(time)s") % {"time": when(a.due_at)}] if a.due_at else [])],
            _("overdue") if a.due_at and a.due_at < now else "")
        for a in rows
    ]  # fmt: skip
    return Panel("under_way", _("Lifecycle steps under way"), total, result, url("sites_site_lifecycle_work"),
                 empty=_("Nothing in progress."))  # fmt: skip


def sites_offline_or_migrating(request) -> Panel:
    sites = Site.objects.filter(status__in=(SiteStatus.OFFLINE, SiteStatus.MIGRATING)).order_by("status", "name")
    total, rows = counted(sites)
    result = [Row(str(s), url("sites_site_change", s.pk), [s.get_status_display()]) for s in rows]
    return Panel("sites_down", _("Sites offline or migrating"), total, result,
                 url("sites_site_changelist", query={"status__exact": SiteStatus.OFFLINE}),
                 empty=_("Every opened site is online."))  # fmt: skip


def tamper_alarms(request) -> Panel:
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    alarms = AuditEntry.objects.filter(action=AuditEvent.PUBLISH_TAMPERED, time__gte=since).order_by("-time", "-id")
    total, rows = counted(alarms)
    result = [Row(e.site_name or _("unknown site"), url("auditlog_auditentry_change", e.pk), [when(e.time)],
                  _("published files were changed outside the platform")) for e in rows]  # fmt: skip
    return Panel("tamper", _("Tamper alarms"), total, result,
                 url("auditlog_auditentry_changelist", query={"action__exact": AuditEvent.PUBLISH_TAMPERED}),
                 count_text=_("in the last %(days)d days") % {"days": RECENT_DAYS},
                 empty=_("No published file was changed outside the platform."))  # fmt: skip


def locked_out(request) -> Panel:
    locked = lockouts.locked_now()
    rows = []
    for failures in locked[:SHOWN]:
        label = _("account %(key)s") if failures.kind == lockouts.ACCOUNT else _("address %(key)s")
        rows.append(Row(label % {"key": failures.key}, url("lockouts"),
                        [_("%(n)d failed sign-ins") % {"n": failures.failures}],
                        _("locked until %(time)s") % {"time": when(failures.locked_until)}))  # fmt: skip
    return Panel("lockouts", _("Login lockouts"), len(locked), rows, url("lockouts"), empty=_("Nobody is locked out."))


def recent_audit(request) -> Panel:
    since = timezone.now() - dt.timedelta(hours=AUDIT_HOURS)
    total, rows = counted(AuditEntry.objects.filter(time__gte=since).order_by("-time", "-id"))
    return Panel("audit", _("Recent audit entries"), total, [_audit_row(e, many_sites=True) for e in rows],
                 url("auditlog_auditentry_changelist"),
                 count_text=_("in the last %(hours)d hours") % {"hours": AUDIT_HOURS}, empty=_("No activity."))  # fmt: skip


def platform_section(request) -> Section | None:
    if not is_platform_admin(request.user):
        return None
    panels = [f(request) for f in (applications_to_decide, steps_under_way, sites_offline_or_migrating, tamper_alarms,
                                   locked_out, recent_audit)]  # fmt: skip
    calendar = work_calendar.missing_holidays(request)  # next year's holidays, from 1 November
    if calendar is not None:
        panels.insert(0, calendar)
    return Section("platform", _("Platform administration"), [], panels)
