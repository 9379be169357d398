"""The work page (工作台) per role, its isolation between sites, and its cost (issue 14 items 1 and 2).

Sites 甲 (A) and 乙 (B) of tests/backoffice/conftest.py, each with an editor, a reviewer and a
site administrator. Content is written and moved through the workflow's actions.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auditlog import audit
from auditlog.events import AuditEvent
from editorial import placements, workflow
from lifecycle.models import ApplicationKind, SiteApplication
from sites.models import SiteStatus
from tests.helpers import admin_url
from tests.resources.factories import make_article

pytestmark = pytest.mark.django_db

MAX_QUERIES = 15


def write(team, title, column=0, **data):
    return make_article(team.site, team.users["editor"], title=title, column=team.columns[column], **data)


def fill(team, prefix: str, n: int = 5) -> dict:
    """`n` resources of each state the editor's panels show: drafts, returned, in review, published."""
    editor, reviewer = team.users["editor"], team.users["reviewer"]
    made = {"draft": [], "returned": [], "in_review": [], "published": []}
    for number in range(n):
        made["draft"].append(write(team, f"{prefix}草稿{number}"))
        returned = write(team, f"{prefix}退回{number}")
        workflow.submit(returned, acting_user=editor)
        workflow.return_(returned, reason=f"{prefix}请补充数据{number}", acting_user=reviewer)
        made["returned"].append(returned)
        waiting = write(team, f"{prefix}待审{number}")
        workflow.submit(waiting, acting_user=editor)
        made["in_review"].append(waiting)
        online = write(team, f"{prefix}已发{number}")
        workflow.submit(online, acting_user=editor)
        workflow.approve(online, acting_user=reviewer)
        made["published"].append(online)
    return made


def panels(response) -> dict:
    """{panel key: (count, [row texts])} of a work page."""
    return {
        panel.key: (panel.count, [row.text for row in panel.rows])
        for section in response.context["sections"]
        for panel in section.panels
    }


def sections_of(response) -> list[str]:
    return [section.role for section in response.context["sections"]]


def work_page(login, user, **headers):
    response = login(user).get(admin_url("index"), **headers)
    assert response.status_code == 200
    return response


# --- per role -------------------------------------------------------------------------------------


def test_editor_sees_drafts_returned_waiting_published_and_offers(sites, login):  # issue 14 item 1
    a, b = sites.a, sites.b
    fill(a, "甲", n=2)
    offered = write(b, "乙转载稿件")
    workflow.submit(offered, acting_user=b.users["editor"])
    workflow.approve(offered, acting_user=b.users["reviewer"])
    placements.place(offered, a.columns[2], acting_user=b.users["editor"])  # B offers it to A

    response = work_page(login, a.users["editor"])

    assert sections_of(response) == ["editor"]
    shown = panels(response)
    assert shown["drafts"][0] == 2 and set(shown["drafts"][1]) == {"甲草稿0", "甲草稿1"}
    assert shown["returned"][0] == 2
    assert shown["in_review"][0] == 2
    assert shown["published"][0] == 2
    assert shown["reposts"] == (1, ["乙转载稿件"])
    text = response.content.decode()
    assert "甲请补充数据1" in text  # the return reason is shown


def test_every_row_links_to_its_page(sites, login):  # issue 14 item 1
    a = sites.a
    made = fill(a, "甲", n=1)
    response = work_page(login, a.users["editor"])

    rows = {row.text: row.url for section in response.context["sections"] for p in section.panels for row in p.rows}
    assert rows["甲草稿0"] == admin_url("resources_resource_change", made["draft"][0].pk)
    assert rows["甲退回0"] == admin_url("resources_resource_change", made["returned"][0].pk)
    for url in rows.values():
        assert login(a.users["editor"]).get(url).status_code == 200


