"""SEC-7: security headers on the back office, on published pages and on 404s; uploads served
as downloads unless they are images; CSRF on every back-office form."""

import base64
import hashlib
import re

import pytest
from django.test import Client

from tests.helpers import admin_url, log_in
from tests.security.conftest import DOMAIN

pytestmark = pytest.mark.django_db

PUBLIC_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip())


def assert_common_headers(response):
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.fixture
def public_client():
    return Client(HTTP_HOST=DOMAIN)


# --- back office ---------------------------------------------------------------------------------


def test_back_office_page_has_every_header(backoffice_client, platform_admin):  # SEC-7
    log_in(backoffice_client, platform_admin)

    response = backoffice_client.get(admin_url("index"), secure=True)

    assert response.status_code == 200
    assert_common_headers(response)
    directives = policy(response)
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].split()[0] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["form-action"] == "'self'" and directives["base-uri"] == "'self'"


def test_back_office_404_has_every_header(backoffice_client, platform_admin):  # SEC-7
    log_in(backoffice_client, platform_admin)

    response = backoffice_client.get("/no-such-page/", secure=True)

    assert response.status_code == 404
    assert_common_headers(response)
    assert policy(response)["frame-ancestors"] == "'none'"


def _inline_scripts(html: str) -> list[tuple[str, str]]:
    """(attributes, content) of every <script> without src."""
    return [
        (attrs, content)
        for attrs, content in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
        if "src=" not in attrs
    ]


def test_every_inline_script_of_the_editor_page_is_allowed(sites, login):  # SEC-7
    """The rich-text editor's import map runs under the policy (by its hash); nothing else inline."""
    client = login(sites.a.users["editor"])

    response = client.get(admin_url("resources_resource_add") + f"?kind=article&site={sites.a.site.pk}", secure=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="importmap"' in html  # the page does carry the editor
    script_src = policy(response)["script-src"].split()
    inline = _inline_scripts(html)
    assert inline
    for attrs, content in inline:
        if 'type="application/json"' in attrs:
            continue  # data, never executed
        digest = base64.b64encode(hashlib.sha256(content.encode()).digest()).decode()
        nonce = re.search(r'nonce="([^"]+)"', attrs)
        allowed = f"'sha256-{digest}'" in script_src or (nonce and f"'nonce-{nonce[1]}'" in script_src)
        assert allowed, f"inline script not allowed by the policy: <script{attrs}>{content[:80]}"


def test_every_back_office_form_carries_a_csrf_token(backoffice_client, sites, login, platform_admin):  # SEC-7
    pages = [admin_url("login")]
    assert 'name="csrfmiddlewaretoken"' in backoffice_client.get(pages[0]).content.decode()
    client = login(platform_admin)
    for url in (
        admin_url("index"),
        admin_url("sites_site_change", sites.a.site.pk),
        admin_url("accounts_user_add"),
        admin_url("columns_column_add"),
        admin_url("resources_resource_add") + f"?kind=article&site={sites.a.site.pk}",
    ):
        html = client.get(url).content.decode()
        forms = re.findall(r"<form\b[^>]*>(.*?)</form>", html, flags=re.S | re.I)
        posting = [form for form in re.findall(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", html, re.S | re.I)]
        assert forms, url
        for form in posting:
            assert 'name="csrfmiddlewaretoken"' in form, url


def test_a_post_without_the_csrf_token_is_refused(sites, platform_admin):  # SEC-7
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    log_in(client, platform_admin)

    response = client.post(admin_url("sites_site_change", sites.a.site.pk), {"name": "改名"})

    assert response.status_code == 403


# --- public sites --------------------------------------------------------------------------------


def test_published_page_has_the_strict_public_policy(published, public_client):  # SEC-7
    response = public_client.get(f"/{published.article_path}", secure=True)

    assert response.status_code == 200
    assert_common_headers(response)
    assert policy(response) == PUBLIC_POLICY


def test_public_404_has_the_strict_public_policy(published, public_client):  # SEC-7
    response = public_client.get("/no/such/page.html", secure=True)

    assert response.status_code == 404
    assert "<html" in response.content.decode()  # the site's published 404 page
    assert_common_headers(response)
    assert policy(response) == PUBLIC_POLICY


def test_unknown_host_404_has_the_strict_public_policy(db):  # SEC-7
    response = Client(HTTP_HOST="www.unknown.gov.cn").get("/", secure=True)

    assert response.status_code == 404
    assert policy(response) == PUBLIC_POLICY


def test_published_pages_need_no_inline_script_or_style(published):  # SEC-7: the strict policy breaks nothing
    for page in published.site_root.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not _inline_scripts(html), page
        assert "<style" not in html and " style=" not in html, page
        assert not re.search(r"<[^>]+\son\w+=", html), page


# --- uploads ---------------------------------------------------------------------------------------


@pytest.fixture
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = settings.MEDIA_ROOT / "assets" / "2026"
    folder.mkdir(parents=True)
    files = {
        "photo.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 32,
        "通知.pdf": b"%PDF-1.7\n",
        "page.html": b"<script>alert(1)</script>",
        "drawing.svg": b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        "data.bin": b"\0\1\2",
    }
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


def _media(client, name):
    return client.get(f"/media/assets/2026/{name}", secure=True)


def test_images_are_shown_inline_with_their_type(uploads, login, platform_admin):  # SEC-7
    response = _media(login(platform_admin), "photo.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == "inline"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "name, content_type",
    [
        ("通知.pdf", "application/pdf"),
        ("page.html", "application/octet-stream"),
        ("drawing.svg", "application/octet-stream"),
        ("data.bin", "application/octet-stream"),
    ],
)
def test_other_uploads_are_downloads_with_a_safe_type(uploads, login, platform_admin, name, content_type):  # SEC-7
    response = _media(login(platform_admin), name)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_uploads_need_a_back_office_login(uploads, backoffice_client):  # SEC-7, SEC-3
    response = _media(backoffice_client, "photo.png")

    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("path", ["../secret_key", "assets/../../x", ".hidden", "assets/2026/.env"])
def test_uploads_outside_media_root_are_not_served(uploads, login, platform_admin, path):  # SEC-7
    assert login(platform_admin).get(f"/media/{path}").status_code == 404


def test_uploads_are_not_served_on_public_hosts(uploads, published, public_client):  # SEC-3
    assert public_client.get("/media/assets/2026/photo.png").status_code == 404


def test_behind_nginx_the_file_is_sent_by_an_internal_redirect(
    uploads, login, platform_admin, settings
):  # SEC-3, SEC-7
    settings.MEDIA_ACCEL_REDIRECT = "/_protected_media/"

    response = _media(login(platform_admin), "通知.pdf")

    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/_protected_media/assets/2026/%E9%80%9A%E7%9F%A5.pdf"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_behind_nginx_no_redirect_is_given_to_whom_may_not_see(uploads, backoffice_client, settings):  # SEC-3
    settings.MEDIA_ACCEL_REDIRECT = "/_protected_media/"

    response = _media(backoffice_client, "通知.pdf")

    assert response.status_code == 302 and not response.has_header("X-Accel-Redirect")
