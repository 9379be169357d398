"""SEC-2: every management action is logged (who, what, which object, which site, from where)
and the log is append-only, kept at least six months."""

from datetime import timedelta
from io import StringIO

import pytest
from django.test import RequestFactory
from django.utils import timezone

from accounts import actions as user_actions
from accounts.models import User
from auditlog import audit
from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from columns.models import Column
from lifecycle import column_changes as column_actions
from lifecycle import site_settings as site_actions
from sites import memberships
from sites.models import Domain, Membership, Role, Site
from tests.factories import ColumnFactory, SiteFactory, UserFactory
from tests.helpers import admin_url, log_in

pytestmark = pytest.mark.django_db


def _new_site():
    site = Site(kind="portal", name="保定市人民政府", unit_name="保定市人民政府", organiser="保定市人民政府办公室",
                contact_phone="0312-3026000", contact_email="zfwz@bd.gov.cn", contact_address="保定市")  # fmt: skip
    return site


def _create_site(actor):
    site = site_actions.create_site(_new_site(), primary_domain="www.bd.gov.cn", acting_user=actor)
    return site, site


def _update_site(actor):
    site = SiteFactory()
    site.contact_phone = "0312-9999999"
    site_actions.update_site(site, acting_user=actor)
    return site, site


def _add_domain(actor):
    site = SiteFactory()
    return site_actions.add_domain(site, "baoding.gov.cn", acting_user=actor), site


def _set_primary_domain(actor):
    site = SiteFactory()
    domain = Domain.objects.create(site=site, name=f"www.new{site.pk}.gov.cn")
    return site_actions.set_primary_domain(domain, acting_user=actor), site


def _remove_domain(actor):
    site = SiteFactory()
    domain = Domain.objects.create(site=site, name="baoding.gov.cn")
    site_actions.remove_domain(domain, acting_user=actor)
    return domain, site


def _create_column(actor):
    site = SiteFactory()
    column = Column(site=site, name="工作动态", slug="gzdt", description="动态", column_type="工作动态",
                    responsible_person="张三")  # fmt: skip
    return column_actions.create_column(column, acting_user=actor), site


def _update_column(actor):
    column = ColumnFactory()
    column.name = "要闻动态"
    return column_actions.update_column(column, acting_user=actor), column.site


def _move_column(actor):
    column = ColumnFactory()
    target = ColumnFactory(site=column.site)
    return column_actions.move_column(column, target, "last-child", acting_user=actor), column.site


def _delete_column(actor):
    column = ColumnFactory()
    column_actions.delete_column(column, acting_user=actor)
    return column, column.site


def _create_user(actor):
    user, _password = user_actions.create_user("zhangsan", real_name="张三", acting_user=actor)
    return user, None


def _update_user(actor):
    user = UserFactory()
    user.real_name = "李四"
    return user_actions.update_user(user, acting_user=actor), None


def _grant_role(actor):
    site = SiteFactory()
    return memberships.grant_role(UserFactory(), site, Role.EDITOR, acting_user=actor), site


def _revoke_role(actor):
    site = SiteFactory()
    membership = Membership.objects.create(user=UserFactory(), site=site, role=Role.REVIEWER)
    memberships.revoke_role(membership, acting_user=actor)
    return membership, site


def _set_user_password(actor):
    user = UserFactory()
    user_actions.set_user_password(user, user_actions.generate_password(), acting_user=actor)
    return user, None


def _deactivate_user(actor):
    user = UserFactory()
    user_actions.deactivate_user(user, acting_user=actor)
    return user, None


ACTIONS = {
    "site.create": _create_site,
    "site.update": _update_site,
    "domain.add": _add_domain,
    "domain.set_primary": _set_primary_domain,
    "domain.remove": _remove_domain,
    "column.create": _create_column,
    "column.update": _update_column,
    "column.move": _move_column,
    "column.delete": _delete_column,
    "user.create": _create_user,
    "user.update": _update_user,
    "role.grant": _grant_role,
    "role.revoke": _revoke_role,
    "user.set_password": _set_user_password,
    "user.deactivate": _deactivate_user,
}


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_writes_one_audit_entry(platform_admin, action):  # SEC-2
    obj, site = ACTIONS[action](platform_admin)

    entry = AuditEntry.objects.get(action=action)
    assert entry.actor == platform_admin
    assert entry.actor_name == "platform-admin"
    assert entry.object_type == obj._meta.label_lower
    assert entry.object_id == str(obj.pk or entry.object_id) and entry.object_id
    assert entry.object_repr == str(obj)
    assert entry.site_id == (site.pk if site else None)
    assert entry.site_name == (str(site) if site else "")
    assert entry.time is not None
    assert entry.ip is None  # no request: a script or test


def test_refused_action_writes_no_entry(platform_admin):  # SEC-2
    site = SiteFactory()
    with pytest.raises(Exception):  # noqa: B017
        site_actions.remove_domain(site.domains.get(), acting_user=platform_admin)

    assert not AuditEntry.objects.filter(action="domain.remove").exists()


def test_changes_are_recorded_before_and_after(platform_admin):  # SEC-2, SITE-8
    site, _ = _update_site(platform_admin)

    entry = AuditEntry.objects.get(action="site.update")
    assert entry.details["changes"]["contact_phone"] == ["0312-3000000", "0312-9999999"]


