"""The back office works for each role: forms call the actions, are audited, and show the rules."""

import re

import pytest
from django.utils import translation
from django.utils.html import escape

from accounts.models import User
from auditlog.models import AuditEntry
from columns.models import Column
from sites.models import Domain, Membership, Role, Site
from sites.validators import validate_primary_domain
from tests.factories import ColumnFactory, SiteFactory, UserFactory
from tests.helpers import admin_url

pytestmark = pytest.mark.django_db


def column_data(for_site, **fields):
    data = {"site": for_site.pk, "name": "工作动态", "slug": "gzdt", "column_type": "工作动态", "description": "本单位工作动态",
            "sort_order": "0", "review_levels": "1", "responsible_person": "张三", "update_interval_days": "7"}  # fmt: skip
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def site_add_data(**fields):
    data = {"name": "保定市人民政府", "unit_name": "保定市人民政府", "kind": "portal", "primary_domain": "www.bd.gov.cn",
            "organiser": "保定市人民政府办公室", "contact_phone": "0312-3026000", "contact_email": "zfwz@bd.gov.cn",
            "contact_address": "保定市东风中路1号", "id_code": "1306000001"}  # fmt: skip
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def site_change_data(site, *domain_rows, **fields):
    """The change form of `site` as posted, with `domain_rows` (dicts) as the domain inline."""
    data = {name: getattr(site, name) for name in ("name", "unit_name", "kind", "organiser", "operator",
            "contact_phone", "contact_email", "contact_address", "id_code", "icp_number", "psb_number", "conac_mark")}  # fmt: skip
    data["parent"] = site.parent_id or ""
    data.update(fields)
    initial = [row for row in domain_rows if "id" in row]
    data.update({"domains-TOTAL_FORMS": len(domain_rows), "domains-INITIAL_FORMS": len(initial),
                 "domains-MIN_NUM_FORMS": 0, "domains-MAX_NUM_FORMS": 1000})  # fmt: skip
    for index, row in enumerate(domain_rows):
        data.update({f"domains-{index}-{key}": value for key, value in row.items()})
        data[f"domains-{index}-site"] = site.pk
    return data


def errors_of(response) -> str:
    return " ".join(re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S))


@pytest.fixture
def site_admin(site, make_member):
    return make_member(site, Role.SITE_ADMIN)


# --- site administrators ---------------------------------------------------------------------------


