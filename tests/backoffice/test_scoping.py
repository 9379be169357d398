"""Tenant isolation in the back office: staff of site 甲 (A) never see or touch site 乙 (B).

Every back-office URL of B's objects is walked as A's editor, reviewer and site administrator.
"""

import pytest

from columns.models import Column
from sites.models import Membership, Site
from tests.factories import UserFactory
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db

A_ROLES = ["editor", "reviewer", "admin"]
STANDARD_VIEWS = ("{}_change", "{}_history", "{}_delete")
OBJECT_VIEWS = {
    "site": ("sites_site", STANDARD_VIEWS),
    "column": ("columns_column", STANDARD_VIEWS),
    "membership": ("sites_membership", STANDARD_VIEWS),
    "auditentry": ("auditlog_auditentry", STANDARD_VIEWS),
    "user": ("accounts_user", ("{}_change", "{}_history", "auth_user_password_change")),
}


def objects_of(b, kind):
    return {
        "site": [b.site],
        "column": b.columns,
        "membership": b.memberships,
        "auditentry": b.entries,
        "user": list(b.users.values()),
    }[kind]


def object_pages(b, kind):
    prefix, views = OBJECT_VIEWS[kind]
    assert objects_of(b, kind), f"site B has no {kind} to try"
    return [admin_url(view.format(prefix), obj.pk) for obj in objects_of(b, kind) for view in views]


def leaks(response, markers) -> list[str]:
    text = response.content.decode()
    return [marker for marker in markers if marker in text]


@pytest.mark.parametrize("kind", OBJECT_VIEWS)
@pytest.mark.parametrize("role", A_ROLES)
def test_staff_of_a_cannot_open_any_page_of_bs_objects(sites, login, role, kind):  # SEC-3, PUB-1
    client = login(sites.a.users[role])
    failures = []

    for url in object_pages(sites.b, kind):
        response = client.get(url)
        if response.status_code not in (403, 404) or leaks(response, sites.b.markers):
            failures.append(f"{url} -> {response.status_code} {leaks(response, sites.b.markers)}")

    assert not failures, "\n".join(failures)


CHANGELISTS = [
    "index",
    "sites_site_changelist",
    "columns_column_changelist",
    "sites_membership_changelist",
    "auditlog_auditentry_changelist",
    "accounts_user_changelist",
    "columns_column_add",
    "sites_membership_add",
]


@pytest.mark.parametrize("role", A_ROLES)
def test_lists_and_forms_show_nothing_of_b(sites, login, role):  # SEC-3, PUB-1
    client = login(sites.a.users[role])
    b_site = sites.b.site.pk
    failures, shown = [], 0

    for name in CHANGELISTS:
        for query in ("", f"?site__id__exact={b_site}", f"?site={b_site}", "?q=乙", f"?site__id__exact={b_site}&e=1"):
            url = admin_url(name) + query
            response = client.get(url, follow=True)
            if response.status_code == 200:
                shown += 1
            elif response.status_code != 403:
                failures.append(f"{url} -> {response.status_code}")
            if leaks(response, sites.b.markers):
                failures.append(f"{url} shows {leaks(response, sites.b.markers)}")

    assert not failures, "\n".join(failures)
    assert shown  # the pages that staff may see were really looked at


@pytest.mark.parametrize("role", A_ROLES)
def test_staff_see_their_own_sites_columns(sites, login, role):  # PUB-1
    response = login(sites.a.users[role]).get(admin_url("columns_column_changelist"))

    assert response.status_code == 200
    assert "甲要闻动态" in response.content.decode()
    assert "甲图片新闻" in response.content.decode()


def test_site_admin_sees_the_audit_log_of_their_site_only(sites, login):  # SEC-2
    response = login(sites.a.users["admin"]).get(admin_url("auditlog_auditentry_changelist"))

    assert response.status_code == 200
    assert "甲要闻动态" in response.content.decode()
    assert leaks(response, sites.b.markers) == []


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_editors_and_reviewers_have_no_audit_log(sites, login, role):  # SEC-2
    response = login(sites.a.users[role]).get(admin_url("auditlog_auditentry_changelist"))

    assert response.status_code == 403


