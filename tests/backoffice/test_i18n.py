"""The back office speaks Chinese first (zh-hans) and English on request."""

import pytest

from tests.helpers import admin_url

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_by_default(backoffice_client):
    text = backoffice_client.get(admin_url("login")).content.decode()

    assert '<html lang="zh-hans"' in text
    assert "登录" in text
    assert "Log in" not in text


def test_login_page_in_english_for_an_english_browser(backoffice_client):
    text = backoffice_client.get(admin_url("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert '<html lang="en"' in text
    assert "Log in" in text
    assert "登录" not in text


def test_language_cookie_chooses_english(backoffice_client):
    backoffice_client.cookies["django_language"] = "en"

    text = backoffice_client.get(admin_url("login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()

    assert "Log in" in text and "登录" not in text


def test_language_switch_remembers_the_choice(backoffice_client):
    response = backoffice_client.post("/i18n/setlang/", {"language": "en", "next": admin_url("login")})

    assert response.status_code == 302
    assert "Log in" in backoffice_client.get(admin_url("login")).content.decode()


def test_platform_name_is_translated(backoffice_client):
    chinese = backoffice_client.get(admin_url("login")).content.decode()
    english = backoffice_client.get(admin_url("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Government website platform" in english
    assert "Government website platform" not in chinese
