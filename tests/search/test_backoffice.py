"""The search dictionary and synonyms in the back office: platform administrators only, every
change through search/actions.py and audited (SRCH-2, SEC-2)."""

import pytest

from auditlog.models import AuditEntry
from search.models import DictionaryWord, Synonym
from sites.models import Role
from tests.factories import SiteFactory
from tests.helpers import admin_url, log_in

pytestmark = pytest.mark.django_db


def test_platform_admin_adds_a_dictionary_word_in_the_back_office(backoffice_client, platform_admin):
    log_in(backoffice_client, platform_admin)
    response = backoffice_client.post(
        admin_url("search_dictionaryword_add"), {"word": " 一网通办 ", "note": "改革用语"}
    )
    assert response.status_code == 302
    assert DictionaryWord.objects.get().word == "一网通办"
    assert AuditEntry.objects.filter(action="search.dictionary.add", actor=platform_admin).exists()


def test_platform_admin_edits_synonyms_in_the_back_office(backoffice_client, platform_admin):
    log_in(backoffice_client, platform_admin)
    backoffice_client.post(
        admin_url("search_synonym_add"), {"plain": "办身份证、身份证怎么办", "official": "居民身份证 办理"}
    )
    entry = Synonym.objects.get()
    assert entry.plain_words == ["办身份证", "身份证怎么办"]
    backoffice_client.post(
        admin_url("search_synonym_change", entry.pk), {"plain": "办身份证", "official": "居民身份证"}
    )
    entry.refresh_from_db()
    assert entry.official == "居民身份证"
    backoffice_client.post(admin_url("search_synonym_delete", entry.pk), {"post": "yes"})
    assert not Synonym.objects.exists()
    actions = list(AuditEntry.objects.filter(action__startswith="search.synonym").values_list("action", flat=True))
    assert sorted(actions) == ["search.synonym.add", "search.synonym.delete", "search.synonym.update"]


def test_site_staff_do_not_see_the_search_lists(backoffice_client, make_member):
    site_admin = make_member(SiteFactory(), Role.SITE_ADMIN)
    log_in(backoffice_client, site_admin)
    for name in ("search_dictionaryword_changelist", "search_synonym_changelist", "search_searchlog_changelist"):
        assert backoffice_client.get(admin_url(name)).status_code == 403
    assert backoffice_client.post(admin_url("search_dictionaryword_add"), {"word": "一网通办"}).status_code == 403
    assert not DictionaryWord.objects.exists()
