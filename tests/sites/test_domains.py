"""SITE-3: the domains of a site, their form, and the one primary domain."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from auditlog.models import AuditEntry
from lifecycle import site_settings as actions
from sites.models import Domain, Site, SiteKind
from sites.validators import validate_primary_domain
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def refusal(call, *args, **kwargs) -> str:
    """Run `call`, expect a ValidationError and return its text (in English)."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            call(*args, **kwargs)
        return " ".join(caught.value.messages)


@pytest.fixture
def bd_portal(new_site, platform_admin):
    return actions.create_site(new_site("保定市人民政府"), primary_domain="www.bd.gov.cn", acting_user=platform_admin)


def test_portal_domain_www_x_gov_cn_is_accepted(new_site, platform_admin):  # SITE-3
    site = actions.create_site(new_site(), primary_domain="www.bd.gov.cn", acting_user=platform_admin)

    assert Site.objects.get(pk=site.pk).primary_domain == "www.bd.gov.cn"


@pytest.mark.parametrize("domain", ["bd.gov.cn", "slj.bd.gov.cn", "www.a.bd.gov.cn", "WWW.SLJ.BD.GOV.CN"])
def test_portal_domain_must_be_www_x_gov_cn(new_site, platform_admin, domain):  # SITE-3
    message = refusal(actions.create_site, new_site(), primary_domain=domain, acting_user=platform_admin)

    assert "www.X.gov.cn" in message
    assert f"“{domain.lower()}”" in message
    assert not Site.objects.exists()


@pytest.mark.parametrize(
    "domain",
    ["www.bd.com", "www.bd.gov.cn.evil.com", "www.bd.gov", "www.bd.org.cn", "www.bd.gov.cn.cn", "www.b_d.gov.cn"],
)
def test_other_suffixes_are_refused_with_the_rule(new_site, platform_admin, domain):  # SITE-3
    message = refusal(actions.create_site, new_site(), primary_domain=domain, acting_user=platform_admin)

    assert ".gov.cn" in message
    assert "no other suffix" in message
    assert "SITE-3" not in message  # the rule is said in words, never by its ID
    assert not Domain.objects.filter(name=domain).exists()


def test_department_domain_under_its_portal_is_accepted(bd_portal, new_site, platform_admin):  # SITE-3
    department = new_site("保定市水利局", kind=SiteKind.DEPARTMENT, parent=bd_portal)

    actions.create_site(department, primary_domain="slj.bd.gov.cn", acting_user=platform_admin)

    assert Site.objects.get(pk=department.pk).primary_domain == "slj.bd.gov.cn"


@pytest.mark.parametrize("domain", ["slj.xx.gov.cn", "www.slj.gov.cn", "slj.bd.gov.cn.evil.com", "a.slj.bd.gov.cn"])
def test_department_domain_outside_its_portal_is_refused(bd_portal, new_site, platform_admin, domain):  # SITE-3
    department = new_site("保定市水利局", kind=SiteKind.DEPARTMENT, parent=bd_portal)

    message = refusal(actions.create_site, department, primary_domain=domain, acting_user=platform_admin)

    assert "Y.X.gov.cn" in message or "no other suffix" in message
    assert not Site.objects.filter(name="保定市水利局").exists()


def test_department_may_not_use_the_portal_form():  # SITE-3
    message = refusal(validate_primary_domain, "www.bd.gov.cn", kind="department", parent_primary="www.bd.gov.cn")

    assert "Y.X.gov.cn where the portal is www.X.gov.cn" in message
    assert "xxx.bd.gov.cn" in message  # the example names the right portal


def test_portal_www_domain_refused_for_its_department_site(bd_portal, new_site, platform_admin):  # SITE-3
    department = new_site("保定市水利局", kind=SiteKind.DEPARTMENT, parent=bd_portal)

    refusal(actions.create_site, department, primary_domain="www.bd.gov.cn", acting_user=platform_admin)

    assert Domain.objects.get(name="www.bd.gov.cn").site == bd_portal


def test_domains_are_stored_in_lower_case_without_trailing_dot(bd_portal, platform_admin):  # SITE-3
    domain = actions.add_domain(bd_portal, "  BaoDing.Gov.CN. ", acting_user=platform_admin)

    assert domain.name == "baoding.gov.cn"
    assert Domain.objects.filter(name="baoding.gov.cn", site=bd_portal, is_primary=False).exists()


