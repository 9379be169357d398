"""The back-office login (SEC-1): password and a second factor, enrolment on the first login,
backup codes, throttling by account and address, session expiry, password rules."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice

from accounts import login_views, session_expiry, twofactor
from accounts.actions import generate_password
from accounts.models import AuthenticatorDevice
from auditlog.models import AuditEntry
from tests.factories import UserFactory
from tests.helpers import admin_url, log_in

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.20"


@pytest.fixture
def staff(db, platform_admin):
    """A platform administrator with a known password (set here, never written down), no device yet."""
    password = generate_password()
    platform_admin.set_password(password)
    platform_admin.save()
    platform_admin.test_password = password
    return platform_admin


def code_of(device: AuthenticatorDevice, offset: int = 0) -> str:
    """The code the authenticator app shows now (or `offset` steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> AuthenticatorDevice:
    device = twofactor.start_enrolment(user)
    assert twofactor.confirm_enrolment(user, device, code_of(device)) is not None
    device.refresh_from_db()
    return device


def password_step(client, user, password=None, address=ADDRESS, **data):
    return client.post(
        admin_url("login"),
        {"username": user.username, "password": password or user.test_password, **data},
        REMOTE_ADDR=address,
    )


def is_in_back_office(client) -> bool:
    return client.get(admin_url("index")).status_code == 200


# --- two factors ---------------------------------------------------------------------------------


def test_a_password_alone_opens_nothing(backoffice_client, staff):  # SEC-1
    enrolled(staff)
    response = password_step(backoffice_client, staff)

    assert response.status_code == 302 and response["Location"] == admin_url("login_verify")
    assert "_auth_user_id" not in backoffice_client.session
    assert not is_in_back_office(backoffice_client)
    assert not AuditEntry.objects.filter(action="auth.login").exists()


def test_a_session_without_a_verified_second_factor_is_refused(backoffice_client, staff):  # SEC-1
    backoffice_client.force_login(staff)  # password-level login only, as an old session would be

    response = backoffice_client.get(admin_url("index"))

    assert response.status_code == 302 and response["Location"].startswith(admin_url("login"))


def test_first_login_enrols_an_authenticator_app(backoffice_client, staff):  # SEC-1, SEC-2
    response = password_step(backoffice_client, staff)
    assert response["Location"] == admin_url("login_enrol")

    page = backoffice_client.get(admin_url("login_enrol"))
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "otpauth" not in html  # the QR code, not a link
    device = AuthenticatorDevice.objects.get(user=staff, confirmed=False)
    assert twofactor.grouped_secret(device) in html

    wrong = backoffice_client.post(
        admin_url("login_enrol"), {"token": "000000" if code_of(device) != "000000" else "1"}
    )
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()  # the back office speaks Chinese first
    assert not is_in_back_office(backoffice_client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp slows down the next try
    device.throttle_reset()

    done = backoffice_client.post(admin_url("login_enrol"), {"token": code_of(device)}, REMOTE_ADDR=ADDRESS)
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", done.content.decode())
    assert done.status_code == 200 and len(codes) == twofactor.BACKUP_CODE_COUNT
    assert "no-store" in done["Cache-Control"]
    assert is_in_back_office(backoffice_client)
    login = AuditEntry.objects.get(action="auth.login")
    assert login.actor == staff and login.ip == ADDRESS
    assert AuditEntry.objects.filter(action="user.second_factor_enrolled", object_id=str(staff.pk)).exists()
    failure = AuditEntry.objects.get(action="auth.login_failed")
    assert failure.details == {"username": staff.username, "step": "second_factor"}


def test_later_logins_ask_for_the_apps_code(backoffice_client, staff):  # SEC-1
    device = enrolled(staff)
    password_step(backoffice_client, staff)

    response = backoffice_client.post(admin_url("login_verify"), {"token": code_of(device, 1)})

    assert response.status_code == 302 and is_in_back_office(backoffice_client)


def test_a_code_is_accepted_only_once(backoffice_client, client, staff):  # SEC-1
    device = enrolled(staff)
    code = code_of(device, 1)
    password_step(backoffice_client, staff)
    backoffice_client.post(admin_url("login_verify"), {"token": code})

    other = type(backoffice_client)(HTTP_HOST="localhost")
    password_step(other, staff)
    replay = other.post(admin_url("login_verify"), {"token": code})

    assert replay.status_code == 200 and not is_in_back_office(other)


def test_a_backup_code_logs_in_once(backoffice_client, staff):  # SEC-1
    enrolled(staff)
    codes = twofactor.issue_backup_codes(staff, acting_user=staff)
    password_step(backoffice_client, staff)
    backoffice_client.post(admin_url("login_verify"), {"token": codes[0].upper()[:4] + " " + codes[0][4:]})
    assert is_in_back_office(backoffice_client)
    assert twofactor.backup_codes_left(staff) == len(codes) - 1

    again = type(backoffice_client)(HTTP_HOST="localhost")
    password_step(again, staff)
    again.post(admin_url("login_verify"), {"token": codes[0]})
    assert not is_in_back_office(again)


def test_someone_with_only_the_password_cannot_enrol_their_own_app(backoffice_client, staff):  # SEC-1
    enrolled(staff)
    password_step(backoffice_client, staff)

    response = backoffice_client.get(admin_url("login_enrol"))

    assert response.status_code == 302 and response["Location"] == admin_url("login_verify")
    assert not AuthenticatorDevice.objects.filter(user=staff, confirmed=False).exists()


def test_the_password_step_expires(backoffice_client, staff, monkeypatch):  # SEC-1
    device = enrolled(staff)
    password_step(backoffice_client, staff)
    later = time.time() + login_views.PENDING_SECONDS + 1
    monkeypatch.setattr(login_views.time, "time", lambda: later)

    response = backoffice_client.post(admin_url("login_verify"), {"token": code_of(device, 1)})

    assert response.status_code == 302 and response["Location"] == admin_url("login")
    assert not is_in_back_office(backoffice_client)


def test_next_never_leaves_the_back_office(backoffice_client, staff):  # SEC-1
    device = enrolled(staff)
    password_step(backoffice_client, staff, next="https://evil.example/")

    response = backoffice_client.post(admin_url("login_verify"), {"token": code_of(device, 1)})

    assert response["Location"] == admin_url("index")


# --- throttling (django-axes) --------------------------------------------------------------------


def test_an_account_is_locked_after_repeated_wrong_passwords(backoffice_client, staff, settings):  # SEC-1
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        password_step(backoffice_client, staff, password=f"wrong-{attempt}", address=f"198.51.100.{attempt}")

    response = password_step(backoffice_client, staff, address="192.0.2.99")  # the right password, elsewhere

    assert response.status_code == 429
    assert "登录失败尝试次数过多" in response.content.decode()
    assert "login_pending" not in backoffice_client.session


def test_an_address_is_locked_after_failures_on_many_accounts(backoffice_client, staff, settings):  # SEC-1
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        backoffice_client.post(
            admin_url("login"), {"username": f"guess{attempt}", "password": "x"}, REMOTE_ADDR=ADDRESS
        )

    assert password_step(backoffice_client, staff).status_code == 429
    assert password_step(backoffice_client, staff, address="192.0.2.7").status_code == 302


def test_wrong_codes_count_towards_the_lockout(backoffice_client, staff, settings):  # SEC-1
    device = enrolled(staff)
    password_step(backoffice_client, staff)
    responses = [
        backoffice_client.post(admin_url("login_verify"), {"token": f"{n:06d}"}, REMOTE_ADDR=ADDRESS)
        for n in range(settings.AXES_FAILURE_LIMIT)
        if f"{n:06d}" != code_of(device)
    ]

    assert responses[-1].status_code == 429
    assert backoffice_client.post(admin_url("login_verify"), {"token": code_of(device, 1)}).status_code == 302
    assert not is_in_back_office(backoffice_client)


# --- sessions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "age", "reason"),
    [
        (session_expiry.SEEN_AT, timedelta(minutes=31), "idle"),
        (session_expiry.LOGGED_IN_AT, timedelta(hours=8, minutes=1), "max_age"),
    ],
)
def test_sessions_expire(backoffice_client, staff, key, age, reason):  # SEC-1
    log_in(backoffice_client, staff)
    session = backoffice_client.session
    session[session_expiry.LOGGED_IN_AT] = session[session_expiry.SEEN_AT] = time.time()
    session[key] = time.time() - age.total_seconds()
    session.save()

    response = backoffice_client.get(admin_url("index"))

    assert response.status_code == 302 and response["Location"].startswith(admin_url("login"))
    assert not is_in_back_office(backoffice_client)
    assert AuditEntry.objects.get(action="auth.session_expired").details == {"reason": reason}


def test_an_active_session_lives_on(backoffice_client, staff):  # SEC-1 (the expiry above can fail)
    log_in(backoffice_client, staff)
    session = backoffice_client.session
    session[session_expiry.LOGGED_IN_AT] = time.time() - 3600
    session[session_expiry.SEEN_AT] = time.time() - 600
    session.save()

    assert is_in_back_office(backoffice_client)
    assert backoffice_client.session[session_expiry.SEEN_AT] > time.time() - 5


# --- own security page, reset by a platform admin --------------------------------------------------


def test_new_backup_codes_replace_the_old_ones(backoffice_client, staff):  # SEC-1
    old = twofactor.issue_backup_codes(staff, acting_user=staff)
    log_in(backoffice_client, staff)

    response = backoffice_client.post(admin_url("security"), {"action": "new-backup-codes"})

    new = re.findall(r"<code>([a-z2-7]{8})</code>", response.content.decode())
    assert len(new) == twofactor.BACKUP_CODE_COUNT and not set(new) & set(old)
    # (the new one first: a refused code slows down the next try)
    assert twofactor.verify(staff, new[0]) is not None and twofactor.verify(staff, old[0]) is None


def test_a_platform_admin_resets_a_lost_phone(backoffice_client, staff, site, make_member):  # SEC-1, SEC-2
    editor = make_member(site)
    enrolled(editor)
    log_in(backoffice_client, staff)

    confirm = backoffice_client.get(admin_url("accounts_user_reset_second_factor", editor.pk))
    assert confirm.status_code == 200 and AuthenticatorDevice.objects.filter(user=editor).exists()
    backoffice_client.post(admin_url("accounts_user_reset_second_factor", editor.pk))

    assert not AuthenticatorDevice.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()
    assert AuditEntry.objects.get(action="user.second_factor_reset").actor == staff


def test_only_platform_admins_reset_second_factors(backoffice_client, site, make_member):  # SEC-1, SEC-3
    site_admin, editor = make_member(site, role="site_admin"), make_member(site)
    enrolled(editor)
    log_in(backoffice_client, site_admin)

    response = backoffice_client.post(admin_url("accounts_user_reset_second_factor", editor.pk))

    assert response.status_code in (403, 404) and AuthenticatorDevice.objects.filter(user=editor).exists()


# --- password rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["zhengfuwangzhan", "zhengfuwangzhan2026", "ZHENGFU-WANGZHAN"])
def test_weak_passwords_are_refused(password):  # SEC-1
    with pytest.raises(ValidationError):
        validate_password(password)


def test_mixed_passwords_pass():  # SEC-1 (the refusals above can fail)
    validate_password("Zhengfu-Wangzhan-2026")
    validate_password(generate_password())


def test_demo_style_accounts_have_no_usable_default(staff):  # SEC-1
    assert not UserFactory().has_usable_password()
