"""Results (SRCH-1, SRCH-3): site isolation and platform-wide search on portals, facets,
highlighting, ranking by relevance, recency and clicks, pagination, the page and its logs,
and the same results on PostgreSQL and SQLite."""

import datetime as dt
import re

import pytest
from django.db import connection

from search import engine, logs, search_sql
from search.engine import Filters
from search.models import PopularQuery, SearchClick, SearchDocument, SearchLog
from tests.rendering.conftest import parse

pytestmark = pytest.mark.django_db

HOST = "www.example.gov.cn"


def titles(outcome):
    return [str(hit.title).replace("<mark>", "").replace("</mark>", "") for hit in outcome.hits]


def test_site_search_never_returns_another_sites_pages(corpus):  # SRCH-1
    for site in (corpus.portal, corpus.dept, corpus.other):
        outcome = engine.search(site, "社保")
        assert outcome.total and {hit.site_id for hit in outcome.hits} == {site.pk}
        # a facet filter naming another site does not widen a site search
        widened = engine.search(
            site, "社保", filters=Filters(site_id=corpus.other.pk if site != corpus.other else corpus.portal.pk)
        )
        assert {hit.site_id for hit in widened.hits} == {site.pk}


def test_platform_wide_search_on_a_portal_covers_every_site(corpus):  # SRCH-1
    outcome = engine.search(corpus.portal, "社保", scope="all")
    assert outcome.platform_wide
    assert {hit.site_id for hit in outcome.hits} == {corpus.portal.pk, corpus.dept.pk, corpus.other.pk}
    other = next(hit for hit in outcome.hits if hit.site_id == corpus.other.pk)
    assert other.external and other.url == f"https://www.linshi.gov.cn/xwzx/{corpus.other_shebao.pk}.html"
    assert other.site_name == "邻市人民政府"


def test_department_sites_have_no_platform_wide_search(corpus):  # SRCH-1
    outcome = engine.search(corpus.dept, "社保", scope="all")
    assert not outcome.platform_wide
    assert {hit.site_id for hit in outcome.hits} == {corpus.dept.pk}


def test_facets_by_site_column_type_and_year(corpus):  # SRCH-3
    outcome = engine.search(corpus.portal, "社保", scope="all")
    facets = {name: [(v.label, v.count) for v in values] for name, values in outcome.facets.items()}
    assert facets["type"] == [("工作动态", 4)]
    assert facets["year"] == [("2024年", 3), ("2019年", 1)]
    assert sorted(facets["site"]) == sorted(
        [("示例市人民政府", 2), ("示例市人力资源和社会保障局", 1), ("邻市人民政府", 1)]
    )

    by_year = engine.search(corpus.portal, "社保", scope="all", filters=Filters(year=2019))
    assert titles(by_year) == ["社保待遇调整工作部署会召开"]
    # the year facet still offers the other years; the others count within the year
    assert [(v.label, v.count, v.selected) for v in by_year.facets["year"]] == [
        ("2024年", 3, False),
        ("2019年", 1, True),
    ]
    assert [(v.label, v.count) for v in by_year.facets["site"]] == [("示例市人民政府", 1)]

    by_site = engine.search(corpus.portal, "社保", scope="all", filters=Filters(site_id=corpus.dept.pk))
    assert titles(by_site) == ["人社局开展社保政策进社区活动"]

    by_type = engine.search(corpus.portal, "公积金", filters=Filters(column_type="政策文件"))
    assert titles(by_type) == ["关于调整住房公积金缴存基数的通知"]
    assert engine.search(corpus.portal, "公积金", filters=Filters(column_type="工作动态")).total == 0


