"""The heavy part of what pages show, loaded for a batch of items in 5 queries.

`load_contents(items)` reads the published revisions' data (bodies, kind fields), the policy ↔
interpretation links (RES-8), the images and attachments they refer to with their best
renditions (RES-5), and the library files that bodies show as <img src="/media/…">.
Files are published beside the page that shows them: <column path>files/<asset id>-<name>
(LINK-1: one stable address that shows the place).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Q
from django.db.models.fields.json import KeyTextTransform

from editorial.models import WorkflowAction, WorkflowEvent
from publishing.jinja import day
from publishing.media_use import MEDIA_SRC_RE, sites_of_assets
from resources.kinds import referenced_ids
from resources.kinds_registry import KIND_CLASSES
from resources.models import Asset, PolicyInterpretation, Rendition, Resource, Revision

if TYPE_CHECKING:
    from publishing.sitedata import Item

_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_name(name: str) -> str:
    """A file name that is safe on disk and in a URL path, keeping Chinese characters."""
    name = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = _UNSAFE.sub("-", stem).strip("-.")[:60] or "file"
    suffix = _UNSAFE.sub("", suffix)[:10].lower()
    return f"{stem}.{suffix}" if suffix else stem


@dataclass(slots=True, eq=False)
class FileRef:
    """An image or attachment that a page shows, published beside the page's column."""

    asset_id: int
    name: str  # the name shown to readers
    source: str  # path under MEDIA_ROOT
    size: int
    content_type: str
    width: int | None = None
    height: int | None = None
    title: str = ""
    variant: str = ""  # "w800" for a rendition: another file, so another address

    @property
    def extension(self) -> str:
        """The extension of the type the file's content was found to be (SEC-7): the library stores
        every file as <random name>.<that extension> (resources.files), whatever the uploader called it."""
        stored = self.source.rsplit("/", 1)[-1]
        return safe_name(stored).rpartition(".")[2] if "." in stored else "bin"

    def published_path(self, column_path: str) -> str:
        # The uploader's name for people to read, with the extension of the content: a script
        # named x.js or a PDF named x.html must not be served as what its name says (SEC-7).
        variant = f"-{self.variant}" if self.variant else ""
        stem = safe_name(self.name).rpartition(".")[0] or safe_name(self.name)
        return f"{column_path}files/{self.asset_id}{variant}-{stem}.{self.extension}"


@dataclass(slots=True, eq=False)
class Content:
    """The heavy part of an item: the published revision's data and what it refers to."""

    data: dict
    asset: FileRef | None = None
    cover: FileRef | None = None
    attachments: list[FileRef] = field(default_factory=list)
    photo: FileRef | None = None
    media: dict[str, FileRef] = field(default_factory=dict)  # body <img src> under MEDIA_URL
    # The sites that may publish each of `media` (publishing/media_use.py; the renderer decides).
    media_sites: dict[str, frozenset[int]] = field(default_factory=dict)
    policies: list[int] = field(default_factory=list)  # of an interpretation
    interpretations: list[int] = field(default_factory=list)  # of a policy
    replaced_by: int | None = None
    # Resources the data refers to (resources.kinds.referenced_ids) that are not online: the page
    # would show a hole, so the publisher holds it back (publishing/held_back.py).
    unpublished: list[int] = field(default_factory=list)
    # The validity statuses its published versions had (RES-7), oldest first, each from the day it
    # took effect: (YYYY-MM-DD, status), for kinds with Kind.validity_history.
    history: list[tuple[str, str]] = field(default_factory=list)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def resource_ids_in(value) -> list[int]:
    if not value:
        return []
    if not isinstance(value, list | tuple):
        value = [value]
    out = []
    for v in value:
        if isinstance(v, dict):
            v = v.get("id") or v.get("resource") or v.get("resource_id")
        n = _int(v)
        if n is not None:
            out.append(n)
    return out


