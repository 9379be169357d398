"""Query features with Chinese examples (SRCH-2): segmentation, pinyin, typos, synonyms,
phrases, plain-language questions, suggestions, the user dictionary, odd input."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from auditlog.models import AuditEntry
from search import actions, engine, popular, suggest
from search.models import DictionaryWord, SearchClick, SearchLog, Synonym
from search.text import segmenter

pytestmark = pytest.mark.django_db


def titles(outcome):
    return [str(hit.title).replace("<mark>", "").replace("</mark>", "") for hit in outcome.hits]


def test_chinese_words_are_segmented(corpus):  # SRCH-2
    assert set(titles(engine.search(corpus.portal, "社保"))) == {
        "我市社保卡服务网点全面开通",
        "社保待遇调整工作部署会召开",
    }
    # 营商环境 is found inside 优化营商环境工作会议 although nobody typed the whole title
    assert titles(engine.search(corpus.portal, "营商环境")) == ["全市优化营商环境工作会议召开"]
    # every word must match: 社保 and 公积金 together only on the department site
    assert titles(engine.search(corpus.dept, "社保 公积金")) == ["人社局开展社保政策进社区活动"]


@pytest.mark.parametrize("typed", ["shebao", "she bao", "SheBao", "sb"])
def test_pinyin_and_initials_find_chinese(corpus, typed):  # SRCH-2 拼音转化
    outcome = engine.search(corpus.portal, typed)
    assert set(titles(outcome)) == {"我市社保卡服务网点全面开通", "社保待遇调整工作部署会召开"}
    assert outcome.notes[0].kind in ("pinyin", "initials")
    assert "社保" in outcome.notes[0].value


def test_pinyin_initials_of_a_longer_term(corpus):  # SRCH-2
    assert titles(engine.search(corpus.portal, "gjj")) == ["关于调整住房公积金缴存基数的通知"]


@pytest.mark.parametrize(("typo", "meant"), [("社报", "社保"), ("公积经", "公积金"), ("住房公积经", "住房公积金")])
def test_typos_are_corrected_with_results(corpus, typo, meant):  # SRCH-2 错别字纠正
    outcome = engine.search(corpus.portal, typo)
    assert outcome.corrected_from == typo
    assert outcome.query == meant
    assert outcome.total > 0
    assert all(meant in str(hit.title).replace("<mark>", "").replace("</mark>", "") for hit in outcome.hits)


def test_corrected_page_says_so_and_offers_the_original(corpus, client):  # SRCH-2
    page = client.get("/search/", {"q": "社报"}, HTTP_HOST="www.example.gov.cn").content.decode()
    assert "以下是“<strong>社保</strong>”的搜索结果" in page
    assert "仍然搜索" in page and "exact=1" in page
    exact = client.get("/search/", {"q": "社报", "exact": "1"}, HTTP_HOST="www.example.gov.cn").content.decode()
    assert "没有找到与“社报”相关的结果" in exact


def test_correct_words_are_not_corrected(corpus):  # SRCH-2
    outcome = engine.search(corpus.portal, "公积金")
    assert not outcome.corrected_from and not outcome.did_you_mean


def test_synonyms_map_plain_words_to_official_terms(corpus, synonyms):  # SRCH-2 通俗语言搜索
    outcome = engine.search(corpus.portal, "办身份证")
    assert titles(outcome) == ["居民身份证办理指南"]
    assert [(n.kind, n.text, n.value) for n in outcome.notes] == [("synonym", "办身份证", "居民身份证 办理")]
    assert titles(engine.search(corpus.portal, "身份证怎么办")) == ["居民身份证办理指南"]


def test_plain_language_questions_drop_question_words(corpus):  # SRCH-2
    assert titles(engine.search(corpus.portal, "怎么办社保卡")) == ["我市社保卡服务网点全面开通"]
    assert titles(engine.search(corpus.portal, "如何缴存公积金？")) == ["关于调整住房公积金缴存基数的通知"]


def test_quoted_phrases_must_occur_as_written(corpus):  # SRCH-2
    assert titles(engine.search(corpus.portal, '"社保卡服务网点"')) == ["我市社保卡服务网点全面开通"]
    assert titles(engine.search(corpus.portal, "“社保卡服务网点”")) == ["我市社保卡服务网点全面开通"]
    # the same words, not next to each other in this order
    assert engine.search(corpus.portal, '"网点服务社保卡"').total == 0
    assert engine.search(corpus.portal, "网点 服务 社保卡").total == 1


def test_a_phrase_that_is_one_word_is_found_through_the_index_alone(corpus):  # SRCH-2
    # The index holds 居民身份证 only where its five characters stand together: no text check, and
    # every page with it is found, not only the newest PHRASE_SCAN of those with its words.
    parser = engine.Searcher(corpus.portal, "site", engine.Filters()).parser
    whole = parser.parse('"居民身份证"')
    assert whole.phrases == ["居民身份证"] and whole.phrases_to_check == []
    assert titles(engine.search(corpus.portal, '"居民身份证"')) == ["居民身份证办理指南"]
    several = parser.parse('"住房公积金"')  # 住房 + 公积金: their order is checked in the text
    assert several.phrases_to_check == ["住房公积金"]
    assert titles(engine.search(corpus.portal, '"住房公积金"')) == ["关于调整住房公积金缴存基数的通知"]
    assert engine.search(corpus.portal, '"公积金住房"').total == 0


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "empty"), ("   ", "empty"), ("！！！", "nothing"), ("@#$%^&*()", "nothing"), ("的了吗", "nothing")],
)
def test_empty_and_meaningless_input_gets_a_message(corpus, client, typed, message):  # SRCH-2
    outcome = engine.search(corpus.portal, typed)
    assert outcome.message == message and outcome.total == 0
    page = client.get("/search/", {"q": typed}, HTTP_HOST="www.example.gov.cn")
    assert page.status_code == 200
    text = page.content.decode()
    assert ("请输入要搜索的关键词" in text) if message == "empty" else ("没有可以搜索的词语" in text)


@pytest.mark.parametrize(
    "typed",
    [
        "社保" * 5000,
        "' OR 1=1; DROP TABLE search_searchdocument; --",
        '社保 AND OR NOT " * ( ) { } : ^',
        "社保\x00\x07\u200b卡",
        "🙂🙂 社保 🙂",
        "<script>alert(1)</script>",
        "a" * 300,
        '"',
        '""',
        "社保:* & | !",
        "\\'\\\\",
    ],
)
def test_odd_input_never_crashes(corpus, client, typed):  # SRCH-2
    outcome = engine.search(corpus.portal, typed)
    assert len(outcome.query) <= 100
    response = client.get(
        "/search/", {"q": typed, "page": "x", "year": "abc", "site": "-1"}, HTTP_HOST="www.example.gov.cn"
    )
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_huge_input_is_cut_with_a_message(corpus):  # SRCH-2
    outcome = engine.search(corpus.portal, "社保" * 5000)
    assert [n.kind for n in outcome.notes][:1] == ["truncated"]


def test_suggestions_from_titles_words_pinyin_and_popular_queries(corpus):  # SRCH-2 关键词推荐
    texts = [s["text"] for s in suggest.suggestions(corpus.portal, "社保")]
    assert "我市社保卡服务网点全面开通" in texts
    assert "人社局开展社保政策进社区活动" not in texts  # another site's title
    assert "社保" in [s["text"] for s in suggest.suggestions(corpus.portal, "sheb")]
    # popular queries: only real ones of many visitors (tests/search/test_suggestions.py)
    for visitor in "abcdef":
        engine.search(corpus.portal, "社保卡服务", visitor=visitor)
    SearchClick.objects.create(log=SearchLog.objects.first(), resource_id=1, site_id=corpus.portal.pk, position=1)
    SearchClick.objects.create(log=SearchLog.objects.last(), resource_id=1, site_id=corpus.portal.pk, position=1)
    SearchLog.objects.filter(visitor__in="abc").update(time=timezone.now() - dt.timedelta(days=1))
    popular.aggregate()
    assert suggest.suggestions(corpus.portal, "社保卡")[0] == {"text": "社保卡服务", "kind": "popular"}
    assert suggest.suggestions(corpus.portal, "") == []


def test_suggest_endpoint_answers_json(corpus, client):  # SRCH-2
    response = client.get("/search/suggest", {"q": "公积"}, HTTP_HOST="www.example.gov.cn")
    assert response.status_code == 200
    assert "关于调整住房公积金缴存基数的通知" in [s["text"] for s in response.json()["suggestions"]]
    script = client.get("/search/suggest.js", HTTP_HOST="www.example.gov.cn")
    assert script.status_code == 200 and b"combobox" in script.content


def test_dictionary_words_are_kept_whole_and_reindexed(
    corpus, platform_admin, django_capture_on_commit_callbacks
):  # SRCH-2
    assert "一网通办" not in segmenter().cut("推进一网通办改革")
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_dictionary_word("一网通办", acting_user=platform_admin, note="政务服务改革用语")
    assert "一网通办" in segmenter().cut("推进一网通办改革")
    outcome = engine.search(corpus.portal, "一网通办")
    assert titles(outcome) == ["全市优化营商环境工作会议召开"]
    assert AuditEntry.objects.filter(action="search.dictionary.add", actor=platform_admin).exists()
    # typed in pinyin initials it is found too
    assert titles(engine.search(corpus.portal, "ywtb")) == ["全市优化营商环境工作会议召开"]


def test_only_platform_administrators_change_dictionary_and_synonyms(corpus, make_member):  # SRCH-2
    site_admin = make_member(corpus.portal, "site_admin")
    with pytest.raises(PermissionDenied):
        actions.add_dictionary_word("一网通办", acting_user=site_admin)
    with pytest.raises(PermissionDenied):
        actions.add_synonym("办身份证", "居民身份证 办理", acting_user=site_admin)
    assert not DictionaryWord.objects.exists() and not Synonym.objects.exists()


def test_synonym_actions_are_audited_and_take_effect(
    corpus, platform_admin, django_capture_on_commit_callbacks
):  # SRCH-2
    with django_capture_on_commit_callbacks(execute=True):
        entry = actions.add_synonym("社会保险卡、社会保障卡", "社保卡", acting_user=platform_admin)
    assert titles(engine.search(corpus.portal, "社会保障卡")) == ["我市社保卡服务网点全面开通"]
    with django_capture_on_commit_callbacks(execute=True):
        entry.official = "公积金"
        actions.update_synonym(entry, acting_user=platform_admin)
    assert titles(engine.search(corpus.portal, "社会保障卡")) == ["关于调整住房公积金缴存基数的通知"]
    with django_capture_on_commit_callbacks(execute=True):
        actions.delete_synonym(entry, acting_user=platform_admin)
    assert engine.search(corpus.portal, "社会保障卡").total == 0
    assert list(AuditEntry.objects.filter(action__startswith="search.synonym").values_list("action", flat=True)) == [
        "search.synonym.delete",
        "search.synonym.update",
        "search.synonym.add",
    ]