def test_snippets_highlight_the_words_and_escape_html(corpus):  # SRCH-3
    corpus.build.article(corpus.news, "<b>社保</b>提醒", data={"body": "<p>请注意&lt;script&gt;社保缴费时间。</p>"})
    corpus.index()
    outcome = engine.search(corpus.portal, "社保缴费")
    hit = next(h for h in outcome.hits if "提醒" in str(h.title))
    assert str(hit.title) == "&lt;b&gt;<mark>社保</mark>&lt;/b&gt;提醒"
    assert "<mark>社保缴费</mark>" in str(hit.snippet) or "<mark>社保</mark>" in str(hit.snippet)
    assert "<script>" not in str(hit.snippet)


def test_ranking_prefers_title_matches_then_recent_then_clicked(corpus):  # SRCH-3
    # both titles have 社保; the newer one ranks first
    assert titles(engine.search(corpus.portal, "社保")) == ["我市社保卡服务网点全面开通", "社保待遇调整工作部署会召开"]
    # a page that only mentions a word in its text ranks after pages with it in the title
    corpus.build.article(corpus.news, "全市工作简报", data={"body": "<p>本期简报涉及社保。</p>"})
    corpus.index()
    assert titles(engine.search(corpus.portal, "社保"))[-1] == "全市工作简报"


def test_clicks_lift_a_result(corpus):  # SRCH-3 ranking by real use
    b = corpus.build
    newer = b.article(corpus.service, "医保窗口延时服务通知", data={"body": "<p>医保窗口延时服务。</p>"})
    older = b.article(corpus.service, "医保窗口预约服务通知", data={"body": "<p>医保窗口预约服务。</p>"},
                      when=newer.published_at - dt.timedelta(days=3))  # fmt: skip
    corpus.index()
    assert [h.resource_id for h in engine.search(corpus.portal, "医保窗口").hits] == [newer.pk, older.pk]
    for visitor in "abcde":  # five citizens (one visitor lifts a result once a day, see below)
        outcome = engine.search(corpus.portal, "医保窗口", visitor=visitor * 16)
        hit = next(h for h in outcome.hits if h.resource_id == older.pk)
        assert logs.record_click(hit.click_token)
        assert not logs.record_click(hit.click_token)  # one click per search
    assert SearchDocument.objects.get(resource=older).clicks == 5
    assert [h.resource_id for h in engine.search(corpus.portal, "医保窗口").hits] == [older.pk, newer.pk]
    # a reindex keeps what citizens chose
    corpus.index()
    assert SearchDocument.objects.get(resource=older).clicks == 5


def test_click_endpoint_accepts_only_signed_pings(corpus, client):  # SRCH-3
    outcome = engine.search(corpus.portal, "公积金")
    token = outcome.hits[0].click_token
    assert client.post("/search/click?t=" + token, HTTP_HOST=HOST).status_code == 204
    assert client.post("/search/click?t=forged", HTTP_HOST=HOST).status_code == 204
    assert SearchClick.objects.count() == 1
    assert client.get("/search/click?t=" + token, HTTP_HOST=HOST).status_code == 405


def test_pagination(build):  # SRCH-3
    from tests.search.conftest import Corpus

    corpus = Corpus(build)
    build.many(corpus.news, 25, prefix="防汛通报第")
    corpus.index()
    first = engine.search(corpus.portal, "防汛通报")
    assert first.total == 25 and first.pages == 3 and len(first.hits) == 10
    third = engine.search(corpus.portal, "防汛通报", page=3)
    assert [h.position for h in third.hits] == list(range(21, 26))
    seen = {h.resource_id for p in (1, 2, 3) for h in engine.search(corpus.portal, "防汛通报", page=p).hits}
    assert len(seen) == 25
    beyond = engine.search(corpus.portal, "防汛通报", page=9)
    assert beyond.message == "page_range" and beyond.page == 3


