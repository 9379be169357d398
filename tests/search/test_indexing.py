"""Indexing on publish, removal on withdrawal, reposts, attachments, reindex (SRCH-1)."""

import pytest
from django.core.management import call_command

from auditlog.models import AuditEntry
from editorial import placements, workflow
from lifecycle import column_changes as column_actions
from resources.models import ResourceKind
from search import engine
from search.models import SearchDocument
from sites.models import Role
from tests.editorial.factories import make_asset, make_resource
from tests.factories import ColumnFactory, MembershipFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def member(site, role):
    return MembershipFactory(site=site, role=role, user=UserFactory()).user


@pytest.fixture
def newsroom(db):
    site = SiteFactory(name="保定市人民政府")
    other = SiteFactory(name="石家庄市人民政府")
    return {
        "site": site,
        "column": ColumnFactory(site=site, name="工作动态", slug="gzdt"),
        "editor": member(site, Role.EDITOR),
        "reviewer": member(site, Role.REVIEWER),
        "other": other,
        "other_column": ColumnFactory(site=other, name="转载信息", slug="zzxx"),
        "other_editor": member(other, Role.EDITOR),
        "other_reviewer": member(other, Role.REVIEWER),
    }


def titles(site, q, **kwargs):
    return [
        str(hit.title).replace("<mark>", "").replace("</mark>", "") for hit in engine.search(site, q, **kwargs).hits
    ]


def publish(newsroom, resource, capture):
    with capture(execute=True):
        workflow.submit(resource, acting_user=newsroom["editor"])
        workflow.approve(resource, acting_user=newsroom["reviewer"])


def test_published_content_is_indexed_and_withdrawn_content_removed(
    newsroom, django_capture_on_commit_callbacks
):  # SRCH-1
    n = newsroom
    resource = make_resource(n["site"], author=n["editor"], column=n["column"], title="关于做好春季防火工作的通知",
                             data={"body": "<p>各乡镇人民政府：请做好春季森林防火工作。</p>"})  # fmt: skip
    assert titles(n["site"], "森林防火") == []  # a draft is not searchable
    publish(n, resource, django_capture_on_commit_callbacks)
    assert titles(n["site"], "森林防火") == ["关于做好春季防火工作的通知"]
    document = SearchDocument.objects.get(resource=resource)
    assert document.url == f"/gzdt/{resource.pk}.html"
    assert document.column_type == "工作动态"

    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(resource, acting_user=n["editor"])
    assert titles(n["site"], "森林防火") == []
    assert not SearchDocument.objects.filter(resource=resource).exists()


def test_new_version_replaces_the_indexed_text(newsroom, django_capture_on_commit_callbacks):  # SRCH-1
    n = newsroom
    resource = make_resource(n["site"], author=n["editor"], column=n["column"], title="防汛工作部署",
                             data={"body": "<p>做好防汛准备。</p>"})  # fmt: skip
    publish(n, resource, django_capture_on_commit_callbacks)
    from tests.editorial.factories import edit

    edit(resource, author=n["editor"], title="防汛抗旱工作部署", data={"body": "<p>做好防汛抗旱准备。</p>"})
    publish(n, resource, django_capture_on_commit_callbacks)
    assert titles(n["site"], "抗旱") == ["防汛抗旱工作部署"]
    assert SearchDocument.objects.filter(resource=resource).count() == 1


def test_repost_is_indexed_on_the_reposting_site_and_removed_with_it(
    newsroom, django_capture_on_commit_callbacks
):  # SRCH-1
    n = newsroom
    resource = make_resource(n["site"], author=n["editor"], column=n["column"], title="京津冀协同发展座谈会召开")
    publish(n, resource, django_capture_on_commit_callbacks)
    assert titles(n["other"], "协同发展") == []
    with django_capture_on_commit_callbacks(execute=True):
        placement = placements.place(resource, n["other_column"], acting_user=n["other_editor"])
    assert titles(n["other"], "协同发展") == []  # waiting for the other site's reviewer
    with django_capture_on_commit_callbacks(execute=True):
        placements.accept_repost(placement, acting_user=n["other_reviewer"])
    assert titles(n["other"], "协同发展") == ["京津冀协同发展座谈会召开"]
    repost = SearchDocument.objects.get(resource=resource, site=n["other"])
    assert repost.is_repost and repost.url == f"/zzxx/{resource.pk}.html"
    with django_capture_on_commit_callbacks(execute=True):
        placements.remove_placement(placement, acting_user=n["other_editor"])
    assert titles(n["other"], "协同发展") == []
    assert titles(n["site"], "协同发展") == ["京津冀协同发展座谈会召开"]


