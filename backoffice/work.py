"""The work page (工作台): what each of the user's roles has to do, one panel set per role.

The landing page of the back office (`BackOfficeSite.index`). Each role the user holds, on any of
their sites, adds its panel set: editor (my drafts, returned to me, waiting for review, recently
published, repost offers), reviewer (the queue by level, flagged and oldest first, reposts to
decide), site administrator (the site's state, lifecycle steps under way, roles, recent activity)
and platform administrator (applications to decide, steps under way, sites offline or migrating,
tamper alarms, lockouts, recent audit entries). Every row links to its page; every panel has a
count and at most SHOWN rows.

One function per panel (the administrators' in backoffice/work_admin.py). Each asks the database a fixed number of times whatever the size of the
library (its rows and their total together, with COUNT(*) OVER ()), limited to the user's sites
(`sites.permissions.site_ids_for`) or, for a platform administrator, to nothing. Totals that the
navigation shows too (backoffice/work_nav.py) are kept on the request, so they are counted once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Min, OuterRef, Q, Subquery, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from editorial import queries
from editorial.models import Placement, PlacementStatus, ReviewFlag, ReviewLevel, WorkflowAction, WorkflowEvent
from lifecycle.models import ApplicationStatus
from resources.models import Resource, ResourceStatus
from sites.models import Role, Site
from sites.permissions import site_ids_for

SHOWN = 8  # rows of a panel
RECENT_DAYS = 30  # "recently published"
UNDER_WAY = (ApplicationStatus.APPROVED, ApplicationStatus.FILED, ApplicationStatus.IN_EFFECT)


@dataclass
class Row:
    text: str
    url: str
    notes: list[str] = field(default_factory=list)  # site, time, reason …
    warning: str = ""  # what needs attention first (flagged, overdue, own application, locked)


@dataclass
class Panel:
    key: str
    title: str
    count: int
    rows: list[Row]
    url: str = ""  # the page with all of them
    count_text: str = ""  # what the count counts, when not simply the rows
    empty: str = ""


@dataclass
class Section:
    role: str
    title: str
    sites: list[str]
    panels: list[Panel]


# --- shared -----------------------------------------------------------------------------------


def memo(request) -> dict:
    """Totals and querysets computed once per request (the navigation shows some of the totals)."""
    if not hasattr(request, "_work_memo"):
        request._work_memo = {}
    return request._work_memo


def counted(queryset, limit: int = SHOWN) -> tuple[int, list]:
    """The first `limit` rows and the total of `queryset`, in one query."""
    rows = list(queryset.annotate(rows_in_total=Window(Count("pk")))[:limit])
    return (rows[0].rows_in_total if rows else 0), rows


def rows_and_count(queryset, limit: int = SHOWN) -> tuple[int, list]:
    """The first `limit` rows and the total in two queries: for the editor's large lists, whose
    rows an index gives newest first after a few entries, where a window count would read them all."""
    rows = list(queryset[:limit])
    return queryset.order_by().count(), rows


def url(name: str, *args, query: dict | None = None) -> str:
    address = reverse(f"admin:{name}", args=args)
    return f"{address}?{urlencode(query)}" if query else address


def when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def site_names(request, site_ids) -> dict[int, Site]:
    cache = memo(request).setdefault("sites", {})
    missing = set(site_ids) - set(cache)
    if missing:
        cache.update(Site.objects.in_bulk(list(missing)))
    return {pk: cache[pk] for pk in site_ids if pk in cache}


# --- editor -----------------------------------------------------------------------------------


def _mine(user, site_ids):
    return Resource.objects.filter(site_id__in=site_ids, creator=user).select_related("site", "column")


def _resource_row(resource, *notes, many_sites: bool, warning: str = "") -> Row:
    shown = [str(resource.site)] if many_sites else []
    return Row(resource.title, url("resources_resource_change", resource.pk), [*shown, *notes], warning)


def _library(**query) -> str:
    return url("resources_resource_changelist", query=query)


def my_drafts(request, site_ids) -> Panel:
    mine = _mine(request.user, site_ids).filter(status=ResourceStatus.DRAFT).order_by("-updated_at", "-id")
    total, rows = rows_and_count(mine)
    many = len(site_ids) > 1
    return Panel("drafts", _("My drafts"), total,
                 [_resource_row(r, _("saved %(time)s") % {"time": when(r.updated_at)}, many_sites=many) for r in rows],
                 _library(status__exact=ResourceStatus.DRAFT, creator="me"), empty=_("No drafts."))  # fmt: skip


def returned_to_me(request, site_ids) -> Panel:
    last_return = WorkflowEvent.objects.filter(resource=OuterRef("pk"), action=WorkflowAction.RETURN).order_by("-id")
    mine = (
        _mine(request.user, site_ids)
        .filter(status=ResourceStatus.RETURNED)
        .annotate(
            return_reason=Subquery(last_return.values("reason")[:1]),
            returned_at=Subquery(last_return.values("time")[:1]),
        )  # fmt: skip
        .order_by("-updated_at", "-id")
    )
    total, rows = rows_and_count(mine)
    memo(request)["returned"] = total
    many = len(site_ids) > 1
    return Panel(
        "returned", _("Returned to me"), total,
        [_resource_row(r, _("returned %(time)s") % {"time": when(r.returned_at)}, many_sites=many,
                       warning=_("Returned because: %(reason)s") % {"reason": r.return_reason or _("none given")})
         for r in rows],
        _library(status__exact=ResourceStatus.RETURNED, creator="me"), empty=_("Nothing was returned to you."),
    )  # fmt: skip


def waiting_for_review(request, site_ids) -> Panel:
    mine = _mine(request.user, site_ids).filter(status=ResourceStatus.IN_REVIEW).order_by("updated_at", "id")
    total, rows = rows_and_count(mine)
    many = len(site_ids) > 1
    result = []
    for resource in rows:
        levels = queries.review_levels_for(resource)
        passed = _("%(passed)d of %(levels)d review levels passed") % {
            "passed": resource.review_level,
            "levels": levels,
        }
        result.append(_resource_row(resource, passed, _("since %(time)s") % {"time": when(resource.updated_at)},
                                    many_sites=many))  # fmt: skip
    return Panel("in_review", _("Waiting for review"), total, result,
                 _library(status__exact=ResourceStatus.IN_REVIEW, creator="me"),
                 empty=_("Nothing of yours is waiting for review."))  # fmt: skip


def recently_published(request, site_ids) -> Panel:
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    mine = (
        _mine(request.user, site_ids)
        .filter(status=ResourceStatus.PUBLISHED, updated_at__gte=since)
        .order_by("-updated_at", "-id")
    )
    total, rows = rows_and_count(mine)
    many = len(site_ids) > 1
    return Panel("published", _("Recently published"), total,
                 [_resource_row(r, when(r.updated_at), many_sites=many) for r in rows],
                 _library(status__exact=ResourceStatus.PUBLISHED, creator="me"),
                 count_text=_("in the last %(days)d days") % {"days": RECENT_DAYS},
                 empty=_("Nothing of yours was published in the last %(days)d days.") % {"days": RECENT_DAYS})  # fmt: skip


def repost_offers(request, site_ids) -> Panel:
    """Other sites' content offered to (or asked for by) the user's sites, waiting for their
    reviewers. An offer lapses when the content goes offline: its end of publication is the deadline."""
    offers = (
        Placement.objects.filter(site_id__in=site_ids, status=PlacementStatus.PENDING, is_repost=True)
        .select_related("resource__site", "column", "site")
        .order_by("placed_at", "id")
    )
    total, rows = counted(offers)
    result = []
    for placement in rows:
        deadline = placement.resource.unpublish_at
        result.append(Row(
            placement.resource.title, url("editorial_placement_change", placement.pk),
            [_("from %(site)s") % {"site": placement.resource.site}, _("to %(column)s") % {"column": placement.column},
             _("offered %(time)s") % {"time": when(placement.placed_at)}],
            _("available until %(time)s") % {"time": when(deadline)} if deadline else "",
        ))  # fmt: skip
    return Panel("reposts", _("Repost offers"), total, result,
                 url("editorial_placement_changelist", query={"status__exact": PlacementStatus.PENDING, "is_repost__exact": 1}),
                 empty=_("No repost is offered to your sites."))  # fmt: skip


def editor_section(request) -> Section | None:
    site_ids = sorted(site_ids_for(request.user, Role.EDITOR))
    if not site_ids:
        return None
    panels = [f(request, site_ids) for f in (returned_to_me, my_drafts, waiting_for_review, recently_published,
                                               repost_offers)]  # fmt: skip
    return Section("editor", _("Editing"), site_list(request, site_ids), panels)


# --- reviewer ---------------------------------------------------------------------------------


def review_queue(request):
    """The user's review queue (editorial.queries), read once per request."""
    cache = memo(request)
    if "queue" not in cache:
        cache["queue"] = queries.review_queue(request.user)
    return cache["queue"]


