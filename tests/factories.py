"""Factories for the platform's models (factory-boy).

Sites get a valid primary domain: `www.site<pk>.gov.cn` for portals, `dept<pk>.site<parent pk>.gov.cn`
for department sites. Objects are created directly, not through actions, so the audit log of a
test holds only what the test itself does.
"""

import factory
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from accounts.models import User
from columns.models import Column
from sites.models import Domain, Membership, Role, Site, SiteKind, SiteStatus
from sites.validators import portal_body


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.cn")
    is_staff = True
    is_platform_admin = False
    # No known password: tests log in with force_login (SEC-1 forbids default passwords).
    password = factory.LazyFunction(lambda: make_password(None))


class SiteFactory(DjangoModelFactory):
    """A portal (政府门户网站) with a primary domain www.site<pk>.gov.cn, online (its pages are published)."""

    class Meta:
        model = Site
        skip_postgeneration_save = True

    kind = SiteKind.PORTAL
    parent = None
    status = SiteStatus.ONLINE
    name = factory.Sequence(lambda n: f"测试{n}市人民政府")
    unit_name = factory.LazyAttribute(lambda o: o.name)
    organiser = factory.LazyAttribute(lambda o: f"{o.name}办公室")
    contact_phone = "0312-3000000"
    contact_email = "webmaster@example.gov.cn"
    contact_address = "河北省保定市东风中路1号"

    @factory.post_generation
    def primary_domain(obj, create, extracted, **kwargs):  # noqa: N805
        if not create:
            return
        Domain.objects.create(site=obj, name=extracted or default_domain(obj), is_primary=True)


def default_domain(site: Site) -> str:
    if site.kind == SiteKind.DEPARTMENT:
        return f"dept{site.pk}.{portal_body(site.parent.primary_domain)}.gov.cn"
    return f"www.site{site.pk}.gov.cn"


class DepartmentSiteFactory(SiteFactory):
    """A department site (部门网站) under a portal, with the domain dept<pk>.<portal>.gov.cn."""

    kind = SiteKind.DEPARTMENT
    parent = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"测试{n}局")


class ColumnFactory(DjangoModelFactory):
    class Meta:
        model = Column

    parent = None
    site = factory.LazyAttribute(lambda o: o.parent.site if o.parent is not None else SiteFactory())
    name = factory.Sequence(lambda n: f"栏目{n}")
    slug = factory.Sequence(lambda n: f"col{n}")
    description = factory.LazyAttribute(lambda o: f"{o.name}的说明")
    column_type = "工作动态"
    responsible_person = "张三"
    update_interval_days = 7


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    site = factory.SubFactory(SiteFactory)
    role = Role.EDITOR
