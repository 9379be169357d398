"""An item goes online only with the library resources it shows (RES-5, PUB-1, PUB-9; issue 14 item 5).

Found in issue 14: an article was approved while its cover image was still a draft, and the
public page then lacked the cover. The last review level now lists the resources of the site
that the item shows and that are not online (cover, attachments, images in its text): the
reviewer approves them together with it, each through the same checks as its own approval, or
the approval is refused naming each of them and what it needs.
"""

import re
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from editorial import dependents, queries, workflow
from editorial.models import WorkflowAction, WorkflowEvent
from publishing.publisher import publish_changes, publish_site
from resources.models import ResourceKind, ResourceStatus
from sites.models import Role
from tests.editorial.conftest import scope
from tests.editorial.factories import make_asset
from tests.factories import ColumnFactory, MembershipFactory, UserFactory
from tests.rendering.conftest import build, portal, publish_root  # noqa: F401 (fixtures)
from tests.rendering.test_files import PNG, library_file


def image(team, title="会议现场照片", **kwargs):
    kwargs.setdefault("author", team.editor)
    asset = make_asset(name=f"{title}.png")  # each its own file
    return team.resource(kind=ResourceKind.IMAGE, title=title, data={"alt": title}, asset=asset, **kwargs)


def submitted(team, resource, user=None):
    workflow.submit(resource, acting_user=user or team.editor)
    resource.refresh_from_db()
    return resource


def article_with(team, **data):
    return submitted(team, team.resource(data={"body": "<p>正文</p>", **data}))


def approve_refused(article, reviewer, **kwargs) -> str:
    with translation.override("zh-hans"), pytest.raises((ValidationError, PermissionDenied)) as refused:
        workflow.approve(article, acting_user=reviewer, **kwargs)
    return " ".join(getattr(refused.value, "messages", [str(refused.value)]))


def test_found_fault_the_article_never_goes_online_without_its_cover(team):  # issue 14 item 5
    cover = submitted(team, image(team))
    article = article_with(team, cover_image=cover.pk)

    approve_refused(article, team.reviewers[0])
    article.refresh_from_db()
    cover.refresh_from_db()
    assert not queries.is_online(article) and not queries.is_online(cover)

    workflow.approve(article, acting_user=team.reviewers[0], with_dependents=True)
    article.refresh_from_db()
    cover.refresh_from_db()
    assert queries.is_online(cover) and queries.is_online(article)


def test_refusal_names_each_dependent_and_what_it_needs(team):
    cover = submitted(team, image(team, "封面照片"))
    draft = team.resource(kind=ResourceKind.ATTACHMENT, title="实施方案附件", data={}, asset=make_asset())
    article = article_with(team, cover_image=cover.pk, attachments=[draft.pk])

    text = approve_refused(article, team.reviewers[0])

    assert f"“封面照片”（编号 {cover.pk}，图片，审核中）：可与本条内容一并批准" in text
    assert f"“实施方案附件”（编号 {draft.pk}，附件，草稿）：须由编辑先提交审核" in text
    assert "not" not in text and "approve" not in text  # said in Chinese
    # Nothing was approved: no event, no audit entry, both still waiting.
    assert not WorkflowEvent.objects.filter(action=WorkflowAction.APPROVE).exists()
    assert not AuditEntry.objects.filter(action=AuditEvent.RESOURCE_APPROVE).exists()
    # With the draft the reviewer cannot approve them together either: the editor must submit it.
    assert "须由编辑先提交审核" in approve_refused(article, team.reviewers[0], with_dependents=True)
    cover.refresh_from_db()
    assert cover.status == ResourceStatus.IN_REVIEW


def test_all_approvable_the_refusal_offers_approving_together(team):
    cover = submitted(team, image(team, "封面照片"))
    article = article_with(team, cover_image=cover.pk)
    text = approve_refused(article, team.reviewers[0])
    assert "请与它一并批准，或退回编辑" in text


def test_approved_together_each_recorded(team):
    cover = submitted(team, image(team))
    attachment = submitted(team, team.resource(kind=ResourceKind.ATTACHMENT, title="附件", data={}, asset=make_asset()))
    article = article_with(team, cover_image=cover.pk, attachments=[attachment.pk])
    reviewer = team.reviewers[0]

    workflow.approve(article, acting_user=reviewer, with_dependents=True)

    for dependent in (cover, attachment):
        dependent.refresh_from_db()
        assert dependent.status == ResourceStatus.PUBLISHED
        approval = AuditEntry.objects.get(action=AuditEvent.RESOURCE_APPROVE, object_id=str(dependent.pk))
        assert approval.actor == reviewer and approval.details["together_with"] == article.pk
        assert AuditEntry.objects.filter(action=AuditEvent.RESOURCE_PUBLISH, object_id=str(dependent.pk)).exists()
        assert WorkflowEvent.objects.filter(resource=dependent, action=WorkflowAction.APPROVE, actor=reviewer).exists()
    article.refresh_from_db()
    assert article.status == ResourceStatus.PUBLISHED


