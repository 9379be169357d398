"""What the disclosure pages list, read for a whole site in one query (DISC-2, DISC-5).

A `Row` is one item shown on the site (an ACTIVE placement of an online resource, as the
publisher's `shown_placements`, less the items held back) that is either in the site's catalogue
(a CatalogueEntry of one of the site's organisations) or a policy document placed under a policy
library column. The row holds its title, its page, the columns placing it and the values of its
header table: the catalogue entry's first, then the kind's own fields (Kind.header_keys), then the
organisation's name as the issuing body. Kinds without a page of their own (links) are left out:
what they point to is catalogued where it is published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Q, When
from django.db.models.fields.json import KeyTextTransform

from disclosure.models import CatalogueEntry, Organisation, SubjectCategory
from publishing.jinja import day
from publishing.site_loading import shown_placements
from publishing.sitedata import SiteData
from resources.kinds_registry import KIND_CLASSES, NO_PAGE_KINDS
from resources.models import ResourceKind

POLICY = ResourceKind.POLICY
HEADER_NAMES = ("index_number", "issuing_body", "written_on", "document_number", "published_on")


@dataclass(slots=True, eq=False)
class Row:
    resource_id: int
    kind: str
    title: str
    url: str
    published_at: dt.datetime
    columns: set[int] = field(default_factory=set)
    catalogued: bool = False  # an entry of one of this site's organisations
    subject_id: int | None = None
    organisation_id: int | None = None
    values: dict[str, str] = field(default_factory=dict)  # header fields (publishing/extensions.py)
    validity: str = ""

    @property
    def order(self) -> tuple:
        """Oldest first: new items are appended, so numbered pages stay as they are (COL-5)."""
        return (self.published_at, self.resource_id)

    @property
    def year(self) -> int:
        return int(self.values["published_on"][:4]) if "published_on" in self.values else self.published_at.year


def _iso_day(text) -> str:
    """A date from an item's data as YYYY-MM-DD, or "" when it is not one (data written by hand or
    by an old form may hold anything, including JSON's null read as text)."""
    try:
        return dt.date.fromisoformat(str(text)[:10]).isoformat() if text else ""
    except ValueError:
        return ""


def _kind_value(name: str):
    """The data key holding header field `name` for each kind that has it (Kind.header_keys)."""
    whens = [
        When(resource__kind=kind, then=KeyTextTransform(cls.header_keys[name], "resource__published_revision__data"))
        for kind, cls in KIND_CLASSES.items()
        if name in cls.header_keys
    ]
    return Case(*whens, output_field=CharField()) if whens else Case(default=None, output_field=CharField())


def shown_catalogue(site_id: int, hidden=()):
    """Shown placements of items catalogued by the site's organisations (kinds with a page)."""
    return (
        shown_placements(site_id, hidden)
        .filter(resource__catalogue_entry__organisation__site_id=site_id)
        .exclude(resource__kind__in=NO_PAGE_KINDS)
    )


def load_rows(data: SiteData, library_columns: set[int], resource_ids=None, names=None) -> dict[int, Row]:
    """resource id -> Row: the catalogue of the site and the policies of the library columns (1 query);
    of these resources only, when given. `names`: organisations(site) when already read."""
    site_id = data.site.id
    wanted = Q(resource__catalogue_entry__organisation__site_id=site_id)
    if library_columns:
        wanted |= Q(resource__kind=POLICY, column_id__in=sorted(library_columns))
    shown = shown_placements(site_id, data.hidden)
    if resource_ids is not None:
        shown = shown.filter(resource_id__in=sorted(resource_ids))
    query = (
        shown
        .filter(wanted)
        .exclude(resource__kind__in=NO_PAGE_KINDS)
        .annotate(
            **{f"k_{name}": _kind_value(name) for name in HEADER_NAMES},
            k_validity=Case(
                When(resource__kind=POLICY, then=KeyTextTransform("validity", "resource__published_revision__data")),
                output_field=CharField(),
            ),
        )
        .order_by("id")
        .values_list(
            "id", "resource_id", "column_id", "resource__column_id", "resource__kind", "resource__published_at",
            "placed_at", "resource__published_revision__title", "resource__index_number",
            "resource__catalogue_entry__organisation__site_id", "resource__catalogue_entry__index_number",
            "resource__catalogue_entry__subject_id", "resource__catalogue_entry__organisation_id",
            "resource__catalogue_entry__document_number", "resource__catalogue_entry__issuing_organisation",
            "resource__catalogue_entry__written_on", *[f"k_{name}" for name in HEADER_NAMES], "k_validity",
        )
    )  # fmt: skip
    rows: dict[int, Row] = {}
    homes: dict[int, bool] = {}  # resource -> its page is in its home column
    organisations = (
        names if names is not None else dict(Organisation.objects.filter(site_id=site_id).values_list("id", "name"))
    )
    for (_pid, rid, cid, home, kind, published_at, placed_at, title, own_index, entry_site, index_number, subject,
         organisation, document_number, issuing, written_on, k_index, k_issuing, k_written, k_number, k_published,
         validity) in query:  # fmt: skip
        col = data.columns.get(cid)
        if col is None:
            continue
        row = rows.get(rid)
        if row is None:
            when = published_at or placed_at
            values = {
                "index_number": index_number or k_index or own_index or "",
                "issuing_body": issuing or k_issuing or organisations.get(organisation, ""),
                "written_on": written_on.isoformat() if written_on else _iso_day(k_written),
                "document_number": document_number or k_number or "",
                "published_on": _iso_day(k_published) or day(when),
            }
            row = rows[rid] = Row(
                resource_id=rid, kind=kind, title=title, url=f"/{col.path}{rid}.html", published_at=when,
                catalogued=entry_site == site_id, subject_id=subject if entry_site == site_id else None,
                organisation_id=organisation if entry_site == site_id else None,
                values={k: str(v) for k, v in values.items() if v}, validity=validity or "valid",
            )  # fmt: skip
            homes[rid] = cid == home
        elif cid == home and not homes[rid]:  # the page in its home column, as SiteData.url_of
            row.url, homes[rid] = f"/{col.path}{rid}.html", True
        row.columns.add(cid)
    return rows


def subjects() -> dict[int, tuple[str, str, int]]:
    """id -> (code, name, rank) of the platform's subject list (a few dozen rows), in its order."""
    rows = SubjectCategory.objects.order_by("position", "id").values_list("id", "code", "name")
    return {pk: (code, name, rank) for rank, (pk, code, name) in enumerate(rows)}


def organisations(site_id: int) -> dict[int, str]:
    return dict(Organisation.objects.filter(site_id=site_id).values_list("id", "name"))


def entry_headers(resource_ids) -> dict[int, dict[str, str]]:
    """The catalogue values of item pages' header tables, for a batch of items (1 query)."""
    rows = CatalogueEntry.objects.filter(resource_id__in=sorted(resource_ids)).values_list(
        "resource_id", "index_number", "subject__name", "document_number", "issuing_organisation",
        "organisation__name", "written_on",
    )  # fmt: skip
    out = {}
    for rid, index_number, subject, number, issuing, organisation, written_on in rows:
        values = {
            "index_number": index_number,
            "subject": subject or "",
            "document_number": number,
            "issuing_body": issuing or organisation,
            "written_on": written_on.isoformat() if written_on else "",
        }
        out[rid] = {k: v for k, v in values.items() if v}
    return out
