"""Every upload of the platform goes through the library's checker (SEC-7, RES-5).

Besides the library (editorial.drafts.upload_asset), files are uploaded as the report of a site's
security check (SITE-5) and as a site's logo. Each is judged by its content (resources/sniff.py),
images are re-encoded, and the file is stored under a name the platform chooses, with the
extension of the type found; a program renamed .jpg is refused, as the library refuses it.
"""

import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from PIL import Image

from lifecycle import opening
from lifecycle import site_settings as site_actions
from lifecycle.models import SecurityCheck
from sites.models import Site
from tests.helpers import admin_url, log_in
from tests.resources import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def admin(platform_admin):
    return platform_admin


def _record(site, admin, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    return opening.record_security_check(site, passed=True, report=upload, acting_user=admin)


# -- the security-check report (SITE-5) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "found"),
    [
        ("报告.jpg", f.EXE, "program"),
        ("报告.pdf", f.HTML_PAGE, "HTML"),
        ("报告.docx", f.zip_bomb_bytes(40, 32), "unpack"),
        ("报告.png", f.SVG_WITH_SCRIPT, "SVG"),
    ],
)
def test_a_hostile_report_is_refused_and_nothing_is_stored(media, site, admin, name, content, found):  # SEC-7
    with pytest.raises(ValidationError) as caught:
        _record(site, admin, name, content)

    assert list(caught.value.message_dict) == ["report"]
    assert found in " ".join(caught.value.message_dict["report"])
    assert not SecurityCheck.objects.filter(site=site).exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_a_report_is_stored_under_the_extension_of_its_content(media, site, admin):  # SEC-7, SITE-5
    check = _record(site, admin, "检测报告.jpg", f.pdf_bytes())

    assert check.report.name.endswith(".pdf") and "检测报告" not in check.report.name
    assert (media / check.report.name).read_bytes() == f.pdf_bytes()


def test_a_photographed_report_is_re_encoded_without_its_position(media, site, admin):  # SEC-7, RES-5
    check = _record(site, admin, "扫描件.jpeg", f.jpeg_with_gps())

    stored = Image.open(media / check.report.name)
    assert check.report.name.endswith(".jpg") and stored.format == "JPEG"
    assert 0x8825 not in stored.getexif()  # no GPS


# -- the site's logo ----------------------------------------------------------------------------


def _png_with_html() -> bytes:
    return f.image_bytes("PNG", size=(60, 40)) + b"<html><script>alert(1)</script></html>"


def test_a_program_as_logo_is_refused(media, site, admin):  # SEC-7
    site.logo = SimpleUploadedFile("logo.jpg", f.EXE)

    with pytest.raises(ValidationError) as caught:
        site_actions.update_site(site, acting_user=admin)

    assert "logo" in caught.value.message_dict
    assert not Site.objects.get(pk=site.pk).logo


def test_a_logo_is_re_encoded_and_named_by_its_content(media, site, admin):  # SEC-7, RES-5
    site.logo = SimpleUploadedFile("logo.gif", _png_with_html())

    site_actions.update_site(site, acting_user=admin)

    stored = Site.objects.get(pk=site.pk).logo
    assert stored.name.startswith("sites/logos/") and stored.name.endswith(".png")
    data = (media / stored.name).read_bytes()
    assert b"<script" not in data and Image.open(io.BytesIO(data)).size == (60, 40)


def test_the_logo_field_of_the_back_office_goes_through_the_checker(media, site, admin, backoffice_client):  # SEC-7
    client = log_in(backoffice_client, admin)
    url = admin_url("sites_site_change", site.pk)
    page = client.get(url, secure=True)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "logo"}
    data.update({"domains-TOTAL_FORMS": "0", "domains-INITIAL_FORMS": "0"})

    refused = client.post(url, {**data, "logo": SimpleUploadedFile("logo.png", f.EXE)}, secure=True)
    saved = client.post(url, {**data, "logo": SimpleUploadedFile("logo.gif", _png_with_html())}, secure=True)

    assert refused.status_code == 200  # the form again, with the checker's message
    message = " ".join(refused.context["adminform"].form.errors.get("logo", []))
    assert "“logo.png”" in message and "可执行程序" in message  # the checker's message, in Chinese
    assert saved.status_code == 302, saved.context and saved.context["adminform"].form.errors
    stored = Site.objects.get(pk=site.pk).logo
    assert stored.name.endswith(".png") and b"<script" not in (media / stored.name).read_bytes()


# -- every file field is one of these ----------------------------------------------------------


def test_every_file_field_of_the_platform_is_checked():  # SEC-7
    """A new file field must be added here, and its uploads sent through resources/uploads.py."""
    ours = {"accounts", "auditlog", "sites", "columns", "resources", "editorial", "publishing", "lifecycle", "search"}
    found = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in ours
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }
    assert found == {"resources.Asset.file", "resources.Rendition.file", "lifecycle.SecurityCheck.report",
                     "sites.Site.logo"}  # fmt: skip
