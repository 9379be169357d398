"""Index numbers and document numbers find their items first (DISC-2), and the policy library's
filters on the public search (DISC-5): document number, issuing body, written and published
dates, subject, validity; with or without words; on SQLite and PostgreSQL alike."""

import datetime as dt

import pytest

from disclosure.models import CatalogueEntry, Organisation, SubjectCategory
from search import engine
from search.results import Filters
from search.text import identifier_key
from tests.search.conftest import body

HOST = "www.example.gov.cn"
INDEX_NUMBER = "11130600MB1234567X/2026-00012"


def at(year, month=6, day=1):
    return dt.datetime(year, month, day, 9, 30, tzinfo=dt.UTC)


def policy_data(text, number, issuer, signed, issued, validity="valid"):
    return {"body": body(text), "document_number": number, "issuing_body": issuer, "signing_date": signed,
            "publishing_date": issued, "validity": validity}  # fmt: skip


@pytest.fixture
def library(corpus):
    b = corpus.build
    education = SubjectCategory.objects.create(name="教育", code="jiaoyu", position=1)
    health = SubjectCategory.objects.create(name="卫生健康", code="weisheng", position=2)
    org = Organisation.objects.create(site=corpus.portal, name="示例市人民政府", code="11130600MB1234567X")
    corpus.school = b.article(
        corpus.policy, "关于加强义务教育学校管理的通知", kind="policy",
        data=policy_data("加强义务教育学校管理，落实课后服务。", "示政办字〔2026〕12号", "示例市人民政府办公室",
                         "2026-01-10", "2026-01-15"),
        when=at(2026, 1, 15),
    )  # fmt: skip
    corpus.medical = b.article(
        corpus.policy, "关于印发示例市医疗保障办法的通知", kind="policy",
        data=policy_data("医疗保障待遇和经办服务。", "示政发〔2025〕3号", "示例市人民政府", "2025-03-01",
                         "2025-03-05", validity="repealed"),
        when=at(2025, 3, 5),
    )  # fmt: skip
    corpus.enrol = b.article(
        corpus.policy, "示例市教育局关于做好招生工作的通知", kind="policy",
        data=policy_data("做好义务教育招生入学工作。", "示教发〔2025〕7号", "示例市教育局", "2025-06-01", "2025-06-02"),
        when=at(2025, 6, 2),
    )  # fmt: skip
    # A newer page that names the index number in its title: its words match, it is not the item.
    corpus.decoy = b.article(
        corpus.news, f"关于索引号{INDEX_NUMBER}文件的解读说明",
        data={"body": body(f"索引号{INDEX_NUMBER}，文号示政办字〔2026〕12号，解读如下。")}, when=at(2026, 2, 1),
    )  # fmt: skip
    # An article disclosed with its catalogue entry only (no policy data): found by its numbers.
    corpus.notice = b.article(corpus.news, "关于开展安全生产检查的通知", when=at(2025, 9, 1))
    CatalogueEntry.objects.create(
        resource=corpus.school, organisation=org, index_number=INDEX_NUMBER, subject=education,
        document_number="示政办字〔2026〕12号", issuing_organisation="示例市人民政府办公室",
        written_on=dt.date(2026, 1, 10), made_on=dt.date(2026, 1, 10),
    )  # fmt: skip
    CatalogueEntry.objects.create(
        resource=corpus.medical, organisation=org, index_number="11130600MB1234567X/2025-00003", subject=health,
        made_on=dt.date(2025, 3, 1),
    )  # fmt: skip
    CatalogueEntry.objects.create(
        resource=corpus.enrol, organisation=org, index_number="11130600MB1234567X/2025-00007", subject=education,
        made_on=dt.date(2025, 6, 1),
    )  # fmt: skip
    CatalogueEntry.objects.create(
        resource=corpus.notice, organisation=org, index_number="11130600MB1234567X/2025-00101",
        document_number="示安办〔2025〕9号", issuing_organisation="示例市安全生产委员会办公室",
        made_on=dt.date(2025, 9, 1),
    )  # fmt: skip
    corpus.index()
    return corpus


def titles(outcome):
    return [str(hit.title).replace("<mark>", "").replace("</mark>", "") for hit in outcome.hits]


def test_identifier_key_unifies_what_people_type():  # DISC-2
    assert identifier_key("冀政办字[2026]12号") == "冀政办字〔2026〕12号"
    assert identifier_key("冀政办字（2026）12 号") == "冀政办字〔2026〕12号"
    assert identifier_key("冀政办字【2026】12号") == identifier_key("冀政办字〔2026〕12号")
    assert identifier_key(" 11130600mb1234567x / 2026-00012 ") == INDEX_NUMBER
    assert identifier_key("ｘ０００１４３４９/２０２４-０００１２") == "X00014349/2024-00012"


