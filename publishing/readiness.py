"""Would this version go online whole? Said before it is approved (LINK-2, RES-5; issue 12 items 10, 11).

The publisher refuses a page that links to a page of the site that does not exist, and holds
back a page that shows a resource which is not online (publishing/outcomes.py). The same two
questions are asked here of a version in review, so that editors hear it when they submit and
reviewers see it beside the item, and the final approval is refused with the list:

- `broken_links`: internal links of its rich text to pages that the site has not published;
- `unpublished`: the resources its reference fields name (cover image, attachments, photo,
  speeches, policies, replacing document) that are not online, each to be approved first.

- `unusable_files`: library files its text shows that the site may not publish
  (publishing/media_use.py: another site's, or not approved).

`check_many` answers for a page of the review queue in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from publishing import links, media_use
from publishing.models import PublishedFile
from resources.kinds import KIND_FORMS, referenced_ids
from resources.models import Resource
from resources.widgets import RichTextField
from sites.models import Domain


@dataclass
class Readiness:
    broken_links: list[str] = field(default_factory=list)  # site paths, without the leading /
    unpublished: list[Resource] = field(default_factory=list)  # with id, title, status
    # Library files (/media/…) its body shows that the site may not publish (publishing/media_use.py).
    unusable_files: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:  # true when something stands in the way
        return bool(self.broken_links or self.unpublished or self.unusable_files)

    @property
    def link_texts(self) -> list[str]:
        return ["/" + path for path in self.broken_links]

    def message(self) -> str:
        """One sentence per problem, for a refusal or a warning."""
        parts = []
        if self.broken_links:
            parts.append(
                _("It links to pages that do not exist on the site: %(paths)s.") % {"paths": "、".join(self.link_texts)}
            )
        if self.unpublished:
            names = "、".join(
                _("“%(title)s” (number %(id)s, %(status)s)")
                % {"title": r.title, "id": r.pk, "status": r.get_status_display()}
                for r in self.unpublished
            )
            parts.append(_("It shows resources that are not published yet: %(names)s.") % {"names": names})
        if self.unusable_files:
            # The address only: the file may be another site's, whose title this site must not learn.
            parts.append(
                _(
                    "Its text shows files that this site may not publish (not approved in the library, or of "
                    "another site and not reposted here): %(files)s. Insert pictures from the site's own "
                    "approved library resources."
                )
                % {"files": "、".join(self.unusable_files)}
            )
        return " ".join(parts)


def _rich_text(kind: str, data) -> str:
    form_class = KIND_FORMS.get(kind)
    if form_class is None:
        return ""
    fields = [name for name, f in form_class.base_fields.items() if isinstance(f, RichTextField)]
    return "".join(str((data or {}).get(name) or "") for name in fields)


def _targets(site_domains: set[str], resource_id: int, body: str) -> set[str]:
    """Site paths the rich text links to, as the publisher will check them (less its own page)."""
    if "href" not in body and "src" not in body:
        return set()
    rewritten = links.rewrite_body(body, site_domains, {})
    media = (settings.MEDIA_URL or "/media/").lstrip("/")
    own = f"{resource_id}.html"
    return {
        path
        for path in links.internal_targets(rewritten)
        if not path.startswith(("-/", media)) and path.rsplit("/", 1)[-1] != own
    }


def check_many(pairs) -> dict[int, Readiness]:
    """{resource id: Readiness} of (resource, revision data) pairs: 6 queries, whatever their number."""
    pairs = [(resource, data or {}) for resource, data in pairs]
    out = {resource.pk: Readiness() for resource, _data in pairs}
    if not pairs:
        return out
    domains: dict[int, set[str]] = {}
    for site_id, name in Domain.objects.filter(site_id__in={r.site_id for r, _rev in pairs}).values_list(
        "site_id", "name"
    ):
        domains.setdefault(site_id, set()).add(name.lower())
    bodies = {resource.pk: (resource.site_id, _rich_text(resource.kind, data)) for resource, data in pairs}
    wanted: dict[int, set[str]] = {}
    refs: dict[int, list[int]] = {}
    for resource, data in pairs:
        wanted[resource.pk] = _targets(domains.get(resource.site_id, set()), resource.pk, bodies[resource.pk][1])
        refs[resource.pk] = referenced_ids(resource.kind, data)
    all_paths = {(r.site_id, p) for r, _rev in pairs for p in wanted[r.pk]}
    existing = set()
    if all_paths:
        rows = PublishedFile.objects.filter(
            site_id__in={s for s, _ in all_paths}, path__in={p for _, p in all_paths}
        ).values_list("site_id", "path")
        existing = set(rows)
    all_refs = {pk for ids in refs.values() for pk in ids}
    offline = {}
    if all_refs:
        rows = Resource.objects.filter(pk__in=all_refs, published_revision__isnull=True).only("id", "title", "status")
        offline = {r.pk: r for r in rows}
    unusable = media_use.unusable_paths(bodies)
    for resource, _data in pairs:
        ready = out[resource.pk]
        ready.unusable_files = unusable.get(resource.pk, [])
        ready.broken_links = sorted(p for p in wanted[resource.pk] if (resource.site_id, p) not in existing)
        ready.unpublished = [offline[pk] for pk in refs[resource.pk] if pk in offline]
    return out


def check(resource, revision) -> Readiness:
    """What stands in the way of this version of the resource going online whole."""
    if revision is None:
        return Readiness()
    return check_many([(resource, revision.data)])[resource.pk]