def _flagged(request) -> Q:
    """Items of the queue whose version in review has check findings not yet confirmed.

    The open findings of the items in review on the reviewer's sites are few (hundreds where the
    queue holds thousands): read once, their versions then select the flagged items by key.
    """
    cache = memo(request)
    if "flagged_revisions" not in cache:
        cache["flagged_revisions"] = list(
            ReviewFlag.objects.filter(
                confirmed_at__isnull=True,
                revision__resource__status=ResourceStatus.IN_REVIEW,
                revision__resource__site_id__in=site_ids_for(request.user, Role.REVIEWER),
            )
            .order_by()
            .values_list("revision_id", flat=True)
            .distinct()
        )
    return Q(submitted_revision_id__in=cache["flagged_revisions"])


def flagged_in_queue(request) -> list[tuple[int, int]]:
    """(id, review level) of the queue's flagged items, the longest waiting first: one query,
    read by the counts by level and by the list."""
    cache = memo(request)
    if "flagged_in_queue" not in cache:
        flagged = review_queue(request).filter(_flagged(request))
        ordered = flagged.order_by(F("submitted_at").asc(nulls_last=True), "id")
        cache["flagged_in_queue"] = list(ordered.values_list("pk", "review_level"))
    return cache["flagged_in_queue"]


def queue_levels(request) -> list[dict]:
    """[{level, count, oldest, flagged}] of the queue: the level each item passes next.

    One grouped query for the queue's counts (from its index); the flagged ones are counted from
    `flagged_in_queue`, which the list of items reads too.
    """
    cache = memo(request)
    if "levels" not in cache:
        queue = review_queue(request).order_by()
        rows = queue.values("review_level").annotate(count=Count("pk"), oldest=Min("submitted_at"))
        flagged = Counter(level for _pk, level in flagged_in_queue(request))
        cache["levels"] = sorted(
            ({"level": row["review_level"] + 1, "count": row["count"], "oldest": row["oldest"],
              "flagged": flagged.get(row["review_level"], 0)} for row in rows), key=lambda row: row["level"],
        )  # fmt: skip
        cache["queue_count"] = sum(row["count"] for row in cache["levels"])
    return cache["levels"]


