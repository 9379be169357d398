"""DISC-3 in the back office: the list and page of an application with only the buttons whose
actions would accept, the steps run from their pages, overdue and due-soon lists on the work
page, another site's handler kept out, editors kept out, personal data masked until asked for
(and that asking audited), every step in the audit log."""

import datetime as dt

import pytest
from django.utils import timezone

from auditlog.models import AuditEntry
from disclosure import request_actions as actions
from disclosure.models import InformationRequest, RequestStatus
from tests.disclosure.requests_support import at, desk  # noqa: F401
from tests.helpers import admin_url, log_in

pytestmark = pytest.mark.django_db


def page_of(client, r):
    return client.get(admin_url("disclosure_informationrequest_change", r.pk))


def test_disc3_handler_sees_masked_data_and_only_fitting_buttons(desk, backoffice_client):  # noqa: F811
    request = desk.apply()
    client = log_in(backoffice_client, desk.handler)
    page = page_of(client, request).content.decode()
    assert "王*" in page and "王小明" not in page and "138****5678" in page
    assert "确认收到" in page and "答复期限" in page
    assert "告知补正" not in page.split("object-tools")[1].split("</ul>")[0]  # not before receipt
    actions.receive(request, acting_user=desk.handler)
    page = page_of(client, request).content.decode()
    tools = page.split('class="object-tools"')[1].split("</ul>")[0]
    assert "告知补正" in tools and "答复" in tools and "确认收到" not in tools
    assert "批准延期" not in tools  # nothing proposed


def test_disc3_reveal_is_audited(desk, backoffice_client):  # noqa: F811
    request = desk.apply()
    client = log_in(backoffice_client, desk.handler)
    page = client.post(admin_url("disclosure_request_reveal", request.pk)).content.decode()
    assert "王小明" in page and "130602199001011234" in page
    entry = AuditEntry.objects.get(action="disclosure_request.reveal")
    assert entry.actor == desk.handler and entry.site == desk.site


def test_disc3_another_sites_handler_and_editors_cannot_see(desk, backoffice_client):  # noqa: F811
    request = desk.apply()
    other = log_in(backoffice_client, desk.other_handler)
    assert page_of(other, request).status_code == 404
    listing = other.get(admin_url("disclosure_informationrequest_changelist")).content.decode()
    assert request.tracking_number not in listing
    assert other.post(admin_url("disclosure_request_step", request.pk, "receive")).status_code == 404
    editor = log_in(backoffice_client, desk.editor)
    assert page_of(editor, request).status_code in (403, 404)
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_disc3_steps_run_from_the_back_office_and_are_audited(desk, backoffice_client):  # noqa: F811
    request = desk.apply()
    client = log_in(backoffice_client, desk.handler)
    assert client.post(admin_url("disclosure_request_step", request.pk, "receive")).status_code == 302
    response = client.post(
        admin_url("disclosure_request_step", request.pk, "propose_extension"),
        {"working_days": "25", "reason": "协调", "notice": "延长"},
    )
    assert response.status_code == 200 and "20" in response.content.decode()  # refused on the form, kept
    client.post(admin_url("disclosure_request_step", request.pk, "propose_extension"),
                {"working_days": "10", "reason": "需协调多个部门", "notice": "答复期限延长10个工作日。"})  # fmt: skip
    # The proposer (a reviewer) gets no approval button; a site administrator does.
    assert "批准延期" not in page_of(client, request).content.decode()
    admin = log_in(backoffice_client, desk.admin)
    assert client.post(admin_url("disclosure_request_step", request.pk, "answer"), {
        "answer_form": "provided", "outcome": "refused_secret", "text": "答复"}).status_code == 200  # fmt: skip
    admin.post(admin_url("disclosure_request_step", request.pk, "approve_extension"))
    request.refresh_from_db()
    assert request.extension_days == 10 and request.extension_approved_by == desk.admin
    admin.post(admin_url("disclosure_request_step", request.pk, "answer"),
               {"answer_form": "provided", "outcome": "granted", "text": "现提供所申请的信息。"})  # fmt: skip
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED
    entries = AuditEntry.objects.filter(object_type="disclosure.informationrequest", object_id=str(request.pk))
    kinds = list(entries.order_by("id").values_list("action", flat=True))
    assert kinds == [
        "disclosure_request.submit",
        "disclosure_request.receive",
        "disclosure_request.propose_extension",
        "disclosure_request.approve_extension",
        "disclosure_request.answer",
    ]
    record = page_of(admin, request).content.decode()
    assert desk.handler.real_name in record and desk.admin.real_name in record  # who did what


def test_disc3_work_page_lists_overdue_and_due_soon(desk, backoffice_client):  # noqa: F811
    today = timezone.localdate()
    overdue = desk.received(at(2025, 9, 1))  # long past its 20 working days
    soon = desk.apply()
    actions.receive(soon, acting_user=desk.handler)
    # Received 17 working days ago (whatever today is): 3 working days left.
    InformationRequest.objects.filter(pk=soon.pk).update(due_on=actions.days.add_working_days(today, 3),
                                                         deadline_unknown_year=None)  # fmt: skip
    later = desk.apply()
    actions.receive(later, acting_user=desk.handler)
    InformationRequest.objects.filter(pk=later.pk).update(due_on=actions.days.add_working_days(today, 15),
                                                          deadline_unknown_year=None)  # fmt: skip
    waiting = desk.apply()
    client = log_in(backoffice_client, desk.handler)
    page = client.get(admin_url("index")).content.decode()
    section = page.split('id="work-disclosure_requests"')[1].split("</section>")[0]
    overdue_panel = section.split("逾期")[1].split("即将到期")[0] if "即将到期" in section else section
    assert overdue.tracking_number in overdue_panel
    assert soon.tracking_number in section and waiting.tracking_number in section
    assert later.tracking_number not in section  # 20 working days left: neither list
    other = log_in(backoffice_client, desk.other_handler)
    assert overdue.tracking_number not in other.get(admin_url("index")).content.decode()
    assert dt.date(2025, 9, 1) < today


def test_disc3_work_page_names_an_unknown_year(desk, backoffice_client):  # noqa: F811
    request = desk.received(at(2026, 12, 21))
    page = log_in(backoffice_client, desk.admin).get(admin_url("index")).content.decode()
    assert request.tracking_number in page and "2027年的节假日安排尚未录入" in page