def load_contents(items: list[Item]) -> dict[int, Content]:
    """Published revision data of the items' resources and everything they refer to.

    Queries: revisions (1), policy links (1), referenced resources with assets (1), renditions (1),
    body images by file path (1): 5 for any number of items.
    """
    rev_ids = {i.revision_id for i in items if i.has_page}
    kind_of = {i.resource_id: i.kind for i in items}
    contents: dict[int, Content] = {}
    asset_of: dict[int, int | None] = {}
    for rid, data, asset_id in Revision.objects.filter(id__in=rev_ids).values_list("resource_id", "data", "asset_id"):
        contents[rid] = Content(data=data or {})
        asset_of[rid] = asset_id
    if not contents:
        return contents

    for policy_id, interp_id in PolicyInterpretation.objects.filter(
        Q(policy_id__in=contents.keys()) | Q(interpretation_id__in=contents.keys())
    ).values_list("policy_id", "interpretation_id"):
        if policy_id in contents:
            contents[policy_id].interpretations.append(interp_id)
        if interp_id in contents:
            contents[interp_id].policies.append(policy_id)

    refs: set[int] = set()  # files shown: covers, attachments, photos
    named = {rid: referenced_ids(kind_of.get(rid), c.data) for rid, c in contents.items()}
    media_paths: set[str] = set()
    media_url = settings.MEDIA_URL or "/media/"
    for content in contents.values():
        d = content.data
        refs.update(resource_ids_in(d.get("cover_image")))
        refs.update(resource_ids_in(d.get("attachments")))
        refs.update(resource_ids_in(d.get("photo")))
        content.replaced_by = _int(d.get("replaced_by"))
        body = d.get("body") or ""
        if "<img" in body:
            for src in MEDIA_SRC_RE.findall(body):
                if src.startswith(media_url):
                    media_paths.add(src[len(media_url) :])
        for key in ("policies", "policy"):
            for pid in resource_ids_in(d.get(key)):
                if pid not in content.policies:
                    content.policies.append(pid)
    for content in contents.values():
        for iid in resource_ids_in(content.data.get("interpretations")):
            if iid not in content.interpretations:
                content.interpretations.append(iid)

    _load_history(contents, kind_of)
    own_assets = {aid for aid in asset_of.values() if aid}
    all_named = refs.union(*named.values())
    ref_rows = list(
        Resource.objects.filter(id__in=all_named, published_revision__isnull=False).values_list(
            "id", "published_revision__title", "published_revision__asset_id"
        )
    )
    online = {rid for rid, _, _ in ref_rows}
    for rid, ids in named.items():
        contents[rid].unpublished = [pk for pk in ids if pk not in online]
    ref_rows = [row for row in ref_rows if row[0] in refs]
    asset_ids = own_assets | {aid for _, _, aid in ref_rows if aid}
    assets: dict[int, FileRef] = {}
    asset_query = Asset.objects.filter(id__in=asset_ids)
    if media_paths:  # a body shows an original or one of its renditions (the chooser inserts renditions)
        asset_query = Asset.objects.filter(
            Q(id__in=asset_ids) | Q(file__in=media_paths) | Q(renditions__file__in=media_paths)
        )
    for aid, file, name, ctype, size, width, height in asset_query.values_list(
        "id", "file", "original_name", "content_type", "size", "width", "height"
    ):
        assets[aid] = FileRef(aid, name, file, size, ctype, width, height)
    by_file = {ref.source: ref for ref in assets.values()}
    # Images are shown as their largest rendition of at most 1200 px when one exists (RES-5).
    renditions = Rendition.objects.filter(asset_id__in=[a for a, r in assets.items() if r.width], width__lte=1200)
    if media_paths:
        renditions = Rendition.objects.filter(
            Q(asset_id__in=[a for a, r in assets.items() if r.width], width__lte=1200) | Q(file__in=media_paths)
        )
    best: dict[int, tuple[int, str, int]] = {}
    for aid, width, height, file in renditions.values_list("asset_id", "width", "height", "file"):
        if file in media_paths:
            base = assets.get(aid)
            if base is not None:
                by_file[file] = FileRef(aid, base.name, file, 0, base.content_type, width, height, "", f"w{width}")
        if width <= 1200 and (aid not in best or width > best[aid][0]):
            best[aid] = (width, file, height)
    for aid, (width, file, height) in best.items():
        ref = assets[aid]
        if ref.width and ref.width > width:
            assets[aid] = FileRef(aid, ref.name, file, 0, ref.content_type, width, height, ref.title, f"w{width}")

    titles = {rid: (title, aid) for rid, title, aid in ref_rows}
    # Who may publish the files bodies show by path: a path is no permission (issue 12 item 4).
    file_sites = sites_of_assets({ref.asset_id for path, ref in by_file.items() if path in media_paths})

    def ref_of(resource_id: int) -> FileRef | None:
        title, aid = titles.get(resource_id, ("", None))
        if aid is None or aid not in assets:
            return None
        ref = assets[aid]
        return FileRef(ref.asset_id, ref.name, ref.source, ref.size, ref.content_type, ref.width, ref.height, title,
                       ref.variant)  # fmt: skip

    for rid, content in contents.items():
        d = content.data
        if asset_of.get(rid) in assets:
            content.asset = assets[asset_of[rid]]
        covers = [r for r in map(ref_of, resource_ids_in(d.get("cover_image"))) if r]
        content.cover = covers[0] if covers else None
        photos = [r for r in map(ref_of, resource_ids_in(d.get("photo"))) if r]
        content.photo = photos[0] if photos else None
        content.attachments = [r for r in map(ref_of, resource_ids_in(d.get("attachments"))) if r]
        body = d.get("body") or ""
        if media_paths and "<img" in body:
            for src in MEDIA_SRC_RE.findall(body):
                rel = src[len(media_url) :] if src.startswith(media_url) else None
                if rel in by_file:  # an original is shown as its best rendition, like covers
                    ref = by_file[rel]
                    content.media[src] = assets.get(ref.asset_id, ref) if not ref.variant else ref
                    content.media_sites[src] = file_sites.get(ref.asset_id, frozenset())
    return contents


def _load_history(contents: dict[int, Content], kind_of: dict[int, str]) -> None:
    """The validity statuses of the versions that went online (RES-7, DISC-5), in one query.

    Read from the editorial history: each publication of a version (WorkflowEvent PUBLISH) with
    that version's validity and date of change; a status is listed when it differs from the one
    before, dated by its validity date, else by the day it was published.
    """
    wanted = [rid for rid in contents if rid in kind_of and _tracks_validity(kind_of[rid])]
    if not wanted:
        return
    rows = (
        WorkflowEvent.objects.filter(resource_id__in=wanted, action=WorkflowAction.PUBLISH, revision__isnull=False)
        .order_by("time", "id")
        .values_list(
            "resource_id",
            "time",
            KeyTextTransform("validity", "revision__data"),
            KeyTextTransform("validity_date", "revision__data"),
        )
    )
    for rid, time, validity, validity_date in rows:
        history = contents[rid].history
        status = validity or "valid"
        if history and history[-1][1] == status:
            continue
        history.append((validity_date or day(time), status))
    for rid in wanted:  # the version online now, if its publication was not recorded
        content = contents[rid]
        status = content.data.get("validity") or "valid"
        if content.history and content.history[-1][1] != status:
            content.history.append((content.data.get("validity_date") or "", status))


def _tracks_validity(kind: str) -> bool:
    return kind in KIND_CLASSES and KIND_CLASSES[kind].validity_history
