"""The back office speaks Chinese first: every message has a zh-hans translation, compiled."""

from pathlib import Path

import polib
from django.utils import translation

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_is_translated_to_chinese():
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries() + po.fuzzy_entries()]
    assert untranslated == []


def test_compiled_catalogue_matches_the_sources():
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    compiled = {entry.msgid: entry.msgstr for entry in mo}
    expected = {entry.msgid: entry.msgstr for entry in po.translated_entries()}
    stale = {msgid for msgid, text in expected.items() if compiled.get(msgid) != text}
    assert stale == set(), "run: manage.py compilemessages -l zh_Hans --ignore=.venv"


def test_domain_rule_message_is_chinese_in_zh_hans():  # SITE-3
    from django.core.exceptions import ValidationError

    from sites.validators import validate_primary_domain

    with translation.override("zh-hans"):
        try:
            validate_primary_domain("www.example.com", kind="portal", parent_primary=None)
        except ValidationError as error:
            assert "gov.cn" in error.messages[0] and "域名" in error.messages[0]
        else:
            raise AssertionError("a .com domain was accepted")
