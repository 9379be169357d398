"""Building index documents from what is online, and writing them (SRCH-1).

One document per online resource and site that shows it: the resource's own site and every site
that reposts it (an ACTIVE placement of an online resource, editorial/queries.py). Its address is
the page the static publisher writes: `/<column path><resource id>.html` in the resource's home
column when it is shown there, else in its first column on that site (publishing/site_loading.py),
or the link itself for link resources. Its text: title, summary, every text field of the
published revision (body, duties, résumé …), the metadata, and the extracted text of its own file
and of the attachments it lists (resources/textextract.py).

`index_resources(ids)` rewrites the documents of these resources: a withdrawn resource, or one no
longer shown anywhere, simply gets none. `reindex()` rebuilds everything in batches.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.models import Count
from django.utils import timezone

from columns.models import Column
from editorial.models import Placement, PlacementStatus
from editorial.text import BLOCK_TAGS, plain_text
from publishing.models import HeldBackItem
from resources import index_metadata
from resources.kinds_registry import KIND_CLASSES, NO_PAGE_KINDS, kind_class
from resources.models import Resource, Revision
from search.backends import backend
from search.backends.base import DocumentRow
from search.models import SearchClick, SearchDocument
from search.text import identifier_key, normalise, segmenter

log = logging.getLogger(__name__)

MAX_CONTENT_CHARS = 20_000
BATCH = 500
PARALLEL_MIN_RESOURCES = 5_000  # fewer are done before the worker processes would have started
EPOCH = dt.date(1970, 1, 1)
# Keys of revision data that are codes or references, not text for readers.
NOT_TEXT_KEYS = {"validity", "url", "cover_image", "attachments", "photo", "speeches", "policies",
                 "interpretations", "replaced_by", "format"}  # fmt: skip
METADATA_TEXT_KEYS = ("keywords", "source", "author", "description", "index_number", "classification")


def _walk_text(value, key: str = ""):
    if key in NOT_TEXT_KEYS:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for child_key, item in value.items():
            yield from _walk_text(item, str(child_key))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _walk_text(item, key)


_SIMPLE_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)>")
_INLINE_TAGS = frozenset("a abbr b cite code em i mark q s small span strong sub sup u".split())


def page_text(value: str) -> str:
    """editorial.text.plain_text, without its HTML parser for the usual body: tags without
    attributes (paragraphs, line breaks, emphasis) and no character reference, where splitting
    at the tags gives the same text (tests/search/test_indexing.py compares them). The parser
    was a sixth of the indexing time."""
    if "&" in value or "<" not in value:
        return plain_text(value)
    pieces = _SIMPLE_TAG_RE.split(value)  # text, "/" or "", tag name, text, …
    paragraphs, current = [], []
    for index in range(0, len(pieces), 3):
        text = pieces[index]
        if "<" in text:  # another kind of markup: the parser decides
            return plain_text(value)
        current.append(text)
        if index + 2 < len(pieces):
            name = pieces[index + 2].lower()
            if name in BLOCK_TAGS or (name == "br" and not pieces[index + 1]):
                paragraphs.append(" ".join("".join(current).split()))
                current = []
            elif name not in _INLINE_TAGS and name != "br":
                return plain_text(value)
    paragraphs.append(" ".join("".join(current).split()))
    return "\n".join(p for p in paragraphs if p)


def _attachment_ids(data) -> list[int]:
    ids = []
    for item in (data or {}).get("attachments") or []:
        if isinstance(item, dict):
            item = item.get("resource") or item.get("resource_id") or item.get("id")
        if isinstance(item, int) or (isinstance(item, str) and item.isdigit()):
            ids.append(int(item))
    return ids


def _column_paths(site_ids) -> dict[int, tuple[str, str, str]]:
    """column id → (path, name, column type) for every column of these sites."""
    rows = Column.objects.filter(site_id__in=site_ids).values_list("id", "parent_id", "slug", "name", "column_type")
    parents = {cid: (parent, slug) for cid, parent, slug, _, _ in rows}
    paths: dict[int, str] = {}

    def path_of(cid):
        if cid not in paths:
            parent, slug = parents[cid]
            paths[cid] = (path_of(parent) if parent in parents else "") + f"{slug}/"
        return paths[cid]

    return {cid: (path_of(cid), name, ctype) for cid, _, _, name, ctype in rows}


def _day(when: dt.datetime) -> int:
    return (timezone.localdate(when) - EPOCH).days


@dataclass(frozen=True)
class DisclosureFields:
    """What the catalogue and the policy library search by (DISC-2, DISC-5)."""

    index_number: str = ""
    document_number: str = ""
    issuing_body: str = ""
    written_on: dt.date | None = None
    issued_on: dt.date | None = None
    subject: str = ""
    validity: str = ""

    def values(self, published: dt.date) -> tuple:
        """The documents' columns from index_number to validity (search/backends/base.py COLUMNS);
        the date of issue is the page's publishing date when the document names none."""
        return (
            self.index_number[:60], self.document_number[:100], identifier_key(self.document_number)[:100],
            self.issuing_body[:200], self.written_on, self.issued_on or published, self.subject[:50],
            self.validity[:12],
        )  # fmt: skip


