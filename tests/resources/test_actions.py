"""Actions on the library: upload, create, save drafts, restore revisions (RES-1..8, PUB-4, PUB-9, SEC-7)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from auditlog.models import AuditEntry
from editorial import drafts as actions
from editorial.drafts import EditConflict
from editorial.models import WorkflowAction, WorkflowEvent
from resources.models import PolicyInterpretation, Rendition, Resource, ResourceKind, ResourceStatus, Revision, Validity
from sites.models import Role
from tests.factories import ColumnFactory, MembershipFactory, SiteFactory
from tests.resources import factories as f

pytestmark = pytest.mark.django_db


def save(resource, user, *, title=None, base=None, **data):
    resource.refresh_from_db()
    current = resource.current_revision
    return actions.save_draft(
        resource,
        base_revision_id=base if base is not None else current.pk,
        title=title or current.title,
        metadata=current.metadata,
        data={**current.data, **data},
        acting_user=user,
    )


# -- upload -------------------------------------------------------------------------------------


def test_upload_image_stores_reencoded_file_and_renditions(editor, media_root):  # RES-5, SEC-7
    asset = actions.upload_asset(f.upload("会场.jpg", f.jpeg_with_gps(size=(1400, 700))), kind=ResourceKind.IMAGE,
                                 acting_user=editor)  # fmt: skip
    assert asset.original_name == "会场.jpg" and asset.content_type == "image/jpeg"
    assert asset.file.name.startswith("library/") and asset.file.name.endswith(".jpg")
    assert "会场" not in asset.file.name  # the platform chose the name
    assert (asset.width, asset.height) == (1400, 700) and len(asset.sha256) == 64
    stored = (media_root / asset.file.name).read_bytes()
    assert b"PhoneMaker" not in stored and asset.size == len(stored)
    renditions = list(Rendition.objects.filter(asset=asset).order_by("width"))
    assert [(r.width, r.height) for r in renditions] == [(320, 160), (640, 320), (1280, 640)]
    assert all((media_root / r.file.name).exists() for r in renditions)
    entry = AuditEntry.objects.get(action="asset.upload")
    assert entry.actor == editor and entry.details["renditions"] == [320, 640, 1280]


def test_upload_attachment_keeps_text_for_the_confidentiality_check(editor, media_root):  # RES-5, PUB-3
    asset = actions.upload_asset(
        f.upload("名单.docx", f.docx_bytes()), kind=ResourceKind.ATTACHMENT, acting_user=editor
    )
    assert "13800138000" in asset.text
    assert asset.file.name.endswith(".docx") and (media_root / asset.file.name).exists()


def test_refused_upload_stores_nothing(editor, media_root):  # SEC-7
    with pytest.raises(ValidationError):
        actions.upload_asset(f.upload("x.jpg", f.PHP), kind=ResourceKind.IMAGE, acting_user=editor)
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))
    assert not AuditEntry.objects.filter(action="asset.upload").exists()


def test_reviewers_and_strangers_cannot_upload(reviewer, db):  # PUB-1
    with pytest.raises(PermissionDenied):
        actions.upload_asset(f.upload("a.txt", b"text"), kind=ResourceKind.ATTACHMENT, acting_user=reviewer)
    with pytest.raises(PermissionDenied):
        actions.upload_asset(f.upload("a.txt", b"text"), kind=ResourceKind.ATTACHMENT, acting_user=None)


# -- create -------------------------------------------------------------------------------------


def test_create_article(site, editor, column):  # RES-1, RES-2
    resource = f.make_article(site, editor, column=column, summary="")
    resource.refresh_from_db()
    revision = resource.current_revision
    assert resource.status == ResourceStatus.DRAFT and resource.kind == ResourceKind.ARTICLE
    assert revision.number == 1 and revision.created_by == editor
    assert (resource.title, resource.source, resource.author, resource.keywords) == (
        "关于做好春季防火工作的通知", "市应急管理局", "李明", "防火,春季",
    )  # fmt: skip
    assert resource.creator == editor and resource.column == column and resource.format == "text/html"
    assert revision.data["title"] == resource.title and revision.metadata["source"] == "市应急管理局"
    event = WorkflowEvent.objects.get(resource=resource)
    assert (event.action, event.revision, event.actor) == (WorkflowAction.CREATE, revision, editor)
    entry = AuditEntry.objects.get(action="resource.create")
    assert entry.site_id == site.pk and entry.object_id == str(resource.pk)


def test_create_image_resource_uses_the_file_format(site, editor):  # RES-2
    image = f.make_image(site, editor)
    assert image.format == "image/jpeg" and image.current_revision.asset is not None
    assert image.description == "森林防火宣传画"


def test_file_kinds_need_a_matching_file(site, editor):  # RES-5
    with pytest.raises(ValidationError) as caught:
        actions.create_resource(site, ResourceKind.IMAGE, title="图", data={"alt": "图"}, acting_user=editor)
    assert "asset" in caught.value.message_dict
    pdf = actions.upload_asset(f.upload("a.pdf", f.pdf_bytes()), kind=ResourceKind.ATTACHMENT, acting_user=editor)
    with pytest.raises(ValidationError) as caught:
        actions.create_resource(site, ResourceKind.IMAGE, title="图", data={"alt": "图"}, asset=pdf, acting_user=editor)
    assert "asset" in caught.value.message_dict


def test_files_of_other_people_cannot_be_taken(site, editor, make_member):  # SEC-7
    other_site = SiteFactory()
    stranger = make_member(other_site, Role.EDITOR)
    pdf = actions.upload_asset(f.upload("a.pdf", f.pdf_bytes()), kind=ResourceKind.ATTACHMENT, acting_user=stranger)
    with pytest.raises(PermissionDenied):
        actions.create_resource(site, ResourceKind.ATTACHMENT, title="附件", data={}, asset=pdf, acting_user=editor)


def test_column_must_belong_to_the_site(site, editor):  # RES-3
    foreign_column = ColumnFactory()
    with pytest.raises(ValidationError) as caught:
        f.make_article(site, editor, column=foreign_column)
    assert "another site" in caught.value.message_dict["column"][0]
    assert not Resource.objects.exists()


def test_invalid_content_creates_nothing(site, editor):  # RES-2
    with pytest.raises(ValidationError) as caught:
        f.make_article(site, editor, body="<script>alert(1)</script>")
    assert "body" in caught.value.message_dict
    assert not Resource.objects.exists() and not AuditEntry.objects.filter(action="resource.create").exists()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.SITE_ADMIN])
def test_editors_and_site_admins_may_create(site, make_member, role):  # PUB-1
    assert f.make_article(site, make_member(site, role)).pk


def test_reviewers_and_other_sites_editors_may_not_create(site, reviewer, make_member):  # PUB-1
    with pytest.raises(PermissionDenied):
        f.make_article(site, reviewer)
    with pytest.raises(PermissionDenied):
        f.make_article(site, make_member(SiteFactory(), Role.EDITOR))
    with pytest.raises(PermissionDenied):
        f.make_article(site, None)


# -- save_draft ---------------------------------------------------------------------------------


def test_save_draft_makes_a_new_revision_and_keeps_the_old(site, editor, other_editor):  # PUB-4, RES-2
    resource = f.make_article(site, editor)
    first = resource.current_revision
    revision = actions.save_draft(
        resource,
        base_revision_id=first.pk,
        title="关于做好春季森林防火工作的通知",
        metadata={"source": "市林业局", "author": "", "keywords": "森林防火", "classification": "应急管理"},
        data=f.article_data(body="<p>修改后的正文</p>"),
        note="改标题",
        acting_user=other_editor,
    )
    resource.refresh_from_db()
    assert revision.number == 2 and resource.current_revision == revision
    assert Revision.objects.get(pk=first.pk).data["body"] != revision.data["body"]  # the old one is intact
    assert (resource.title, resource.source, resource.keywords, resource.classification, resource.author) == (
        "关于做好春季森林防火工作的通知", "市林业局", "森林防火", "应急管理", "",
    )  # fmt: skip
    assert revision.note == "改标题" and revision.created_by == other_editor
    assert WorkflowEvent.objects.filter(resource=resource, action=WorkflowAction.SAVE, revision=revision).exists()
    assert AuditEntry.objects.filter(action="resource.save", object_id=str(resource.pk)).count() == 1


def test_stale_base_revision_is_an_edit_conflict(site, editor, other_editor):  # PUB-4
    resource = f.make_article(site, editor)
    opened_on = resource.current_revision_id
    save(resource, other_editor, body="<p>赵编辑先保存了</p>")
    with pytest.raises(EditConflict) as caught:
        save(resource, editor, base=opened_on, body="<p>王编辑的修改</p>")
    message = caught.value.messages[0]
    assert "赵编辑" in message and timezone.localtime().strftime("%Y-%m-%d") in message and "number 2" in message
    assert caught.value.saved_by == other_editor
    assert isinstance(caught.value, ValidationError)
    assert resource.revisions.count() == 2


def test_editing_in_review_is_refused(site, editor):  # PUB-2
    resource = f.make_article(site, editor)
    Resource.objects.filter(pk=resource.pk).update(status=ResourceStatus.IN_REVIEW)
    with pytest.raises(ValidationError) as caught:
        save(resource, editor, body="<p>改</p>")
    assert caught.value.code == "in_review" and "Withdraw the submission" in caught.value.messages[0]


def test_editing_published_content_keeps_it_online(site, editor):  # PUB-9
    resource = f.make_article(site, editor)
    published = resource.current_revision
    Resource.objects.filter(pk=resource.pk).update(status=ResourceStatus.PUBLISHED, published_revision=published)
    revision = save(resource, editor, body="<p>新版本</p>")
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.DRAFT
    assert resource.published_revision == published and resource.current_revision == revision


def test_editing_approved_content_makes_a_draft(site, editor):  # PUB-9
    resource = f.make_article(site, editor)
    Resource.objects.filter(pk=resource.pk).update(status=ResourceStatus.APPROVED)
    save(resource, editor, body="<p>改</p>")
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.DRAFT


def test_reviewers_may_not_edit(site, editor, reviewer):  # PUB-1
    resource = f.make_article(site, editor)
    with pytest.raises(PermissionDenied):
        save(resource, reviewer, body="<p>审核员不能改</p>")


def test_save_draft_keeps_the_file_unless_a_new_one_is_given(site, editor):  # RES-5
    image = f.make_image(site, editor)
    old_asset = image.current_revision.asset
    revision = save(image, editor, alt="新的替代文字")
    assert revision.asset == old_asset
    new_asset = actions.upload_asset(
        f.upload("b.png", f.image_bytes("PNG")), kind=ResourceKind.IMAGE, acting_user=editor
    )
    revision = actions.save_draft(image, base_revision_id=revision.pk, title="图", metadata={}, data={"alt": "新图"},
                                  asset=new_asset, acting_user=editor)  # fmt: skip
    image.refresh_from_db()
    assert revision.asset == new_asset and image.format == "image/png"


def test_an_index_number_typed_before_is_kept_when_the_policy_is_edited(site, editor):  # RES-7, DISC-2
    policy = f.make_policy(site, editor)
    Resource.objects.filter(pk=policy.pk).update(index_number="000014349/2024-00012")  # typed by an editor then
    policy.refresh_from_db()
    save(policy, editor, index_number="000014349/2024-00013")  # no longer a field of the form: ignored
    policy.refresh_from_db()
    assert policy.index_number == "000014349/2024-00012"


def test_repealed_policy_points_to_its_replacement(site, editor):  # RES-7
    old = f.make_policy(site, editor, title="旧办法")
    new = f.make_policy(site, editor, title="新办法")
    save(old, editor, validity=Validity.REPEALED, validity_date="2025-01-01", replaced_by=new.pk)
    old.refresh_from_db()
    assert old.current_revision.data["validity"] == Validity.REPEALED
    assert old.current_revision.data["replaced_by"] == new.pk


# -- policy ↔ interpretation --------------------------------------------------------------------


def test_interpretation_links_are_kept_both_ways(site, editor):  # RES-8
    first, second, third = (f.make_policy(site, editor, title=t) for t in ("办法一", "办法二", "办法三"))
    interpretation = f.make_interpretation(site, editor, [first, second])
    assert set(actions.policies_of(interpretation)) == {first, second}
    assert list(actions.interpretations_of(first)) == [interpretation]
    save(interpretation, editor, policies=[second.pk, third.pk])
    assert set(actions.policies_of(interpretation)) == {second, third}
    assert not actions.interpretations_of(first).exists()
    assert list(actions.interpretations_of(third)) == [interpretation]
    assert PolicyInterpretation.objects.count() == 2


# -- restore ------------------------------------------------------------------------------------


def test_restore_an_old_revision(site, editor, other_editor):  # PUB-4
    resource = f.make_article(site, editor)
    first = resource.current_revision
    second = save(resource, editor, title="第二版标题", body="<p>第二版</p>")
    restored = actions.restore_revision(resource, first, base_revision_id=second.pk, acting_user=other_editor)
    resource.refresh_from_db()
    assert restored.number == 3 and restored.restored_from == first
    assert restored.data == first.data and restored.title == first.title
    assert resource.current_revision == restored and resource.title == first.title
    assert "1" in restored.note
    assert WorkflowEvent.objects.filter(resource=resource, action=WorkflowAction.RESTORE, revision=restored).exists()
    assert AuditEntry.objects.get(action="resource.restore").details["restored_from"] == 1
    assert resource.revisions.count() == 3


def test_restore_with_a_stale_base_is_a_conflict(site, editor, other_editor):  # PUB-4
    resource = f.make_article(site, editor)
    first = resource.current_revision
    save(resource, other_editor, body="<p>第二版</p>")
    with pytest.raises(EditConflict):
        actions.restore_revision(resource, first, base_revision_id=first.pk, acting_user=editor)


def test_restore_restores_interpretation_links(site, editor):  # RES-8, PUB-4
    first, second = f.make_policy(site, editor, title="办法一"), f.make_policy(site, editor, title="办法二")
    interpretation = f.make_interpretation(site, editor, [first])
    original = interpretation.current_revision
    latest = save(interpretation, editor, policies=[second.pk])
    actions.restore_revision(interpretation, original, base_revision_id=latest.pk, acting_user=editor)
    assert list(actions.policies_of(interpretation)) == [first]


def test_revision_of_another_resource_cannot_be_restored(site, editor):  # PUB-4
    one, two = f.make_article(site, editor), f.make_article(site, editor, title="另一篇")
    with pytest.raises(ValidationError):
        actions.restore_revision(
            one, two.current_revision, base_revision_id=one.current_revision_id, acting_user=editor
        )


def test_restore_refuses_versions_that_are_no_longer_valid(site, editor):  # PUB-4
    interpretation = f.make_interpretation(site, editor, [f.make_policy(site, editor)])
    first = interpretation.current_revision
    latest = save(interpretation, editor, body="<p>新</p>")
    # The first version names a policy that has since disappeared from the library.
    Revision.objects.filter(pk=first.pk).update(data={**first.data, "policies": [987654]})
    with pytest.raises(ValidationError) as caught:
        actions.restore_revision(interpretation, Revision.objects.get(pk=first.pk), base_revision_id=latest.pk,
                                 acting_user=editor)  # fmt: skip
    assert "cannot be restored" in caught.value.messages[0]


def test_site_admin_of_another_site_cannot_edit(site, editor, make_member):  # PUB-1
    resource = f.make_article(site, editor)
    foreign_admin = make_member(SiteFactory(), Role.SITE_ADMIN)
    with pytest.raises(PermissionDenied):
        save(resource, foreign_admin, body="<p>x</p>")


def test_platform_admin_may_edit(site, editor, platform_admin):  # PUB-1
    resource = f.make_article(site, editor)
    assert save(resource, platform_admin, body="<p>平台管理员修改</p>").number == 2


def test_editor_on_two_sites_uses_resources_of_both(site, editor):  # RES-3
    other = SiteFactory()
    MembershipFactory(user=editor, site=other, role=Role.EDITOR)
    image = f.make_image(other, editor)
    article = f.make_article(site, editor, cover_image=image.pk)
    assert article.current_revision.data["cover_image"] == image.pk


def test_edit_conflict_behaves_like_a_validation_error(site, editor, other_editor):  # PUB-4
    import copy
    import pickle

    from django import forms

    resource = f.make_article(site, editor)
    base = resource.current_revision_id
    save(resource, other_editor, body="<p>先保存</p>")
    with pytest.raises(EditConflict) as caught:
        save(resource, editor, base=base, body="<p>后保存</p>")
    conflict = caught.value
    assert conflict.code == "edit_conflict"
    assert copy.deepcopy(conflict).messages == conflict.messages
    assert pickle.loads(pickle.dumps(conflict)).messages == conflict.messages
    form = forms.Form({})
    form.is_valid()
    form.add_error(None, conflict)
    assert "赵编辑" in form.non_field_errors()[0]


def test_base_revision_may_come_from_a_form_as_text(site, editor):  # PUB-4
    resource = f.make_article(site, editor)
    revision = actions.save_draft(resource, base_revision_id=str(resource.current_revision_id), title="新标题",
                                  metadata={}, data=f.article_data(), note="<b>备注</b>\x00", acting_user=editor)  # fmt: skip
    assert revision.number == 2 and revision.note == "备注"
    with pytest.raises(EditConflict):
        actions.save_draft(resource, base_revision_id="", title="t", metadata={}, data=f.article_data(),
                           acting_user=editor)  # fmt: skip
