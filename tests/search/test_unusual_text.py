"""Text whose lower-case form has another length, ligatures, full-width forms, combining marks,
emoji and very long input, through the public search page and the suggest endpoint (SRCH-1,
SRCH-2; issue 12 item 7). `"İ".lower()` is two characters ("i" and a combining dot): code that
lower-cases a text and then uses the positions it finds in the original crashed or marked the
wrong passage."""

import datetime as dt

import pytest

from search import engine
from search.highlight import snippet
from search.indexer import reindex
from search.text import fold_case
from tests.search.conftest import body

pytestmark = pytest.mark.django_db

HOST = "www.example.gov.cn"

UNUSUAL = [
    "İ",
    "İİİ社保",
    "社保 İstanbul",
    "İ" * 150,
    "ß",
    "Straße 社保",
    "ﬁ",
    "ﬁle 社保卡",
    "ＳＨＥＢＡＯ",
    "社保\u3000卡",
    "e\u0301",
    "社\u0301保",
    "\u0301\u0301\u0301",
    "🙂",
    "👨‍👩‍👧 社保",
    "🇨🇳" * 60,
    "社保" + "🙂" * 2000,
    "İ社保" * 400,
    "x" * 5000,
]


@pytest.mark.parametrize("typed", UNUSUAL)
def test_search_page_answers_unusual_text(corpus, client, typed):  # SRCH-1, SRCH-2
    for scope in ("", "all"):
        response = client.get("/search/", {"q": typed, "scope": scope}, HTTP_HOST=HOST)
        assert response.status_code == 200
        assert "搜索" in response.content.decode()


@pytest.mark.parametrize("typed", UNUSUAL)
def test_suggest_endpoint_answers_unusual_text(corpus, client, typed):  # SRCH-2
    response = client.get("/search/suggest", {"q": typed}, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert isinstance(response.json()["suggestions"], list)


def test_fold_case_keeps_every_position():  # SRCH-2
    for text in ("İstanbul", "AİB", "Straße", "ΣΑΣ", "社保İ卡", ""):
        folded = fold_case(text)
        assert len(folded) == len(text)
        assert folded == folded.lower()
    assert fold_case("İSTANBUL") == "istanbul"


def test_full_width_pinyin_is_pinyin(corpus):  # SRCH-2
    outcome = engine.search(corpus.portal, "ＳｈｅＢａｏ")
    assert outcome.total == engine.search(corpus.portal, "shebao").total > 0


def test_snippet_marks_the_word_after_letters_whose_lower_case_is_longer():  # SRCH-3
    content = "İ" * 100 + "本市社保卡服务网点全面开通" + "其他内容" * 100
    passage = str(snippet(content, "", ["社保"]))
    assert "<mark>社保</mark>" in passage


def test_search_page_highlights_words_in_text_with_dotted_capitals(build, client):  # SRCH-3
    news = build.column("xwzx", "新闻中心", channel=True)
    build.article(
        news, "İstanbul 友好城市交流",
        data={"body": body("İ" * 80 + "友好城市代表团参观了社保卡服务网点。" + "其他内容" * 60)},
        when=dt.datetime(2024, 5, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    reindex()
    page = client.get("/search/", {"q": "社保卡"}, HTTP_HOST=HOST).content.decode()
    assert "<mark>社保卡</mark>服务网点" in page
    # the word with its capital İ is found as it is written
    outcome = engine.search(build.site, "İstanbul")
    assert outcome.total == 1
    assert str(outcome.hits[0].title).replace("<mark>", "").replace("</mark>", "") == "İstanbul 友好城市交流"