def test_primary_domain_given_in_capitals_is_normalised(new_site, platform_admin):  # SITE-3
    site = actions.create_site(new_site(), primary_domain="WWW.BD.GOV.CN", acting_user=platform_admin)

    assert site.primary_domain == "www.bd.gov.cn"


def test_a_domain_belongs_to_one_site_only(bd_portal, platform_admin):  # SITE-3
    other = SiteFactory()

    message = refusal(actions.add_domain, other, "WWW.BD.gov.cn", acting_user=platform_admin)

    assert message
    assert list(other.domains.values_list("name", flat=True)) == [other.primary_domain]


def test_domain_name_is_unique_in_the_database(bd_portal):  # SITE-3
    other = SiteFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Domain.objects.create(site=other, name="www.bd.gov.cn")


def test_chinese_domain_is_accepted_as_alias(bd_portal, platform_admin):  # SITE-3
    domain = actions.add_domain(bd_portal, "保定.政务", acting_user=platform_admin)

    assert domain.is_chinese
    assert not domain.is_primary
    assert Site.objects.get(pk=bd_portal.pk).primary_domain == "www.bd.gov.cn"


def test_chinese_domain_cannot_become_primary(bd_portal, platform_admin):  # SITE-3
    domain = actions.add_domain(bd_portal, "保定.政务", acting_user=platform_admin)

    message = refusal(actions.set_primary_domain, domain, acting_user=platform_admin)

    assert "Chinese domain can only be an alias" in message
    assert Site.objects.get(pk=bd_portal.pk).primary_domain == "www.bd.gov.cn"


def test_chinese_domain_cannot_be_the_primary_domain_of_a_new_site(new_site, platform_admin):  # SITE-3
    refusal(actions.create_site, new_site(), primary_domain="保定.政务", acting_user=platform_admin)

    assert not Site.objects.exists()


def test_set_primary_domain_moves_the_flag(bd_portal, platform_admin):  # SITE-3
    actions.add_domain(bd_portal, "www.baoding.gov.cn", acting_user=platform_admin)
    new_primary = Domain.objects.get(name="www.baoding.gov.cn")

    actions.set_primary_domain(new_primary, acting_user=platform_admin)

    primaries = Domain.objects.filter(site=bd_portal, is_primary=True)
    assert list(primaries.values_list("name", flat=True)) == ["www.baoding.gov.cn"]
    assert Domain.objects.get(name="www.bd.gov.cn").is_primary is False
    assert Site.objects.get(pk=bd_portal.pk).primary_domain == "www.baoding.gov.cn"


def test_add_domain_as_primary_replaces_the_old_primary(bd_portal, platform_admin):  # SITE-3
    actions.add_domain(bd_portal, "www.baoding.gov.cn", acting_user=platform_admin, is_primary=True)

    assert Site.objects.get(pk=bd_portal.pk).primary_domain == "www.baoding.gov.cn"
    assert Domain.objects.filter(site=bd_portal, is_primary=True).count() == 1


def test_refused_primary_keeps_the_old_primary(bd_portal, platform_admin):  # SITE-3
    alias = actions.add_domain(bd_portal, "zfw.bd.gov.cn", acting_user=platform_admin)

    message = refusal(actions.set_primary_domain, alias, acting_user=platform_admin)

    assert "www.X.gov.cn" in message
    assert list(Domain.objects.filter(site=bd_portal, is_primary=True).values_list("name", flat=True)) == [
        "www.bd.gov.cn"
    ]
    assert not AuditEntry.objects.filter(action="domain.set_primary").exists()


def test_two_primary_domains_are_impossible_in_the_database(bd_portal):  # SITE-3
    with pytest.raises(IntegrityError), transaction.atomic():
        Domain.objects.create(site=bd_portal, name="www.baoding.gov.cn", is_primary=True)


def test_primary_domain_cannot_be_removed(bd_portal, platform_admin):  # SITE-3
    primary = Domain.objects.get(name="www.bd.gov.cn")

    message = refusal(actions.remove_domain, primary, acting_user=platform_admin)

    assert "primary domain cannot be removed" in message
    assert Domain.objects.filter(name="www.bd.gov.cn", is_primary=True).exists()


def test_alias_can_be_removed(bd_portal, platform_admin):  # SITE-3
    alias = actions.add_domain(bd_portal, "baoding.gov.cn", acting_user=platform_admin)

    actions.remove_domain(alias, acting_user=platform_admin)

    assert list(bd_portal.domains.values_list("name", flat=True)) == ["www.bd.gov.cn"]