def test_attachment_text_is_searchable(newsroom, django_capture_on_commit_callbacks, settings, tmp_path):  # SRCH-1
    n = newsroom
    asset = make_asset(text="申报材料清单：营业执照副本、法人身份证明。", name="申报材料.pdf")
    settings.MEDIA_ROOT = tmp_path / "media"  # the file is there: the pages that offer it are published
    stored = settings.MEDIA_ROOT / asset.file.name
    stored.parent.mkdir(parents=True)
    stored.write_bytes(b"%PDF-1.4 test")
    attachment = make_resource(n["site"], author=n["editor"], column=n["column"], title="申报材料",
                               kind=ResourceKind.ATTACHMENT, data={}, asset=asset)  # fmt: skip
    publish(n, attachment, django_capture_on_commit_callbacks)
    article = make_resource(n["site"], author=n["editor"], column=n["column"], title="关于开展项目申报的通知",
                            data={"body": "<p>详见附件。</p>", "attachments": [attachment.pk]})  # fmt: skip
    publish(n, article, django_capture_on_commit_callbacks)
    assert "关于开展项目申报的通知" in titles(n["site"], "营业执照副本")


def test_column_rename_and_move_update_addresses(newsroom, django_capture_on_commit_callbacks):  # SRCH-1
    n = newsroom
    resource = make_resource(n["site"], author=n["editor"], column=n["column"], title="乡村振兴工作推进会")
    publish(n, resource, django_capture_on_commit_callbacks)
    column = n["column"]
    with django_capture_on_commit_callbacks(execute=True):  # the action reports the change to the feed
        column.slug = "xwdt"
        column.column_type = "通知公告"
        column_actions.update_column(column, acting_user=member(n["site"], Role.SITE_ADMIN))
    document = SearchDocument.objects.get(resource=resource)
    assert document.url == f"/xwdt/{resource.pk}.html"
    assert document.column_type == "通知公告"


def test_reindex_command_rebuilds_the_index(corpus, capsys):  # SRCH-1
    before = sorted(SearchDocument.objects.values_list("resource_id", "site_id", "url"))
    SearchDocument.objects.all().delete()
    assert engine.search(corpus.portal, "社保").total == 0
    call_command("reindex")
    assert sorted(SearchDocument.objects.values_list("resource_id", "site_id", "url")) == before
    assert engine.search(corpus.portal, "社保").total == 2
    assert "indexed 7 documents" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="search.reindex").exists()


def test_reindex_of_one_site_leaves_the_others(corpus):  # SRCH-1
    corpus.build.withdraw(corpus.other_shebao)
    call_command("reindex", "--site", "rsj.example.gov.cn")
    assert SearchDocument.objects.filter(resource=corpus.other_shebao).exists()  # other site: not rebuilt
    call_command("reindex", "--site", "www.linshi.gov.cn")
    assert not SearchDocument.objects.filter(resource=corpus.other_shebao).exists()


@pytest.mark.parametrize(
    "html",
    [
        "<p>政府工作报告</p><p>第二段，<b>加粗</b>与<em>强调</em></p>",
        "<div><h2>标题</H2>正文<br>换行</br>尾</div>",
        "<p>  多个   空格\n与换行　全角空格 </p><ul><li>一</li><li>二</li></ul>",
        "<p class='x'>带属性</p>",  # the parser's path
        "<p>a &amp; b</p>",
        "<script>alert(1)</script><p>脚本不是正文</p>",
        "<p>a < b</p>",
        "没有标签的文字\n第二行",
        "",
    ],
)
def test_page_text_is_the_editorial_plain_text(html):  # SRCH-1: the indexed text is the page's text
    """The indexer's fast path for bodies of plain tags gives exactly what the HTML parser gives."""
    from editorial.text import plain_text
    from search.indexer import page_text

    assert page_text(html) == plain_text(html)
