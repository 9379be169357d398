"""Host-to-site resolution: which site a request's Host header names (SITE-3, SEC-3)."""

import pytest

from sites.models import Domain
from sites.resolve import site_for_host
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bd():
    site = SiteFactory(primary_domain="www.bd.gov.cn")
    Domain.objects.create(site=site, name="baoding.gov.cn")
    Domain.objects.create(site=site, name="保定.政务")
    return site


@pytest.mark.parametrize(
    "host",
    [
        "www.bd.gov.cn",  # primary
        "baoding.gov.cn",  # alias
        "WWW.BD.GOV.CN",  # case-insensitive
        "www.bd.gov.cn:8080",  # port ignored
        "www.bd.gov.cn.",  # trailing dot of a fully qualified name
        "www.bd.gov.cn.localhost",  # development suffix
        "www.bd.gov.cn.localhost:8001",
        "xn--ruqz9z.xn--zfr164b",  # 保定.政务 as the browser sends it (punycode)
        "XN--RUQZ9Z.XN--ZFR164B:443",
    ],
)
def test_host_resolves_to_its_site(bd, host):  # SITE-3
    assert site_for_host(host) == bd


@pytest.mark.parametrize(
    "host",
    ["www.other.gov.cn", "bd.gov.cn", "www.bd.gov.cn.evil.com", "localhost", "", "[::1]:8000", "xn--zz.xn--zfr164b"],
)
def test_unknown_host_resolves_to_no_site(bd, host):  # SITE-3
    assert site_for_host(host) is None


def test_each_site_gets_its_own_host():  # SITE-1
    first, second = SiteFactory(), SiteFactory()

    assert site_for_host(first.primary_domain) == first
    assert site_for_host(second.primary_domain) == second
