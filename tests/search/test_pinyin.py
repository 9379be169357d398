"""Every indexed word of two or more Chinese characters is found by its full pinyin (SRCH-2
拼音转化; issue 12 item 12): 'shebao' found nothing on a portal where 社保 was only ever part of
社保卡 in a title, or in the text of one page, because only the precise-mode words of titles
joined the vocabulary when a page was published, and the rest only at the hourly rebuild
(which keeps words of two or more pages, at most MAX_TERMS of them)."""

import pytest

from editorial import workflow
from search import engine, vocabulary
from search.models import VocabularyTerm
from tests.editorial.factories import make_resource
from tests.factories import ColumnFactory, MembershipFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def titles(outcome):
    return [str(hit.title).replace("<mark>", "").replace("</mark>", "") for hit in outcome.hits]


@pytest.fixture
def published(db, django_capture_on_commit_callbacks):
    """One page published through the workflow, as on a new portal: nothing else in the index."""
    site = SiteFactory(name="示范市人民政府")
    column = ColumnFactory(site=site, name="政务动态", slug="zwdt")
    editor = MembershipFactory(site=site, role="editor", user=UserFactory()).user
    reviewer = MembershipFactory(site=site, role="reviewer", user=UserFactory()).user
    resource = make_resource(site, author=editor, column=column, title="我市社保卡服务网点全面开通",
                             data={"body": "<p>首次申领请携带户口簿到派出所办理，医疗保障待遇同步调整。</p>"})  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(resource, acting_user=editor)
        workflow.approve(resource, acting_user=reviewer)
    return site


@pytest.mark.parametrize(
    "typed",
    ["shebao", "she bao", "SheBao", "shebaoka", "paichusuo", "yiliaobaozhang", "yiliao", "baozhang", "hukoubu"],
)
def test_words_of_a_published_page_are_found_by_their_pinyin(published, typed):  # SRCH-2
    outcome = engine.search(published, typed)
    assert titles(outcome) == ["我市社保卡服务网点全面开通"], typed
    assert outcome.notes[0].kind == "pinyin"


def test_initials_still_find_the_common_words(published):  # SRCH-2
    outcome = engine.search(published, "sbk")
    assert titles(outcome) == ["我市社保卡服务网点全面开通"]
    assert outcome.notes[0].kind == "initials" and "社保卡" in outcome.notes[0].value
    # two letters that are nobody's initials in this vocabulary stay what they are
    assert engine.search(published, "qx").total == 0


def test_a_word_of_one_page_keeps_its_pinyin_after_the_rebuild(corpus):  # SRCH-2
    # 派出所 is in the text of one page only: the rebuild used to keep words of two pages or more
    assert titles(engine.search(corpus.portal, "paichusuo")) == ["居民身份证办理指南"]


def test_words_beyond_the_in_memory_vocabulary_are_found_by_pinyin(corpus, monkeypatch):  # SRCH-2
    monkeypatch.setattr(vocabulary, "MAX_TERMS", 5)
    vocabulary.rebuild_vocabulary()
    vocabulary.forget()
    assert len(vocabulary.vocabulary().weight) == 5
    assert VocabularyTerm.objects.filter(term="派出所").exists()
    assert titles(engine.search(corpus.portal, "paichusuo")) == ["居民身份证办理指南"]
    assert titles(engine.search(corpus.portal, "gaige")) == ["全市优化营商环境工作会议召开"]
