"""Login lockouts in the back office (SEC-1, SEC-2): platform administrators see who is locked and
the failures that count, and lift a lockout by account or by address; nobody else can.

Failures are made through the real login flow (tests/security/test_login.py's helpers), and
after a lift the user logs in again through it: password, then a code.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from accounts import lockouts
from accounts.actions import generate_password
from accounts.models import AuthenticatorDevice
from auditlog.models import AuditEntry
from sites.models import Role
from tests.helpers import admin_url, log_in
from tests.security.test_login import code_of, enrolled, is_in_back_office, password_step

pytestmark = pytest.mark.django_db

HOME = "203.0.113.20"  # the editor's office
ELSEWHERE = "198.51.100.7"
LIST = admin_url("lockouts")
LIFT = admin_url("lockout_lift")


@pytest.fixture
def editor(site, make_member):
    """An editor with a known password (set here, never written down) and an authenticator app."""
    user = make_member(site, username="zhang-wei", real_name="张伟")
    user.test_password = generate_password()
    user.set_password(user.test_password)
    user.save()
    user.device = enrolled(user)
    return user


@pytest.fixture
def admin_client(platform_admin):
    return log_in(Client(HTTP_HOST="localhost"), platform_admin)


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def fail_passwords(username: str, times: int, address: str = HOME) -> None:
    """Wrong passwords through the login page."""
    client = Client(HTTP_HOST="localhost")
    for attempt in range(times):
        client.post(admin_url("login"), {"username": username, "password": f"wrong-{attempt}"}, REMOTE_ADDR=address)


def logs_in(user, address: str = HOME) -> bool:
    """The real login flow: password, then the app's next code."""
    client = Client(HTTP_HOST="localhost")
    response = password_step(client, user, address=address)
    if response.status_code != 302 or response["Location"] != admin_url("login_verify"):
        return False
    client.post(admin_url("login_verify"), {"token": code_of(user.device, 1)}, REMOTE_ADDR=address)
    return is_in_back_office(client)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def row_of(html: str, key: str) -> str:
    """The table row of the page that starts with `key`."""
    start = html.index(f'<th scope="row">{key}')
    return html[start : html.index("</tr>", start)]


# --- the list -------------------------------------------------------------------------------------


def test_the_list_shows_locked_accounts_and_addresses_with_their_times(admin_client, editor, settings):  # SEC-1
    fail_passwords(editor.username, settings.AXES_FAILURE_LIMIT)
    fail_passwords("admin", 2, address=ELSEWHERE)

    response = admin_client.get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    logged = list(AccessFailureLog.objects.filter(username=editor.username).order_by("attempt_time"))
    assert len(logged) == settings.AXES_FAILURE_LIMIT
    account = row_of(html, editor.username)
    assert "张伟" in account and HOME in account  # the user, and the address the failures came from
    assert f"<td>{settings.AXES_FAILURE_LIMIT}</td>" in account
    assert local(logged[0].attempt_time) in account and local(logged[-1].attempt_time) in account
    until = logged[-1].attempt_time + settings.AXES_COOLOFF_TIME
    assert f"锁定至 {local(until)}" in account
    address = row_of(html, HOME)
    assert "锁定至" in address and editor.username in address  # the address is locked for everyone
    guess = row_of(html, "admin")
    assert "未锁定" in guess and "没有此账号" in guess and "<td>2</td>" in guess  # failures that count, no lock
    assert html.index(editor.username) < html.index("没有此账号")  # locked ones first
    assert f'href="{LIFT}?account={editor.username}"' in html and f'href="{LIFT}?address={HOME}"' in html


def test_the_lock_lasts_until_the_failure_that_reached_the_limit_is_old_enough(editor, settings):  # SEC-1
    now = timezone.now()

    def attempt(address, failures, minutes_ago):
        row = AccessAttempt.objects.create(username=editor.username, ip_address=address, user_agent="ua",
                                           failures_since_start=failures, get_data="", post_data="")  # fmt: skip
        AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=now - timedelta(minutes=minutes_ago))
        for n in range(failures):  # this row's failures, one minute apart, the last one at its time
            log = AccessFailureLog.objects.create(username=editor.username, ip_address=address, user_agent="ua")
            when = now - timedelta(minutes=minutes_ago + failures - 1 - n)
            AccessFailureLog.objects.filter(pk=log.pk).update(attempt_time=when)

    AccessFailureLog.objects.create(username=editor.username, ip_address="192.0.2.1", user_agent="ua")
    AccessFailureLog.objects.filter(username=editor.username).update(attempt_time=now - timedelta(hours=3))
    attempt("192.0.2.1", 3, minutes_ago=10)  # an older failure of the same browser is not part of the row
    attempt("192.0.2.2", 1, minutes_ago=2)

    summary = lockouts.failures_of(lockouts.ACCOUNT, editor.username, now=now)
    assert summary.failures == 4 and not summary.locked
    assert summary.first_failure == now - timedelta(minutes=12)
    assert summary.last_failure == now - timedelta(minutes=2)

    attempt("192.0.2.3", 4, minutes_ago=1)
    summary = lockouts.failures_of(lockouts.ACCOUNT, editor.username, now=now)
    # 4 + 1 reach the limit of 5 with the row of 2 minutes ago: the lock ends when that row expires.
    assert summary.failures == 8 and summary.locked_until == now - timedelta(minutes=2) + settings.AXES_COOLOFF_TIME
    assert summary.addresses == ["192.0.2.1", "192.0.2.2", "192.0.2.3"]
    later = now + timedelta(minutes=14)  # only the newest row still counts: 4 failures
    assert not lockouts.failures_of(lockouts.ACCOUNT, editor.username, now=later).locked
    assert lockouts.failures_of(lockouts.ADDRESS, "192.0.2.3", now=now).failures == 4


