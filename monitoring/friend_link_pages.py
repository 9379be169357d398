"""The links area (友情链接) of a site's home page (LINK-4), through the publisher's extension point
(publishing/extensions.py `home_section`), registered from monitoring/apps.py.

It lists the site's approved links (flagged ones too: a person decides about them; dropped ones
not), in their order. Addresses of non-government hosts go through the external-link notice
like every other link to them (publishing.links.link_target, LINK-3). One query per rendering of
the home page; a change of what the area shows publishes the site (monitoring/friend_links.py).
"""

from __future__ import annotations

from monitoring.models.links import SHOWN_STATES, FriendLink
from publishing import extensions
from publishing.extensions import PageProvider, SitePages
from publishing.links import link_target

KEY_KIND = "friend_links"
TEMPLATE = "_friend_links.html"


def shown_links(site_id: int) -> list[dict]:
    rows = FriendLink.objects.filter(site_id=site_id, state__in=SHOWN_STATES).order_by("sort_order", "id")
    return list(rows.values("name", "url"))


class FriendLinkArea(SitePages):
    def home_section(self, page) -> str | None:
        links = shown_links(self.renderer.site.id)
        if not links:
            return None
        own = {domain.lower() for domain in [self.renderer.site.domain, *self.renderer.site.english_domains]}
        entries = [{"name": row["name"], "href": link_target(row["url"], own)} for row in links]
        return self.renderer.template(TEMPLATE).render({"links": entries})


class FriendLinkProvider(PageProvider):
    key_kind = KEY_KIND

    def for_site(self, renderer) -> SitePages:
        return FriendLinkArea(renderer)


def connect() -> None:
    extensions.register(FriendLinkProvider())
