"""Feeds and site maps stay well-formed XML whatever the text holds (TPL-1, SEC-7; issue 12 item 9:
one title with U+FFFE made four RSS feeds invalid XML).

XML 1.0 allows tab, line feed, carriage return, U+0020–U+D7FF, U+E000–U+FFFD and U+10000–U+10FFFF
only. The text cleaner removes the rest on save; the XML writer drops them too, for text saved
before (or that reached the database another way).
"""

import xml.etree.ElementTree as ET

import pytest

from publishing.publisher import publish_site
from resources.sanitize import clean_html, clean_text

NOT_XML = "\x00\x01\x08\x0b\x0c\x1f\ud800\udfff\ufffe\uffff"


@pytest.mark.parametrize("bad", list(NOT_XML) + ["\ufdd0", "\U0001fffe", "\U0010ffff"])
def test_the_text_cleaner_removes_characters_xml_cannot_hold(bad):  # SEC-7
    assert clean_text(f"通知{bad}标题") == "通知标题"
    assert clean_text(f"第一行{bad}\n第二行", multiline=True) == "第一行\n第二行"
    assert clean_html(f"<p>正文{bad}</p>") == "<p>正文</p>"
    if bad not in "\x00\ud800\udfff":  # written as an entity, decoded by the parser
        entity = f"&#x{ord(bad):X};"
        assert clean_html(f"<p>正文{entity}</p>") == "<p>正文</p>"
        assert clean_text(f"通知{entity}标题") == "通知标题"


def test_tab_and_line_breaks_and_ordinary_text_stay():  # SEC-7
    assert clean_text("甲\t乙\r\n丙", multiline=True) == "甲 乙\n丙"
    assert clean_text("\U00020000\ufffd😀") == "\U00020000\ufffd😀"  # CJK Ext. B, the replacement character, emoji


def test_feeds_and_site_maps_are_well_formed_with_any_stored_text(portal):  # TPL-1
    bad = "\ufffe\uffff\x01\x0b"
    portal.article(portal.gzdt, f"标题{bad}测试", metadata={"source": f"来源{bad}", "description": f"摘要{bad}"})
    portal.gzdt.name = f"工作{bad}动态"
    portal.gzdt.description = f"说明{bad}"
    portal.gzdt.save()
    portal.site.name = f"示例市{bad}人民政府"
    portal.site.save()
    publish_site(portal.site.pk)
    documents = sorted(path for path in (portal.root).rglob("*.xml"))
    assert any(path.name == "rss.xml" for path in documents) and any(path.name == "sitemap.xml" for path in documents)
    for path in documents:
        ET.fromstring(path.read_bytes())  # raises ParseError on an invalid character
    feed = (portal.root / "www.example.gov.cn/xwzx/gzdt/rss.xml").read_text(encoding="utf-8")
    assert "<title>标题测试</title>" in feed and "工作动态" in feed
