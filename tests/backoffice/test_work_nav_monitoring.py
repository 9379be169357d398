"""The job navigation's 监测 entry leads to the supervision pages (OPS-2, OPS-3, OPS-5, OPS-7, PUB-6,
LINK-2, LINK-4): each page the user may open, none that would refuse them, every link opening."""

import pytest

from tests.helpers import admin_url

pytestmark = pytest.mark.django_db


def _links(login, user) -> dict[str, str]:
    response = login(user).get(admin_url("index"))
    assert response.status_code == 200
    nav = {entry.key: entry for entry in response.context["job_nav"]}
    return {link.url: link.label for link in nav["monitoring"].links} if "monitoring" in nav else {}


def _opens(login, user, urls) -> None:
    client = login(user)
    for url in urls:
        assert client.get(url).status_code == 200, (user.username, url)


def test_platform_administrators_reach_every_supervision_page(sites, login, platform_admin):
    links = _links(login, platform_admin)

    for name in ("monitoring_overview", "monitoring_spot_checks", "monitoring_rectification",
                 "monitoring_annual_reports", "monitoring_reposts", "monitoring_friendlink_changelist",
                 "monitoring_linkfinding_changelist"):  # fmt: skip
        assert admin_url(name) in links, name
    _opens(login, platform_admin, links)


def test_site_administrators_reach_their_orders_reports_reposts_and_links(sites, login):
    admin = sites.a.users["admin"]
    links = _links(login, admin)

    for name in ("monitoring_overview", "monitoring_rectification", "monitoring_annual_reports",
                 "monitoring_reposts", "monitoring_friendlink_changelist", "monitoring_linkfinding_changelist"):
        assert admin_url(name) in links, name
    assert admin_url("monitoring_spot_checks") not in links  # platform administrators only (OPS-2)
    _opens(login, admin, links)


def test_editors_reach_the_reposts_offered_to_their_site(sites, login):
    """PUB-6: the target site's editors answer the offers: the page is in their 内容 entry."""
    editor = sites.a.users["editor"]
    response = login(editor).get(admin_url("index"))
    nav = {entry.key: entry for entry in response.context["job_nav"]}

    assert "monitoring" not in nav
    assert admin_url("monitoring_reposts") in [link.url for link in nav["content"].links]
    _opens(login, editor, [admin_url("monitoring_reposts")])


def test_reviewers_reach_the_reposts_page_from_their_review_entry(sites, login):
    """PUB-6: a portal's reviewers mark important items; a site's reviewers see its offers."""
    reviewer = sites.a.users["reviewer"]
    response = login(reviewer).get(admin_url("index"))
    nav = {entry.key: entry for entry in response.context["job_nav"]}

    assert admin_url("monitoring_reposts") in [link.url for link in nav["review"].links]
    _opens(login, reviewer, [admin_url("monitoring_reposts")])
