"""Two sites, 甲 (A) and 乙 (B), each with columns, staff and audit entries, for the back-office tests."""

from types import SimpleNamespace

import pytest

from auditlog.models import AuditEntry
from columns.models import Column
from lifecycle import column_changes as column_actions
from sites import memberships
from sites.models import Membership, Role
from tests.factories import SiteFactory, UserFactory
from tests.helpers import log_in

ROLES = {"editor": Role.EDITOR, "reviewer": Role.REVIEWER, "admin": Role.SITE_ADMIN}


def _column(site, name, slug, parent=None, *, actor):
    column = Column(site=site, parent=parent, name=name, slug=slug, description=f"{name}栏目",
                    column_type="工作动态", responsible_person="张三")  # fmt: skip
    return column_actions.create_column(column, acting_user=actor)


def _build(site_name, tag, prefix, actor):
    site = SiteFactory(name=site_name)
    news = _column(site, f"{prefix}要闻动态", "ywdt", actor=actor)
    photos = _column(site, f"{prefix}图片新闻", "tpxw", Column.objects.get(pk=news.pk), actor=actor)
    notices = _column(site, f"{prefix}通知公告", "tzgg", actor=actor)
    users = {}
    for key, role in ROLES.items():
        users[key] = UserFactory(username=f"{tag}-{key}", real_name=f"{prefix}{key}")
        memberships.grant_role(users[key], site, role, acting_user=actor)
    return SimpleNamespace(
        site=site,
        columns=[Column.objects.get(pk=c.pk) for c in (news, photos, notices)],
        users=users,
        memberships=list(Membership.objects.filter(site=site)),
        entries=list(AuditEntry.objects.filter(site=site)),
        # Strings that name this site's objects; none may appear on another site's pages.
        markers=[site_name, site.primary_domain, f"{prefix}要闻动态", f"{prefix}图片新闻", f"{prefix}通知公告"],
    )


@pytest.fixture
def sites(db, platform_admin):
    """SimpleNamespace(a=…, b=…): site 甲 (A) and site 乙 (B), built through the actions."""
    return SimpleNamespace(
        a=_build("甲市人民政府", "jia", "甲", platform_admin),
        b=_build("乙市人民政府", "yi", "乙", platform_admin),
    )


@pytest.fixture
def login(backoffice_client):
    """login(user) -> the back-office client, logged in as `user`."""

    return lambda user: log_in(backoffice_client, user)