# --- attempts to change B ------------------------------------------------------------------------


def site_snapshot(site):
    return Site.objects.filter(pk=site.pk).values().get()


def tree_snapshot(b):
    return list(
        Column.objects.filter(site=b.site)
        .order_by("pk")
        .values_list("pk", "parent_id", "lft", "rght", "tree_id", "level", "sort_order", "name")
    )


@pytest.mark.parametrize("role", A_ROLES)
def test_changing_site_b_is_refused(sites, login, role):  # SEC-3, PUB-1
    before = site_snapshot(sites.b.site)
    data = {"name": "被篡改", "unit_name": "被篡改", "kind": "portal", "organiser": "x", "contact_phone": "110",
            "contact_email": "x@example.gov.cn", "contact_address": "x", "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0"}  # fmt: skip

    response = login(sites.a.users[role]).post(admin_url("sites_site_change", sites.b.site.pk), data)

    assert response.status_code in (403, 404)
    assert site_snapshot(sites.b.site) == before


@pytest.mark.parametrize("role", A_ROLES)
def test_adding_a_column_to_site_b_is_refused(sites, login, role):  # SEC-3, PUB-1
    before = tree_snapshot(sites.b)
    client = login(sites.a.users[role])
    base = {"name": "冒名栏目", "slug": "mmlm", "column_type": "工作动态", "description": "x", "sort_order": "0",
            "review_levels": "1", "responsible_person": "x"}  # fmt: skip

    attempts = [
        {**base, "site": sites.b.site.pk},
        {**base, "site": sites.b.site.pk, "parent": sites.b.columns[0].pk},
        {**base, "site": sites.a.site.pk, "parent": sites.b.columns[0].pk},
    ]
    for data in attempts:
        response = client.post(admin_url("columns_column_add"), data)
        assert response.status_code in (200, 403)  # the form again, with an error; or no access at all
        assert leaks(response, sites.b.markers) == []

    assert tree_snapshot(sites.b) == before
    assert not Column.objects.filter(name="冒名栏目").exists()


@pytest.mark.parametrize("role", A_ROLES)
def test_changing_a_column_of_b_is_refused(sites, login, role):  # SEC-3, PUB-1
    before = tree_snapshot(sites.b)
    column = sites.b.columns[2]
    data = {"name": "被篡改", "slug": column.slug, "column_type": "工作动态", "description": "x", "sort_order": "0",
            "review_levels": "1", "responsible_person": "x"}  # fmt: skip

    response = login(sites.a.users[role]).post(admin_url("columns_column_change", column.pk), data)

    assert response.status_code in (403, 404)
    assert tree_snapshot(sites.b) == before


@pytest.mark.parametrize("role", A_ROLES)
def test_deleting_bs_objects_is_refused(sites, login, role):  # SEC-3, PUB-1
    client = login(sites.a.users[role])
    leaf, membership = sites.b.columns[2], sites.b.memberships[0]

    responses = [
        client.post(admin_url("columns_column_delete", leaf.pk), {"post": "yes"}),
        client.post(admin_url("sites_membership_delete", membership.pk), {"post": "yes"}),
        client.post(
            admin_url("columns_column_changelist"),
            {"action": "delete_selected", "_selected_action": [c.pk for c in sites.b.columns], "post": "yes"},
        ),
        client.post(
            admin_url("sites_membership_changelist"),
            {"action": "delete_selected", "_selected_action": [m.pk for m in sites.b.memberships], "post": "yes"},
        ),
    ]

    assert [r.status_code for r in responses[:2]] in ([404, 404], [403, 403], [404, 403], [403, 404])
    assert Column.objects.filter(site=sites.b.site).count() == 3
    assert Membership.objects.filter(site=sites.b.site).count() == len(sites.b.memberships)


