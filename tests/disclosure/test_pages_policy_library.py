"""The policy library (DISC-5): the 政策文件 column's static filter pages by issuing body, subject,
year and validity, and each policy's interpretations (RES-8) and status history (RES-7)."""

import datetime as dt

from disclosure.pages.listing import issuing_body_id
from editorial.models import WorkflowAction, WorkflowEvent
from publishing.publisher import publish_changes, publish_site
from resources.models import ResourceKind
from tests.disclosure.pages_helpers import entry, pages_site, parse  # noqa: F401 (fixture)
from tests.disclosure.test_pages import assert_up_to_date


def policy(b, title, body, validity="valid", signed="2024-05-20", **data):
    return b.article(b.zcwj, title, kind=ResourceKind.POLICY,
                     data={"body": "<p>正文</p>", "issuing_body": body, "signing_date": signed,
                           "document_number": f"{body[:2]}发〔2024〕{title[-1]}号", "validity": validity, **data})  # fmt: skip


def test_library_filters_by_issuing_body_subject_year_and_validity(pages_site):  # noqa: F811  # DISC-5
    b = pages_site
    city = policy(b, "关于优化营商环境的措施1", "示例市人民政府")
    office = policy(b, "关于做好防汛工作的通知2", "示例市人民政府办公室", signed="2023-03-01")
    old = policy(b, "关于营商环境的实施意见3", "示例市人民政府", validity="repealed", validity_date="2024-05-20",
                 replaced_by=city.pk)  # fmt: skip
    entry(city, b.org, b.education)
    publish_site(b.site.pk)

    column = parse(b.read("zwgk/zcwj/index.html"))
    assert "政策文件库" in "".join(column.text)
    by_body = f"/zwgk/zcwj/_zc/{issuing_body_id('示例市人民政府')}/"
    for link in (
        by_body,
        "/zwgk/zcwj/_zc/nd2023/",
        "/zwgk/zcwj/_zc/yx-repealed/",
        f"/zwgk/zcwj/_zc/zt-{b.education.code}/",
    ):
        assert link in column.links, link
    listed = parse(b.read(by_body.lstrip("/") + "index.html")).links
    assert f"/zwgk/zcwj/{city.pk}.html" in listed and f"/zwgk/zcwj/{old.pk}.html" in listed
    assert f"/zwgk/zcwj/{office.pk}.html" not in listed
    repealed = b.read("zwgk/zcwj/_zc/yx-repealed/index.html")
    assert f"/zwgk/zcwj/{old.pk}.html" in parse(repealed).links and "已废止" in repealed
    assert f"/zwgk/zcwj/{city.pk}.html" not in parse(repealed).links
    assert f"/zwgk/zcwj/{office.pk}.html" in parse(b.read("zwgk/zcwj/_zc/nd2023/index.html")).links

    # a change of status moves the policy between the validity lists (incremental)
    b.new_revision(office, office.title, data={**office.published_revision.data, "validity": "expired"})
    publish_changes(resource_ids=[office.pk])
    assert f"/zwgk/zcwj/{office.pk}.html" in parse(b.read("zwgk/zcwj/_zc/yx-expired/index.html")).links
    assert f"/zwgk/zcwj/{office.pk}.html" not in parse(b.read("zwgk/zcwj/_zc/yx-valid/index.html")).links
    assert_up_to_date(b)


def test_policy_page_shows_interpretations_and_status_history(pages_site):  # noqa: F811  # DISC-5, RES-7, RES-8
    b = pages_site
    doc = policy(b, "关于优化营商环境的措施1", "示例市人民政府")
    reading = b.article(b.zcwj, "一图读懂营商环境措施", kind=ResourceKind.INTERPRETATION,
                        data={"body": "<p>解读</p>", "policies": [doc.pk]})  # fmt: skip
    first = doc.published_revision
    changed = b.new_revision(doc, doc.title, data={**first.data, "validity": "amended", "validity_date": "2025-01-10"})
    for revision, day in ((first, 1), (changed, 20)):
        WorkflowEvent.objects.create(resource=doc, revision=revision, action=WorkflowAction.PUBLISH,
                                     time=dt.datetime(2024, 6, day, 9, tzinfo=dt.UTC))  # fmt: skip
    publish_site(b.site.pk)
    page = b.read(f"zwgk/zcwj/{doc.pk}.html")
    assert f"/zwgk/zcwj/{reading.pk}.html" in parse(page).links  # RES-8
    history = page[page.index("效力变化") :]
    assert "有效" in history and "2024-06-01" in history and "已修改" in history and "2025-01-10" in history