def test_site_admin_adds_a_column_through_the_form(site, site_admin, login):  # COL-1, SEC-2
    response = login(site_admin).post(admin_url("columns_column_add"), column_data(site), REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 302, errors_of(response)
    column = Column.objects.get(site=site, slug="gzdt")
    assert (column.name, column.responsible_person, column.update_interval_days) == ("工作动态", "张三", 7)
    entry = AuditEntry.objects.get(action="column.create")
    assert (entry.actor, entry.site, entry.object_id, entry.ip) == (site_admin, site, str(column.pk), "192.0.2.10")


def test_column_form_shows_the_depth_rule(site, site_admin, login):  # COL-1
    top = ColumnFactory(site=site)
    middle = ColumnFactory(site=site, parent=top)
    leaf = ColumnFactory(site=site, parent=Column.objects.get(pk=middle.pk))

    response = login(site_admin).post(
        admin_url("columns_column_add"), column_data(site, parent=leaf.pk), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert "at most 3 levels deep;" in errors_of(response)  # COL-1
    assert not Column.objects.filter(slug="gzdt").exists()


def test_site_admin_changes_a_column(site, site_admin, login):  # COL-2, SEC-2
    column = ColumnFactory(site=site, slug="gzdt")

    response = login(site_admin).post(
        admin_url("columns_column_change", column.pk), column_data(site, name="要闻动态", site=None)
    )

    assert response.status_code == 302, errors_of(response)
    assert Column.objects.get(pk=column.pk).name == "要闻动态"
    assert AuditEntry.objects.get(action="column.update").details["changes"]["name"][1] == "要闻动态"


def test_site_admin_deletes_a_leaf_column(site, site_admin, login):  # COL-1, SEC-2
    column = ColumnFactory(site=site)

    response = login(site_admin).post(admin_url("columns_column_delete", column.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Column.objects.filter(pk=column.pk).exists()
    assert AuditEntry.objects.filter(action="column.delete", site=site).exists()


def test_site_admin_changes_the_contact_of_their_site(site, site_admin, login):  # SITE-2, SITE-8
    data = site_change_data(site, contact_phone="0312-5550000", name="改名")

    response = login(site_admin).post(admin_url("sites_site_change", site.pk), data)

    assert response.status_code == 302, errors_of(response)
    site.refresh_from_db()
    assert site.contact_phone == "0312-5550000"
    assert site.name != "改名"  # the name is the platform's business: read-only for them
    assert AuditEntry.objects.get(action="site.update").details["changes"] == {
        "contact_phone": ["0312-3000000", "0312-5550000"]
    }


def test_site_admin_grants_an_editor_role(site, site_admin, login):  # PUB-1
    user = UserFactory()

    response = login(site_admin).post(
        admin_url("sites_membership_add"), {"user": user.pk, "site": site.pk, "role": "editor"}
    )

    assert response.status_code == 302, errors_of(response)
    assert Membership.objects.filter(user=user, site=site, role=Role.EDITOR).exists()
    assert AuditEntry.objects.get(action="role.grant").actor == site_admin


def test_site_admin_cannot_grant_site_admin(site, site_admin, login):  # PUB-1
    user = UserFactory()

    login(site_admin).post(admin_url("sites_membership_add"), {"user": user.pk, "site": site.pk, "role": "site_admin"})

    assert not Membership.objects.filter(user=user).exists()


def test_role_form_shows_the_separation_of_duties(site, site_admin, login, make_member):  # PUB-1
    editor = make_member(site, Role.EDITOR)

    response = login(site_admin).post(
        admin_url("sites_membership_add"),
        {"user": editor.pk, "site": site.pk, "role": "reviewer"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "cannot be both editor and reviewer of the same site" in response.content.decode()
    assert not Membership.objects.filter(user=editor, role=Role.REVIEWER).exists()


# --- editors and reviewers --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.EDITOR, Role.REVIEWER])
def test_editors_and_reviewers_view_columns_but_cannot_change_them(site, make_member, login, role):  # PUB-1
    column = ColumnFactory(site=site, name="工作动态", slug="gzdt")
    client = login(make_member(site, role))

    page = client.get(admin_url("columns_column_change", column.pk))
    refused = client.post(admin_url("columns_column_change", column.pk), column_data(site, name="改名", site=None))
    adding = client.post(admin_url("columns_column_add"), column_data(site, slug="new"))

    assert page.status_code == 200
    assert "工作动态" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert refused.status_code == 403
    assert adding.status_code == 403
    assert Column.objects.get(pk=column.pk).name == "工作动态"
    assert list(Column.objects.values_list("slug", flat=True)) == ["gzdt"]


@pytest.mark.parametrize("role", [Role.EDITOR, Role.REVIEWER])
def test_editors_and_reviewers_cannot_change_their_site(site, make_member, login, role):  # PUB-1
    response = login(make_member(site, role)).post(
        admin_url("sites_site_change", site.pk), site_change_data(site, contact_phone="110")
    )

    assert response.status_code == 403
    assert Site.objects.get(pk=site.pk).contact_phone == "0312-3000000"


# --- platform administrators -------------------------------------------------------------------------


def test_platform_admin_creates_a_site_with_its_primary_domain(platform_admin, login):  # SITE-1, SITE-3
    response = login(platform_admin).post(admin_url("sites_site_add"), site_add_data(primary_domain="WWW.BD.gov.cn"))

    assert response.status_code == 302, errors_of(response)
    site = Site.objects.get(unit_name="保定市人民政府")
    assert site.primary_domain == "www.bd.gov.cn"
    assert site.id_code == "1306000001"
    entry = AuditEntry.objects.get(action="site.create")
    assert entry.site == site and entry.actor == platform_admin


def test_platform_admin_creates_a_department_site(platform_admin, login):  # SITE-1, SITE-3
    portal = SiteFactory(primary_domain="www.bd.gov.cn")

    response = login(platform_admin).post(
        admin_url("sites_site_add"),
        site_add_data(
            name="保定市水利局",
            unit_name="保定市水利局",
            kind="department",
            parent=portal.pk,
            primary_domain="slj.bd.gov.cn",
            id_code=None,
        ),  # fmt: skip
    )

    assert response.status_code == 302, errors_of(response)
    assert Site.objects.get(unit_name="保定市水利局").parent == portal


@pytest.mark.parametrize(
    "fields",
    [
        {"primary_domain": "bd.gov.cn"},
        {"primary_domain": "www.bd.com"},
        {"primary_domain": "www.bd.gov.cn.evil.com"},
        {"primary_domain": "slj.bd.gov.cn"},
        {"primary_domain": "slj.xx.gov.cn", "kind": "department", "parent": "PORTAL"},
        {"primary_domain": "www.bd.gov.cn", "kind": "department", "parent": "PORTAL"},
    ],
)
def test_bad_domain_in_the_site_form_shows_the_rule(platform_admin, login, fields):  # SITE-3
    portal = SiteFactory(primary_domain="www.bd.gov.cn")
    fields = {**fields, "name": "新站点", "unit_name": "新单位", "id_code": None}
    if fields.get("parent") == "PORTAL":
        fields["parent"] = portal.pk
    in_use = Domain.objects.filter(name=fields["primary_domain"]).exists()
    with translation.override("en"):
        try:
            validate_primary_domain(
                fields["primary_domain"], kind=fields.get("kind", "portal"), parent_primary=portal.primary_domain
            )
        except Exception as error:  # noqa: BLE001
            rule = error.messages[0]
        else:
            rule = None
        rule = f"The domain {fields['primary_domain']} is already in use." if in_use else rule

    response = login(platform_admin).post(
        admin_url("sites_site_add"), site_add_data(**fields), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert escape(rule) in errors_of(response)
    assert ".gov.cn" in errors_of(response) or "already in use" in errors_of(response)
    assert not Site.objects.filter(unit_name="新单位").exists()


def test_platform_admin_adds_an_alias_and_makes_it_primary(platform_admin, login):  # SITE-3
    site = SiteFactory(primary_domain="www.bd.gov.cn")
    primary = Domain.objects.get(site=site)
    client = login(platform_admin)

    response = client.post(
        admin_url("sites_site_change", site.pk),
        site_change_data(site, {"id": primary.pk}, {"name": "www.baoding.gov.cn"}),
    )
    assert response.status_code == 302, errors_of(response)
    alias = Domain.objects.get(name="www.baoding.gov.cn")
    assert alias.site == site and not alias.is_primary

    response = client.post(
        admin_url("sites_site_change", site.pk),
        site_change_data(site, {"id": primary.pk}, {"id": alias.pk, "make_primary": "on"}),
    )
    assert response.status_code == 302, errors_of(response)
    assert Site.objects.get(pk=site.pk).primary_domain == "www.baoding.gov.cn"
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {"domain.add", "domain.set_primary"}


def test_platform_admin_cannot_make_a_chinese_domain_primary(platform_admin, login):  # SITE-3
    site = SiteFactory(primary_domain="www.bd.gov.cn")
    primary = Domain.objects.get(site=site)
    alias = Domain.objects.create(site=site, name="保定.政务")

    response = login(platform_admin).post(
        admin_url("sites_site_change", site.pk),
        site_change_data(site, {"id": primary.pk}, {"id": alias.pk, "make_primary": "on"}),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "a Chinese domain can only be an alias" in response.content.decode()
    assert Site.objects.get(pk=site.pk).primary_domain == "www.bd.gov.cn"


def test_platform_admin_creates_an_account_with_a_one_time_password(platform_admin, login):  # SEC-1
    client = login(platform_admin)

    form = client.get(admin_url("accounts_user_add"))
    response = client.post(
        admin_url("accounts_user_add"),
        {"username": "zhaoliu", "real_name": "赵六", "email": "zl@bd.gov.cn"},
        follow=True,
    )

    assert 'type="password"' not in form.content.decode()  # nobody types (or reuses) a password
    user = User.objects.get(username="zhaoliu")
    shown = [str(m) for m in response.context["messages"]]
    passwords = [word for text in shown for word in re.findall(r"[A-Za-z0-9]{16,}", text)]
    assert passwords and user.check_password(passwords[0])
    assert AuditEntry.objects.get(action="user.create").actor == platform_admin


@pytest.mark.parametrize("role", [Role.SITE_ADMIN, Role.EDITOR])
def test_only_platform_admins_manage_accounts(site, make_member, login, role):  # SEC-1, PUB-1
    client = login(make_member(site, role))

    assert client.get(admin_url("accounts_user_changelist")).status_code == 403
    assert client.post(admin_url("accounts_user_add"), {"username": "intruder"}).status_code == 403
    assert client.get(admin_url("sites_site_add")).status_code == 403
    assert not User.objects.filter(username="intruder").exists()


def test_site_admin_moves_a_column_by_changing_its_parent(site, site_admin, login):  # COL-1, LINK-1
    zwgk = ColumnFactory(site=site, slug="zwgk")
    column = ColumnFactory(site=site, slug="gzdt")

    response = login(site_admin).post(
        admin_url("columns_column_change", column.pk), column_data(site, parent=zwgk.pk, site=None)
    )

    assert response.status_code == 302, errors_of(response)
    assert Column.objects.get(pk=column.pk).path == "zwgk/gzdt/"
    assert Column.objects.get(pk=zwgk.pk).get_children().get() == column
    assert AuditEntry.objects.get(action="column.update").details["path"] == "zwgk/gzdt/"


def test_site_admin_revokes_an_editor(site, site_admin, login, make_member):  # PUB-1, SEC-2
    membership = Membership.objects.get(user=make_member(site, Role.EDITOR))

    response = login(site_admin).post(admin_url("sites_membership_delete", membership.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.get(action="role.revoke").actor == site_admin


def test_platform_admin_changes_a_users_profile(platform_admin, login):  # SEC-2
    user = UserFactory(real_name="张三")

    response = login(platform_admin).post(
        admin_url("accounts_user_change", user.pk),
        {"username": user.username, "real_name": "张三丰", "email": user.email, "phone": "", "is_active": "on"},
    )

    assert response.status_code == 302, errors_of(response)
    assert User.objects.get(pk=user.pk).real_name == "张三丰"
    assert AuditEntry.objects.get(action="user.update").details["changes"]["real_name"] == ["张三", "张三丰"]


def test_platform_admin_adds_a_new_primary_domain_in_one_step(platform_admin, login):  # SITE-3
    site = SiteFactory(primary_domain="www.bd.gov.cn")
    primary = Domain.objects.get(site=site)

    response = login(platform_admin).post(
        admin_url("sites_site_change", site.pk),
        site_change_data(site, {"id": primary.pk}, {"name": "WWW.Baoding.gov.cn", "make_primary": "on"}),
    )

    assert response.status_code == 302, errors_of(response)
    assert Site.objects.get(pk=site.pk).primary_domain == "www.baoding.gov.cn"
    assert Domain.objects.get(name="www.bd.gov.cn").is_primary is False


def test_platform_admin_removes_an_alias_but_not_the_primary(platform_admin, login):  # SITE-3
    site = SiteFactory(primary_domain="www.bd.gov.cn")
    primary = Domain.objects.get(site=site)
    alias = Domain.objects.create(site=site, name="baoding.gov.cn")
    client = login(platform_admin)

    client.post(
        admin_url("sites_site_change", site.pk),
        site_change_data(site, {"id": primary.pk}, {"id": alias.pk, "DELETE": "on"}),
    )
    response = client.post(
        admin_url("sites_site_change", site.pk),
        site_change_data(site, {"id": primary.pk, "DELETE": "on"}),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert not Domain.objects.filter(pk=alias.pk).exists()
    assert Domain.objects.filter(pk=primary.pk, is_primary=True).exists()
    assert any("primary domain cannot be removed" in str(m) for m in response.context["messages"])
