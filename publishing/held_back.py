"""Items the publisher holds back, and why (LINK-2, PUB-8; issue 12 items 10 and 11).

An item's page is held back on a site when it links to a page or file that does not exist there,
or shows a resource that is not online (a cover image, an attachment, a related document still in
draft). A new page is left out of the site altogether: no list, no neighbour, no sitemap names it
(publishing.site_loading loads the site without it). A page that was online keeps its old version.
Nothing else waits for it: the rest of the site is published as usual (publishing/outcomes.py).

The reason is kept as a HeldBackItem row per site and resource, shown to editors and reviewers
in the back office. Every publish of the site tries its held items again, so a corrected article
or a target page that appears brings the item online at the next publish, and the row goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core import feed
from publishing.models import HeldBackItem


@dataclass
class Hold:
    """Why one resource's page cannot go online on one site."""

    missing_paths: list[str] = field(default_factory=list)  # site paths it links that do not exist
    unpublished: list[int] = field(default_factory=list)  # resources it shows that are not online
    page_online: bool = False  # an older version of its page stays online


def resources_of(site_id: int) -> set[int]:
    """The resources held back on a site (tried again by every publish of the site)."""
    return set(HeldBackItem.objects.filter(site_id=site_id).values_list("resource_id", flat=True))


def record(site_id: int, holds: dict[int, Hold], before: set[int]) -> None:
    """After a publish of the site: `holds` are what is held back now (`before`: what was)."""
    if not holds and not before:
        return
    turned = (before ^ holds.keys()) | {rid for rid, hold in holds.items() if hold.page_online}
    if turned:
        feed.changed(held_back=turned)  # search offers only the pages that are there
    HeldBackItem.objects.filter(site_id=site_id).exclude(resource_id__in=holds).delete()
    now = timezone.now()
    for resource_id, hold in holds.items():
        HeldBackItem.objects.update_or_create(
            site_id=site_id,
            resource_id=resource_id,
            defaults={
                "missing_paths": hold.missing_paths,
                "unpublished": hold.unpublished,
                "page_online": hold.page_online,
            },
            create_defaults={
                "missing_paths": hold.missing_paths,
                "unpublished": hold.unpublished,
                "page_online": hold.page_online,
                "since": now,
            },
        )


def for_resources(resource_ids) -> dict[int, list[HeldBackItem]]:
    """The held-back rows of these resources (on any site), with their sites: one query."""
    out: dict[int, list[HeldBackItem]] = {}
    rows = HeldBackItem.objects.filter(resource_id__in=list(resource_ids)).select_related("site").order_by("site_id")
    for row in rows:
        out.setdefault(row.resource_id, []).append(row)
    return out


def status_label(rows: list[HeldBackItem]) -> str:
    """The status a held item shows instead of "published" (its page, or its new version, is not online)."""
    if all(row.page_online for row in rows):
        return _("published; the new version is not yet online")
    return _("approved, not yet online")


def status_labels(resource_ids) -> dict[int, str]:
    """status_label of every held one of these resources: one query (the library list)."""
    return {rid: status_label(rows) for rid, rows in for_resources(resource_ids).items()}


def reason_text(row: HeldBackItem, titles: dict[int, str] | None = None) -> str:
    """Why the row's page is not online, in the user's language (titles: of the unpublished resources)."""
    titles = titles or {}
    parts = []
    # A held page's missing paths are pages it links to, or library files it may not publish
    # (publishing/media_use.py); each kind gets its own sentence.
    media = (settings.MEDIA_URL or "/media/").lstrip("/")
    files = [path for path in row.missing_paths if path.startswith(media)]
    pages = [path for path in row.missing_paths if not path.startswith(media)]
    if pages:
        parts.append(_("it links to pages that do not exist: %(paths)s") % {"paths": "、".join("/" + p for p in pages)})
    if files:
        parts.append(
            _("it shows files of the library that this site may not publish: %(paths)s")
            % {"paths": "、".join("/" + p for p in files)}
        )
    if row.unpublished:
        names = [
            _("“%(title)s” (number %(id)s)") % {"title": titles[pk], "id": pk} if pk in titles else str(pk)
            for pk in row.unpublished
        ]
        parts.append(_("it shows resources that are not published: %(names)s") % {"names": "、".join(names)})
    reasons = "；".join(parts)
    if row.page_online:
        return _("The new version is not online on %(site)s (the previous version stays): %(reasons)s.") % {
            "site": row.site.name,
            "reasons": reasons,
        }
    return _("Not published on %(site)s: %(reasons)s.") % {"site": row.site.name, "reasons": reasons}
