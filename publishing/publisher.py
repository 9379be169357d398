"""Publishing entry points: which sites to publish, in full or only what changed (PUB-8).

`publish_site` renders every page of a site; `publish_changes` renders only the pages that depend
on changed resources and columns, on every site that shows or showed them. Both are idempotent:
running them again writes nothing. The work on one site (render, stage, check links, rename) is
publishing/site_publisher.py; a page refused there is reported, and BrokenLinks raised after the
rest was published when `strict`.

Only sites whose status allows public pages are published (sites.models.PUBLISHED_STATUSES):
`publish_site` raises SiteNotPublic for the others and `publish_changes` skips them, saying so in
the log. A site that becomes publishable is published in full by the lifecycle action that made it
so (approval, returning online).
"""

from __future__ import annotations

import logging

from django.db.models import Q

from columns.models import Column
from editorial.models import Placement, PlacementStatus
from publishing.contents import load_contents
from publishing.models import PageDependency
from publishing.outcomes import BrokenLinks, PublishError, Report
from publishing.partial import load_partial
from publishing.render import TEMPLATE_BY_COLUMN_TYPE
from publishing.site_publisher import SitePublisher
from sites.models import PUBLISHED_STATUSES, Site

log = logging.getLogger(__name__)


__all__ = ["BrokenLinks", "PublishError", "Report", "SiteNotPublic", "publish_changes", "publish_site"]


class SiteNotPublic(PublishError):
    """The site's status allows no public pages (sites.models.PUBLISHED_STATUSES): nothing is written."""

    def __init__(self, site_id: int, name: str, status: str):
        self.site_id, self.name, self.status = site_id, name, status
        allowed = ", ".join(s.value for s in PUBLISHED_STATUSES)  # values: logs are not translated
        super().__init__(
            f"{name} (site {site_id}) is not published: its status is {status}; "
            f"only sites that are {allowed} are published"
        )


def refusals(site_ids) -> dict[int, PublishError]:
    """Why some of these sites are not published: a status without public pages, or gone (1 query).

    A site can be gone when a request for it was merged with others (publishing.publish_tasks)
    and the savepoint that created it rolled back.
    """
    site_ids = set(site_ids)
    found = list(Site.objects.filter(pk__in=site_ids).values_list("pk", "name", "status"))
    out: dict[int, PublishError] = {
        pk: SiteNotPublic(pk, name, status) for pk, name, status in found if status not in PUBLISHED_STATUSES
    }
    gone = site_ids - {pk for pk, _name, _status in found}
    out.update({pk: PublishError(f"site {pk} does not exist") for pk in gone})
    return out


def publish_site(site_id: int, *, processes: int = 1, verify: bool = False, strict: bool = True) -> Report:
    """Render and write every page of a site; raise BrokenLinks (after publishing the rest) if refused.

    Raises SiteNotPublic, before loading anything else, when the site's status allows no public pages.
    """
    refusal = refusals([site_id]).get(site_id)
    if refusal is not None:
        raise refusal
    report = SitePublisher(site_id).full(processes=processes, verify=verify)
    log.info("%s", report)
    if report.refused and strict:
        raise BrokenLinks(report)
    return report


def _showing(resource_ids, column_ids) -> Q:
    """Sites that show (ACTIVE placements) or showed (dependency index) these resources or columns.

    Every page of a shown resource is listed by some page of its column (index, numbered page,
    institution or leader list), so the index finds the sites of pages to withdraw.
    """
    condition = Q(pk__in=[])
    if resource_ids:
        active = Placement.objects.filter(resource_id__in=resource_ids, status=PlacementStatus.ACTIVE)
        condition |= Q(pk__in=active.values("site_id")) | Q(
            pk__in=PageDependency.objects.filter(resource_id__in=resource_ids).values("site_id")
        )
    if column_ids:
        condition |= Q(pk__in=Column.objects.filter(id__in=column_ids).values("site_id"))
    return condition


def sites_for(resource_ids=(), column_ids=()) -> set[int]:
    """Sites that show or showed these resources or columns (see _showing): one query."""
    if not resource_ids and not column_ids:
        return set()
    return set(Site.objects.filter(_showing(resource_ids, column_ids)).values_list("pk", flat=True))


def _candidates(resource_ids, column_ids, site_ids) -> tuple[set[int], dict[int, PublishError]]:
    """The sites to publish and why some of them are not published (as `refusals`), in one query."""
    found = list(
        Site.objects.filter(Q(pk__in=site_ids) | _showing(resource_ids, column_ids)).values_list("pk", "name", "status")
    )
    out: dict[int, PublishError] = {
        pk: SiteNotPublic(pk, name, status) for pk, name, status in found if status not in PUBLISHED_STATUSES
    }
    out.update({pk: PublishError(f"site {pk} does not exist") for pk in site_ids - {pk for pk, *_ in found}})
    return {pk for pk, *_ in found} | site_ids, out


def publish_changes(resource_ids=(), column_ids=(), site_ids=(), *, strict: bool = True) -> list[Report]:
    """Publish what changed: full sites for `site_ids`, dependent pages for resources and columns.

    Sites whose status allows no public pages are skipped, with a line in the log.
    """
    resource_ids, column_ids, site_ids = set(resource_ids), set(column_ids), set(site_ids)
    reports, refused = [], []
    candidates, skipped = _candidates(resource_ids, column_ids, site_ids)
    for site_id in sorted(candidates):
        if site_id in skipped:
            log.info("skipped: %s", skipped[site_id])
            continue
        try:  # changes start from the outline of the site's items (publishing/partial.py)
            publisher = SitePublisher(site_id, None if site_id in site_ids else load_partial(site_id))
        except PublishError as error:
            log.warning("not published: %s", error)
            continue
        if site_id in site_ids:
            report = publisher.full()
        else:
            own_columns = {c for c in column_ids if c in publisher.data.columns}
            report = publisher.changes(resource_ids, own_columns)
        log.info("%s", report)
        reports.append(report)
        if report.refused:
            refused.append(report)
    if refused and strict:
        raise BrokenLinks(refused[0])
    return reports


def render_page(site_id: int, path: str) -> bytes:
    """One page rendered from the database (not written), e.g. for previews and query counts."""
    publisher = SitePublisher(site_id)
    data, renderer = publisher.data, publisher.renderer
    key = renderer.key_of(path)
    if key is None:
        raise PublishError(f"no page {path!r} on this site")
    items = [renderer.item(key[1])] if key[0] == "item" else []
    if key[0] == "column" and data.columns[key[1]].column_type in TEMPLATE_BY_COLUMN_TYPE:
        items = data.columns[key[1]].items
    return renderer.render(key, load_contents(items) if items else {}).content
