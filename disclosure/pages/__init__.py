"""The published pages of information disclosure (DISC-1 to DISC-3, DISC-5), added to every site
through the publisher's extension point (publishing/extensions.py), registered from
disclosure/apps.py:

- rows.py: what the lists show, read for a whole site in one query;
- listing.py: the lists (facets) of the catalogue and of the policy library, and their addresses;
- site_pages.py: the pages of one site, the header table of item pages, incremental publishing.
"""

from __future__ import annotations

from disclosure.pages.listing import CATALOGUE_TYPE, ON_REQUEST_TYPE
from disclosure.pages.rows import shown_catalogue
from disclosure.pages.site_pages import KEY_KIND, DisclosurePages
from publishing.extensions import PageProvider


class DisclosureProvider(PageProvider):
    key_kind = KEY_KIND
    dynamic_paths = ("disclosure/",)  # the online application and its status page (public process)

    def __init__(self):
        # The lists of the last site loaded, shared by the renderers of one publish (the planner's
        # and the publisher's), compared by identity with their SiteData.
        self.cache: dict = {}

    def visible_columns(self, data) -> set[int]:
        """依申请公开 always explains how to apply; 信息公开目录 shows the catalogue once it has items."""
        out = {c.id for c in data.columns.values() if c.column_type == ON_REQUEST_TYPE}
        catalogues = {c.id for c in data.columns.values() if c.column_type == CATALOGUE_TYPE}
        if catalogues and shown_catalogue(data.site.id, data.hidden).exists():
            out |= catalogues
        return out

    def for_site(self, renderer) -> DisclosurePages:
        return DisclosurePages(renderer, self.cache)


provider = DisclosureProvider()
