"""Accessibility of the public pages, checked by axe-core in real Chromium (TPL-9: 信息无障碍,
GB/T 37668 and WCAG 2.1 AA): no serious or critical violation on any kind of page, on a desktop
and on a phone, in the normal and in the high-contrast colours."""

import pytest

from tests.browser.conftest import PHONE, site_url
from tests.conftest import require_service

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PAGES = ["home", "column", "article", "policy", "sitemap", "search", "404"]
MORE_PAGES = ["channel", "archive", "interpretation", "institutions", "leaders", "leader", "notices", "external",
              "help", "catalogue", "catalogue_list", "library_list", "on_request", "guide", "reports", "report",
              "apply", "status"]  # fmt: skip
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


# axe-core 4.12 fetches a stylesheet's relative @import against the page's address instead of the
# stylesheet's (dequelabs/axe-core#5268, fix proposed in #5269): on every back-office page that
# loads Django's admin/css/forms.css (`@import url('widgets.css')`) it asked for
# <page>/widgets.css, got the 404 page, and read that page as CSS for its css-orientation-lock rule.
# Until axe fixes it, a relative address that some stylesheet @imports is resolved against that
# stylesheet, as browsers do; nothing else the page requests is touched.
AXE_IMPORT_FIX = """
(() => {
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (typeof url === "string" && !/^([a-z][a-z0-9+.-]*:|\\/)/i.test(url)) {
      for (const sheet of Array.from(document.styleSheets)) {
        let rules = [];
        try { rules = Array.from(sheet.cssRules); } catch (error) { continue; }
        const imported = rules.find(rule => rule instanceof CSSImportRule && rule.href === url);
        if (imported && sheet.href) { url = new URL(url, sheet.href).href; break; }
      }
    }
    return open.call(this, method, url, ...rest);
  };
})();
"""


@pytest.fixture(scope="module")
def axe_script() -> str:
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:  # pragma: no cover - depends on the machine
        require_service("axe-core", False, "pip install axe-playwright-python")
    return Axe().axe_script + AXE_IMPORT_FIX


@pytest.fixture
def axe_page(new_page, axe_script):
    """new_page(...) with axe-core loaded into every document (once per page, not per check)."""

    def make(**options):
        page = new_page(**options)
        page.context.add_init_script(axe_script)
        return page

    return make


def serious_violations(page) -> list[str]:
    response = page.evaluate("options => axe.run(document, options)", {**WCAG_AA, "resultTypes": ["violations"]})
    out = []
    for violation in response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            for node in violation["nodes"]:
                out.append(f"{violation['id']} ({violation['impact']}): {node['target']} {node['failureSummary']}")
    return out


def check(page, live_server, sample_platform, names) -> dict[str, list[str]]:
    found = {}
    for name in names:
        page.goto(site_url(live_server, sample_platform.domain, sample_platform.paths[name]))
        problems = serious_violations(page)
        if problems:
            found[name] = problems
    return found


def answered_status(page, live_server, sample_platform) -> list[str]:
    """The status page of the sample's answered application (DISC-3): steps, answer, attachment."""
    application = sample_platform.disclosure
    page.goto(site_url(live_server, sample_platform.domain, sample_platform.paths["status"]))
    page.locator("#id_number").fill(application.tracking_number)
    page.locator("#id_code").fill(application.query_code)
    page.get_by_role("button", name="查询").click()
    assert "已答复" in page.locator(".facts").inner_text()
    return serious_violations(page)


def test_no_serious_violation_on_any_kind_of_page(sample_platform, live_server, axe_page):  # TPL-9, DISC-1 to 4
    page = axe_page()
    assert check(page, live_server, sample_platform, PAGES + MORE_PAGES) == {}
    assert answered_status(page, live_server, sample_platform) == []
    assert page.problems == []


def test_no_serious_violation_on_a_phone(sample_platform, live_server, axe_page):  # TPL-9
    page = axe_page(viewport=PHONE, is_mobile=True, has_touch=True)
    assert check(page, live_server, sample_platform, PAGES + MORE_PAGES) == {}


def test_no_serious_violation_in_high_contrast_and_large_text(sample_platform, live_server, axe_page):  # TPL-9
    page = axe_page()
    page.goto(site_url(live_server, sample_platform.domain, "/"))
    page.get_by_role("button", name="高对比度").click()
    page.locator("#a11y-tools").get_by_role("button", name="大").click()
    assert check(page, live_server, sample_platform, PAGES + MORE_PAGES) == {}
    assert answered_status(page, live_server, sample_platform) == []
    assert set(page.evaluate("document.documentElement.className").split()) == {"fs-1", "contrast"}