@pytest.mark.parametrize("role", A_ROLES)
def test_granting_a_role_on_site_b_is_refused(sites, login, role):  # PUB-1
    newcomer = UserFactory(username="newcomer")
    client = login(sites.a.users[role])

    for data in (
        {"user": newcomer.pk, "site": sites.b.site.pk, "role": "editor"},
        {"user": newcomer.pk, "site": sites.b.site.pk, "role": "site_admin"},
        {"user": sites.a.users[role].pk, "site": sites.b.site.pk, "role": "reviewer"},
    ):
        response = client.post(admin_url("sites_membership_add"), data)
        assert response.status_code in (200, 403)

    assert Membership.objects.filter(site=sites.b.site).count() == len(sites.b.memberships)
    assert not Membership.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize("role", A_ROLES)
@pytest.mark.parametrize("cut, pasted_on", [("b", "b"), ("a", "b"), ("b", "a")])
def test_drag_moving_columns_of_b_is_refused(sites, login, role, cut, pasted_on):  # SEC-3, COL-1
    before_a, before_b = tree_snapshot(sites.a), tree_snapshot(sites.b)
    client = login(sites.a.users[role])
    columns = {"a": sites.a.columns, "b": sites.b.columns}

    response = client.post(
        admin_url("columns_column_changelist"),
        {
            "cmd": "move_node",
            "cut_item": columns[cut][2].pk,
            "pasted_on": columns[pasted_on][0].pk,
            "position": "last-child",
        },  # fmt: skip
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )

    assert response.status_code in (400, 403, 404)
    assert not response.content.startswith(b"OK")
    assert tree_snapshot(sites.b) == before_b
    assert tree_snapshot(sites.a) == before_a


def test_site_admin_may_drag_move_columns_of_their_own_site(sites, login):  # COL-1 (the refusals above can fail)
    a = sites.a
    response = login(a.users["admin"]).post(
        admin_url("columns_column_changelist"),
        {"cmd": "move_node", "cut_item": a.columns[2].pk, "pasted_on": a.columns[0].pk, "position": "last-child"},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )

    assert response.content.startswith(b"OK")
    assert Column.objects.get(pk=a.columns[2].pk).parent_id == a.columns[0].pk


# --- platform administrators, anonymous users, users without a role ------------------------------


def test_platform_admin_sees_every_site(sites, login, platform_admin):  # PUB-1
    client = login(platform_admin)

    for kind in OBJECT_VIEWS:
        for url in object_pages(sites.b, kind):
            if url.endswith("/delete/") and kind in ("site", "auditentry"):
                assert client.get(url).status_code == 403, url  # never deleted, by anyone
            else:
                assert client.get(url).status_code == 200, url
    for name in ("sites_site_changelist", "columns_column_changelist", "sites_membership_changelist"):
        text = client.get(admin_url(name)).content.decode()
        assert "甲市人民政府" in text and "乙市人民政府" in text, name
    text = client.get(admin_url("columns_column_changelist")).content.decode()
    assert all(marker in text for marker in ["甲要闻动态", "乙要闻动态", "乙图片新闻", "乙通知公告"])


def all_pages(sites):
    pages = [admin_url(name) for name in CHANGELISTS]
    for kind in OBJECT_VIEWS:
        pages += object_pages(sites.b, kind)
    return pages


def test_anonymous_users_are_sent_to_the_login_page(sites, backoffice_client):  # SEC-1
    for url in all_pages(sites):
        response = backoffice_client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(admin_url("login") + "?next="), url


def test_user_without_a_role_gets_no_back_office(sites, login):  # SEC-1, PUB-1
    nobody = UserFactory(username="nobody", is_staff=True)
    client = login(nobody)

    for url in all_pages(sites):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(admin_url("login")), url
    login_page = client.get(admin_url("login"))
    assert leaks(login_page, sites.a.markers + sites.b.markers) == []


def test_former_staff_lose_access(sites, login, platform_admin):  # SEC-1
    from accounts import actions

    user = sites.a.users["admin"]
    client = login(user)
    actions.deactivate_user(user, acting_user=platform_admin)

    response = client.get(admin_url("columns_column_changelist"))
    assert response.status_code == 302