@pytest.mark.parametrize(
    "typed", [INDEX_NUMBER, INDEX_NUMBER.lower(), f" {INDEX_NUMBER} ", "11130600MB1234567X / 2026-00012"]
)
def test_index_number_finds_its_item_first(library, typed):  # DISC-2
    outcome = engine.search(library.portal, typed, log=False)
    assert titles(outcome)[0] == "关于加强义务教育学校管理的通知"
    assert outcome.hits[0].exact and not any(hit.exact for hit in outcome.hits[1:])
    # the page naming the number is found too, after the item itself
    assert "关于索引号" in "".join(titles(outcome)[1:])


@pytest.mark.parametrize(
    "typed", ["示政办字〔2026〕12号", "示政办字[2026]12号", "示政办字(2026)12号", "示政办字（2026）12号"]
)
def test_document_number_finds_its_item_first(library, typed):  # DISC-2
    outcome = engine.search(library.portal, typed, log=False)
    assert titles(outcome)[0] == "关于加强义务教育学校管理的通知"
    assert outcome.hits[0].exact
    assert outcome.total == len({*titles(outcome)})  # the item is not counted twice


def test_catalogue_numbers_find_items_of_any_kind(library):  # DISC-2
    by_index = engine.search(library.portal, "11130600MB1234567X/2025-00101", log=False)
    assert titles(by_index)[0] == "关于开展安全生产检查的通知"
    by_number = engine.search(library.portal, "示安办[2025]9号", log=False)
    assert titles(by_number)[0] == "关于开展安全生产检查的通知"


def test_identifiers_stay_in_the_sites_scope(library):  # DISC-2, SRCH-1
    assert engine.search(library.other, INDEX_NUMBER, log=False).hits == []


def test_policy_library_lists_policies_newest_first_without_words(library):  # DISC-5
    outcome = engine.search(library.portal, "", filters=Filters(kind="policy"), log=False)
    assert titles(outcome) == [
        "关于加强义务教育学校管理的通知", "示例市教育局关于做好招生工作的通知", "关于印发示例市医疗保障办法的通知",
        "关于调整住房公积金缴存基数的通知",
    ]  # fmt: skip
    assert outcome.total == 4 and not outcome.message


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"document_number": "示教发[2025]"}, ["示例市教育局关于做好招生工作的通知"]),
        ({"document_number": "〔2025〕"}, ["示例市教育局关于做好招生工作的通知", "关于印发示例市医疗保障办法的通知"]),
        ({"issuing_body": "教育局"}, ["示例市教育局关于做好招生工作的通知"]),
        ({"issuing_body": "示例市人民政府"}, ["关于加强义务教育学校管理的通知", "关于印发示例市医疗保障办法的通知"]),
        ({"written_from": dt.date(2025, 3, 1), "written_to": dt.date(2025, 5, 31)}, ["关于印发示例市医疗保障办法的通知"]),
        ({"published_from": dt.date(2025, 6, 2), "published_to": dt.date(2026, 1, 15)},
         ["关于加强义务教育学校管理的通知", "示例市教育局关于做好招生工作的通知"]),
        ({"subject": "教育"}, ["关于加强义务教育学校管理的通知", "示例市教育局关于做好招生工作的通知"]),
        ({"validity": "repealed"}, ["关于印发示例市医疗保障办法的通知"]),
        ({"subject": "教育", "validity": "valid", "written_to": dt.date(2025, 12, 31)},
         ["示例市教育局关于做好招生工作的通知"]),
    ],
)  # fmt: skip
def test_policy_library_filters(library, filters, expected):  # DISC-5
    outcome = engine.search(library.portal, "", filters=Filters(**filters), log=False)
    assert titles(outcome) == expected
    assert outcome.total == len(expected)


def test_policy_library_filters_with_words(library):  # DISC-5
    everywhere = engine.search(library.portal, "义务教育", log=False)
    assert len(everywhere.hits) == 2
    repealed = engine.search(library.portal, "医疗保障", filters=Filters(validity="valid"), log=False)
    assert repealed.total == 0
    valid = engine.search(library.portal, "义务教育", filters=Filters(kind="policy", written_from=dt.date(2026, 1, 1)),
                          log=False)  # fmt: skip
    assert titles(valid) == ["关于加强义务教育学校管理的通知"]
    # an identifier typed into the library is still found first, and only among policies
    assert titles(engine.search(library.portal, INDEX_NUMBER, filters=Filters(kind="policy"), log=False)) == [
        "关于加强义务教育学校管理的通知"
    ]


