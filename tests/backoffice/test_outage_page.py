"""The outage page's texts are gettext messages (English msgids, Chinese in locale/zh_Hans), in
every language of settings.LANGUAGES, Chinese first, with no database at all (TPL-11).

No database mark here: any query while the page is made fails the test (pytest-django refuses it).
The page under a real outage is tested in tests/backoffice/test_database_outage.py.
"""

import logging

import pytest

from govplatform import errors

ZH = ["服务暂时不可用", "系统暂时无法连接数据库", "内容没有保存", "请返回上一页，约 30 秒后重新提交", "返回后即可恢复"]
EN = ["Service temporarily unavailable", "cannot be reached", "it was not saved", "submit it again in about 30 seconds",
      "restores it when you return"]  # fmt: skip


def page(response) -> str:
    assert response.status_code == 503 and response["Retry-After"] == "30"
    return response.content.decode()


def positions(html: str, texts: list[str]) -> list[int]:
    return [html.index(text) for text in texts]


def test_the_page_is_chinese_first_then_english_whatever_language_is_active(caplog):  # TPL-11
    # (the tests' own language is English: tests/conftest.py)
    with caplog.at_level(logging.ERROR, logger="govplatform.outage"):
        html = page(errors.database_unavailable())

    assert max(positions(html, ZH)) < min(positions(html, EN[1:]))  # (the title names both first)
    assert '<section lang="zh-hans">' in html and '<section lang="en">' in html
    assert "<title>服务暂时不可用 · Service temporarily unavailable</title>" in html
    assert caplog.records == []  # neither the catalogue nor the template failed


def test_the_languages_follow_the_settings(settings):  # TPL-11
    settings.LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]

    html = page(errors.database_unavailable())

    assert max(positions(html, EN)) < html.index("系统暂时无法连接数据库")


def test_without_its_template_the_page_still_says_it_in_both_languages(monkeypatch, caplog):  # TPL-11
    monkeypatch.setattr(errors, "TEMPLATE", "no_such_template.html")

    with caplog.at_level(logging.ERROR, logger="govplatform.outage"):
        html = page(errors.database_unavailable())

    assert all(text in html for text in ZH + EN)
    assert max(positions(html, ZH)) < min(positions(html, EN[1:]))
    assert [r.getMessage() for r in caplog.records] == ["the outage page could not be rendered"]


def test_without_the_catalogue_the_english_msgids_say_it(monkeypatch, caplog):  # TPL-11
    def broken(message):
        raise OSError("django.mo unreadable")

    monkeypatch.setattr(errors, "gettext", broken)

    with caplog.at_level(logging.ERROR, logger="govplatform.outage"):
        html = page(errors.database_unavailable())

    assert all(text in html for text in EN) and "服务暂时不可用" not in html
    assert [r.getMessage() for r in caplog.records] == ["the outage page's texts could not be translated"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_text_has_its_translation(language):  # TPL-11
    texts = errors.texts(language)
    expected = ZH if language == "zh-hans" else EN
    assert all(any(part in text for text in texts.values()) for part in expected)