def catalogue_metadata(resource_ids) -> dict[int, dict]:
    """resource id → the catalogue metadata feature apps contribute (DISC-2: the disclosure app's
    catalogue entries), through the content layer's registry (resources/index_metadata.py)."""
    return index_metadata.metadata_for(resource_ids)


def _iso_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def disclosure_fields(resource: dict, metadata: dict, data: dict, entry: dict | None) -> DisclosureFields:
    """The catalogue entry's values first, then what the policy document itself says (RES-7)."""
    entry = entry or {}
    has_validity = resource["kind"] in KIND_CLASSES and kind_class(resource["kind"]).validity_history
    return DisclosureFields(
        index_number=identifier_key(
            entry.get("index_number") or resource.get("index_number") or str(data.get("index_number") or "")
        ),
        document_number=normalise(entry.get("document_number") or str(data.get("document_number") or "")),
        issuing_body=normalise(entry.get("issuing_organisation") or str(data.get("issuing_body") or "")),
        written_on=entry.get("written_on") or _iso_date(data.get("signing_date")),
        issued_on=_iso_date(data.get("publishing_date")),
        subject=normalise(entry.get("subject") or str(metadata.get("classification") or "")),
        validity=str(data.get("validity") or "") if has_validity else "",
    )


def build_rows(resource_ids) -> list[DocumentRow]:
    """The documents of these resources as they are online now (a constant number of queries)."""
    resources = {
        r["id"]: r
        for r in Resource.objects.filter(id__in=resource_ids, published_revision__isnull=False).values(
            "id",
            "site_id",
            "kind",
            "column_id",
            "published_at",
            "description",
            "source",
            "author",
            "keywords",
            "published_revision_id",
            "index_number",
        )  # fmt: skip
    }
    if not resources:
        return []
    placements = defaultdict(list)
    for pid, rid, cid, sid, placed_at in (
        Placement.objects.filter(resource_id__in=resources, status=PlacementStatus.ACTIVE)
        .order_by("id")
        .values_list("id", "resource_id", "column_id", "site_id", "placed_at")
    ):
        placements[rid].append((pid, cid, sid, placed_at))
    revisions = {
        rid: (title, metadata or {}, data or {}, asset_id)
        for rid, title, metadata, data, asset_id in Revision.objects.filter(
            id__in=[r["published_revision_id"] for r in resources.values()]
        ).values_list("resource_id", "title", "metadata", "data", "asset__text")
    }
    attachment_of = {rid: _attachment_ids(rev[2]) for rid, rev in revisions.items()}
    attachment_ids = {aid for ids in attachment_of.values() for aid in ids}
    attachment_text = dict(
        Resource.objects.filter(id__in=attachment_ids, published_revision__isnull=False).values_list(
            "id", "published_revision__asset__text"
        )
    )
    site_ids = {sid for rows in placements.values() for _, _, sid, _ in rows}
    columns = _column_paths(site_ids)
    # Pages the publisher holds back (publishing/held_back.py) are not there: no document for them.
    held = set(
        HeldBackItem.objects.filter(resource_id__in=resources, page_online=False).values_list("resource_id", "site_id")
    )
    clicks = {
        (row["resource_id"], row["site_id"]): row["n"]
        for row in SearchClick.objects.filter(resource_id__in=resources)
        .values("resource_id", "site_id")
        .annotate(n=Count("id"))
    }
    catalogue = catalogue_metadata(resources)
    seg = segmenter()
    now = timezone.now()
    rows: list[DocumentRow] = []
    for rid, resource in resources.items():
        if rid not in revisions:
            continue
        title, metadata, data, own_text = revisions[rid]
        by_site: dict[int, tuple] = {}
        for pid, cid, sid, placed_at in placements.get(rid, ()):
            if cid not in columns or (rid, sid) in held:
                continue
            home = cid == resource["column_id"]
            if sid not in by_site or (home and not by_site[sid][4]):
                by_site[sid] = (pid, cid, sid, placed_at, home)
        if not by_site:
            continue
        summary = normalise(page_text(str(data.get("summary") or ""))) or normalise(
            str(metadata.get("description") or resource["description"] or "")
        )
        texts = [page_text(text) for text in _walk_text(data) if text.strip()]
        meta_text = " ".join(str(metadata.get(key) or resource.get(key) or "") for key in METADATA_TEXT_KEYS)
        ident = disclosure_fields(resource, metadata, data, catalogue.get(rid))
        meta_text += f" {ident.index_number} {ident.document_number} {ident.issuing_body} {ident.subject}"
        if own_text:
            texts.append(own_text)
        texts += [attachment_text.get(aid) or "" for aid in attachment_of.get(rid, ())]
        content = "\n".join(t.strip() for t in texts if t and t.strip())[:MAX_CONTENT_CHARS]
        tokens = " ".join(seg.tokens(title, summary, content, meta_text))
        for pid, cid, sid, placed_at, _home in by_site.values():
            path, column_name, column_type = columns[cid]
            when = resource["published_at"] or placed_at
            if resource["kind"] in NO_PAGE_KINDS:  # a link is found at its own address
                url = str(data.get("url") or "")
            else:
                url = f"/{path}{rid}.html"
            values = (
                rid, sid, pid, cid, column_name[:50], (column_type or "")[:12], resource["kind"],
                sid != resource["site_id"], title[:300], summary[:500], content, url[:1000], when, _day(when),
                timezone.localdate(when).year, clicks.get((rid, sid), 0), now,
                *ident.values(timezone.localdate(when)),
            )  # fmt: skip
            rows.append(DocumentRow(values=values, tokens=tokens))
    return rows


