"""Each kind of resource validates its content and metadata (RES-2, RES-6, RES-7, RES-8)."""

import json

import pytest
from django.core.exceptions import ValidationError

from resources.kinds import KIND_FORMS, clean_revision_data
from resources.models import ResourceKind, Validity
from sites.models import Role
from tests.factories import MembershipFactory, SiteFactory
from tests.resources import factories as f

pytestmark = pytest.mark.django_db


def errors_of(kind, data, metadata=None, **kwargs) -> dict:
    with pytest.raises(ValidationError) as caught:
        clean_revision_data(kind, data, metadata if metadata is not None else {"title": "标题"}, **kwargs)
    return caught.value.message_dict


def test_every_kind_has_a_form():  # RES-1
    assert set(KIND_FORMS) == set(ResourceKind.values)


def test_metadata_is_cleaned_and_title_required(site):  # RES-2
    data, metadata = clean_revision_data(
        ResourceKind.LINK,
        {"url": "https://www.gov.cn/"},
        {"title": " <b>中国政府网</b> ", "source": "国务院办公厅", "keywords": "政府， 门户、国务院;政府",
         "description": "链接\x00说明", "classification": "综合政务"},
        site=site,
    )  # fmt: skip
    assert metadata == {
        "title": "中国政府网",
        "source": "国务院办公厅",
        "author": "",
        "keywords": "政府,门户,国务院",
        "description": "链接说明",
        "classification": "综合政务",
    }
    assert errors_of(ResourceKind.LINK, {"url": "https://www.gov.cn/"}, {"title": "  "}, site=site)["title"]


def test_article_is_cleaned_and_json_serialisable(site, editor):  # RES-2, SEC-7
    image = f.make_image(site, editor)
    attachment = f.make_attachment(site, editor)
    data, metadata = clean_revision_data(
        ResourceKind.ARTICLE,
        f.article_data(body='<p onclick="x">正文<script>alert(1)</script></p>', cover_image=str(image.pk),
                       attachments=f"{attachment.pk}, {attachment.pk}", author="李明"),
        {"title": "通知", "source": "市政府办公室"},
        site=site,
        user=editor,
    )  # fmt: skip
    assert data["body"] == "<p>正文</p>"
    assert data["cover_image"] == image.pk and data["attachments"] == [attachment.pk]
    assert data["title"] == "通知" and data["source"] == "市政府办公室"
    assert metadata["author"] == "李明" and metadata["description"] == "春季森林防火工作的通知"
    json.dumps(data)
    json.dumps(metadata)


def test_article_body_is_required_even_when_only_script(site):  # SEC-7
    errors = errors_of(ResourceKind.ARTICLE, f.article_data(body="<script>alert(1)</script>"), site=site)
    assert "body" in errors


def test_references_must_exist_and_be_of_the_right_kind(site, editor):  # RES-2
    attachment = f.make_attachment(site, editor)
    errors = errors_of(ResourceKind.ARTICLE, f.article_data(cover_image=attachment.pk, attachments=[999999]),
                       site=site, user=editor)  # fmt: skip
    assert "image" in errors["cover_image"][0]
    assert "999999" in errors["attachments"][0]
    assert "numbers" in errors_of(ResourceKind.ARTICLE, f.article_data(attachments="abc"), site=site)["attachments"][0]


