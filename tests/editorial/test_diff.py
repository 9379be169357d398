"""The review page's difference between the version in review and the published one (PUB-4)."""

import pytest

from editorial import diff, workflow
from tests.editorial.factories import edit

pytestmark = pytest.mark.django_db


def published(team, **kwargs):
    resource = team.resource(**kwargs)
    workflow.submit(resource, acting_user=team.editor)
    workflow.approve(resource, acting_user=team.reviewers[0])
    return resource


def segments(field_diff):
    return [[(s.op, s.text) for s in line.segments] for line in field_diff.lines]


def test_changed_fields_against_the_published_version(team):  # PUB-4
    resource = published(
        team,
        title="关于春季防火的通知",
        metadata={"source": "市应急管理局", "author": "张三"},
        data={"body": "<p>第一段不变。</p><p>请于3月1日前上报。</p><p>将被删除的段落。</p>"},
    )
    edit(
        resource,
        author=team.editor,
        title="关于做好春季防火工作的通知",
        metadata={"source": "市应急管理局", "author": "李四"},
        data={"body": "<p>第一段不变。</p><p>请于3月5日前上报。</p><p>新增的联系方式段落。</p>", "summary": "摘要"},
    )
    workflow.submit(resource, acting_user=team.editor)
    resource.refresh_from_db()
    result = diff.review_diff(resource)
    assert (result.old, result.new) == (resource.published_revision, resource.submitted_revision)
    assert [f.key for f in result.changed_fields] == ["title", "metadata.author", "data.body", "data.summary"]

    title = result.changed_fields[0]
    assert ("insert", "做好") in segments(title)[0] and ("insert", "工作") in segments(title)[0]

    body = next(f for f in result.fields if f.key == "data.body")
    assert body.is_html
    assert [line.status for line in body.lines] == ["equal", "change", "delete", "insert"]
    assert segments(body)[1] == [("equal", "请于3月"), ("delete", "1"), ("insert", "5"), ("equal", "日前上报。")]

    source = next(f for f in result.fields if f.key == "metadata.source")
    assert not source.changed


def test_never_published_content_is_all_new(team):  # PUB-4
    resource = team.resource(title="新文章", data={"body": "<p>正文</p>"})
    result = diff.review_diff(resource)
    assert result.old is None
    assert all(line.status == "insert" for f in result.changed_fields for line in f.lines)
    assert {f.key for f in result.changed_fields} == {"title", "data.body"}


def test_withdrawn_content_is_compared_with_what_was_last_online(team):  # PUB-4
    resource = published(team, title="旧标题")
    online = resource.published_revision
    workflow.withdraw(resource, acting_user=team.editor)
    edit(resource, author=team.editor, title="新标题")
    resource.refresh_from_db()
    assert diff.review_diff(resource).old == online


def test_no_changes(team):  # PUB-4
    resource = published(team)
    edit(resource, author=team.editor)  # saved again unchanged
    resource.refresh_from_db()
    result = diff.review_diff(resource)
    assert not result.has_changes
    assert "No changes" in diff.render_html(result) or "没有" in diff.render_html(result)


def test_lists_and_structured_values(team):  # PUB-4
    old, new = team.resource(data={"attachments": [1, 2], "contact": {"phone": "0312-1"}}), None
    new = edit(old, author=team.editor, data={"attachments": [1, 3], "contact": {"phone": "0312-2"}})
    result = diff.diff_revisions(old.revisions.get(number=1), new)
    attachments = next(f for f in result.fields if f.key == "data.attachments")
    assert [line.status for line in attachments.lines] == ["equal", "delete", "insert"]
    assert next(f for f in result.fields if f.key == "data.contact").changed


def test_rendered_html_marks_changes_and_escapes_content(team):  # PUB-4
    resource = published(team, title="标题", data={"body": "<p>原文</p>"})
    edit(resource, author=team.editor, title="标题<script>alert(1)</script>", data={"body": "<p>原文&lt;b&gt;</p>"})
    resource.refresh_from_db()
    html = diff.render_html(diff.review_diff(resource))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<ins>" in html and '<section class="diff-field diff-changed" data-field="title">' in html
    assert "&lt;b&gt;" in html
    full = diff.render_html(diff.review_diff(resource), changed_only=False)
    assert "diff-unchanged" in full or full.count("<section") >= html.count("<section")


def test_unrelated_paragraphs_are_shown_as_removed_and_added(team):  # PUB-4
    lines = diff.diff_paragraphs(["今天天气很好。"], ["完全不同的另一段内容文字"])
    assert [line.status for line in lines] == ["delete", "insert"]
    html_lines = diff.diff_paragraphs(["Hello world"], ["Hello brave world"])
    assert [(s.op, s.text) for s in html_lines[0].segments] == [
        ("equal", "Hello "),
        ("insert", "brave "),
        ("equal", "world"),
    ]
