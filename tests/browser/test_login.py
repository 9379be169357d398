"""The two-factor login as a person does it, in Chromium (SEC-1): password, enrolment of an
authenticator app from the page's QR code and key, backup codes, then a later login with a code."""

import re
import time
from base64 import b32decode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import TOTP

from accounts.actions import generate_password
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed from the page."""
    totp = TOTP(b32decode(secret.replace(" ", "")), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def test_first_login_enrols_and_the_next_one_asks_for_the_code(live_server, browser_page):  # SEC-1, TPL-9
    password = generate_password()
    user = UserFactory(username="wang_editor", is_platform_admin=True)
    user.set_password(password)
    user.save()
    page = browser_page

    page.goto(live_server.url + "/admin/")
    page.get_by_label("用户名").fill("wang_editor")
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()

    # enrolment: a QR code, the key as text, a field for the code
    page.wait_for_url(re.compile(r"/admin/login/enrol/$"))
    assert page.locator("figure.qr svg").is_visible()
    assert serious_violations(page) == []
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("验证码").fill(app_code(secret))
    page.get_by_role("button", name="确认").click()

    codes = page.locator(".backup-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert page.get_by_role("link", name="双因素登录").is_visible()

    # log out; the next login asks for the app's code (a later one: each code works once)
    page.get_by_role("button", name="注销").click()
    page.goto(live_server.url + "/admin/")
    page.get_by_label("用户名").fill("wang_editor")
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/admin/login/verify/$"))
    page.get_by_label("验证码").fill("000000" if app_code(secret, 1) != "000000" else "111111")
    page.get_by_role("button", name="验证").click()
    assert page.get_by_role("alert").inner_text().startswith("验证码不正确")
    assert serious_violations(page) == []
    time.sleep(1.1)  # django-otp makes the next try wait a second after a wrong code
    page.get_by_label("验证码").fill(app_code(secret, 1))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert page.problems == []
