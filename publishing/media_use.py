"""Which sites may publish a library file that a body shows as <img src="/media/…"> (RES-3, SEC-3).

Bodies name library files by their path. A path names a file, not a permission: a site's page
once published another site's draft attachment, byte for byte (issue 12 item 4). A file may be
published on a site's page when it is the file of the published version of an online resource
(approved: a draft's file is nobody's to publish yet) and that resource

- belongs to the page's site, or to the site that owns the page's content (a reposted article
  brings the files its own site approved for it), or
- is in use on one of those sites (an active placement: its own column, or an accepted repost).

`sites_of_assets` answers for files found by the publisher (publishing/contents.py, the renderer
decides per page with `may_publish`); `unusable_paths` answers for a body before it is approved
(publishing/readiness.py), so that the editor and the reviewer hear why a file would not go online.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import FilteredRelation, Q

from editorial.models import PlacementStatus
from resources.models import Asset, Rendition, Resource

MEDIA_SRC_RE = re.compile(r'<img\b[^>]*?\bsrc="([^"]+)"')


def sites_of_assets(asset_ids) -> dict[int, frozenset[int]]:
    """{asset id: the sites that may publish it}, in one query; an asset no online resource
    publishes is absent (no site may publish it)."""
    if not asset_ids:
        return {}
    rows = (
        Resource.objects.filter(published_revision__asset_id__in=list(asset_ids))
        .annotate(used=FilteredRelation("placements", condition=Q(placements__status=PlacementStatus.ACTIVE)))
        .values_list("published_revision__asset_id", "site_id", "used__site_id")
    )
    sites: dict[int, set[int]] = {}
    for asset_id, owner_site_id, used_site_id in rows:
        sites.setdefault(asset_id, set()).add(owner_site_id)
        if used_site_id is not None:
            sites[asset_id].add(used_site_id)
    return {asset_id: frozenset(ids) for asset_id, ids in sites.items()}


def may_publish(sites: frozenset[int], *, page_site_id: int, owner_site_id: int) -> bool:
    return page_site_id in sites or owner_site_id in sites


def unusable_paths(bodies: dict) -> dict:
    """{key: the library addresses (/media/…) that the body shows and its site may not publish:
    of another site, of a draft, or of no file at all} for `bodies` {key: (site id, body html)}
    of sites' own content. Three queries, whatever their number."""
    media_url = settings.MEDIA_URL or "/media/"
    shown = {
        key: [src for src in dict.fromkeys(MEDIA_SRC_RE.findall(body)) if src.startswith(media_url)]
        for key, (_site_id, body) in bodies.items()
        if "<img" in body
    }
    paths = {src[len(media_url) :] for sources in shown.values() for src in sources}
    if not paths:
        return {}
    asset_of = dict(Asset.objects.filter(file__in=paths).values_list("file", "id"))
    asset_of.update(Rendition.objects.filter(file__in=paths).values_list("file", "asset_id"))
    sites = sites_of_assets(set(asset_of.values()))
    out = {}
    for key, sources in shown.items():
        site_id = bodies[key][0]
        refused = [
            src
            for src in sources
            if not may_publish(
                sites.get(asset_of.get(src[len(media_url) :]), frozenset()), page_site_id=site_id, owner_site_id=site_id
            )
        ]
        if refused:
            out[key] = refused
    return out