def test_search_page_has_the_policy_filter_form(library, client):  # DISC-5
    html = client.get("/search/", {"kind": "policy", "issuer": "教育局"}, HTTP_HOST=HOST).content.decode()
    assert "<h1>政策文件检索</h1>" in html
    for label in ("文号", "发文机关", "主题分类", "效力状态", "成文日期", "发布日期"):
        assert f">{label}<" in html
    assert '<option value="教育">教育</option>' in html and '<option value="repealed">已废止</option>' in html
    assert 'value="教育局"' in html  # what was typed stays in the form
    assert "找到 1 条政策文件" in html and "示例市教育局关于做好招生工作的通知" in html
    assert "<dt>文号</dt><dd>示教发〔2025〕7号</dd>" in html and "2025年6月1日" in html
    # the links of the page keep the filters
    plain = client.get("/search/", {"q": "社保"}, HTTP_HOST=HOST).content.decode()
    assert "政策文件检索" in plain and 'name="docno"' not in plain


def test_search_page_explains_dates_it_cannot_use(library, client):  # DISC-5
    html = client.get(
        "/search/", {"kind": "policy", "written_from": "2026-13-01", "published_from": "2026-02-01",
                     "published_to": "2025-01-01"}, HTTP_HOST=HOST,
    ).content.decode()  # fmt: skip
    assert "成文日期的起始日期“2026-13-01”不是有效的日期" in html
    assert "发布日期的起始日期晚于截止日期" in html
    assert 'value="2026-13-01"' in html and 'value="2025-01-01"' in html  # kept as typed
    assert "找到 4 条政策文件" in html  # the unusable filters are left out, as said


def test_search_page_finds_by_document_number(library, client):  # DISC-2
    html = client.get("/search/", {"q": "示政办字[2026]12号"}, HTTP_HOST=HOST).content.decode()
    first = html.index("关于加强义务教育学校管理的通知")
    assert first < html.index("解读说明") and "索引号或文号与搜索词一致" in html


@pytest.mark.parametrize(
    ("words", "filters"),
    [
        ("义务教育", {"subject": "教育"}),
        ("通知", {"issuing_body": "示例市"}),
        ("通知", {"written_from": dt.date(2025, 1, 1), "written_to": dt.date(2026, 12, 31)}),
        ("教育", {"validity": "valid", "document_number": "〔2025〕"}),
        ("医疗保障", {"validity": "valid"}),
    ],
)
def test_filtered_walk_finds_what_the_other_lookups_find(library, monkeypatch, words, filters):  # DISC-5
    """The policy library's filtered walk (words within its filters, chosen by the planner's
    estimates) returns the same hits, totals and facets as the full-text lookups."""
    from search.search_sql import SearchSQL

    outcomes = {}
    for walk in (True, False):
        monkeypatch.setattr(SearchSQL, "filtered_walk_wanted", lambda self, parsed, walk=walk: walk)
        outcomes[walk] = engine.search(library.portal, words, filters=Filters(**filters), log=False)
    walked, looked_up = outcomes[True], outcomes[False]
    assert titles(walked) == titles(looked_up)
    assert walked.total == looked_up.total
    assert walked.facets == looked_up.facets
    if words != "医疗保障":
        assert walked.total > 0


def test_catalogue_metadata_reaches_search_through_the_content_layer(library, django_assert_max_num_queries):
    """DISC-2, DISC-5: search reads the catalogue's values and the subject list only through
    resources/index_metadata.py, filled by the disclosure app; one query per batch, whatever
    its size."""
    from resources import index_metadata
    from search import indexer, policy_library

    ids = [library.school.pk, library.medical.pk, library.enrol.pk, library.notice.pk, library.decoy.pk]
    with django_assert_max_num_queries(1):
        values = indexer.catalogue_metadata(ids)
    assert values[library.school.pk]["index_number"] == INDEX_NUMBER
    assert values[library.school.pk]["issuing_organisation"] == "示例市人民政府办公室"
    assert values[library.school.pk]["subject"] == "教育"
    assert values[library.school.pk]["written_on"] == dt.date(2026, 1, 10)
    assert values[library.notice.pk]["document_number"] == "示安办〔2025〕9号"
    assert library.decoy.pk not in values
    names = policy_library.subject_names()
    assert names == index_metadata.subject_choices()
    assert names == list(SubjectCategory.objects.order_by("position", "id").values_list("name", flat=True))
    assert "教育" in names and "卫生健康" in names


def test_search_indexes_without_a_contributor(library, monkeypatch):
    """Without the disclosure app's contributor, search indexes what the resources say (DISC-5)."""
    from resources import index_metadata

    monkeypatch.setattr(index_metadata, "_contributors", [])
    monkeypatch.setattr(index_metadata, "_subject_providers", [])
    assert index_metadata.metadata_for([library.school.pk]) == {}
    assert index_metadata.subject_choices() == []
