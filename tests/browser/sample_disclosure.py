"""The disclosure part of the sample platform (tests/browser/sample_sites.py) made through the real
actions, for the validity check and axe (TPL-7, TPL-9): the organisation's published guide in a
信息公开指南 column (DISC-1), an application answered with an attachment (DISC-3: its status page),
and the 2024 annual report counting it, published with its DOCX in a 信息公开年报 column (DISC-4).

The actions' changes are muted: the sample platform is published whole once afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from core import feed
from disclosure import annual_report
from disclosure import request_actions as actions
from disclosure import request_submission as submission
from disclosure.guide import ApplicationChannel
from disclosure.models import AnswerForm, ApplicantKind, Organisation, RequestOutcome
from editorial import drafts, workflow
from resources.models import ResourceKind
from sites.models import Role
from tests.factories import MembershipFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
REPORT_YEAR = 2024  # a year that has ended, the sample's clock's year: the application counts in it
PDF = (  # one empty page: the answer's attachments are opened and checked
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)


@dataclass
class SampleDisclosure:
    guide: object
    report: object
    tracking_number: str
    query_code: str


def _at(month: int, day: int) -> dt.datetime:
    return dt.datetime(REPORT_YEAR, month, day, 10, tzinfo=SHANGHAI)


def guide_data(organisation: Organisation, domain: str) -> dict:
    return {
        "organisation": organisation.pk,
        "office_name": "示例市人民政府办公室（政务公开科）",
        "address": "示例市人民路1号",
        "postal_code": "071000",
        "office_hours": "工作日上午8:30—12:00，下午14:30—17:30（法定节假日除外）",
        "phone": "0399-1234567",
        "fax": "0399-1234569",
        "email": "zwgk@example.gov.cn",
        "online_address": f"https://{domain}/disclosure/apply/",
        "categories": "机构职能\n政策文件\n政策解读\n财政预决算\n政府信息公开年报",
        "arrangement": "政府信息公开目录按主题分类编排，同一分类中按发布日期由新到旧排列。",
        "publication_channels": ["示例市人民政府门户网站“政务公开”栏目", "《示例市人民政府公报》"],
        "reading_points": "示例市档案馆查阅点 | 示例市档案馆路2号\n示例市图书馆查阅点 | 示例市文化路9号",
        "application_channels": [ApplicationChannel.ONLINE, ApplicationChannel.LETTER, ApplicationChannel.IN_PERSON],
        "application_steps": "提出申请\n登记受理\n补正（如需要）\n作出答复",
        "answer_days": 20,
        "extension_days": 20,
        "processing_fee": True,
        "fee_note": "收费标准按照《政府信息公开信息处理费管理办法》执行。",
        "supervisor": "示例市人民政府办公室",
        "supervisor_phone": "0399-1234568",
        "reconsideration_body": "示例省人民政府",
        "court": "示例市中级人民法院",
    }


def add_disclosure(build, organisation: Organisation, *, guide_column) -> SampleDisclosure:
    """The guide, an answered application and the annual report of `organisation` (in the site's
    信息公开年报 column), published."""
    site = organisation.site
    people = {
        role: MembershipFactory(site=site, role=role, user=UserFactory(username=f"sample-{role}")).user
        for role in (Role.EDITOR, Role.REVIEWER, Role.SITE_ADMIN)
    }
    editor, reviewer, admin = people[Role.EDITOR], people[Role.REVIEWER], people[Role.SITE_ADMIN]
    with feed.muted():
        guide = drafts.create_resource(
            site, ResourceKind.GUIDE, title="示例市人民政府办公室政府信息公开指南",
            data=guide_data(organisation, build.site.primary_domain), column=guide_column, acting_user=editor,
        )  # fmt: skip
        workflow.submit(guide, acting_user=editor)
        workflow.approve(guide, acting_user=reviewer)

        request, code = submission.submit(organisation, {
            "applicant_kind": ApplicantKind.NATURAL, "name": "王小明", "id_type": "resident_id",
            "id_number": "130602199001011234", "phone": "13812345678", "email": "wang@example.com",
            "address": "示例市人民路100号", "postal_code": "071000",
            "description": "2024年本市中小学校舍维修的项目清单及资金安排。", "purpose": "了解学校维修情况",
            "preferred_form": "email", "delivery_method": "email",
        }, now=_at(6, 3))  # fmt: skip
        actions.receive(request, acting_user=reviewer, now=_at(6, 3))
        upload = SimpleUploadedFile("维修项目清单.pdf", PDF, content_type="application/pdf")
        actions.answer(request, answer_form=AnswerForm.PROVIDED, outcome=RequestOutcome.GRANTED,
                       text="现将所申请的项目清单提供给您，见附件。", files=[upload], acting_user=reviewer,
                       now=_at(6, 14))  # fmt: skip

        report = annual_report.generate_report(organisation, REPORT_YEAR, acting_user=admin)
        revision = report.current_revision
        drafts.save_draft(
            report, base_revision_id=revision.pk, title=revision.title, metadata=revision.metadata,
            data={**revision.data, "fees": "0.00",
                  "problems": "<p>政策解读的形式还不够丰富，部分栏目更新不够及时。</p>",
                  "other_matters": f"<p>本报告统计期限自{REPORT_YEAR}年1月1日起至{REPORT_YEAR}年12月31日止。</p>"},
            acting_user=admin,
        )  # fmt: skip
        workflow.submit(report, acting_user=admin)
        workflow.approve(report, acting_user=reviewer)
    guide.refresh_from_db()
    report.refresh_from_db()
    return SampleDisclosure(guide=guide, report=report, tracking_number=request.tracking_number, query_code=code)
