"""The editor's unsaved text survives a failed save: the resource form keeps a copy in the browser
(resources/static/resources/local_draft.js) and puts it back when the page is opened again
(TPL-11, PUB-4). Real Chromium, the real rich-text editor, the back office's real CSP (SEC-7).
"""

import pytest

from editorial import drafts as actions
from resources.models import Resource
from tests.backoffice.conftest import sites  # noqa: F401 (fixture)
from tests.helpers import admin_url, browser_log_in
from tests.outage import outage_fixture  # noqa: F401 (fixture)
from tests.resources.factories import make_article

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TYPED_BODY = "各区要在汛前完成隐患排查。"
TYPED_TITLE = "关于做好汛期安全防范工作的通知（第二稿）"
NOTICE = "已恢复未保存的内容"
STORED = "key => localStorage.getItem('govplatform.local-draft:' + key)"


@pytest.fixture
def editing(sites, live_server, browser_page):  # noqa: F811
    a = sites.a
    resource = make_article(a.site, a.users["editor"], column=a.columns[0], body="<p>原来的正文。</p>")
    page = browser_page
    browser_log_in(page, live_server.url, a.users["editor"])
    url = live_server.url + admin_url("resources_resource_change", resource.pk)
    page.goto(url)
    key = page.locator("form[data-local-draft]").get_attribute("data-local-draft")
    return resource, page, url, key


def type_into_the_form(page, key) -> None:
    page.locator(".prose-menubar").first.wait_for()  # the editor has started
    editor = page.locator(".ProseMirror[contenteditable=true]:visible").first
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(TYPED_BODY)
    page.fill("#id_title", TYPED_TITLE)
    page.fill("#id_author", "周敏")
    # kept a moment after the last change
    page.wait_for_function(f"key => ({STORED.split('=> ')[1]} || '').includes('周敏')", arg=key)


def editor_text(page) -> str:
    page.locator(".prose-menubar").first.wait_for()
    return page.locator(".ProseMirror[contenteditable=true]:visible").first.inner_text()


def test_text_typed_before_a_save_that_met_a_database_outage_is_restored(editing, outage):  # TPL-11
    resource, page, url, key = editing
    type_into_the_form(page, key)
    outage.down = True

    with page.expect_navigation() as navigation:
        page.click("input[name=_save]")

    assert navigation.value.status == 503
    assert "服务暂时不可用" in page.content()
    outage.end()
    resource.refresh_from_db()
    assert resource.title != TYPED_TITLE  # nothing was saved

    page.goto(url)  # the editor comes back to the page

    assert page.get_by_text(NOTICE).is_visible()
    assert page.get_by_text("这是您在本浏览器中输入、尚未保存的内容").is_visible()  # in the page's language
    assert page.input_value("#id_title") == TYPED_TITLE
    assert page.input_value("#id_author") == "周敏"
    assert TYPED_BODY in editor_text(page) and "原来的正文" in editor_text(page)

    with page.expect_navigation():
        page.click("input[name=_save]")  # saved now: the copy in the browser is dropped
    resource.refresh_from_db()
    assert resource.title == TYPED_TITLE and TYPED_BODY in resource.current_revision.data["body"]
    assert page.evaluate(STORED, key) is None
    page.goto(url)
    assert not page.get_by_text(NOTICE).is_visible()
    assert [problem for problem in page.problems if problem.startswith("script error")] == []


def test_restored_text_can_be_discarded(editing):  # TPL-11
    resource, page, url, key = editing
    type_into_the_form(page, key)

    page.goto(url)  # left without saving, opened again
    assert page.get_by_text(NOTICE).is_visible()
    assert TYPED_BODY in editor_text(page)
    page.get_by_role("button", name="放弃这些内容").click()

    assert not page.get_by_text(NOTICE).is_visible()
    assert page.input_value("#id_title") == resource.title
    assert TYPED_BODY not in editor_text(page) and "原来的正文" in editor_text(page)
    assert page.evaluate(STORED, key) is None
    page.goto(url)
    assert not page.get_by_text(NOTICE).is_visible()


def test_restored_text_still_meets_the_edit_conflict(editing, sites, make_member):  # noqa: F811 (TPL-11, PUB-4)
    resource, page, url, key = editing
    type_into_the_form(page, key)
    colleague = make_member(sites.a.site, real_name="孙编辑")
    actions.save_draft(resource, base_revision_id=resource.current_revision_id, title="同事的标题",
                       data={"body": "<p>同事的正文</p>"}, acting_user=colleague)  # fmt: skip

    page.goto(url)  # the newest version is the colleague's; the editor's text is put back over it
    assert page.get_by_text(NOTICE).is_visible()
    assert page.input_value("#id_title") == TYPED_TITLE
    with page.expect_navigation():
        page.click("input[name=_save]")

    assert "孙编辑" in page.content()  # the conflict is shown: the colleague's version was not overwritten
    assert Resource.objects.get(pk=resource.pk).title == "同事的标题"
    assert page.input_value("#id_title") == TYPED_TITLE  # and the text is still in the form
