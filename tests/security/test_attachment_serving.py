"""Uploaded files on the public sites: named and served by their sniffed type, as downloads (SEC-7).

A published library file keeps the uploader's name for people to read, but its extension is the
one of the type its content was found to be (resources/sniff.py), never the one the uploader gave;
the public process and nginx (deploy/nginx.conf.template) serve everything under a column's
files/ folder the way the back office serves uploads: images inline with their own type,
everything else as a download of a fixed type, with nosniff and a sandboxing policy.
"""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.test import Client

from editorial import drafts as actions
from publishing.publisher import publish_site
from resources.models import ResourceKind, Revision
from sites.models import Role
from tests.factories import MembershipFactory
from tests.rendering.conftest import DOMAIN, Builder
from tests.resources import factories as f

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
REFRESH = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'


@pytest.fixture
def site_with_files(settings, tmp_path):
    settings.PUBLISH_ROOT = tmp_path / "publish"
    settings.MEDIA_ROOT = tmp_path / "media"
    b = Builder(settings.PUBLISH_ROOT)
    editor = MembershipFactory(site=b.site, role=Role.EDITOR).user
    col = b.column("xw", "新闻", channel=True)
    uploads = {
        "script": ("x.js", b"alert(document.domain);\n", ResourceKind.ATTACHMENT),
        "pdf": ("报告.html", f.pdf_bytes(), ResourceKind.ATTACHMENT),
        "utf16": ("说明.html", "请于三日内提交材料。\n".encode("utf-16"), ResourceKind.ATTACHMENT),
        "photo": ("现场.svg", f.image_bytes("PNG", size=(40, 30)), ResourceKind.IMAGE),
    }
    attachments, resources = {}, []
    for key, (name, content, kind) in uploads.items():
        asset = actions.upload_asset(f.upload(name, content), kind=kind, acting_user=editor)
        resource = b.resource(col, f"附件{key}", kind=ResourceKind.ATTACHMENT, data={})
        Revision.objects.filter(pk=resource.published_revision_id).update(asset=asset)
        attachments[key] = asset
        resources.append(resource.pk)
    b.linking_article = b.article(col, "有附件的文章", data={"body": "<p>正文</p>", "attachments": resources})
    publish_site(b.site.pk)
    published = sorted((b.root / DOMAIN).rglob("files/*"))
    b.files = {}
    for key, asset in attachments.items():
        named = [p for p in published if p.name.startswith(f"{asset.pk}-")]
        assert len(named) == 1, (key, published)
        b.files[key] = named[0]
    return b


def _get(path: Path, root: Path):
    return Client(HTTP_HOST=DOMAIN).get("/" + str(path.relative_to(root / DOMAIN)), secure=True)


@pytest.mark.parametrize(
    ("key", "extension"), [("script", ".txt"), ("pdf", ".pdf"), ("utf16", ".txt"), ("photo", ".png")]
)
def test_published_files_have_the_extension_of_their_content(site_with_files, key, extension):  # SEC-7
    path = site_with_files.files[key]
    assert path.suffix == extension, path.name
    # The article's page links the file by its published address (the page of each attachment
    # and the column's list do not: read the article's page, not any page of the column).
    site_root = site_with_files.root / DOMAIN
    page = (site_root / "xw" / f"{site_with_files.linking_article.pk}.html").read_text()
    links = {unquote(href) for href in re.findall(r'href="([^"]+)"', page)}
    assert "/" + path.relative_to(site_root).as_posix() in links, sorted(links)


@pytest.mark.parametrize(
    ("key", "content_type"),
    [("script", "text/plain; charset=utf-8"), ("pdf", "application/pdf"), ("utf16", "text/plain; charset=utf-8")],
)
def test_published_attachments_are_sandboxed_downloads(site_with_files, key, content_type):  # SEC-7
    response = _get(site_with_files.files[key], site_with_files.root)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_published_images_are_inline_with_their_own_type(site_with_files):  # SEC-7
    response = _get(site_with_files.files["photo"], site_with_files.root)

    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response.get("Content-Disposition", "").startswith("attachment")


