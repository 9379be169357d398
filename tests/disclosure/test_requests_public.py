"""DISC-3: the applicant's pages on the public process: the application form (CSRF, rate limit,
human check with a text alternative, input kept on refusal), the tracking number and query code,
the status page with steps and answer, attachments only with the code, personal data encrypted
at rest and shown masked."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from core import humancheck
from disclosure import public_views
from disclosure import request_actions as actions
from disclosure import request_submission as submission
from disclosure.models import InformationRequest, RequestStatus
from tests.disclosure.requests_support import LEGAL, NATURAL, desk  # noqa: F401

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def client_for(site, **kwargs):
    return Client(HTTP_HOST=site.primary_domain, **kwargs)


def text_challenge(client):
    """Ask for the text question (the accessible alternative) and answer it."""
    page = client.get("/disclosure/apply/?check=text").content.decode()
    token = re.search(r'name="check_token" value="([^"]+)"', page).group(1)
    question = re.search(r"请回答：(.)加(.)等于几", page)
    value = humancheck.CHINESE_NUMBERS.index(question.group(1)) + humancheck.CHINESE_NUMBERS.index(question.group(2))
    return {"check_token": token, "check_answer": str(value)}


def form_data(d, **changes):
    data = {**NATURAL, "organisation": d.organisation.pk, **changes}
    return {k: v for k, v in data.items() if v is not None}


def test_disc3_citizen_applies_and_gets_tracking_number_and_code(desk, django_capture_on_commit_callbacks):  # noqa: F811
    client = client_for(desk.site)
    page = client.get("/disclosure/apply/").content.decode()
    assert "政府信息公开申请" in page and 'name="SiteName"' in page  # in the site's frame with its meta tags
    assert "data:image/png;base64," in page and "改用文字题" in page
    check = text_challenge(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/disclosure/apply/", {**form_data(desk), **check})
    page = response.content.decode()
    assert response.status_code == 200, page
    assert response["Cache-Control"] == "no-store"
    request = InformationRequest.objects.get()
    assert request.tracking_number in page
    code = re.search(r'<dt>查询码</dt><dd class="token">([A-Z0-9]+)</dd>', page).group(1)
    assert submission.find(request.tracking_number, code) == request
    assert code not in request.query_code_hash  # stored hashed
    assert len(mail.outbox) == 1 and code not in mail.outbox[0].body  # the e-mail never carries the code


def test_disc3_wrong_check_keeps_everything_typed(desk):  # noqa: F811
    client = client_for(desk.site)
    client.get("/disclosure/apply/")
    data = {**form_data(desk, phone="abc"), **text_challenge(client), "check_answer": "99"}
    response = client.post("/disclosure/apply/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert InformationRequest.objects.count() == 0
    assert "验证答案不正确" in page and "请填写阿拉伯数字" in page  # the same (text) kind of check again
    assert "请填写由数字（和连字符）组成的电话号码" in page
    for value in (
        "王小明",
        "130602199001011234",
        "保定市第一中学",
        "河北省保定市竞秀区东风中路100号",
        "2025年本市中小学校舍维修",
    ):
        assert value in page
    assert 'value="abc"' in page


def test_disc3_legal_person_needs_its_fields_and_a_valid_credit_code(desk):  # noqa: F811
    client = client_for(desk.site)
    data = {**LEGAL, "organisation": desk.organisation.pk, "credit_code": "123", "legal_representative": ""}
    response = client.post("/disclosure/apply/", {**data, **text_challenge(client)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "统一社会信用代码" in page and "法定代表人" in page
    assert "保定市示例科技有限公司" in page


def test_disc3_a_check_answers_once(desk):  # noqa: F811
    client = client_for(desk.site)
    check = text_challenge(client)
    assert client.post("/disclosure/apply/", {**form_data(desk), **check}).status_code == 200
    assert client.post("/disclosure/apply/", {**form_data(desk), **check}).status_code == 400
    assert InformationRequest.objects.count() == 1


def test_disc3_image_check_verifies_its_characters():
    challenge = humancheck.new()
    assert challenge.image.startswith("data:image/png;base64,")
    assert not humancheck.verify(challenge.token, "AAAAA")
    forged = humancheck.new(humancheck.TEXT)
    assert not humancheck.verify(forged.token[:-2] + "xx", "5")


def test_disc3_rate_limit_per_address(desk, monkeypatch):  # noqa: F811
    monkeypatch.setattr(public_views, "APPLY_LIMIT", 2)
    client = client_for(desk.site)
    for _ in range(2):
        assert client.post("/disclosure/apply/", {**form_data(desk), **text_challenge(client)}).status_code == 200
    response = client.post("/disclosure/apply/", {**form_data(desk, name="李四"), **text_challenge(client)})
    assert response.status_code == 429
    page = response.content.decode()
    assert "提交申请过于频繁" in page
    assert "李四" in page  # kept
    assert InformationRequest.objects.count() == 2
    # Another address is not limited.
    other = client_for(desk.site, REMOTE_ADDR="10.0.0.9")
    assert other.post("/disclosure/apply/", {**form_data(desk), **text_challenge(other)}).status_code == 200


def test_disc3_csrf_is_required(desk):  # noqa: F811
    client = client_for(desk.site, enforce_csrf_checks=True)
    response = client.post("/disclosure/apply/", form_data(desk))
    assert response.status_code == 403


def test_disc3_personal_data_encrypted_at_rest_and_masked_on_the_status_page(desk):  # noqa: F811
    request = desk.apply()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, id_number, phone FROM disclosure_informationrequest WHERE id = %s", [request.pk])
        stored = cursor.fetchone()
    assert "王小明" not in stored[0] and "130602199001011234" not in stored[1] and "13812345678" not in stored[2]
    client = client_for(desk.site)
    page = client.post("/disclosure/status/", {"number": request.tracking_number, "code": request.query_code})
    page = page.content.decode()
    assert "王*" in page and "王小明" not in page and "130602199001011234" not in page


def test_disc3_status_page_shows_steps_answer_and_attachment_only_with_the_code(desk):  # noqa: F811
    request = desk.apply()
    actions.receive(request, acting_user=desk.handler)
    upload = SimpleUploadedFile("维修清单.pdf", PDF, content_type="application/pdf")
    actions.answer(request, answer_form="provided", outcome="granted", text="现将所申请信息提供给您，见附件。",
                   files=[upload], acting_user=desk.handler)  # fmt: skip
    client = client_for(desk.site)
    wrong = client.post("/disclosure/status/", {"number": request.tracking_number, "code": "WRONGCODE2"})
    assert "没有与该申请编号和查询码相符的申请" in wrong.content.decode()
    assert "现将所申请信息" not in wrong.content.decode()
    page = client.post("/disclosure/status/", {"number": request.tracking_number, "code": request.query_code})
    page = page.content.decode()
    assert "已答复" in page and "现将所申请信息提供给您" in page and "维修清单.pdf" in page
    assert "确认收到申请" in page and "本机关已于" in page
    attachment = request.attachments.get()
    no_code = client.post(
        "/disclosure/status/file/", {"number": request.tracking_number, "code": "X", "file": attachment.pk}
    )
    assert no_code.status_code == 404
    file = client.post("/disclosure/status/file/", {"number": request.tracking_number, "code": request.query_code,
                                                     "file": attachment.pk})  # fmt: skip
    assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"%PDF")
    assert "attachment" in file["Content-Disposition"]


def test_disc3_another_sites_host_does_not_find_the_application(desk):  # noqa: F811
    request = desk.apply()
    page = client_for(desk.other_site).post(
        "/disclosure/status/", {"number": request.tracking_number, "code": request.query_code}
    )
    text = page.content.decode()
    assert "没有与该申请编号和查询码相符的申请" in text
    assert "王*" not in text and "2025年本市中小学校舍维修" not in text


def test_disc3_applicant_completes_on_the_status_page(desk):  # noqa: F811
    request = desk.apply()
    actions.receive(request, acting_user=desk.handler)
    actions.request_completion(request, what="请写明学校名称。", acting_user=desk.handler)
    client = client_for(desk.site)
    lookup = {"number": request.tracking_number, "code": request.query_code}
    page = client.post("/disclosure/status/", lookup).content.decode()
    assert "请写明学校名称。" in page and "提交补正" in page
    page = client.post("/disclosure/status/", {**lookup, "complete": "yes", "text": "保定市第一中学"}).content.decode()
    assert "补正内容已提交" in page
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED
