"""The demo's applications for disclosure (依申请公开, DISC-3): on every demo site, applications in
every state, made through the actions with past dates (the `now` of each step), so that their
steps, deadlines, audit entries and the work page's lists are those a real run would give:

- answered (予以公开, with an attachment), and one refused (不予公开 with its reason);
- overdue (received more than 20 working days ago, not answered);
- extended (15 working days, proposed by the reviewer, approved by the site administrator);
- waiting for the applicant's completion (补正);
- waiting for a third party's opinion;
- submitted, not yet received.

The applicants, their numbers and addresses are invented. Idempotent: a site that has applications
gets no more. Tracking numbers and query codes are generated; the codes are not printed (the demo's
status page is followed in the browser test, tests/browser/test_disclosure_request.py).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from demo import data as demo_data
from disclosure import request_actions as actions
from disclosure import request_submission as submission
from disclosure.models import InformationRequest, Organisation
from sites.models import Site
from workdays import days

CHINA = ZoneInfo("Asia/Shanghai")

APPLICANTS = [
    {"applicant_kind": "natural", "name": "陈思远", "id_type": "resident_id", "id_number": "110105198805063217",
     "work_unit": "示范市第二中学", "phone": "13900001111", "address": "示范市青山区和平路18号", "postal_code": "100001"},
    {"applicant_kind": "natural", "name": "刘晓梅", "id_type": "resident_id", "id_number": "110102199203154527",
     "work_unit": "", "phone": "13700002222", "address": "示范市东城区光明街6号", "postal_code": "100002"},
    {"applicant_kind": "business", "organisation_name": "示范市绿源环保科技有限公司",
     "credit_code": "91110000MA00000001", "legal_representative": "王建国", "contact_person": "孙丽",
     "phone": "010-66001234", "address": "示范市经济开发区创业路9号", "postal_code": "100176"},
    {"applicant_kind": "natural", "name": "赵一鸣", "id_type": "passport", "id_number": "E98765432",
     "work_unit": "示范大学", "phone": "13600003333", "address": "示范市海滨区学院路1号", "postal_code": "100083"},
    {"applicant_kind": "legal_service", "organisation_name": "示范市正衡律师事务所",
     "credit_code": "31110000E00000001X", "legal_representative": "周正", "contact_person": "吴律师",
     "phone": "010-88005678", "address": "示范市中心区法治大道3号", "postal_code": "100010"},
    {"applicant_kind": "research", "organisation_name": "示范市城市发展研究院",
     "credit_code": "12110000400000001Y", "legal_representative": "郑学文", "contact_person": "钱研究员",
     "phone": "010-62001122", "address": "示范市海滨区科研路5号", "postal_code": "100084"},
    {"applicant_kind": "natural", "name": "黄海涛", "id_type": "resident_id", "id_number": "110108197911302915",
     "work_unit": "", "phone": "13500004444", "address": "示范市西城区长安路20号", "postal_code": "100032"},
]  # fmt: skip

SUBJECTS = [
    "{unit}2025年度部门预算和决算的详细说明。",
    "{unit}关于老旧小区改造项目的立项批复文件及资金安排。",
    "{unit}2025年政府采购项目的中标结果及合同金额。",
    "{unit}近三年行政处罚案件的数量及处罚依据。",
    "{unit}关于某道路拓宽工程征收补偿方案的公告及补偿标准。",
    "{unit}2025年度重点项目建设计划及进展情况。",
    "{unit}办理“一件事一次办”改革的实施方案。",
]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CHINA)


def _back(today: dt.date, working: int) -> dt.date:
    """The working day `working` working days before `today`."""
    day = today
    while working > 0:
        day -= dt.timedelta(days=1)
        if days.is_working_day(day):
            working -= 1
    return day


def _after(day: dt.date, working: int) -> dt.date:
    return days.add_working_days(day, working)


def _apply(organisation, index: int, unit: str, submitted: dt.date):
    data = {
        **APPLICANTS[index % len(APPLICANTS)],
        "email": "",
        "description": SUBJECTS[index % len(SUBJECTS)].format(unit=unit),
        "purpose": "用于了解相关工作情况" if index % 2 else "",
        "preferred_form": "paper" if index % 3 == 0 else "email",
        "delivery_method": "post" if index % 3 == 0 else "online",
    }
    request, _code = submission.submit(organisation, data, now=_at(submitted, 9))
    return request


def build_site(site: Site, spec: dict, today: dt.date) -> int:
    organisation = Organisation.objects.filter(site=site, sub_unit__isnull=True).first()
    if organisation is None or InformationRequest.objects.filter(site=site).exists():
        return 0
    handler = User.objects.get(username=f"{spec['key']}_reviewer")
    approver = User.objects.get(username=f"{spec['key']}_admin")
    unit = spec["words"]["unit"]

    # Answered within the time limit, with the information attached.
    received = _back(today, 40)
    answered = _apply(organisation, 0, unit, received)
    actions.receive(answered, acting_user=handler, now=_at(received, 11))
    actions.answer(
        answered, answer_form="provided", outcome="granted",
        text="经审查，您申请的政府信息属于公开范围，现将相关文件提供给您，详见附件。",
        files=[SimpleUploadedFile("申请公开信息.pdf", PDF, content_type="application/pdf")],
        acting_user=handler, now=_at(_after(received, 12), 15),
    )  # fmt: skip
    # Answered: not disclosed, with the reason.
    received = _back(today, 30)
    refused = _apply(organisation, 1, unit, received)
    actions.receive(refused, acting_user=handler, now=_at(received, 11))
    actions.answer(
        refused, answer_form="refused", outcome="refused_process",
        text="您申请的信息属于行政机关在履行行政管理职能过程中形成的讨论记录，依据《中华人民共和国政府信息公开条例》"
             "第十六条第二款，不予公开。",
        acting_user=handler, now=_at(_after(received, 10), 16),
    )  # fmt: skip
    # Overdue: received 25 working days ago, not answered.
    received = _back(today, 25)
    overdue = _apply(organisation, 2, unit, received)
    actions.receive(overdue, acting_user=handler, now=_at(received, 14))
    # Extended by 15 working days: proposed on the 18th working day, approved on the 19th.
    received = _back(today, 22)
    extended = _apply(organisation, 3, unit, received)
    actions.receive(extended, acting_user=handler, now=_at(received, 10))
    actions.propose_extension(
        extended, working_days=15, reason="所申请信息涉及多个部门，需要协调核实。",
        notice="因您申请的信息涉及多个部门，需要协调核实，经本机关政府信息公开工作机构负责人同意，答复期限延长15个工作日。",
        acting_user=handler, now=_at(_after(received, 18), 10),
    )  # fmt: skip
    actions.approve_extension(extended, acting_user=approver, now=_at(_after(received, 19), 9))
    # Waiting for the applicant's completion (补正).
    received = _back(today, 5)
    completion = _apply(organisation, 4, unit, received)
    actions.receive(completion, acting_user=handler, now=_at(received, 10))
    actions.request_completion(
        completion, what="您的申请描述不够明确，请补充所需信息的文件名称、文号或者形成时间等特征性描述。",
        acting_user=handler, now=_at(_after(received, 2), 10),
    )  # fmt: skip
    # Waiting for a third party's opinion.
    received = _back(today, 8)
    third = _apply(organisation, 5, unit, received)
    actions.receive(third, acting_user=handler, now=_at(received, 10))
    actions.seek_third_party(
        third, third_party="示范市某建设工程有限公司：合同金额是否涉及商业秘密，是否同意公开。",
        acting_user=handler, now=_at(_after(received, 3), 10),
    )  # fmt: skip
    # Submitted yesterday (or on the last working day), not yet received.
    _apply(organisation, 6, unit, _back(today, 1))
    return 7


def build(sites: dict[str, Site]) -> int:
    """Applications on every demo site; returns how many were made."""
    today = timezone.localdate()
    made = 0
    for spec in demo_data.SITES:
        site = sites.get(spec["key"])
        if site is not None:
            made += build_site(site, spec, today)
    return made