def test_an_image_in_the_text_is_a_dependent_too(team):
    picture = image(team, "正文插图")
    picture = submitted(team, picture)
    src = f"{settings.MEDIA_URL}{picture.submitted_revision.asset.file.name}"
    article = submitted(team, team.resource(data={"body": f'<p>正文</p><p><img src="{src}" alt="插图"></p>'}))

    assert [d.pk for d in dependents.dependents(article, article.submitted_revision)] == [picture.pk]
    assert "正文插图" in approve_refused(article, team.reviewers[0])
    workflow.approve(article, acting_user=team.reviewers[0], with_dependents=True)
    picture.refresh_from_db()
    article.refresh_from_db()
    assert queries.is_online(picture) and queries.is_online(article)


def test_own_work_is_never_approved_together(team):  # PUB-1
    reviewer = team.reviewers[0]
    MembershipFactory(site=team.site, role=Role.EDITOR, user=reviewer)
    cover = submitted(team, image(team, author=reviewer), user=reviewer)  # the reviewer's own picture
    article = article_with(team, cover_image=cover.pk)

    text = approve_refused(article, reviewer, with_dependents=True)

    assert "“会议现场照片”" in text and "岗位分离" in text
    cover.refresh_from_db()
    article.refresh_from_db()
    assert cover.status == article.status == ResourceStatus.IN_REVIEW
    assert not AuditEntry.objects.filter(action=AuditEvent.RESOURCE_APPROVE).exists()
    # Another reviewer may approve both.
    workflow.approve(article, acting_user=team.reviewers[1], with_dependents=True)
    cover.refresh_from_db()
    assert queries.is_online(cover)


def test_a_dependent_outside_the_reviewers_columns_is_refused(team):  # PUB-9 scope
    reviewer = team.reviewers[0]
    scope(reviewer, team.site, team.column)
    elsewhere = ColumnFactory(site=team.site, name="图片库", review_levels=1)
    cover = submitted(team, image(team, column=elsewhere))
    article = article_with(team, cover_image=cover.pk)

    text = approve_refused(article, reviewer, with_dependents=True)

    assert "“会议现场照片”" in text and "只负责审核" in text
    cover.refresh_from_db()
    assert cover.status == ResourceStatus.IN_REVIEW


def test_a_dependent_with_more_levels_waits_for_them(team):  # PUB-9
    strict = ColumnFactory(site=team.site, name="图片", review_levels=2)
    cover = submitted(team, image(team, column=strict))
    article = article_with(team, cover_image=cover.pk)
    assert "还需 1 级审核" in approve_refused(article, team.reviewers[0], with_dependents=True)


def test_another_sites_resource_is_never_approved_here(team):
    theirs = image(team, author=team.other_editor)
    type(theirs).objects.filter(pk=theirs.pk).update(site=team.other_site, column=team.other_column)
    theirs.refresh_from_db()
    workflow.submit(theirs, acting_user=team.other_editor)
    article = article_with(team, cover_image=theirs.pk)

    text = approve_refused(article, team.reviewers[0], with_dependents=True)

    assert "其中引用的资源尚未发布" in text  # the readiness check's refusal
    theirs.refresh_from_db()
    assert theirs.status == ResourceStatus.IN_REVIEW


def test_earlier_levels_do_not_ask(team):  # only the level that puts the item online
    team.column.review_levels = 2
    team.column.save()
    cover = submitted(team, image(team, column=ColumnFactory(site=team.site, review_levels=1)))
    article = article_with(team, cover_image=cover.pk)
    workflow.approve(article, acting_user=team.reviewers[0])
    article.refresh_from_db()
    assert article.review_level == 1
    cover.refresh_from_db()
    assert cover.status == ResourceStatus.IN_REVIEW


def test_the_public_page_shows_the_cover_approved_together(request):  # RES-5
    b = request.getfixturevalue("portal")  # tests/rendering/conftest.py, imported above
    publish_site(b.site.pk)
    MembershipFactory(site=b.site, role=Role.EDITOR, user=b.user)
    reviewer = MembershipFactory(site=b.site, role=Role.REVIEWER, user=UserFactory(username="shenhe")).user
    photo = library_file(b, "library/2024/06/cover.png", PNG, "封面.png", "image/png", width=1, height=1)
    cover = b.resource(b.gzdt, "封面图", kind=ResourceKind.IMAGE, data={"alt": "封面"}, publish=False)
    type(cover.current_revision).objects.filter(pk=cover.current_revision_id).update(asset=photo)
    article = b.resource(b.gzdt, "有封面的文章", data={"body": "<p>正文</p>", "cover_image": cover.pk}, publish=False)
    for resource in (cover, article):
        workflow.submit(resource, acting_user=b.user)

    workflow.approve(article, acting_user=reviewer, with_dependents=True)
    publish_changes(resource_ids=[cover.pk, article.pk])  # what the change feed asks after the commit

    page = b.read(f"xwzx/gzdt/{article.pk}.html")
    shown = re.search(r'<figure class="cover"><img src="/(xwzx/gzdt/files/[^"]+)"', page)
    assert shown and b.file(unquote(shown.group(1))).read_bytes() == PNG
    article.refresh_from_db()
    assert article.published_at <= timezone.now()
