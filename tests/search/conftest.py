"""A small corpus of published pages on three sites, indexed, for the search tests.

Rows are written the way the workflow leaves them (tests/rendering/conftest.py's Builder) and
then indexed with search.indexer, as the publishing signals would; tests of indexing on publish
and withdrawal go through the real workflow actions instead.
"""

import datetime as dt

import pytest

from publishing import dynamic_pages
from search import query, text, vocabulary
from search.indexer import reindex
from search.models import DictionaryWord, Synonym
from sites.models import SiteKind
from tests.rendering.conftest import Builder


@pytest.fixture(autouse=True)
def fresh_search_state(settings):
    """Each test starts with this process's segmenter, vocabulary, synonyms and frames reloaded."""
    settings.SEARCH_VOCABULARY_CHECK_SECONDS = 0
    text._current.update(version=None, segmenter=None)
    vocabulary.forget()
    query.forget_synonyms()
    dynamic_pages.forget()
    yield
    text._current.update(version=None, segmenter=None)
    vocabulary.forget()
    query.forget_synonyms()
    dynamic_pages.forget()


def body(*paragraphs):
    return "".join(f"<p>{p}</p>" for p in paragraphs)


class Corpus:
    """示例市 (a portal), its department site 人社局, and another portal 邻市."""

    def __init__(self, build: Builder):
        b = self.build = build
        self.portal = b.site
        self.dept = b.make_site("示例市人力资源和社会保障局", "rsj.example.gov.cn", kind=SiteKind.DEPARTMENT,
                                parent=self.portal, id_code="1399000003")  # fmt: skip
        self.other = b.make_site("邻市人民政府", "www.linshi.gov.cn", id_code="1399000004")
        self.news = b.column("xwzx", "新闻中心", channel=True, column_type="工作动态")
        self.policy = b.column("zcwj", "政策文件", channel=True, column_type="政策文件")
        self.service = b.column("bsfw", "办事服务", channel=True, column_type="办事服务")
        self.dept_news = b.column("gzdt", "工作动态", channel=True, column_type="工作动态", site=self.dept)
        self.other_news = b.column("xwzx", "新闻中心", channel=True, column_type="工作动态", site=self.other)

        def at(year, month=6, day=1):
            return dt.datetime(year, month, day, 9, 30, tzinfo=dt.UTC)

        self.shebao = b.article(
            self.news, "我市社保卡服务网点全面开通",
            data={"body": body("全市社保卡服务网点今日全面开通，市民可就近办理社保卡申领和补换。",
                               "社保缴费可通过网上办事大厅完成。"), "summary": "社保卡服务网点开通"},
            when=at(2024, 5, 20),
        )  # fmt: skip
        self.gjj = b.article(
            self.policy, "关于调整住房公积金缴存基数的通知", kind="policy",
            data={"body": body("根据有关规定，现就调整住房公积金缴存基数有关事项通知如下。",
                               "公积金缴存比例为百分之五至百分之十二。"),
                  "summary": "住房公积金缴存基数调整", "document_number": "示政发〔2023〕5号"},
            when=at(2023, 7, 1),
        )  # fmt: skip
        self.idcard = b.article(
            self.service, "居民身份证办理指南",
            data={"body": body("首次申领居民身份证，请携带户口簿到户籍所在地派出所办理。",
                               "居民身份证有效期满前三个月可以申请换领。")},
            when=at(2022, 3, 15),
        )  # fmt: skip
        self.meeting = b.article(
            self.news, "全市优化营商环境工作会议召开",
            data={"body": body("会议强调，要持续优化营商环境，推进一网通办改革。")},
            when=at(2024, 1, 10),
        )  # fmt: skip
        self.old_shebao = b.article(
            self.news, "社保待遇调整工作部署会召开",
            data={"body": body("会议部署了社保待遇调整工作。")},
            when=at(2019, 2, 1),
        )  # fmt: skip
        self.dept_shebao = b.article(
            self.dept_news, "人社局开展社保政策进社区活动",
            data={"body": body("人社局工作人员走进社区，宣讲社保政策和公积金知识。")},
            when=at(2024, 4, 2),
        )  # fmt: skip
        self.other_shebao = b.article(
            self.other_news, "邻市社保经办服务提速",
            data={"body": body("邻市社保经办服务事项全部实现网上办理。")},
            when=at(2024, 2, 2),
        )  # fmt: skip

    def index(self):
        return reindex()


@pytest.fixture
def build(db, settings, tmp_path):
    settings.PUBLISH_ROOT = tmp_path / "publish"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_URL_SCHEME = "https"
    return Builder(settings.PUBLISH_ROOT)


@pytest.fixture
def corpus(build):
    corpus = Corpus(build)
    corpus.index()
    return corpus


@pytest.fixture
def synonyms(db):
    Synonym.objects.create(plain="办身份证，身份证怎么办", official="居民身份证 办理")
    query.forget_synonyms()


@pytest.fixture
def dictionary(db):
    DictionaryWord.objects.create(word="一网通办")
    text._current.update(version=None, segmenter=None)
