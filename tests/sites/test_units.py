"""SITE-4 (one unit, one site) and SITE-1 (portals and their department sites)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from lifecycle import site_settings as actions
from sites.models import Site, SiteKind
from tests.factories import DepartmentSiteFactory, SiteFactory

pytestmark = pytest.mark.django_db


def clean_errors(site) -> dict:
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            site.full_clean()
        return {field: " ".join(messages) for field, messages in caught.value.message_dict.items()}


@pytest.mark.parametrize("unit", ["保定市人民政府", " 保定市人民政府 ", "保定市人民政府\t"])
def test_a_unit_has_at_most_one_site(new_site, unit):  # SITE-4
    SiteFactory(unit_name="保定市人民政府")

    errors = clean_errors(new_site("保定市政府门户", unit_name=unit))

    assert "one unit, one site" in errors["unit_name"]
    assert "保定市人民政府" in errors["unit_name"]


@pytest.mark.parametrize(
    "unit", ["Baoding Municipal Government", "baoding municipal government", "  BAODING   Municipal  government "]
)
def test_one_site_per_unit_ignores_case_and_spacing(new_site, unit):  # SITE-4
    SiteFactory(unit_name="Baoding Municipal Government")

    errors = clean_errors(new_site("保定", unit_name=unit))

    assert "unit_name" in errors


def test_create_site_refuses_a_second_site_of_a_unit(new_site, platform_admin):  # SITE-4
    SiteFactory(unit_name="保定市人民政府")

    with pytest.raises(ValidationError):
        actions.create_site(
            new_site(unit_name="保定市人民政府 "), primary_domain="www.bd.gov.cn", acting_user=platform_admin
        )

    assert Site.objects.count() == 1


def test_one_site_per_unit_is_a_database_constraint():  # SITE-4
    SiteFactory(unit_name="Baoding Municipal Government")

    with pytest.raises(IntegrityError), transaction.atomic():
        Site.objects.create(
            kind=SiteKind.PORTAL,
            name="Another",
            unit_name="BAODING MUNICIPAL GOVERNMENT",
            organiser="x",
            contact_phone="1",
            contact_email="a@example.gov.cn",
            contact_address="x",
        )


def test_other_units_may_have_sites(new_site):  # SITE-4
    SiteFactory(unit_name="保定市人民政府")

    new_site("保定市水利局", kind=SiteKind.PORTAL).full_clean()


def test_department_site_needs_a_parent_portal(new_site):  # SITE-1
    errors = clean_errors(new_site("保定市水利局", kind=SiteKind.DEPARTMENT))

    assert "must belong to a portal" in errors["parent"]


def test_parent_must_be_a_portal(new_site):  # SITE-1
    department = DepartmentSiteFactory()

    errors = clean_errors(new_site("保定市水利局河道科", kind=SiteKind.DEPARTMENT, parent=department))

    assert "must be a portal" in errors["parent"]


def test_department_site_under_a_portal_is_valid(new_site):  # SITE-1
    portal = SiteFactory()

    new_site("保定市水利局", kind=SiteKind.DEPARTMENT, parent=portal).full_clean()


def test_lower_portal_may_belong_to_a_higher_portal(new_site):  # SITE-1
    province = SiteFactory()

    new_site("保定市人民政府", kind=SiteKind.PORTAL, parent=province).full_clean()


def test_portals_cannot_form_a_cycle():  # SITE-1
    higher = SiteFactory()
    lower = SiteFactory(parent=higher)
    higher.parent = lower

    errors = clean_errors(higher)

    assert "own ancestor" in errors["parent"]


def test_department_site_without_portal_is_not_created(new_site, platform_admin):  # SITE-1
    with pytest.raises(ValidationError):
        actions.create_site(
            new_site("保定市水利局", kind=SiteKind.DEPARTMENT),
            primary_domain="slj.bd.gov.cn",
            acting_user=platform_admin,
        )

    assert not Site.objects.exists()
