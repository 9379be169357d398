"""Fixtures of the resource-library tests: uploads go to a temporary MEDIA_ROOT."""

import pytest

from sites.models import Role
from tests.factories import ColumnFactory, SiteFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_URL = "/media/"
    return settings.MEDIA_ROOT


@pytest.fixture
def editor(site, make_member):
    return make_member(site, Role.EDITOR, real_name="王编辑")


@pytest.fixture
def other_editor(site, make_member):
    return make_member(site, Role.EDITOR, real_name="赵编辑")


@pytest.fixture
def site_admin(site, make_member):
    return make_member(site, Role.SITE_ADMIN)


@pytest.fixture
def reviewer(site, make_member):
    return make_member(site, Role.REVIEWER)


@pytest.fixture
def other_site(db):
    return SiteFactory()


@pytest.fixture
def column(site):
    return ColumnFactory(site=site, column_type="工作动态")
