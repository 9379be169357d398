"""SITE-2: the site ID code (政府网站标识码) and the filing numbers have fixed forms."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from sites.validators import validate_icp_number, validate_id_code, validate_psb_number
from tests.factories import SiteFactory


@pytest.mark.parametrize("code", ["bm12345678", "1306000001", "1100000001", "8200000001"])
def test_good_site_id_codes(code):  # SITE-2
    validate_id_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "9906000001",  # 99 is no province of GB/T 2260
        "0006000001",
        "bm1234567",  # 7 digits after bm
        "bm123456789",
        "130600000",  # 9 digits
        "13060000011",
        "abc",
        "BM12345678",
        "",
    ],
)
def test_bad_site_id_codes_are_refused_with_the_form(code):  # SITE-2
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            validate_id_code(code)
        message = caught.value.messages[0]

    assert "“bm” followed by 8 digits" in message
    assert "6-digit administrative-division code followed by 4 digits" in message


@pytest.mark.parametrize("number", ["冀ICP备12345678号", "京ICP备05070218号-1", "津ICP备123456号"])
def test_good_icp_numbers(number):  # SITE-2
    validate_icp_number(number)


@pytest.mark.parametrize(
    "number", ["ICP备12345678号", "冀ICP12345678号", "冀ICP备12345号", "冀ICP备12345678", "京ICP证030173号", "x"]
)
def test_bad_icp_numbers_are_refused(number):  # SITE-2
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            validate_icp_number(number)
        assert "冀ICP备12345678号" in caught.value.messages[0]


@pytest.mark.parametrize(
    "number", ["冀公网安备 13060202000001号", "冀公网安备13060202000001号", "京公网安备11010502030143"]
)
def test_good_public_security_numbers(number):  # SITE-2
    validate_psb_number(number)


@pytest.mark.parametrize(
    "number",
    ["公网安备 13060202000001号", "冀公网安备 1306020200000号", "冀公网安备 130602020000011号", "冀ICP备12345678号"],
)
def test_bad_public_security_numbers_are_refused(number):  # SITE-2
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            validate_psb_number(number)
        assert "14 digits" in caught.value.messages[0]


@pytest.mark.django_db
def test_site_form_rejects_a_bad_id_code_on_the_field():  # SITE-2
    site = SiteFactory.build(id_code="9906000001", icp_number="ICP备1号", psb_number="冀公网安备 1号")

    with pytest.raises(ValidationError) as caught:
        site.full_clean()

    assert {"id_code", "icp_number", "psb_number"} <= set(caught.value.message_dict)


@pytest.mark.django_db
def test_site_id_code_is_unique_across_sites():  # SITE-2
    SiteFactory(id_code="1306000001")
    site = SiteFactory.build(id_code="1306000001")

    with pytest.raises(ValidationError) as caught:
        site.full_clean()

    assert "id_code" in caught.value.message_dict


@pytest.mark.django_db
def test_site_records_the_filings_of_site_2():  # SITE-2
    site = SiteFactory(
        id_code="1306000001",
        icp_number="冀ICP备05002340号",
        psb_number="冀公网安备 13060202000001号",
        operator="保定市大数据中心",
        conac_mark="blue-1306",
    )
    site.full_clean()

    site.refresh_from_db()
    assert (site.id_code, site.icp_number, site.psb_number) == (
        "1306000001",
        "冀ICP备05002340号",
        "冀公网安备 13060202000001号",
    )
    assert site.organiser and site.contact_phone and site.contact_email and site.contact_address