def test_password_never_enters_the_log(platform_admin):  # SEC-2, SEC-4
    user = UserFactory()
    password = user_actions.generate_password()

    user_actions.set_user_password(user, password, acting_user=platform_admin)

    assert all(password not in str(e.details) for e in AuditEntry.objects.all())


def test_entry_survives_the_deletion_of_its_object(platform_admin):  # SEC-2
    column, site = _delete_column(platform_admin)

    entry = AuditEntry.objects.get(action="column.delete")
    assert entry.object_repr == column.name and entry.site_name == site.name


def test_system_actions_are_recorded_as_system():  # SEC-2
    site_actions.create_site(_new_site(), primary_domain="www.bd.gov.cn", acting_user=None)

    entry = AuditEntry.objects.get(action="site.create")
    assert entry.actor is None and entry.actor_name == "system"


def test_back_office_request_records_the_client_address(backoffice_client, platform_admin):  # SEC-2
    site = SiteFactory()
    log_in(backoffice_client, platform_admin)

    response = backoffice_client.post(
        admin_url("columns_column_add"),
        {
            "site": site.pk,
            "name": "工作动态",
            "slug": "gzdt",
            "column_type": "工作动态",
            "description": "动态",
            "sort_order": 0,
            "review_levels": 1,
            "responsible_person": "张三",
        },  # fmt: skip
        REMOTE_ADDR="203.0.113.7",
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="column.create")
    assert entry.ip == "203.0.113.7"
    assert entry.actor == platform_admin and entry.site == site


def test_failed_login_is_recorded_with_address(backoffice_client):  # SEC-2
    UserFactory(username="wangwu")

    backoffice_client.post(
        admin_url("login"),
        {"username": "wangwu", "password": user_actions.generate_password()},
        REMOTE_ADDR="198.51.100.9",
    )

    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.details == {"username": "wangwu"}
    assert entry.ip == "198.51.100.9"


def test_address_behind_a_trusted_proxy():  # SEC-2
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.8")

    assert audit.client_ip(request, trusted_proxies=1) == "203.0.113.8"
    assert audit.client_ip(request, trusted_proxies=2) == "1.2.3.4"
    assert audit.client_ip(request, trusted_proxies=0) == "10.0.0.2"  # forged headers are ignored by default


# --- append-only -------------------------------------------------------------------------------


@pytest.fixture
def entry():
    return audit.record(AuditEvent.SITE_UPDATE, details={"x": 1})


def test_entries_cannot_be_changed(entry):  # SEC-2
    entry.action = "nothing.happened"

    with pytest.raises(PermissionError):
        entry.save()

    assert AuditEntry.objects.get(pk=entry.pk).action == "site.update"


def test_entries_cannot_be_deleted(entry):  # SEC-2
    with pytest.raises(PermissionError):
        entry.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_entries_cannot_be_updated_in_bulk(entry):  # SEC-2
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="nothing.happened")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(ip="127.0.0.1")

    assert AuditEntry.objects.get(pk=entry.pk).action == "site.update"


def test_entries_cannot_be_deleted_in_bulk(entry):  # SEC-2
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_a_user_or_site_leaves_the_entries(platform_admin):  # SEC-2
    actor = UserFactory()
    audit.record(AuditEvent.SITE_UPDATE, actor=actor, site=SiteFactory())

    User.objects.filter(pk=actor.pk).delete()

    assert AuditEntry.objects.get(action="site.update").actor_name == actor.username


def _entry_aged(days: int) -> AuditEntry:
    return AuditEntry.objects.create(actor_name="x", action=f"old.{days}", time=timezone.now() - timedelta(days=days))


def test_purge_refuses_less_than_six_months():  # SEC-2
    old = _entry_aged(400)

    with pytest.raises(ValueError, match="183 days"):
        AuditEntry.objects.purge_expired(182)

    assert AuditEntry.objects.filter(pk=old.pk).exists()


def test_purge_deletes_only_expired_entries():  # SEC-2
    ancient, older, recent = _entry_aged(400), _entry_aged(190), _entry_aged(170)

    deleted = AuditEntry.objects.purge_expired(183)

    assert deleted == 2
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AuditEntry.objects.filter(pk__in=[ancient.pk, older.pk]).exists()


def test_purge_command_keeps_six_months_and_logs_itself(settings):  # SEC-2
    from django.core.management import call_command

    ancient, recent = _entry_aged(400), _entry_aged(100)
    settings.AUDIT_RETENTION_DAYS = 183

    call_command("purge_audit", stdout=StringIO())

    assert not AuditEntry.objects.filter(pk=ancient.pk).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    assert AuditEntry.objects.get(action="audit.purge").details == {"retention_days": 183, "deleted": 1}


def test_purge_command_refuses_a_short_retention(settings):  # SEC-2
    from django.core.management import CommandError, call_command

    old = _entry_aged(200)
    settings.AUDIT_RETENTION_DAYS = 30

    with pytest.raises(CommandError, match="183"):
        call_command("purge_audit", stdout=StringIO())

    assert AuditEntry.objects.filter(pk=old.pk).exists()