def test_reviewer_sees_the_queue_by_level_flagged_first(sites, login):  # issue 14 item 1
    a = sites.a
    fill(a, "甲", n=2)
    flagged = write(a, "甲带手机号码的稿件", body="<p>联系电话13912345678。</p>")
    workflow.submit(flagged, acting_user=a.users["editor"])

    response = work_page(login, a.users["reviewer"])

    assert sections_of(response) == ["reviewer"]
    shown = panels(response)
    assert shown["queue"][0] == 3
    assert shown["queue"][1][0] == "甲带手机号码的稿件"  # flagged first
    assert shown["queue"][1][1:] == ["甲待审0", "甲待审1"]  # then the oldest
    assert shown["levels"][0] == 3 and len(shown["levels"][1]) == 1  # one level, three items
    nav = {entry.key: entry for entry in response.context["job_nav"]}
    assert nav["review"].count == 3


def test_site_admin_sees_state_steps_roles_and_activity(sites, login):  # issue 14 item 1
    a = sites.a
    SiteApplication.objects.create(site=a.site, kind=ApplicationKind.OFFLINE, reason="机房搬迁")

    response = work_page(login, a.users["admin"], HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert sections_of(response) == ["site_admin"]
    shown = panels(response)
    state = shown["site_state"][1]
    assert any("机构职能" in text for text in state)  # a required column kind is missing
    assert any("甲图片新闻" in text for text in state) or shown["site_state"][0] > len(state)  # empty columns
    assert shown["lifecycle"][0] == 1
    assert shown["roles"][0] == 3  # editor, reviewer, administrator
    assert shown["activity"][0] >= 3  # the roles granted and columns created by the fixture
    text = response.content.decode()
    assert "授予角色" in text  # audit entries by their Chinese labels, not their codes
    assert "role.grant" not in text


def test_platform_admin_sees_decisions_sites_alarms_lockouts_and_audit(sites, login, platform_admin):  # issue 14
    a, b = sites.a, sites.b
    SiteApplication.objects.create(
        site=a.site, kind=ApplicationKind.OFFLINE, reason="机房搬迁", applied_by=a.users["admin"]
    )
    b.site.status = SiteStatus.OFFLINE
    b.site.save(update_fields=["status"])
    audit.record(AuditEvent.PUBLISH_TAMPERED, site=a.site, details={"changed": 1})

    response = work_page(login, platform_admin)

    assert sections_of(response) == ["platform"]
    shown = panels(response)
    assert shown["applications"][0] == 1
    assert shown["sites_down"] == (1, [str(b.site)])
    assert shown["tamper"][0] == 1
    assert shown["lockouts"][0] == 0
    assert shown["audit"][0] >= 1
    nav = {entry.key: entry for entry in response.context["job_nav"]}
    assert set(nav) == {"work", "content", "disclosure", "interaction", "sites", "monitoring", "platform"}
    assert nav["platform"].count == 1


def test_navigation_shows_only_what_the_role_may_use(sites, login, platform_admin):  # issue 14 item 2
    def nav(user):
        return {entry.key for entry in work_page(login, user).context["job_nav"]}

    # information disclosure (DISC-2, DISC-3): the catalogue for those who write or review,
    # applications for reviewers and site administrators; letters and error reports (INT-2,
    # INT-3) for reviewers and site administrators
    assert nav(sites.a.users["editor"]) == {"work", "content", "disclosure"}
    assert nav(sites.a.users["reviewer"]) == {"work", "content", "review", "disclosure", "interaction"}
    assert nav(sites.a.users["admin"]) == {"work", "content", "disclosure", "interaction", "sites", "monitoring"}
    assert nav(platform_admin) == {"work", "content", "disclosure", "interaction", "sites", "monitoring", "platform"}
    # every link of the navigation opens for its user
    for user in (sites.a.users["editor"], sites.a.users["reviewer"], sites.a.users["admin"], platform_admin):
        client = login(user)
        for entry in client.get(admin_url("index")).context["job_nav"]:
            for url in [entry.url, *(link.url for link in entry.links)]:
                assert client.get(url).status_code == 200, (user.username, url)


def test_navigation_counts_on_other_pages(sites, login):  # issue 14 item 2
    a = sites.a
    fill(a, "甲", n=1)
    response = login(a.users["editor"]).get(admin_url("resources_resource_changelist"))

    nav = {entry.key: entry for entry in response.context["job_nav"]}
    assert nav["content"].count == 1  # returned to me
    assert nav["content"].current


# --- isolation ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "reviewer", "admin"])
def test_nothing_of_another_site_is_shown(sites, login, role):  # SEC-3, issue 14 item 1
    fill(sites.a, "甲", n=2)
    fill(sites.b, "乙", n=2)
    SiteApplication.objects.create(site=sites.b.site, kind=ApplicationKind.OFFLINE, reason="乙机房搬迁")

    response = work_page(login, sites.a.users[role])

    text = response.content.decode()
    assert "乙" not in text.split('id="content-main"')[1], [m for m in sites.b.markers if m in text]
    assert not [marker for marker in sites.b.markers if marker in text]


# --- cost -----------------------------------------------------------------------------------------


def page_queries(client) -> int:
    client.get(admin_url("index"))  # warm: sessions, content types
    with CaptureQueriesContext(connection) as captured:
        response = client.get(admin_url("index"))
    assert response.status_code == 200
    return len(captured)


def test_query_count_is_the_same_at_5_and_50_resources(sites, login, platform_admin):  # issue 14 item 1
    a = sites.a
    users = [a.users["editor"], a.users["reviewer"], a.users["admin"], platform_admin]
    fill(a, "甲", n=1)  # 4 resources, one per state, + 1 below = 5
    write(a, "甲另一篇草稿")
    few = {user.username: page_queries(login(user)) for user in users}
    fill(a, "甲多", n=11)  # + 44 + 1 = 50
    write(a, "甲又一篇草稿")
    many = {user.username: page_queries(login(user)) for user in users}

    assert few == many
    assert max(many.values()) <= MAX_QUERIES, many


# --- the library's status tabs ----------------------------------------------------------------------


def test_library_has_status_tabs_with_counts(sites, login):  # issue 14 item 2
    a = sites.a
    fill(a, "甲", n=2)
    write(a, "甲第三篇草稿", column=2)
    client = login(a.users["editor"])

    response = client.get(admin_url("resources_resource_changelist") + f"?column={a.columns[2].pk}")

    tabs = {tab["status"]: tab for tab in response.context["status_tabs"]}
    assert tabs["draft"]["count"] == 1  # the column filter is kept: its one draft
    assert tabs[""]["current"] and tabs[""]["count"] == 1
    everything = {
        t["status"]: t["count"]
        for t in client.get(admin_url("resources_resource_changelist")).context["status_tabs"]
    }
    assert everything == {"": 9, "draft": 3, "in_review": 2, "published": 2, "returned": 2}
    drafts_tab = client.get(admin_url("resources_resource_changelist") + tabs["draft"]["url"])
    assert [r.title for r in drafts_tab.context["cl"].result_list] == ["甲第三篇草稿"]


def test_library_shows_the_sites_column_tree_leading_to_its_items(sites, login):  # issue 14 item 2
    a, b = sites.a, sites.b
    write(a, "甲栏目二的文章", column=2)
    write(a, "甲栏目零的文章", column=0)
    client = login(a.users["editor"])

    page = client.get(admin_url("resources_resource_changelist"))
    tree = page.context["column_tree"]
    assert [c["name"] for c in tree] == [c.name for c in sorted(a.columns, key=lambda c: (c.tree_id, c.lft))]
    assert not {c.name for c in b.columns} & {c["name"] for c in tree}  # only the user's site
    chosen = next(c for c in tree if c["name"] == a.columns[2].name)
    listed = client.get(admin_url("resources_resource_changelist") + chosen["url"])
    assert [r.title for r in listed.context["cl"].result_list] == ["甲栏目二的文章"]
    html = listed.content.decode()
    assert 'aria-label="本站栏目"' in html and 'aria-current="page">' + a.columns[2].name in html
