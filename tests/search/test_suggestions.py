"""Suggestions anonymous visitors cannot plant (SRCH-2 关键词推荐; issue 12 item 6).

Two searches for an insult made it the first "popular" suggestion of its first character, and
injection strings became suggestions too. A query is suggested only when it is a real query
(every word of it searched, results found and followed) asked by enough distinct visitors on
enough distinct days, counted when the logs are aggregated; administrators block terms, and a
blocked term hides every suggestion containing it at once. Anonymous queries do not feed the
vocabulary (pinyin, typo correction) either."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from auditlog.models import AuditEntry
from search import actions, popular, suggest, vocabulary
from search.models import BlockedTerm, PopularQuery, SearchLog, VocabularyTerm
from sites.models import Role
from tests.helpers import admin_url, log_in

pytestmark = pytest.mark.django_db

HOST = "www.example.gov.cn"
INSULT = "社保 的 政 府 是 骗 子"


def search_as(client, query, visitor, *, click=False, agent="Mozilla/5.0"):
    page = client.get(
        "/search/", {"q": query}, HTTP_HOST=HOST, REMOTE_ADDR=f"198.51.100.{visitor}", HTTP_USER_AGENT=agent
    ).content.decode()
    if click:
        pings = re.findall(r'ping="(/search/click\?t=[^"]+)"', page)
        assert pings, "the search found nothing to follow"
        client.post(pings[0].replace("&amp;", "&"), HTTP_HOST=HOST)
    return page


def spread_over_days(query, days=3):
    """The logs of `query`, moved to one of `days` consecutive days each."""
    now = timezone.now()
    for n, entry in enumerate(SearchLog.objects.filter(query=query).order_by("id")):
        SearchLog.objects.filter(pk=entry.pk).update(time=now - dt.timedelta(days=n % days))


def popular_texts(site, typed):
    return [s["text"] for s in suggest.suggestions(site, typed) if s["kind"] == "popular"]


def test_a_few_anonymous_searches_plant_no_suggestion(corpus, client):  # SRCH-2
    for query in (INSULT, "' OR 1=1--", "{{7*7}}", "社保卡服务"):
        search_as(client, query, 1)
        search_as(client, query, 1)
    popular.aggregate()
    for typed in ("社", "社保", "'", "{"):
        assert popular_texts(corpus.portal, typed) == []
    assert not PopularQuery.objects.filter(eligible=True).exists()


def test_many_visitors_on_several_days_with_clicks_make_a_suggestion(corpus, client):  # SRCH-2
    for visitor in range(1, 7):
        search_as(client, "社保卡服务", visitor, click=visitor <= 2)
    spread_over_days("社保卡服务")
    popular.aggregate()
    assert suggest.suggestions(corpus.portal, "社保卡")[0] == {"text": "社保卡服务", "kind": "popular"}
    entry = PopularQuery.objects.get(site=corpus.portal, query="社保卡服务")
    assert (entry.count, entry.visitors, entry.days, entry.clicks, entry.eligible) == (6, 6, 3, 2, True)


@pytest.mark.parametrize(
    "missing",
    ["visitors", "days", "clicks"],
)
def test_each_threshold_is_required(corpus, client, missing):  # SRCH-2
    visitors = [1] * 6 if missing == "visitors" else range(1, 7)
    for n, visitor in enumerate(visitors):
        search_as(client, "社保卡服务", visitor, click=missing != "clicks" and n < 2, agent=f"Agent {n % 2}"
                  if missing == "visitors" else "Mozilla/5.0")  # fmt: skip
    if missing != "days":
        spread_over_days("社保卡服务")
    popular.aggregate()
    assert popular_texts(corpus.portal, "社保") == []


def test_a_query_with_words_left_out_is_never_suggested(corpus, client):  # SRCH-2
    """The insult found pages for 社保 alone (its single characters were left out): not a real query."""
    for visitor in range(1, 9):
        search_as(client, INSULT, visitor, click=True)
    spread_over_days(INSULT)
    popular.aggregate()
    assert popular_texts(corpus.portal, "社") == []
    assert PopularQuery.objects.get(query=INSULT).eligible is False


def test_thresholds_are_settings(corpus, client, settings):  # SRCH-2
    settings.SEARCH_SUGGESTION_MIN_VISITORS = 1
    settings.SEARCH_SUGGESTION_MIN_DAYS = 1
    settings.SEARCH_SUGGESTION_MIN_CLICKS = 0
    search_as(client, "社保卡服务", 1)
    popular.aggregate()
    assert popular_texts(corpus.portal, "社保") == ["社保卡服务"]


def test_logs_keep_a_keyed_hash_of_the_visitor_never_the_address(corpus, client):  # SRCH-3
    search_as(client, "社保", 77)
    search_as(client, "社保", 77)
    search_as(client, "社保", 78)
    first, second, third = SearchLog.objects.order_by("id").values_list("visitor", flat=True)
    assert first == second != third and len(first) == 16
    row = SearchLog.objects.values().first()
    assert not any("198.51.100" in str(value) or "Mozilla" in str(value) for value in row.values())


def test_anonymous_queries_do_not_feed_the_vocabulary(corpus, client, settings):  # SRCH-2
    settings.SEARCH_SUGGESTION_MIN_VISITORS = 1
    settings.SEARCH_SUGGESTION_MIN_DAYS = 1
    settings.SEARCH_SUGGESTION_MIN_CLICKS = 0
    for visitor in range(1, 6):
        search_as(client, "社保 骗子集团", visitor)
    popular.aggregate()
    vocabulary.rebuild_vocabulary()
    assert not VocabularyTerm.objects.filter(term__in=["骗子", "骗子集团"]).exists()
    vocabulary.forget()
    assert [s for s in suggest.suggestions(corpus.portal, "骗") if s["kind"] != "title"] == []


# --- blocked terms --------------------------------------------------------------------------------


@pytest.fixture
def suggested(corpus, client, settings):
    settings.SEARCH_SUGGESTION_MIN_VISITORS = 1
    settings.SEARCH_SUGGESTION_MIN_DAYS = 1
    settings.SEARCH_SUGGESTION_MIN_CLICKS = 0
    search_as(client, "社保卡服务", 1)
    search_as(client, "社保待遇调整", 1)
    popular.aggregate()
    assert set(popular_texts(corpus.portal, "社保")) == {"社保卡服务", "社保待遇调整"}
    return corpus


def test_a_blocked_term_hides_every_suggestion_containing_it_at_once(
    suggested, make_member, django_capture_on_commit_callbacks
):  # SRCH-2, SEC-2
    site_admin = make_member(suggested.portal, Role.SITE_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        entry = actions.add_blocked_term(suggested.portal, "待遇", acting_user=site_admin)
    assert popular_texts(suggested.portal, "社保") == ["社保卡服务"]
    assert "社保待遇调整工作部署会召开" not in [s["text"] for s in suggest.suggestions(suggested.portal, "社保")]
    assert AuditEntry.objects.filter(action="search.blocked_term.add", actor=site_admin, site=suggested.portal).exists()
    with django_capture_on_commit_callbacks(execute=True):
        actions.delete_blocked_term(entry, acting_user=site_admin)
    assert set(popular_texts(suggested.portal, "社保")) == {"社保卡服务", "社保待遇调整"}
    assert AuditEntry.objects.filter(action="search.blocked_term.delete").exists()


def test_platform_wide_terms_and_who_may_block(suggested, make_member, platform_admin):  # SRCH-2, PUB-1
    site_admin = make_member(suggested.portal, Role.SITE_ADMIN)
    other_admin = make_member(suggested.other, Role.SITE_ADMIN)
    editor = make_member(suggested.portal, Role.EDITOR)
    for user, site in ((other_admin, suggested.portal), (editor, suggested.portal), (site_admin, None)):
        with pytest.raises(PermissionDenied):
            actions.add_blocked_term(site, "服务", acting_user=user)
    assert not BlockedTerm.objects.exists()
    actions.add_blocked_term(None, "服务", acting_user=platform_admin)
    assert popular_texts(suggested.portal, "社保") == ["社保待遇调整"]


def test_blocked_terms_in_the_back_office_are_scoped_to_the_sites_of_their_administrators(
    suggested, backoffice_client, make_member
):  # SRCH-2, SEC-3
    site_admin = make_member(suggested.portal, Role.SITE_ADMIN)
    other_entry = BlockedTerm.objects.create(site=suggested.other, term="邻市")
    log_in(backoffice_client, site_admin)
    response = backoffice_client.post(
        admin_url("search_blockedterm_add"), {"site": suggested.portal.pk, "term": " 待遇 ", "note": "投诉"}
    )
    assert response.status_code == 302
    entry = BlockedTerm.objects.get(site=suggested.portal)
    assert entry.term == "待遇" and entry.created_by == site_admin
    assert AuditEntry.objects.filter(action="search.blocked_term.add", actor=site_admin).exists()
    assert popular_texts(suggested.portal, "社保") == ["社保卡服务"]
    listing = backoffice_client.get(admin_url("search_blockedterm_changelist")).content.decode()
    assert "待遇" in listing and "邻市" not in listing
    assert backoffice_client.get(admin_url("search_blockedterm_change", other_entry.pk)).status_code == 404
    refused = backoffice_client.post(admin_url("search_blockedterm_add"), {"site": suggested.other.pk, "term": "骗子"})
    assert refused.status_code == 200 and not BlockedTerm.objects.filter(term="骗子").exists()
    backoffice_client.post(admin_url("search_blockedterm_delete", entry.pk), {"post": "yes"})
    assert not BlockedTerm.objects.filter(pk=entry.pk).exists()
    assert AuditEntry.objects.filter(action="search.blocked_term.delete", actor=site_admin).exists()


def test_updating_a_blocked_term_returns_it_even_when_nothing_changed(suggested, platform_admin):
    entry = actions.add_blocked_term(None, "服务", acting_user=platform_admin)
    assert actions.update_blocked_term(entry, acting_user=platform_admin) == entry


@pytest.mark.parametrize("typed", ["社", "社保", "公积金", "会议", "身份"])
@pytest.mark.parametrize("scope", ["site", "platform"])
def test_titles_suggested_from_the_newest_pages_are_those_of_all_pages(corpus, monkeypatch, typed, scope):  # SRCH-2
    """Suggested titles are looked for among the newest pages first: the same titles, in the same
    order, whether that window holds all of them, some, or none."""
    wanted = suggest._titles(corpus.portal, typed, scope)
    for window in (1, 2, 3):
        monkeypatch.setattr(suggest, "TITLE_WINDOW", window)
        monkeypatch.setattr(suggest, "MAX_TITLES", 2)
        two = suggest._titles(corpus.portal, typed, scope)
        monkeypatch.setattr(suggest, "MAX_TITLES", 5)
        assert suggest._titles(corpus.portal, typed, scope) == wanted
        assert two == wanted[:2]
    assert wanted or typed == "身份"  # the corpus has titles for the others
