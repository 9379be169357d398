"""What a search returns (SRCH-3): the filters asked for, the hits of a page, the facets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import quote

from core import weburl
from publishing.links import link_target
from resources.models import ResourceKind
from search.models import SearchScope
from search.query import Note
from sites.models import Site

POLICY_KIND = ResourceKind.POLICY.value  # the policy library's documents


@dataclass
class Filters:
    site_id: int | None = None
    column_type: str = ""
    year: int | None = None
    # The policy library (DISC-5): only policy documents, filtered by their catalogue metadata.
    kind: str = ""
    document_number: str = ""  # a part of the 文号, compared as search.text.identifier_key
    issuing_body: str = ""  # a part of the issuing body's name
    written_from: dt.date | None = None
    written_to: dt.date | None = None
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    subject: str = ""
    validity: str = ""

    @property
    def active(self) -> bool:
        return bool(self.site_id or self.column_type or self.year or self.library)

    @property
    def library(self) -> bool:
        """Searching the policy library: policies only, with its filters (DISC-5)."""
        return self.kind == POLICY_KIND or self.library_filtered

    @property
    def library_filtered(self) -> bool:
        return bool(
            self.document_number or self.issuing_body or self.written_from or self.written_to
            or self.published_from or self.published_to or self.subject or self.validity
        )  # fmt: skip


@dataclass
class Hit:
    position: int
    resource_id: int
    site_id: int
    title: object  # Markup
    url: str
    site_name: str
    external: bool
    published_at: dt.datetime
    column_name: str
    column_type: str
    snippet: object  # Markup
    click_token: str = ""
    # A policy document's catalogue metadata, shown under it in the policy library (DISC-5).
    document_number: str = ""
    issuing_body: str = ""
    written_on: dt.date | None = None
    exact: bool = False  # found by its index number or document number (DISC-2)

    @property
    def href(self) -> str:
        """The address for an href: a path of this site with Chinese segments percent-encoded; a
        page of a government site as browsers read it; anything else (a resource of the kind
        "link") through the external-link notice (LINK-3)."""
        address = weburl.parse(self.url)
        if address is not None and address.relative:
            return quote(weburl.prepare(self.url), safe="/#?=&-._~%:@!$'()*+,;")
        return link_target(self.url)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Outcome:
    site: Site
    query: str
    scope: str
    filters: Filters
    page: int = 1
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    capped: bool = False  # more than COUNT_LIMIT matches: total and facets count the first ones
    pages: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    message: str = ""  # empty | nothing | page_range
    corrected_from: str = ""  # results shown for `query`, corrected from this
    did_you_mean: str = ""
    log_id: int | None = None

    @property
    def platform_wide(self) -> bool:
        return self.scope == SearchScope.PLATFORM