# --- lifting --------------------------------------------------------------------------------------


def test_lifting_an_account_lets_the_user_log_in_again(admin_client, platform_admin, editor, settings):  # SEC-1, SEC-2
    fail_passwords(editor.username, settings.AXES_FAILURE_LIMIT)
    # The right password is refused too (and counts: a try during the lockout renews it).
    assert password_step(Client(HTTP_HOST="localhost"), editor).status_code == 429
    failures = settings.AXES_FAILURE_LIMIT + 1

    confirm = admin_client.get(LIFT, {"account": editor.username})
    assert confirm.status_code == 200
    assert AccessAttempt.objects.filter(username=editor.username).exists()  # a GET changes nothing
    page = confirm.content.decode()
    assert editor.username in page and HOME in page and 'type="hidden" name="account"' in page
    response = admin_client.post(LIFT, {"account": editor.username})

    assert response.status_code == 302 and response["Location"] == LIST
    assert messages_of(response) == [f"已解除：账号 {editor.username} 的 {failures} 次登录失败已清除。"]
    assert not AccessAttempt.objects.filter(username=editor.username).exists()
    entry = AuditEntry.objects.get(action="auth.lockout_lift")
    assert entry.actor == platform_admin and entry.object_id == str(editor.pk)
    assert entry.details == {"account": editor.username, "failures": failures, "was_locked": True,
                             "accounts": [editor.username], "addresses": [HOME], "code_throttles_reset": 0}  # fmt: skip
    assert logs_in(editor)  # from the address that was locked by the same failures, too


def test_lifting_an_account_locked_by_wrong_codes_accepts_the_next_code(admin_client, editor, settings):  # SEC-1
    client = Client(HTTP_HOST="localhost")
    password_step(client, editor)
    for n in range(settings.AXES_FAILURE_LIMIT):
        last = client.post(admin_url("login_verify"), {"token": f"{n:06d}"}, REMOTE_ADDR=HOME)
    assert last.status_code == 429
    # django-otp slows the app down too
    assert AuthenticatorDevice.objects.get(user=editor).throttling_failure_count > 0

    admin_client.post(LIFT, {"account": editor.username})

    assert AuditEntry.objects.get(action="auth.lockout_lift").details["code_throttles_reset"] >= 1
    assert AuthenticatorDevice.objects.get(user=editor).throttling_failure_count == 0
    assert logs_in(editor)  # at once: no wait for django-otp's slow-down


def test_lifting_an_address_lets_its_users_log_in_again(admin_client, platform_admin, editor, settings):  # SEC-1, SEC-2
    guessing = Client(HTTP_HOST="localhost")
    for n in range(settings.AXES_FAILURE_LIMIT):
        guessing.post(admin_url("login"), {"username": f"guess{n}", "password": "x"}, REMOTE_ADDR=HOME)
    fail_passwords(editor.username, 2, address=ELSEWHERE)  # another address's failures stay
    assert not logs_in(editor)  # the editor's own account is fine; the office address is locked (one more failure)
    failures = settings.AXES_FAILURE_LIMIT + 1

    assert admin_client.get(LIFT, {"address": HOME}).status_code == 200
    response = admin_client.post(LIFT, {"address": HOME})

    assert response.status_code == 302
    assert messages_of(response) == [f"已解除：地址 {HOME} 的 {failures} 次登录失败已清除。"]
    entry = AuditEntry.objects.get(action="auth.lockout_lift")
    assert entry.actor == platform_admin and entry.object_id == ""
    assert entry.details["address"] == HOME and entry.details["was_locked"] is True
    assert entry.details["accounts"] == [*(f"guess{n}" for n in range(settings.AXES_FAILURE_LIMIT)), editor.username]
    assert lockouts.failures_of(lockouts.ADDRESS, ELSEWHERE).failures == 2
    assert logs_in(editor)