def level_label(level: int) -> str:
    try:
        return str(ReviewLevel(level).label)
    except ValueError:
        return _("level %(level)d") % {"level": level}


def queue_by_level(request) -> Panel:
    levels = queue_levels(request)
    queue_url = url("resources_resource_review_queue")
    rows = []
    for row in levels:
        notes = [_("oldest waiting since %(time)s") % {"time": when(row["oldest"])}] if row["oldest"] else []
        warning = _("%(n)d with check warnings") % {"n": row["flagged"]} if row["flagged"] else ""
        rows.append(Row(_("%(level)s: %(n)d") % {"level": level_label(row["level"]), "n": row["count"]}, queue_url,
                        notes, warning))  # fmt: skip
    return Panel("levels", _("Review queue by level"), memo(request)["queue_count"], rows, queue_url,
                 empty=_("Nothing is waiting for your review."))  # fmt: skip


def queue_items(request) -> Panel:
    """Flagged items first, then the longest waiting."""
    queue_levels(request)  # the total, counted by level
    total = memo(request)["queue_count"]
    oldest_first = (F("submitted_at").asc(nulls_last=True), "id")
    first = [pk for pk, _level in flagged_in_queue(request)[:SHOWN]]
    by_pk = {resource.pk: resource for resource in review_queue(request).filter(pk__in=first)} if first else {}
    rows = [(by_pk[pk], True) for pk in first if pk in by_pk]
    if len(rows) < SHOWN:  # then the longest waiting, read in the index's order until enough are found
        unflagged = review_queue(request).exclude(_flagged(request)).order_by(*oldest_first)[: SHOWN - len(rows)]
        rows += [(resource, False) for resource in unflagged]
    many = len(site_ids_for(request.user, Role.REVIEWER)) > 1
    result = []
    for resource, flagged in rows:
        levels = queries.review_levels_for(resource)
        notes = [str(resource.site)] if many else []
        notes += [level_label(min(resource.review_level + 1, levels)),
                  _("submitted %(time)s") % {"time": when(resource.submitted_at)}]  # fmt: skip
        warning = _("check warnings to confirm") if flagged else ""
        result.append(Row(resource.title, url("resources_resource_review", resource.pk), notes, warning))
    return Panel("queue", _("To review: flagged and oldest first"), total, result,
                 url("resources_resource_review_queue"), empty=_("Nothing is waiting for your review."))  # fmt: skip


def reposts_to_decide(request) -> Panel:
    total, rows = counted(queries.pending_reposts(request.user).order_by("placed_at", "id"))
    result = [
        Row(p.resource.title, url("editorial_placement_change", p.pk),
            [_("from %(site)s") % {"site": p.resource.site}, _("to %(column)s") % {"column": p.column},
             _("asked %(time)s") % {"time": when(p.placed_at)}])
        for p in rows
    ]  # fmt: skip
    return Panel("reposts_to_decide", _("Reposts to decide"), total, result,
                 url("editorial_placement_changelist", query={"waiting": "me"}),
                 empty=_("No repost waits for your decision."))  # fmt: skip


def reviewer_section(request) -> Section | None:
    site_ids = sorted(site_ids_for(request.user, Role.REVIEWER))
    if not site_ids:
        return None
    panels = [queue_by_level(request), queue_items(request), reposts_to_decide(request)]
    return Section("reviewer", _("Reviewing"), site_list(request, site_ids), panels)


def site_list(request, site_ids) -> list[str]:
    return [str(site) for site in site_names(request, site_ids).values()]