@pytest.mark.parametrize("name", ["9-x.js", "9-page.html", "9-drawing.svg", "9-w640-x.htm"])
def test_a_script_or_page_in_a_files_folder_is_never_served_as_one(site_with_files, name):  # SEC-7
    """Whatever lies in files/ (planted, or left by an older publish) is a download of no active type."""
    planted = site_with_files.root / DOMAIN / "xw/files" / name
    planted.write_text("<script>alert(1)</script>")

    response = _get(planted, site_with_files.root)

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


def test_pages_of_a_column_called_files_are_still_pages(site_with_files):  # SEC-7: the rule is for library files
    b = site_with_files
    col = b.column("files", "文件")
    article = b.article(col, "文件栏目的文章")
    publish_site(b.site.pk)

    response = Client(HTTP_HOST=DOMAIN).get(f"/files/{article.pk}.html", secure=True)

    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not response.get("Content-Disposition", "").startswith("attachment")


# -- nginx ------------------------------------------------------------------------------------------


def _nginx_locations(text: str) -> dict[str, str]:
    """The public server's locations: their pattern -> their body (nested blocks included)."""
    public = text[text.index("server {") : text.index("server {", text.index("server {") + 1)]
    found = {}
    for match in re.finditer(r"location\s+([^{]+?)\s*\{", public):
        depth, at = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(public[at], 0)
            at += 1
        found[match[1].strip()] = public[match.end() : at - 1]
    return found


def test_nginx_serves_published_library_files_as_sandboxed_downloads():  # SEC-7
    template = (REPO / "deploy/nginx.conf.template").read_text()
    rendered = template.replace("${BACKOFFICE_HOST}", "admin.example.gov.cn")
    rendered = re.sub(r"(?m)^\s*#.*$", "", rendered)  # comments
    locations = _nginx_locations(rendered)
    regexes = {key: re.compile(key.split(None, 1)[1].strip('"')) for key in locations if key.startswith("~")}
    files_rule = [key for key, regex in regexes.items() if regex.search("/xw/gzdt/files/12-方案.pdf")]
    assert files_rule, f"no location for published library files in {sorted(locations)}"
    key = files_rule[0]
    body = locations[key]
    for path in ("/xw/files/12-x.js", "/xw/files/3-w640-照片.png", "/a/b/files/7-page.html"):
        assert regexes[key].search(path), path
    for path in ("/files/123.html", "/files/index.html", "/xw/123.html", "/-/site.js"):
        assert not regexes[key].search(path), path

    assert re.search(r"add_header\s+Content-Disposition\s+\$library_file_disposition\s+always;", body)
    assert re.search(r"add_header\s+X-Content-Type-Options\s+nosniff\s+always;", body)
    assert re.search(r'add_header\s+Content-Security-Policy\s+"[^"]*\bsandbox\b[^"]*"\s+always;', body)
    assert re.search(r"add_header\s+Strict-Transport-Security\s", body)  # add_header replaced the inherited ones
    assert re.search(r"default_type\s+application/octet-stream;", body)
    assert "/srv/publish/.routes/$host" in body  # an offline site's files are the public process's to answer
    types = re.search(r"types\s*\{([^}]*)\}", body)[1]
    assert not re.search(r"html|javascript|ecmascript|svg|/xml|\+xml|\bxml\b", types), types
    # Only the accepted image types are inline; everything else is a download.
    disposition = re.search(r"map\s+\$uri\s+\$library_file_disposition\s*\{([^}]*)\}", rendered)[1]
    rules = dict(line.strip().rstrip(";").rsplit(None, 1) for line in disposition.strip().splitlines())
    assert rules.pop("default") == "attachment"
    ((pattern, value),) = rules.items()
    assert value == "inline"
    image = re.compile(pattern.removeprefix("~*"), re.IGNORECASE)
    assert all(image.search(f"/xw/files/1-a.{ext}") for ext in ("jpg", "jpeg", "png", "gif", "webp"))
    assert not any(image.search(f"/xw/files/1-a.{ext}") for ext in ("svg", "html", "js", "pdf", "txt", "png.html"))