def test_references_to_sites_the_user_cannot_use_are_refused(site, editor, make_member):  # RES-3, SEC-3
    other = SiteFactory()
    foreign_editor = make_member(other, Role.EDITOR)
    foreign_image = f.make_image(other, foreign_editor)
    errors = errors_of(ResourceKind.ARTICLE, f.article_data(cover_image=foreign_image.pk), site=site, user=editor)
    # Refused as if it did not exist: neither its title nor its site is named (issue 12 item 3).
    assert errors["cover_image"] == [f"There is no resource number {foreign_image.pk} in the library."]
    errors = errors_of(ResourceKind.ARTICLE, f.article_data(cover_image="9" * 40), site=site, user=editor)
    assert errors["cover_image"] == [f"There is no resource number {'9' * 40} in the library."]
    # With a role on the other site as well, its image may be used.
    MembershipFactory(user=editor, site=other, role=Role.EDITOR)
    data, _ = clean_revision_data(
        ResourceKind.ARTICLE, f.article_data(cover_image=foreign_image.pk), {"title": "t"}, site=site, user=editor
    )
    assert data["cover_image"] == foreign_image.pk


def test_image_needs_alternative_text(site):  # RES-2, TPL-9
    errors = errors_of(ResourceKind.IMAGE, {"caption": "说明"}, site=site)
    assert "alternative text" in errors["alt"][0]
    data, metadata = clean_revision_data(ResourceKind.IMAGE, {"alt": "会场全景"}, {"title": "会场"}, site=site)
    assert data == {"alt": "会场全景", "caption": ""} and metadata["description"] == "会场全景"


def test_link_must_be_http_or_https(site):  # SEC-7
    for url in ("javascript:alert(1)", "ftp://x.gov.cn/a", "www.gov.cn", "data:text/html,x"):
        assert "http" in errors_of(ResourceKind.LINK, {"url": url}, site=site)["url"][0]
    data, _ = clean_revision_data(
        ResourceKind.LINK, {"url": " https://www.gov.cn/zhengce/ "}, {"title": "t"}, site=site
    )
    assert data["url"] == "https://www.gov.cn/zhengce/"


def test_institution_record(site, editor):  # RES-6
    data, _ = clean_revision_data(
        ResourceKind.INSTITUTION,
        {"name": "保定市应急管理局", "duties": "<p>负责应急管理工作。</p>", "address": "保定市东风中路1号",
         "phone": "0312-3021234、0312-3021235", "hours": "工作日 8:30-17:30"},
        {"title": "保定市应急管理局"},
        site=site,
    )  # fmt: skip
    assert data["duties"] == "<p>负责应急管理工作。</p>" and data["parent"] is None
    errors = errors_of(ResourceKind.INSTITUTION, {"name": "局", "duties": "", "phone": "call me"}, site=site)
    assert set(errors) >= {"duties", "phone"}


def test_institution_cannot_be_under_its_own_child(site, editor):  # RES-6
    from editorial import drafts as actions

    parent = actions.create_resource(site, ResourceKind.INSTITUTION, title="局", data={"name": "局", "duties": "<p>职责</p>"},
                                     acting_user=editor)  # fmt: skip
    child = actions.create_resource(site, ResourceKind.INSTITUTION, title="处",
                                    data={"name": "处", "duties": "<p>职责</p>", "parent": parent.pk}, acting_user=editor)  # fmt: skip
    errors = errors_of(ResourceKind.INSTITUTION, {"name": "局", "duties": "<p>职责</p>", "parent": child.pk},
                       site=site, resource=parent)  # fmt: skip
    assert "sub-institutions" in errors["parent"][0]
    assert "itself" in errors_of(ResourceKind.INSTITUTION, {"name": "局", "duties": "<p>x</p>", "parent": parent.pk},
                                 site=site, resource=parent)["parent"][0]  # fmt: skip


def test_leader_record(site, editor):  # RES-6
    photo = f.make_image(site, editor)
    speech = f.make_article(site, editor, title="在全市防火工作会议上的讲话")
    data, _ = clean_revision_data(
        ResourceKind.LEADER,
        {"name": "张伟", "photo": photo.pk, "position": "市长", "resume": "<p>张伟，男，汉族。</p>",
         "responsibilities": "<p>主持市政府全面工作。</p>", "speeches": [speech.pk]},
        {"title": "张伟"},
        site=site,
        user=editor,
    )  # fmt: skip
    assert data["photo"] == photo.pk and data["speeches"] == [speech.pk]
    errors = errors_of(ResourceKind.LEADER, {"name": "张伟", "photo": speech.pk, "speeches": [photo.pk]}, site=site)
    assert set(errors) >= {"photo", "position", "speeches"}


