"""Shared fixtures and the skip-or-fail rule for tests that need real services."""

import os

import pytest
from django.test import Client
from django.utils import translation

from sites import host_cache
from sites.models import Role
from tests.factories import MembershipFactory, SiteFactory, UserFactory
from workdays.days import forget_table


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


def redis_reachable(url: str) -> tuple[bool, str]:
    """Whether the Redis at `url` answers a ping, and why not."""
    if not url:
        return False, "REDIS_URL is not set"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return False, f"cannot reach {url}: {error}"
    return True, ""


def require_service(name: str, available: bool, reason: str) -> None:
    """Skip the test when `name` is not available, or fail it when REQUIRE_SERVICES=1 (CI)."""
    if available:
        return
    message = f"{name} is not available: {reason}"
    if services_required():
        pytest.fail(f"{message} (REQUIRE_SERVICES=1 makes this a failure)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def english_messages():
    """Actions called directly speak English in tests, so assertions can quote the msgids.

    Requests still go through LocaleMiddleware: pages are Chinese unless the client asks for
    English, and tests of the Chinese texts say so (translation.override or Accept-Language).
    """
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def isolated_files(settings, tmp_path):
    """Every test publishes and uploads into its own folders, never into var/."""
    settings.PUBLISH_ROOT = tmp_path / "publish"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_host_cache():
    """Every test starts with an empty host cache (PUB-8): the rows of an earlier test were rolled
    back without a signal, so what it cached for a host must not answer in this one."""
    host_cache.hosts.clear()


@pytest.fixture(autouse=True)
def fresh_calendar_table():
    """The same for the administrators' table of holidays (workdays/days.py)."""
    forget_table()


@pytest.fixture
def backoffice_client():
    """A test client that talks to the back office (a BACKOFFICE_HOSTS host)."""
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def platform_admin(db):
    return UserFactory(is_platform_admin=True, username="platform-admin")


@pytest.fixture
def site(db):
    return SiteFactory()


@pytest.fixture
def make_member(db):
    """make_member(site, role) -> a user holding `role` on `site`."""

    def make(site, role=Role.EDITOR, **user_fields):
        return MembershipFactory(
            site=site, role=role, **({"user": UserFactory(**user_fields)} if user_fields else {})
        ).user

    return make


def pytest_configure(config):
    # WhiteNoise warns once per client when var/static (collectstatic's output) does not exist yet.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
