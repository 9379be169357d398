"""DISC-3 in Chromium: a citizen applies for disclosure on the public site (with the text
alternative of the human check), follows the status page with the tracking number and query code,
the back office receives and answers with an attachment, and the answer reaches the status page.
axe (WCAG 2.1 AA) finds no serious problem on the form, the receipt or the status page."""

import re

import pytest

from disclosure.models import InformationRequest
from sites.models import Role
from tests.browser.conftest import site_url
from tests.browser.test_accessibility import axe_script, serious_violations  # noqa: F401 (fixture)
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import admin_url, browser_log_in

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CHINESE_DIGITS = "零一二三四五六七八九十"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)


def answer_text_check(page) -> None:
    label = page.locator("label[for=check-answer]").inner_text()
    found = re.search(r"(.)加(.)等于几", label)
    page.fill("#check-answer", str(CHINESE_DIGITS.index(found.group(1)) + CHINESE_DIGITS.index(found.group(2))))


def test_disc3_citizen_applies_follows_status_and_receives_the_answer(
    sample_platform,
    live_server,
    new_page,
    axe_script,  # noqa: F811
    tmp_path,
):
    site = sample_platform.build.site
    handler = MembershipFactory(site=site, role=Role.REVIEWER, user=UserFactory(username="handler")).user
    citizen = new_page()
    citizen.context.add_init_script(axe_script)

    # The form, in the site's frame; axe-clean; the text question instead of the picture.
    citizen.goto(site_url(live_server, sample_platform.domain, "/disclosure/apply/"))
    assert citizen.locator("h1").inner_text() == "政府信息公开申请"
    assert serious_violations(citizen) == []
    citizen.get_by_role("button", name="看不清图片？改用文字题").click()
    citizen.get_by_label("姓名（必填）", exact=True).fill("王小明")
    citizen.get_by_label("证件类型（必填）", exact=True).select_option("resident_id")
    citizen.get_by_label("证件号码（必填）", exact=True).fill("130602199001011234")
    citizen.get_by_label("联系电话（必填）", exact=True).fill("13812345678")
    citizen.locator("#id_description").fill("2025年本市中小学校舍维修的项目清单。")
    citizen.locator("#id_delivery_method").select_option("online")
    # A wrong answer first: everything typed is kept, with the reason.
    citizen.fill("#check-answer", "99")
    citizen.get_by_role("button", name="提交申请").click()
    assert "验证答案不正确" in citizen.locator("[role=alert]").inner_text()
    assert citizen.get_by_label("姓名（必填）", exact=True).input_value() == "王小明"
    assert serious_violations(citizen) == []
    answer_text_check(citizen)
    citizen.get_by_role("button", name="提交申请").click()

    # The receipt: tracking number and query code, once.
    assert citizen.locator("h1").inner_text() == "申请已提交"
    number, code = [node.inner_text() for node in citizen.locator("dd.token").all()]
    assert serious_violations(citizen) == []
    request = InformationRequest.objects.get(tracking_number=number)

    # The status page with both.
    citizen.get_by_role("link", name="查询办理进度和答复").click()
    citizen.locator("#id_number").fill(number)
    citizen.locator("#id_code").fill(code)
    citizen.get_by_role("button", name="查询").click()
    assert "已提交，待确认收到" in citizen.locator(".facts").inner_text()
    assert "王*" in citizen.locator(".facts").inner_text()
    assert serious_violations(citizen) == []

    # The back office receives and answers, with an attachment.
    office = new_page()
    browser_log_in(office, live_server.url, handler)
    office.goto(live_server.url + admin_url("disclosure_informationrequest_change", request.pk))
    office.get_by_role("link", name="确认收到").click()
    office.get_by_role("button", name="确认收到").click()
    office.get_by_role("link", name="答复", exact=True).click()
    office.locator("#id_answer_form").select_option("provided")
    office.locator("#id_outcome").select_option("granted")
    office.locator("#id_text").fill("现将所申请的项目清单提供给您，见附件。")
    attachment = tmp_path / "项目清单.pdf"
    attachment.write_bytes(PDF)
    office.locator("#id_files").set_input_files(str(attachment))
    office.get_by_role("button", name="答复", exact=True).click()
    assert "已答复该申请" in office.content()
    request.refresh_from_db()
    assert request.status == "answered"

    # The answer reaches the status page; the attachment downloads with the code.
    citizen.get_by_role("button", name="刷新进度").click()
    assert "已答复" in citizen.locator(".facts").inner_text()
    assert "现将所申请的项目清单提供给您" in citizen.locator(".answer").inner_text()
    steps = citizen.locator(".steps").inner_text()
    assert "确认收到申请" in steps and "答复" in steps
    assert serious_violations(citizen) == []
    with citizen.expect_download() as download:
        citizen.get_by_role("button", name="下载：项目清单.pdf").click()
    assert download.value.suggested_filename == "项目清单.pdf"
    assert citizen.problems == [] and office.problems == []