def index_resources(resource_ids) -> int:
    """Rewrite the documents of these resources from what is online now; returns how many."""
    ids = sorted({int(i) for i in resource_ids})
    written = 0
    titles: set[str] = set()
    tokens: set[str] = set()
    engine = backend()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = build_rows(chunk)
        with transaction.atomic():
            engine.write(chunk, rows)
        written += len(rows)
        for row in rows:
            titles.add(row.values[8])
            tokens.update(row.tokens.split())
    if titles:
        from search.vocabulary import add_document_terms

        add_document_terms(titles, tokens)  # every new word is found by its pinyin at once
    return written


def index_columns(column_ids) -> int:
    """Columns renamed or moved: their documents (and their descendants') get new addresses."""
    columns = Column.objects.filter(pk__in=column_ids)
    if not columns:
        return 0
    all_ids = set(Column.objects.get_queryset_descendants(columns, include_self=True).values_list("pk", flat=True))
    resource_ids = set(SearchDocument.objects.filter(column_id__in=all_ids).values_list("resource_id", flat=True))
    resource_ids |= set(
        Placement.objects.filter(column_id__in=all_ids, status=PlacementStatus.ACTIVE).values_list(
            "resource_id", flat=True
        )
    )
    return index_resources(resource_ids)


def reindex_containing(word: str) -> int:
    ids = set(SearchDocument.objects.filter(content__contains=word).values_list("resource_id", flat=True))
    ids |= set(SearchDocument.objects.filter(title__contains=word).values_list("resource_id", flat=True))
    return index_resources(ids)


def online_resource_ids(site_id: int | None = None) -> list[int]:
    placements = Placement.objects.filter(status=PlacementStatus.ACTIVE, resource__published_revision__isnull=False)
    if site_id is not None:
        placements = placements.filter(site_id=site_id)
    return sorted(set(placements.values_list("resource_id", flat=True)))


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def _index_chunk(chunk: list[int]) -> int:
    rows = build_rows(chunk)
    with transaction.atomic():
        backend().write(chunk, rows)
    return len(rows)


def _parallel(workers: int, count: int) -> bool:
    """Worker processes only where they can see the committed rows and may be started: not
    inside a transaction (tests), not in a daemonic process (a Celery worker), with enough work."""
    return (
        workers > 1
        and count >= PARALLEL_MIN_RESOURCES
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and not multiprocessing.current_process().daemon
    )


def reindex(*, site_id: int | None = None, progress=None, workers: int = 1) -> dict:
    """Rebuild the index (of one site, or of everything) from what is online; then the vocabulary.

    Documents are rewritten batch by batch while search goes on; what was not rewritten is no
    longer online and is deleted at the end. `workers` > 1 (manage.py reindex): the batches are
    built and written by that many processes (forked), each with its own database connection;
    segmenting the texts is most of the work and one process uses one core.
    """
    started = time.perf_counter()
    since = timezone.now()
    engine = backend()
    ids = online_resource_ids(site_id)
    chunks = [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]
    written = done = 0
    if _parallel(workers, len(ids)):
        segmenter()  # loaded once, before the fork
        connections.close_all()  # each process opens its own
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for chunk, count in zip(chunks, pool.imap(_index_chunk, chunks), strict=True):
                written, done = written + count, done + len(chunk)
                if progress:
                    progress(done, len(ids))
    else:
        for chunk in chunks:
            written, done = written + _index_chunk(chunk), done + len(chunk)
            if progress:
                progress(done, len(ids))
    with transaction.atomic():
        engine.delete_stale(since, site_id)
    engine.analyze()
    indexing_seconds = time.perf_counter() - started
    from search.vocabulary import rebuild_vocabulary

    terms = rebuild_vocabulary()
    return {
        "resources": len(ids),
        "documents": written,
        "seconds": indexing_seconds,
        "vocabulary": terms,
        "total_seconds": time.perf_counter() - started,
    }