def test_nothing_to_lift_changes_nothing(admin_client):  # SEC-1, SEC-2
    response = admin_client.post(LIFT, {"account": "nobody"})

    assert response.status_code == 302 and messages_of(response) == ["无需解除：账号 nobody 现在没有计入的登录失败。"]
    assert not AuditEntry.objects.filter(action="auth.lockout_lift").exists()
    assert admin_client.get(LIFT, {"address": "not-an-address"}).status_code == 404
    assert admin_client.get(LIFT, {"account": "a", "address": HOME}).status_code == 404
    assert admin_client.get(LIFT).status_code == 404


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SITE_ADMIN, Role.EDITOR, Role.REVIEWER])
def test_only_platform_administrators_see_or_lift_lockouts(site, make_member, editor, settings, role):  # SEC-1, SEC-3
    fail_passwords(editor.username, settings.AXES_FAILURE_LIMIT)
    client = log_in(Client(HTTP_HOST="localhost"), make_member(site, role=role))

    responses = [
        client.get(LIST),
        client.get(LIFT, {"account": editor.username}),
        client.post(LIFT, {"account": editor.username}),
        client.post(LIFT, {"address": HOME}),
    ]

    assert [r.status_code for r in responses] == [403] * 4
    assert not any(editor.username in r.content.decode() or HOME in r.content.decode() for r in responses)
    assert AccessAttempt.objects.filter(username=editor.username).count() == 1
    assert not AuditEntry.objects.filter(action="auth.lockout_lift").exists()


def test_anonymous_visitors_and_public_hosts_get_nothing(editor, settings, site):  # SEC-1, SEC-3
    fail_passwords(editor.username, settings.AXES_FAILURE_LIMIT)
    anonymous = Client(HTTP_HOST="localhost")

    assert anonymous.get(LIST)["Location"].startswith(admin_url("login"))
    assert anonymous.post(LIFT, {"account": editor.username})["Location"].startswith(admin_url("login"))
    assert Client(HTTP_HOST=site.primary_domain).get(LIST).status_code == 404
    assert AccessAttempt.objects.filter(username=editor.username).exists()


def test_the_action_itself_refuses_everyone_but_platform_administrators(site, make_member, editor, settings):  # SEC-1
    fail_passwords(editor.username, settings.AXES_FAILURE_LIMIT)

    with pytest.raises(PermissionDenied):
        lockouts.lift_lockout(lockouts.ACCOUNT, editor.username, acting_user=make_member(site, role=Role.SITE_ADMIN))

    assert AccessAttempt.objects.filter(username=editor.username).exists()
    with pytest.raises(ValueError):  # an empty key would make django-axes forget everything
        lockouts.lift_lockout(lockouts.ADDRESS, "", acting_user=None)


def test_lifting_needs_a_post_with_the_csrf_token(platform_admin, admin_client, editor, settings):  # SEC-1, SEC-7
    fail_passwords(editor.username, settings.AXES_FAILURE_LIMIT)
    client = log_in(Client(HTTP_HOST="localhost", enforce_csrf_checks=True), platform_admin)

    assert client.post(LIFT, {"account": editor.username}).status_code == 403  # no token
    form = f"account={editor.username}"
    assert admin_client.put(LIFT, form, content_type="application/x-www-form-urlencoded").status_code == 405
    assert admin_client.post(LIST, {"account": editor.username}).status_code == 405  # the list only reads
    assert AccessAttempt.objects.filter(username=editor.username).exists()
    token = client.get(LIFT, {"account": editor.username}).context["csrf_token"]
    assert client.post(LIFT, {"account": editor.username, "csrfmiddlewaretoken": token}).status_code == 302
    assert not AccessAttempt.objects.filter(username=editor.username).exists()


# --- where to find it, retention ------------------------------------------------------------------


def test_platform_administrators_find_the_page_from_users_and_the_audit_log(admin_client):  # SEC-1
    for page in ("accounts_user_changelist", "auditlog_auditentry_changelist"):
        assert f'href="{LIST}"' in admin_client.get(admin_url(page)).content.decode()
    assert "没有计入的登录失败" in admin_client.get(LIST).content.decode()


def test_the_failure_log_is_kept_for_thirty_days():  # SEC-1
    now = timezone.now()
    for days in (31, 29):
        log = AccessFailureLog.objects.create(username=f"kept-{days}", ip_address=HOME, user_agent="ua")
        AccessFailureLog.objects.filter(pk=log.pk).update(attempt_time=now - timedelta(days=days))

    assert lockouts.purge_failure_log(now=now) == 1
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == ["kept-29"]
