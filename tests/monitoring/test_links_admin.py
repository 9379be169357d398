"""The back office's friendly links and link problems (LINK-2, LINK-4): scoped to the user's sites,
proposals through the action, approval by another site administrator from the list, in Chinese."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils import translation

from monitoring.friend_links import propose_friend_link
from monitoring.models.links import FriendLink, FriendLinkState, LinkFinding, LinkKind, LinkProblem
from sites.models import Role
from tests.factories import SiteFactory
from tests.helpers import admin_url, log_in


@pytest.fixture
def sites(db, make_member):
    a, b = SiteFactory(), SiteFactory()
    people = {
        "editor": make_member(a, Role.EDITOR),
        "admin": make_member(a, Role.SITE_ADMIN),
        "admin2": make_member(a, Role.SITE_ADMIN),
        "b_editor": make_member(b, Role.EDITOR),
    }
    link_b = propose_friend_link(b, name="乙站的友情链接", url="https://www.b.gov.cn/", acting_user=people["b_editor"])
    return a, b, people, link_b


def chinese(client, url, data=None):
    with translation.override("zh-hans"):
        if data is None:
            return client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        return client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)


def test_link4_an_editor_proposes_and_another_administrator_approves(sites, backoffice_client):
    a, _b, people, link_b = sites
    log_in(backoffice_client, people["editor"])
    response = chinese(backoffice_client, admin_url("monitoring_friendlink_add"),
                       {"site": a.pk, "name": "示例省人民政府", "url": "https://www.sheng.gov.cn/", "sort_order": 0})  # fmt: skip
    link = FriendLink.objects.get(site=a)
    assert link.state == FriendLinkState.PROPOSED and link.proposed_by == people["editor"]
    page = chinese(backoffice_client, admin_url("monitoring_friendlink_changelist")).content.decode()
    assert "示例省人民政府" in page and link_b.name not in page  # another site's links are not listed
    assert chinese(backoffice_client, admin_url("monitoring_friendlink_change", link_b.pk)).status_code == 404

    log_in(backoffice_client, people["admin"])
    response = chinese(backoffice_client, admin_url("monitoring_friendlink_changelist"),
                       {"action": "approve", ACTION_CHECKBOX_NAME: [link.pk, link_b.pk]})  # fmt: skip
    link.refresh_from_db()
    link_b.refresh_from_db()
    assert link.state == FriendLinkState.APPROVED and link.decided_by == people["admin"]
    assert link_b.state == FriendLinkState.PROPOSED  # not among the administrator's rows
    assert "已审核通过 1 个链接" in response.content.decode()


def test_link4_the_proposer_cannot_approve_from_the_list(sites, backoffice_client):
    a, _b, people, _link_b = sites
    link = propose_friend_link(a, name="示例县人民政府", url="https://www.xian.gov.cn/", acting_user=people["admin"])
    log_in(backoffice_client, people["admin"])
    response = chinese(backoffice_client, admin_url("monitoring_friendlink_changelist"),
                       {"action": "approve", ACTION_CHECKBOX_NAME: [link.pk]})  # fmt: skip
    link.refresh_from_db()
    assert link.state == FriendLinkState.PROPOSED
    assert "友情链接须由提出人以外的人员审核" in response.content.decode()


def test_link2_link_problems_listed_per_editor_of_the_users_sites(sites, backoffice_client):
    a, b, people, _link_b = sites
    LinkFinding.objects.create(site=a, page_path="xwzx/1.html", url="/甲站断链.html", kind=LinkKind.INTERNAL,
                               problem=LinkProblem.BROKEN, detail="本站无此页面", responsible=people["editor"])  # fmt: skip
    LinkFinding.objects.create(site=b, page_path="xwzx/2.html", url="/乙站断链.html", kind=LinkKind.INTERNAL,
                               problem=LinkProblem.BROKEN, detail="本站无此页面")  # fmt: skip
    log_in(backoffice_client, people["editor"])
    url = admin_url("monitoring_linkfinding_changelist") + f"?responsible__id__exact={people['editor'].pk}"
    page = chinese(backoffice_client, url).content.decode()
    assert "/甲站断链.html" in page and "断链" in page and "/乙站断链.html" not in page