def test_policy_document_fields(site, editor):  # RES-7
    data, metadata = clean_revision_data(
        ResourceKind.POLICY, f.policy_data(document_number="保政办发[2024]3号"), {"title": "办法"}, site=site
    )
    assert data["document_number"] == "保政办发〔2024〕3号"
    assert data["signing_date"] == "2024-03-01" and data["validity"] == Validity.VALID
    json.dumps(data)


def test_editors_no_longer_type_the_index_number(site, editor):  # RES-7, DISC-2: the platform assigns it
    data, _ = clean_revision_data(
        ResourceKind.POLICY, f.policy_data(index_number="000014349/2024-00012"), {"title": "t"}, site=site
    )
    assert "index_number" not in data


def test_amended_or_repealed_policy_names_its_replacement(site, editor):  # RES-7
    newer = f.make_policy(site, editor, title="新办法")
    errors = errors_of(ResourceKind.POLICY, f.policy_data(validity=Validity.REPEALED), site=site)
    assert "replaced_by" in errors and "validity_date" in errors
    data, _ = clean_revision_data(
        ResourceKind.POLICY,
        f.policy_data(validity=Validity.AMENDED, validity_date="2025年1月1日", replaced_by=newer.pk),
        {"title": "t"},
        site=site,
    )
    assert data["replaced_by"] == newer.pk and data["validity_date"] == "2025-01-01"
    # Expired documents need the date but no replacement; valid ones are not replaced.
    clean_revision_data(ResourceKind.POLICY, f.policy_data(validity=Validity.EXPIRED, validity_date="2025-01-01"),
                        {"title": "t"}, site=site)  # fmt: skip
    assert "replaced_by" in errors_of(ResourceKind.POLICY, f.policy_data(replaced_by=newer.pk), site=site)


def test_policy_dates_and_text(site):  # RES-7
    errors = errors_of(ResourceKind.POLICY, f.policy_data(signing_date="2024-03-05", publishing_date="2024-03-01",
                                                          body="", issuing_body=""), site=site)  # fmt: skip
    assert set(errors) >= {"publishing_date", "body", "issuing_body"}


def test_interpretation_needs_a_policy(site, editor):  # RES-8
    errors = errors_of(ResourceKind.INTERPRETATION, f.article_data(policies=[]), site=site)
    assert "policy document" in errors["policies"][0]
    article = f.make_article(site, editor)
    errors = errors_of(ResourceKind.INTERPRETATION, f.article_data(policies=[article.pk]), site=site)
    assert "policy document" in errors["policies"][0]


def test_errors_of_metadata_and_content_come_together(site):  # RES-2
    errors = errors_of(ResourceKind.ARTICLE, {"body": ""}, {"title": "", "source": "x" * 101}, site=site)
    assert {"title", "source", "body"} <= set(errors)


def test_forms_render_with_the_rich_text_editor(site):  # SEC-7
    form = KIND_FORMS[ResourceKind.ARTICLE](site=site)
    html = form.as_div()
    assert "data-django-prose-editor-configurable" in html
    assert 'name="attachments"' in html


def test_forms_accept_posted_data(site, editor, rf):
    image = f.make_image(site, editor)
    attachment = f.make_attachment(site, editor)
    request = rf.post("/", {"title": "标题", "body": "<p>正文</p>", "cover_image": str(image.pk),
                            "attachments": [str(attachment.pk)]})  # fmt: skip
    form = KIND_FORMS[ResourceKind.ARTICLE](request.POST, site=site, user=editor)
    assert form.is_valid(), form.errors
    assert form.to_json()["attachments"] == [attachment.pk]
