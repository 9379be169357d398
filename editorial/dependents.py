"""The library resources an item shows that are not online yet: its dependents (RES-5, PUB-1, PUB-9;
issue 14 item 5).

Found in issue 14: an article was approved with its draft cover image, which was then missing
from the public page. The last review level therefore looks at the resources of the item's own
site that the version in review shows and that are not online:

- the resources its reference fields name (cover image, attachments, photo, policies …:
  resources.kinds.referenced_ids), and
- the library resources whose file its rich text shows (<img src="/media/…"> of the file or of one
  of its renditions) when no online resource of the site publishes that file yet.

Each dependent is either approved together with the item by the same reviewer, through the same
checks as its own approval (`workflow.approve(…, with_dependents=True)`), or named in the refusal
with what it needs: its own reviewer (separation of duties, column scope), its earlier review
levels, its findings confirmed on its own page, or the editor's submission.

Another site's resources are never dependents: nobody of this site approves them; the readiness
check (publishing/readiness.py, registered with the workflow) refuses such an item with its own
message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from editorial import checks, queries
from editorial.models import PlacementStatus
from resources.kinds import KIND_FORMS, referenced_ids
from resources.models import Asset, Rendition, Resource, ResourceStatus
from resources.widgets import RichTextField

MEDIA_SRC_RE = re.compile(r'<img\b[^>]*?\bsrc="([^"]+)"')


@dataclass
class Dependent:
    resource: Resource
    need: str  # what it needs before the item can go online; "" when approved together with it

    @property
    def approvable(self) -> bool:
        return not self.need

    def describe(self) -> str:
        r = self.resource
        return _("“%(title)s” (number %(id)s, %(kind)s, %(status)s): %(need)s") % {
            "title": r.title,
            "id": r.pk,
            "kind": r.get_kind_display(),
            "status": r.get_status_display(),
            "need": self.need or _("you may approve it together with this item"),
        }


def _shown_assets(kind: str, data: dict) -> set[int]:
    """Library files (assets) that the rich text of a revision shows as images."""
    form_class = KIND_FORMS.get(kind)
    if form_class is None:
        return set()
    body = "".join(
        str(data.get(name) or "") for name, f in form_class.base_fields.items() if isinstance(f, RichTextField)
    )
    media_url = settings.MEDIA_URL or "/media/"
    paths = {src[len(media_url) :] for src in MEDIA_SRC_RE.findall(body) if src.startswith(media_url)}
    if not paths:
        return set()
    assets = set(Asset.objects.filter(file__in=paths).values_list("id", flat=True))
    return assets | set(Rendition.objects.filter(file__in=paths).values_list("asset_id", flat=True))


def dependents(resource: Resource, revision) -> list[Resource]:
    """The resources of `resource`'s site that `revision` shows and that are not online, in the
    order of its fields, then of its text."""
    data = (revision.data if revision is not None else None) or {}
    ids = [pk for pk in referenced_ids(resource.kind, data) if pk != resource.pk]
    wanted = Q(pk__in=ids, published_revision__isnull=True)
    assets = _shown_assets(resource.kind, data)
    if assets:  # files the site already publishes (its own online resource, or one placed on it) are fine
        usable = set(
            Resource.objects.filter(published_revision__asset_id__in=assets)
            .filter(
                Q(site_id=resource.site_id)
                | Q(placements__site_id=resource.site_id, placements__status=PlacementStatus.ACTIVE)
            )
            .values_list("published_revision__asset_id", flat=True)
        )
        if assets - usable:
            wanted |= Q(submitted_revision__asset_id__in=assets - usable) | Q(
                current_revision__asset_id__in=assets - usable
            )
    if not ids and not assets:
        return []
    rows = list(
        Resource.objects.filter(wanted, site_id=resource.site_id)
        .exclude(pk=resource.pk)
        .select_related("site", "column", "submitted_revision")
        .distinct()
    )
    order = {pk: n for n, pk in enumerate(ids)}
    return sorted(rows, key=lambda r: (order.get(r.pk, len(order)), r.pk))


def need_of(dependent: Resource, user, *, now=None) -> str:
    """What `dependent` needs before `user` may approve it together with the item; "" when nothing."""
    now = now or timezone.now()
    if dependent.status == ResourceStatus.IN_REVIEW and dependent.submitted_revision_id is not None:
        refusal = queries.review_refusal(dependent, user, passing_level=True)
        if refusal:
            return refusal
        remaining = queries.review_levels_for(dependent) - (dependent.review_level + 1)
        if remaining > 0:
            return ngettext(
                "it needs %(count)d more review level after yours, by other reviewers: approve it on its own "
                "review page first",
                "it needs %(count)d more review levels after yours, by other reviewers: approve it on its own "
                "review page first",
                remaining,
            ) % {"count": remaining}
        if dependent.publish_at is not None and dependent.publish_at > now:
            return _("it is set to go online only at %(time)s") % {
                "time": timezone.localtime(dependent.publish_at).strftime("%Y-%m-%d %H:%M")
            }
        if checks.unconfirmed_flags(dependent.submitted_revision_id).exists():
            return _("the check found things in it to confirm: review it on its own review page first")
        return ""
    if queries.approved_waiting(dependent) and dependent.publish_at is not None:
        return _("it is approved and goes online only at %(time)s") % {
            "time": timezone.localtime(dependent.publish_at).strftime("%Y-%m-%d %H:%M")
        }
    return _("the editor must submit it for review first")


def assess(resource: Resource, revision, user) -> list[Dependent]:
    """Each dependent of this version with what it needs before `user` may approve it with the item."""
    now = timezone.now()
    return [Dependent(dependent, need_of(dependent, user, now=now)) for dependent in dependents(resource, revision)]


def refusal(resource: Resource, items: list[Dependent], *, with_dependents: bool) -> ValidationError | None:
    """Why the item cannot go online now because of its dependents, or None.

    With `with_dependents` the reviewer approves them together with the item: refused only when
    one of them cannot be approved by this reviewer now.
    """
    if not items or (with_dependents and all(item.approvable for item in items)):
        return None
    listed = "；".join(item.describe() for item in items)
    if all(item.approvable for item in items):
        text = _(
            "“%(title)s” shows library resources that are not approved yet: %(list)s. Approve them together "
            "with it, or return it to the editor."
        )
    else:
        text = _(
            "“%(title)s” cannot go online without the library resources it shows, and not all of them can be "
            "approved together with it now: %(list)s."
        )
    return ValidationError(text % {"title": resource.title, "list": listed}, code="dependents")


def files_of(items: list[Dependent]) -> set[str]:
    """The library addresses (/media/…) of the dependents' files in review and their renditions:
    a text image among them goes online when they are approved together with the item."""
    assets = {item.resource.submitted_revision.asset_id for item in items if item.resource.submitted_revision_id}
    assets.discard(None)
    if not assets:
        return set()
    media_url = settings.MEDIA_URL or "/media/"
    names = list(Asset.objects.filter(pk__in=assets).values_list("file", flat=True))
    names += Rendition.objects.filter(asset_id__in=assets).values_list("file", flat=True)
    return {media_url + name for name in names}
