"""Each role's job in Chromium, from the login page to the work page and through the job (issue 14,
"Tests and measures", first item): axe-clean (WCAG 2.1 AA, no serious or critical finding) on
every back-office page visited, over the whole page with its header and navigation.

- editor: work page → 内容 → the draft → an image inserted from the library with the editor's
  toolbar button → preview at desktop and phone width → submitted; the work page shows it waiting;
- reviewer: the work page lists it → its review page → preview → approved together with the image
  it shows → published (its public page is written);
- site administrator: the site's state on the work page → 站点管理 → the site → its columns → roles;
- platform administrator: applications to decide, sites offline, recent audit entries → their
  pages → login lockouts.

Every test also fails on a console error, a script error, a failed request, or an answer of 400
or more for any of the back office's own files (static files, media, its pages).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from accounts import twofactor
from accounts.actions import generate_password
from auditlog import audit
from auditlog.events import AuditEvent
from backoffice.chooser import choices_of
from editorial import workflow
from lifecycle.models import ApplicationKind, SiteApplication
from resources.models import Resource, ResourceStatus
from sites.models import SiteStatus
from tests.backoffice.conftest import sites  # noqa: F401 (fixture)
from tests.browser.test_accessibility import WCAG_AA, axe_script  # noqa: F401 (fixture)
from tests.resources.factories import make_article, make_image

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


class Walk:
    """A page walked by one person: axe over every back-office document it shows, and everything
    that went wrong on the way (console and script errors, failed requests, error answers)."""

    def __init__(self, page, base_url: str):
        self.page, self.base_url = page, base_url
        self.findings: dict[str, list[str]] = {}
        self.checked: set[str] = set()
        self.visited: set[str] = set()  # every document the page showed
        self.failed: list[str] = []
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)
        page.on("framenavigated", self._navigated)

    def _ours(self, url: str) -> bool:
        return url.startswith(self.base_url)

    def _request_failed(self, request):
        # A navigation that replaced a page still loading is not a failure of the back office.
        if self._ours(request.url) and request.failure != "net::ERR_ABORTED":
            self.failed.append(f"failed: {request.url} ({request.failure})")

    def _navigated(self, frame):
        if frame == self.page.main_frame and self._ours(frame.url):
            self.visited.add(frame.url.removeprefix(self.base_url))

    def _response(self, response):
        if self._ours(response.url) and response.status >= 400:
            self.failed.append(f"{response.status}: {response.url}")

    def check(self, frame=None) -> None:
        """axe over the whole document of the page (or of one of its frames), header included.

        Frames are checked on their own: the preview's frame is the public page in a sandbox
        (tests/browser/test_accessibility.py checks the public pages), the chooser's is checked here
        when it is open."""
        target = frame or self.page
        target.wait_for_load_state("load")
        options = {**WCAG_AA, "resultTypes": ["violations"], "iframes": False}
        found = target.evaluate("options => axe.run({exclude: [['iframe']]}, options)", options)
        path = target.url.removeprefix(self.base_url)
        self.checked.add(path)
        problems = [
            f"{v['id']} ({v['impact']}): {n['target']} {n['failureSummary']}"
            for v in found["violations"]
            if v["impact"] in ("serious", "critical")
            for n in v["nodes"]
        ]
        if problems:
            self.findings[path] = problems

    def assert_clean(self) -> None:
        problems = [p for p in self.page.problems if not _sandbox_notice(p)]
        report = "\n".join(f"{path}\n  " + "\n  ".join(found) for path, found in self.findings.items())
        assert self.findings == {}, report
        assert self.visited - self.checked == set()  # every page shown was checked
        assert problems == []
        assert self.failed == []


def _sandbox_notice(problem: str) -> bool:
    """Chromium's note that the preview's sandbox keeps the public page's scripts from running: the
    preview shows the published page byte for byte, scripts included, and the sandbox stops them."""
    return bool(
        re.match(
            r"console: Blocked script execution in '[^']*/admin/preview/\d+/page/[^']*' because the "
            r"document's frame is sandboxed",
            problem,
        )
    )


def log_in(new_page, live_server, user, axe: str) -> Walk:
    """From the login page: password, then a backup code as the second factor, to the work page."""
    password = generate_password()
    user.set_password(password)
    user.save()
    code = twofactor.issue_backup_codes(user, acting_user=user)[0]
    page = new_page()
    page.context.add_init_script(axe)
    walk = Walk(page, live_server.url)
    page.goto(live_server.url + "/admin/")
    page.wait_for_url(re.compile(r"/admin/login/"))
    walk.check()
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/admin/login/verify/$"))
    walk.check()
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(live_server.url + "/admin/")
    assert page.locator("h1").inner_text() == "工作台"
    walk.check()
    return walk


def nav(page, entry: str, link: str | None = None) -> None:
    """Follow the navigation by job: an entry, or one of the links it opens on hover."""
    item = page.locator(".job-nav-entry").filter(has=page.locator(f"> a:has-text('{entry}')"))
    if link is None:
        item.locator("> a").click()
    else:
        item.hover()
        item.locator(".job-nav-links").get_by_role("link", name=link, exact=True).click()
    page.wait_for_load_state("load")


def panel(page, key: str):
    return page.locator(f"#panel-{key}")


def preview_both_widths(walk: Walk) -> None:
    page = walk.page
    page.get_by_role("link", name="预览").first.click()
    page.wait_for_url(re.compile(r"/admin/preview/\d+/"))
    preview = page.frame_locator("iframe.preview-frame")
    preview.locator("main img").first.wait_for()
    assert preview.locator("main img").first.evaluate("img => img.naturalWidth") > 0
    assert preview.locator("body").evaluate("body => window.innerWidth") == 1280
    walk.check()
    page.get_by_role("button", name="手机（390 像素）").click()
    page.wait_for_function("document.querySelector('iframe.preview-frame').contentWindow.innerWidth === 390")
    assert page.get_by_role("button", name="手机（390 像素）").get_attribute("aria-pressed") == "true"
    walk.check()


def approved(resource, reviewer):
    workflow.submit(resource, acting_user=resource.creator)
    workflow.approve(Resource.objects.get(pk=resource.pk), acting_user=reviewer)
    return Resource.objects.get(pk=resource.pk)


def test_editor_writes_with_an_inserted_image_previews_and_submits(sites, live_server, new_page, axe_script):  # noqa: F811
    a = sites.a
    editor = a.users["editor"]
    approved(make_image(a.site, editor, title="春季防火宣传画", size=(1600, 900)), a.users["reviewer"])
    article = make_article(a.site, editor, title="关于春季防火的通知", column=a.columns[0], body="<p>原来的正文。</p>")
    walk = log_in(new_page, live_server, editor, axe_script)
    page = walk.page
    assert "关于春季防火的通知" in panel(page, "drafts").inner_text()

    nav(page, "内容")
    walk.check()
    page.locator("#result_list").get_by_role("link", name="关于春季防火的通知").click()
    editor_area = page.locator(".ProseMirror[contenteditable=true]").first
    editor_area.wait_for()
    walk.check()
    editor_area.click()
    page.keyboard.press("Control+End")
    page.locator(".prose-menubar").get_by_role("button", name="从资源库插入图片").click()
    chooser = page.frame_locator("#chooser-dialog iframe")
    chooser.locator(".chooser-item-title", has_text="春季防火宣传画").wait_for()
    walk.check(page.frame(url=re.compile(r"/admin/chooser/")))
    chooser.locator(".chooser-choose").first.click()
    page.locator(".ProseMirror img").first.wait_for()
    walk.check()
    with page.expect_navigation():
        page.click("input[name=_save]")
    walk.check()
    assert '<img src="/media/renditions/' in Resource.objects.get(pk=article.pk).current_revision.data["body"]

    preview_both_widths(walk)
    page.go_back()
    page.locator(".ProseMirror[contenteditable=true]").first.wait_for()
    with page.expect_navigation():
        page.click("input[name=_submit]")
    walk.check()
    assert Resource.objects.get(pk=article.pk).status == ResourceStatus.IN_REVIEW

    nav(page, "工作台")
    assert "关于春季防火的通知" in panel(page, "in_review").inner_text()
    assert "关于春季防火的通知" not in panel(page, "drafts").inner_text()
    walk.check()
    walk.assert_clean()


def test_reviewer_previews_and_approves_with_the_image_it_shows(sites, live_server, new_page, axe_script):  # noqa: F811
    a = sites.a
    editor = a.users["editor"]
    image = make_image(a.site, editor, title="春季防火宣传画")
    workflow.submit(image, acting_user=editor)
    src = choices_of([Resource.objects.get(pk=image.pk)])[0].sources["medium"]
    article = make_article(a.site, editor, title="关于春季防火的通知", column=a.columns[0],
                           body=f'<p>春季防火正文。</p><p><img src="{src}" alt="森林防火宣传画"></p>')  # fmt: skip
    workflow.submit(article, acting_user=editor)
    walk = log_in(new_page, live_server, a.users["reviewer"], axe_script)
    page = walk.page

    queue = panel(page, "queue")
    assert "关于春季防火的通知" in queue.inner_text()
    queue.get_by_role("link", name="关于春季防火的通知").click()
    page.wait_for_url(re.compile(r"/review/$"))
    assert "春季防火宣传画" in page.locator(".dependents").inner_text()
    walk.check()

    preview_both_widths(walk)
    page.go_back()
    approve = page.locator("input[name=_approve]")
    assert "1 项资源" in approve.get_attribute("value")  # approved together with the image it shows
    with page.expect_navigation():
        approve.click()
    assert "已审核通过并发布" in page.locator(".messagelist").inner_text()
    walk.check()

    article.refresh_from_db()
    image.refresh_from_db()
    assert article.status == image.status == ResourceStatus.PUBLISHED
    public = Path(settings.PUBLISH_ROOT) / a.site.primary_domain / f"ywdt/{article.pk}.html"
    assert "春季防火正文" in public.read_text(encoding="utf-8")
    nav(page, "工作台")
    assert "关于春季防火的通知" not in panel(page, "queue").inner_text()
    walk.check()
    walk.assert_clean()


def test_site_admin_sees_the_state_then_the_site_its_columns_and_roles(sites, live_server, new_page, axe_script):  # noqa: F811
    a = sites.a
    walk = log_in(new_page, live_server, a.users["admin"], axe_script)
    page = walk.page
    state = panel(page, "site_state")
    assert "站点状况" in state.locator("h3").inner_text()
    assert int(state.locator(".work-count").inner_text()) > 0  # required column kinds missing

    nav(page, "站点管理")
    walk.check()
    page.locator("#result_list").get_by_role("link", name="甲市人民政府").click()
    page.wait_for_url(re.compile(rf"/admin/sites/site/{a.site.pk}/change/$"))
    walk.check()
    nav(page, "站点管理", "栏目")
    assert "甲要闻动态" in page.locator("#result_list").inner_text()
    walk.check()
    page.locator("#result_list").get_by_role("link", name="甲要闻动态").first.click()
    page.wait_for_url(re.compile(rf"/admin/columns/column/{a.columns[0].pk}/change/$"))
    walk.check()
    nav(page, "站点管理", "角色")
    assert "甲editor" in page.locator("#result_list").inner_text()
    walk.check()
    walk.assert_clean()


def test_platform_admin_decides_from_the_work_page(sites, live_server, new_page, axe_script, platform_admin):  # noqa: F811
    a, b = sites.a, sites.b
    SiteApplication.objects.create(site=a.site, kind=ApplicationKind.OFFLINE, reason="机房搬迁",
                                   applied_by=a.users["admin"])  # fmt: skip
    b.site.status = SiteStatus.OFFLINE
    b.site.save(update_fields=["status"])
    audit.record(AuditEvent.PUBLISH_TAMPERED, site=a.site, details={"changed": 1})
    AccessAttempt.objects.create(username="zhang-typo", ip_address="203.0.113.9", user_agent="浏览器",
                                 get_data="", post_data="", failures_since_start=settings.AXES_FAILURE_LIMIT,
                                 attempt_time=timezone.now())  # fmt: skip
    walk = log_in(new_page, live_server, platform_admin, axe_script)
    page = walk.page

    titles = page.locator(".work-panel h3").all_inner_texts()
    for title in ("待审批的申请", "临时下线或迁移中的站点", "最近审计记录", "登录锁定"):
        assert any(t.startswith(title) for t in titles), titles
    assert "乙市人民政府" in panel(page, "sites_down").inner_text()
    assert "zhang-typo" in panel(page, "lockouts").inner_text()

    panel(page, "applications").locator("h3 a").click()
    page.wait_for_url(re.compile(r"/admin/sites/site/lifecycle/$"))
    assert "甲市人民政府" in page.locator("#content").inner_text()
    walk.check()
    page.go_back()
    panel(page, "sites_down").locator("h3 a").click()
    page.wait_for_url(re.compile(r"/admin/sites/site/\?"))
    assert "乙市人民政府" in page.locator("#result_list").inner_text()
    assert "甲市人民政府" not in page.locator("#result_list").inner_text()
    walk.check()
    page.go_back()
    panel(page, "audit").locator("h3 a").click()
    page.wait_for_url(re.compile(r"/admin/auditlog/auditentry/"))
    assert page.locator("#result_list tbody tr").count() >= 1
    walk.check()
    nav(page, "平台管理", "登录锁定")
    assert "zhang-typo" in page.locator("#content").inner_text()
    walk.check()
    walk.assert_clean()