def test_search_logs_hold_no_personal_data(corpus):  # SRCH-3
    engine.search(corpus.portal, "社保 13812345678")
    engine.search(corpus.portal, "130602199001011234 社保")
    engine.search(corpus.portal, "zhang.san@example.com 公积金")
    queries = list(SearchLog.objects.values_list("query", flat=True))
    assert all(not re.search(r"\d{6}", q) and "@" not in q for q in queries)
    assert {f.name for f in SearchLog._meta.fields} == {
        "id",
        "time",
        "site",
        "scope",
        "query",
        "corrected",
        "results",
        "page",
        "visitor",  # a keyed hash, never the address (tests/search/test_suggestions.py)
    }
    assert not PopularQuery.objects.filter(query__contains="*").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="synchronous_commit is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_search_logs_are_committed_without_waiting_for_the_disk(corpus):  # SRCH-3
    """Logs are statistics: their own transaction does not wait for a flush; a caller's does."""
    from django.db import transaction

    statements = []

    def spy(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        engine.search(corpus.portal, "社保")
    assert any("synchronous_commit TO OFF" in sql for sql in statements)
    assert SearchLog.objects.filter(query="社保").count() == 1
    statements.clear()
    with connection.execute_wrapper(spy), transaction.atomic():
        engine.search(corpus.portal, "社保")
    assert not any("synchronous_commit" in sql for sql in statements)
    assert SearchLog.objects.filter(query="社保").count() == 2


def test_old_search_logs_are_purged(corpus, settings):  # SRCH-3
    from datetime import timedelta

    from django.utils import timezone

    from search import logs
    from search.models import SearchClick

    engine.search(corpus.portal, "社保")
    engine.search(corpus.portal, "公积金")
    for query in ("社保", "公积金"):  # counted from the logs by search/popular.py
        PopularQuery.objects.create(site=corpus.portal, query=query, count=1)
    old, recent = SearchLog.objects.order_by("id")
    SearchClick.objects.create(log=old, resource_id=corpus.shebao.pk, site_id=corpus.portal.pk, position=1)
    long_ago = timezone.now() - timedelta(days=settings.SEARCH_LOG_RETENTION_DAYS + 1)
    SearchLog.objects.filter(pk=old.pk).update(time=long_ago)
    PopularQuery.objects.filter(query="社保").update(last_searched=long_ago)

    assert logs.purge() == {"logs": 1, "clicks": 1, "popular": 1}
    assert list(SearchLog.objects.all()) == [recent] and not SearchClick.objects.exists()
    assert list(PopularQuery.objects.values_list("query", flat=True)) == ["公积金"]


def test_search_page_in_the_site_frame_without_javascript(corpus, client):  # SRCH-1, SRCH-3, TPL-1..4
    response = client.get("/search/", {"q": "社保"}, HTTP_HOST=HOST)
    assert response.status_code == 200
    html = response.content.decode()
    page = parse(html)
    assert page.meta["SiteName"] == ["示例市人民政府"] and page.meta["SiteIDCode"] == ["1399000001"]
    assert "网站标识码：1399000001" in page.section("site-footer") or "1399000001" in html
    assert f"/xwzx/{corpus.shebao.pk}.html" in page.links
    assert f"/gzdt/{corpus.dept_shebao.pk}.html" not in html
    assert '<form class="search-page" action="/search/" method="get"' in html  # a plain GET form
    assert "找到 2 条相关结果" in html
    assert 'aria-label="筛选搜索结果"' in html and "2024年" in html
    assert "<mark>社保</mark>" in html
    assert 'ping="/search/click?t=' in html
    # facet links are plain links that keep the query
    assert any(link.startswith("/search/?q=%E7%A4%BE%E4%BF%9D&year=2019") for link in page.links)


def test_portal_page_offers_platform_wide_search(corpus, client):  # SRCH-1
    html = client.get("/search/", {"q": "社保", "scope": "all"}, HTTP_HOST=HOST).content.decode()
    assert "全平台搜索" in html and "邻市<mark>社保</mark>经办服务提速" in html
    assert "https://www.linshi.gov.cn/xwzx/" in html
    dept = client.get("/search/", {"q": "社保", "scope": "all"}, HTTP_HOST="rsj.example.gov.cn").content.decode()
    assert 'name="scope"' not in dept and "邻市<mark>社保</mark>经办服务提速" not in dept
    assert "人社局开展<mark>社保</mark>政策进社区活动" in dept


def test_unknown_host_has_no_search(corpus, client):  # SRCH-1
    assert client.get("/search/", {"q": "社保"}, HTTP_HOST="www.unknown.gov.cn").status_code == 404


# The same queries give the same results, in the same order, on PostgreSQL and SQLite: the
# expected lists below are asserted on whichever backend runs the suite (CI runs both).
GOLDEN = [
    ("社保", "site", ["我市社保卡服务网点全面开通", "社保待遇调整工作部署会召开"]),
    ("shebao", "site", ["我市社保卡服务网点全面开通", "社保待遇调整工作部署会召开"]),
    ("社报", "site", ["我市社保卡服务网点全面开通", "社保待遇调整工作部署会召开"]),
    ("公积经", "site", ["关于调整住房公积金缴存基数的通知"]),
    ('"社保卡服务网点"', "site", ["我市社保卡服务网点全面开通"]),
    (
        "社保",
        "all",
        [
            "我市社保卡服务网点全面开通",
            "人社局开展社保政策进社区活动",
            "邻市社保经办服务提速",
            "社保待遇调整工作部署会召开",
        ],
    ),  # fmt: skip
    ("公积金", "all", ["关于调整住房公积金缴存基数的通知", "人社局开展社保政策进社区活动"]),
    ("会议", "site", ["全市优化营商环境工作会议召开", "社保待遇调整工作部署会召开"]),
]


@pytest.mark.parametrize(("typed", "scope", "expected"), GOLDEN)
def test_same_results_on_both_backends(corpus, typed, scope, expected):  # SRCH-1
    assert titles(engine.search(corpus.portal, typed, scope=scope)) == expected


def test_counting_is_bounded_and_says_so(corpus, client, monkeypatch):  # SRCH-3
    monkeypatch.setattr(engine, "COUNT_LIMIT", 2)
    outcome = engine.search(corpus.portal, "社保", scope="all")
    assert outcome.capped and outcome.total == 2
    assert len(outcome.hits) == 4  # every match is still listed, newest first within the window
    html = client.get("/search/", {"q": "社保", "scope": "all"}, HTTP_HOST=HOST).content.decode()
    assert "找到超过 2 条相关结果" in html


def test_both_ways_to_the_newest_matches_give_the_same_pages(corpus, monkeypatch):  # SRCH-3
    """Walking the date index and fetching every match through the full-text index are two plans
    for the same answer; walk_dates and _mostly_matching only pick the cheaper one."""
    monkeypatch.setattr(search_sql, "PHRASE_SCAN", 1)  # the newest page with the phrase's words only

    limit = engine.COUNT_LIMIT

    def answers():
        monkeypatch.setattr(engine, "COUNT_LIMIT", limit)
        uncapped = engine.search(corpus.portal, "社保", scope="all")
        monkeypatch.setattr(engine, "COUNT_LIMIT", 2)  # capped: the newest matches are ranked
        capped = [
            titles(engine.search(corpus.portal, "社保", scope="all")),
            titles(engine.search(corpus.portal, '"社保卡服务网点"')),
            titles(engine.search(corpus.portal, "社保 会议", scope="all")),
        ]
        return uncapped.total, {k: [(v.value, v.count) for v in vs] for k, vs in uncapped.facets.items()}, capped

    found = {}
    for walk in (True, False):
        monkeypatch.setattr(engine.Searcher, "walk_dates", lambda self, parsed, wanted, filtered=False, w=walk: w)
        monkeypatch.setattr(engine.Searcher, "_mostly_matching", lambda self, parsed, w=walk: w)
        found[walk] = answers()
    assert found[True] == found[False]
    total, facets, capped = found[True]
    assert total == 4 and sum(n for _, n in facets["site"]) == 4
    assert len(capped[0]) == 4 and capped[1] == ["我市社保卡服务网点全面开通"]


def test_walk_or_index_is_chosen_by_estimated_matches(corpus, monkeypatch):  # SRCH-3
    searcher = engine.Searcher(corpus.portal, "site", Filters())
    parsed = searcher.parser.parse("社保")
    for matches, walk in ((2_500, False), (99_000, True)):  # of 100,000 documents, for the newest 200
        monkeypatch.setattr(searcher.engine, "matches_estimate", lambda sql, params, m=matches: (m, 100_000))
        searcher._estimates.clear()
        assert searcher.walk_dates(parsed, 200) is walk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL planner's statistics")
def test_postgres_estimates_matches_from_its_statistics(corpus):  # SRCH-3
    from search.backends import backend

    engine_backend = backend()
    engine_backend.analyze()
    common, _ = engine_backend.matches_estimate(*engine_backend.match([[("社保",)]]))
    rare, documents = engine_backend.matches_estimate(*engine_backend.match([[("居民身份证",)]]))
    assert documents == SearchDocument.objects.count()
    assert common > rare > 0


def test_a_chosen_year_is_the_local_year_whichever_way_matches_are_found(build, monkeypatch):  # SRCH-3
    """Half past midnight on New Year's Day in Beijing is still the old year in UTC: the year
    facet and the date range that lets a walk start at the year's end must agree."""
    from tests.search.conftest import Corpus

    corpus = Corpus(build)
    new_year = dt.datetime(2023, 12, 31, 16, 30, tzinfo=dt.UTC)  # 2024-01-01 00:30 in Beijing
    build.article(corpus.news, "元旦社保服务不打烊", data={"body": "<p>元旦假期社保窗口照常办理。</p>"}, when=new_year)
    corpus.index()
    monkeypatch.setattr(engine, "COUNT_LIMIT", 2)  # capped: the newest matches are walked or fetched
    for walk in (True, False):
        monkeypatch.setattr(engine.Searcher, "walk_dates", lambda self, parsed, wanted, filtered=False, w=walk: w)
        in_2024 = engine.search(corpus.portal, "社保", filters=Filters(year=2024))
        assert titles(in_2024) == ["我市社保卡服务网点全面开通", "元旦社保服务不打烊"]
        assert titles(engine.search(corpus.portal, "社保", filters=Filters(year=2023))) == []
        assert titles(engine.search(corpus.portal, "社保", filters=Filters(year=2019))) == [
            "社保待遇调整工作部署会召开"
        ]


def test_one_visitor_lifts_a_result_once_a_day(corpus):  # SRCH-3; issue 12 item 6, sibling
    """Anonymous pings must not steer the ranking: searching and clicking the same result again
    and again counts once per visitor, page and day; another visitor counts again."""
    hit_of = lambda outcome: outcome.hits[0]  # noqa: E731
    for _ in range(5):
        assert logs.record_click(hit_of(engine.search(corpus.portal, "公积金", visitor="a" * 16)).click_token)
    resource_id = hit_of(engine.search(corpus.portal, "公积金", log=False)).resource_id
    document = SearchDocument.objects.get(resource_id=resource_id, site=corpus.portal)
    assert document.clicks == 1
    assert SearchClick.objects.count() == 5  # every click is still logged

    assert logs.record_click(hit_of(engine.search(corpus.portal, "公积金", visitor="b" * 16)).click_token)
    document.refresh_from_db()
    assert document.clicks == 2

    # a day later the first visitor counts again
    SearchClick.objects.update(time=dt.datetime.now(dt.UTC) - dt.timedelta(days=1, minutes=1))
    assert logs.record_click(hit_of(engine.search(corpus.portal, "公积金", visitor="a" * 16)).click_token)
    document.refresh_from_db()
    assert document.clicks == 3
