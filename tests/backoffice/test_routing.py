"""SEC-3: the back office answers only on its own hosts; site hosts serve published files."""

import pytest
from django.test import Client

from sites.models import Domain
from tests.factories import SiteFactory, UserFactory
from tests.helpers import log_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "admin.localhost", "LOCALHOST:8000"])
def test_back_office_answers_on_back_office_hosts(host):  # SEC-3
    client = Client(HTTP_HOST=host)

    assert client.get("/admin/login/").status_code == 200
    assert client.get("/admin/").status_code == 302
    assert client.get("/").url == "/admin/"


@pytest.mark.parametrize("host", ["www.x.gov.cn", "www.x.gov.cn.localhost", "www.bd.gov.cn", "xn--ruqz9z.xn--zfr164b"])
@pytest.mark.parametrize("path", ["/admin/", "/admin/login/", "/admin/sites/site/", "/i18n/setlang/"])
def test_no_back_office_on_a_site_host(host, path):  # SEC-3
    SiteFactory(primary_domain="www.bd.gov.cn")
    platform_admin = UserFactory(is_platform_admin=True)
    client = Client(HTTP_HOST=host)
    log_in(client, platform_admin)

    response = client.get(path)

    assert response.status_code == 404
    assert b"csrfmiddlewaretoken" not in response.content


def test_unknown_hosts_are_refused():  # SEC-3
    response = Client(HTTP_HOST="evil.example.com").get("/admin/login/")

    assert response.status_code == 400


@pytest.mark.parametrize("host", ["www.x.gov.cn", "www.unknown.gov.cn"])
def test_public_health_endpoint(host):  # SEC-3, OPS-1
    response = Client(HTTP_HOST=host).get("/-/health")

    assert response.status_code == 200
    assert response.content == b"ok"


# --- published files ---------------------------------------------------------------------------


@pytest.fixture
def published(settings, tmp_path):
    """PUBLISH_ROOT with www.bd.gov.cn (alias bd.xn--…) and a neighbour's files, plus a secret outside."""
    settings.PUBLISH_ROOT = tmp_path / "publish"
    bd = SiteFactory(primary_domain="www.bd.gov.cn")
    Domain.objects.create(site=bd, name="baoding.gov.cn")
    Domain.objects.create(site=bd, name="保定.政务")
    SiteFactory(primary_domain="www.ts.gov.cn")
    root = settings.PUBLISH_ROOT / "www.bd.gov.cn"
    (root / "zwgk").mkdir(parents=True)
    (root / "index.html").write_text("<h1>保定市人民政府</h1>", encoding="utf-8")
    (root / "zwgk" / "index.html").write_text("<h1>政务公开</h1>", encoding="utf-8")
    (root / "zwgk" / "1.html").write_text("<p>文章</p>", encoding="utf-8")
    (settings.PUBLISH_ROOT / "www.ts.gov.cn").mkdir()
    (settings.PUBLISH_ROOT / "www.ts.gov.cn" / "index.html").write_text("唐山", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("SECRET", encoding="utf-8")
    (settings.PUBLISH_ROOT / "secret.txt").write_text("SECRET", encoding="utf-8")
    return root


def body(response) -> str:
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


@pytest.mark.parametrize(
    "path, text",
    [("/", "保定市人民政府"), ("/zwgk/", "政务公开"), ("/zwgk", "政务公开"), ("/zwgk/1.html", "文章")],
)
def test_published_files_are_served_on_the_site_host(published, path, text):  # PUB-8
    response = Client(HTTP_HOST="www.bd.gov.cn").get(path)

    assert response.status_code == 200
    assert text in body(response)
    assert response["Content-Type"].startswith("text/html")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "host", ["baoding.gov.cn", "WWW.BD.GOV.CN:8080", "www.bd.gov.cn.localhost", "xn--ruqz9z.xn--zfr164b"]
)
def test_alias_hosts_serve_the_primary_domains_files(published, host):  # SITE-3
    response = Client(HTTP_HOST=host).get("/zwgk/1.html")

    assert response.status_code == 200
    assert "文章" in body(response)


def test_each_host_serves_its_own_site(published):  # PUB-8
    response = Client(HTTP_HOST="www.ts.gov.cn").get("/")

    assert body(response) == "唐山"


def test_unpublished_page_and_unknown_site_are_not_found(published):  # PUB-8
    assert Client(HTTP_HOST="www.bd.gov.cn").get("/missing.html").status_code == 404
    assert Client(HTTP_HOST="www.unknown.gov.cn").get("/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/zwgk/../../secret.txt",
        "/zwgk/%2E%2E/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/../www.ts.gov.cn/index.html",
        "/%2F{tmp}/secret.txt",  # an absolute path
        "/..",
    ],
)
def test_path_traversal_is_refused(published, tmp_path, path):  # SEC-3
    response = Client(HTTP_HOST="www.bd.gov.cn").get(path.format(tmp=str(tmp_path).lstrip("/")))

    assert response.status_code == 404
    assert "SECRET" not in body(response) and "唐山" not in body(response)
