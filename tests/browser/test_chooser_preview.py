"""The library chooser and the preview in Chromium, under the back office's real CSP (issue 14 items 3, 4).

An editor writes with a body editor of working height, inserts an image from the library through
the editor's toolbar button, chooses the cover image in the chooser's dialog, uploads an
attachment in place, saves, and previews the page at desktop and phone width; the preview's
page is sandboxed and shows the inserted image and the site's header.
"""

import pytest

from resources.models import Resource, ResourceKind
from tests.backoffice.conftest import sites  # noqa: F401 (fixture)
from tests.browser.test_accessibility import WCAG_AA, axe_script  # noqa: F401 (fixture)
from tests.helpers import admin_url, browser_log_in
from tests.resources.factories import make_article, make_image, pdf_bytes

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings in the page's content (the preview's sandboxed frame
    is the public page, checked by tests/browser/test_accessibility.py; the header is the navigation's)."""
    options = {**WCAG_AA, "resultTypes": ["violations"], "iframes": False}
    script = "options => axe.run({include: [['#content']], exclude: [['iframe']]}, options)"
    found = page.evaluate(script, options)["violations"]
    return [f"{v['id']}: {n['target']}" for v in found if v["impact"] in ("serious", "critical") for n in v["nodes"]]


def test_write_with_an_inserted_image_choose_a_cover_upload_in_place_and_preview(
    sites,  # noqa: F811 (the fixture imported above)
    live_server,
    new_page,
    axe_script,  # noqa: F811 (the fixture imported above)
    tmp_path,
):
    from playwright.sync_api import expect

    a = sites.a
    image = make_image(a.site, a.users["editor"], title="春季防火宣传画", size=(1600, 900))
    make_image(sites.b.site, sites.b.users["editor"], title="乙市宣传画")
    article = make_article(a.site, a.users["editor"], column=a.columns[0], body="<p>原来的正文。</p>")
    page = new_page()
    page.context.add_init_script(axe_script)
    browser_log_in(page, live_server.url, a.users["editor"])
    page.goto(live_server.url + admin_url("resources_resource_change", article.pk) + "?edit=1")

    # the body editor: about 24 lines high, with the library's image button in its toolbar
    editor = page.locator(".ProseMirror[contenteditable=true]").first
    editor.wait_for()
    page.locator(".library-image-button").wait_for()
    assert serious_violations(page) == []
    assert editor.bounding_box()["height"] >= 24 * 15 * 1.6  # 24 lines of the editor's 15 px text
    assert page.evaluate("getComputedStyle(document.querySelector('.ProseMirror')).resize") == "vertical"
    editor.click()
    page.keyboard.press("Control+End")
    button = page.locator(".prose-menubar").get_by_role("button", name="从资源库插入图片")  # in the toolbar
    button.click()

    frame = page.frame_locator("#chooser-dialog iframe")
    frame.locator(".chooser-item-title", has_text="春季防火宣传画").wait_for()
    assert frame.locator(".chooser-item-title", has_text="乙市宣传画").count() == 0
    assert frame.locator("img.chooser-item-thumb").first.evaluate("img => img.naturalWidth") > 0
    frame.locator(".chooser-choose").first.click()
    inserted = page.locator(".ProseMirror img").first
    inserted.wait_for()
    assert "/media/renditions/" in inserted.get_attribute("src")
    assert inserted.get_attribute("alt") == "森林防火宣传画"
    assert editor.get_attribute("aria-label") == "正文"
    # the editor's own menu speaks Chinese too (django-prose-editor writes it in English)
    titles = page.locator(".prose-menubar__button[title]").evaluate_all("els => els.map(e => e.title)")
    assert "撤销" in titles and "插入链接" in titles
    assert not [t for t in titles if t and t.isascii() and t not in ("HTML",)], titles
    assert serious_violations(page) == []

    # the cover image: chosen in the same chooser, shown as a card with its thumbnail
    page.locator(".field-cover_image .chooser-open").click()
    frame.locator(".chooser-item-title", has_text="春季防火宣传画").wait_for()
    frame.locator(".chooser-choose").first.click()
    expect(page.locator("#id_cover_image")).to_have_value(str(image.pk))
    assert page.locator(".field-cover_image .chooser-card img").count() == 1

    # an attachment: uploaded in place, stored in the library first, then chosen
    pdf = tmp_path / "实施方案.pdf"
    pdf.write_bytes(pdf_bytes())
    page.locator(".field-attachments .chooser-open").click()
    frame.locator("summary").click()
    frame.locator("input[name=file]").set_input_files(str(pdf))
    frame.locator("input[name=title]").fill("春季防火实施方案")
    frame.locator("input[type=submit][value='上传并选用']").click()
    page.locator(".field-attachments .chooser-card").wait_for()
    attachment = Resource.objects.get(title="春季防火实施方案")
    assert attachment.kind == ResourceKind.ATTACHMENT and attachment.site == a.site
    expect(page.locator("#id_attachments")).to_have_value(str(attachment.pk))

    with page.expect_navigation():
        page.click("input[name=_save]")
    article.refresh_from_db()
    revision = article.current_revision
    assert revision.data["cover_image"] == image.pk and revision.data["attachments"] == [attachment.pk]
    assert '<img src="/media/renditions/' in revision.data["body"]

    # the preview: the page as published, desktop then phone
    page.get_by_role("link", name="预览").first.click()
    preview = page.frame_locator("iframe.preview-frame")
    preview.get_by_text("原来的正文。").wait_for()
    assert preview.locator("header.site-header").count() == 1
    assert preview.locator("main img").first.evaluate("img => img.naturalWidth") > 0
    inner_width = "body => window.innerWidth"  # the width the page is laid out at
    assert preview.locator("body").evaluate(inner_width) == 1280
    assert page.locator("iframe.preview-frame").bounding_box()["width"] <= 1280  # scaled to the window
    page.get_by_role("button", name="手机（390 像素）").click()
    page.wait_for_function("document.querySelector('iframe.preview-frame').contentWindow.innerWidth === 390")
    assert page.locator("iframe.preview-frame").bounding_box()["width"] <= 392
    assert page.get_by_role("button", name="手机（390 像素）").get_attribute("aria-pressed") == "true"
    assert serious_violations(page) == []
    page.goto(live_server.url + admin_url("chooser") + f"?site={a.site.pk}&kinds=image,attachment,video")
    assert serious_violations(page) == []
    # What this test's pages load (axe's fetches of @imports: test_accessibility.py AXE_IMPORT_FIX).
    mine = ("script error", "/chooser/", "/preview/", "backoffice/", "/media/")
    problems = [p for p in page.problems if "sandboxed" not in p]
    assert [p for p in problems if any(m in p for m in mine)] == []
