"""Back-office lists fit the screen (issue 14 item 8): at 1366 px (a common office screen) and at
390 px (a phone) no column header of the library, the review queue, the sites or the audit log
is cut off, and at 1366 px the page does not scroll sideways. Real Chromium, the real CSS
(backoffice/static/backoffice/layout.css on top of Django's admin styles).
"""

import pytest

from tests.backoffice.conftest import sites  # noqa: F401 (fixture)
from tests.helpers import admin_url, browser_log_in
from tests.resources.factories import make_article
from tests.security import isolation

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WIDTHS = {"office": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}

# Every header cell (and, on a phone, every cell) must be seen whole: not wider than its own box
# with the rest hidden ("更新时…"), and not beyond the right edge of a box that hides or scrolls
# what overflows (Django's .results), nor of the window.
CUT_CELLS = """(withCells) => {
  const cut = [];
  const selector = withCells ? '#result_list th, #result_list td' : '#result_list thead th';
  const right = document.documentElement.clientWidth;
  for (const cell of document.querySelectorAll(selector)) {
    if (cell.offsetParent === null || !cell.innerText.trim()) continue;  // collapsed on purpose, or empty
    const name = cell.innerText.trim().slice(0, 20);
    for (const el of [cell, ...cell.querySelectorAll('*')]) {
      if (el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1
          && (el === cell || getComputedStyle(el).overflowX !== 'visible')) {
        cut.push(`${name}: content ${el.scrollWidth} px in ${el.clientWidth} px`);
        break;
      }
    }
    const box = cell.getBoundingClientRect();
    if (box.right > right + 1) cut.push(`${name}: ends at ${Math.round(box.right)} px, the window at ${right} px`);
    for (let up = cell.parentElement; up; up = up.parentElement) {
      if (getComputedStyle(up).overflowX === 'visible') continue;
      const edge = up.getBoundingClientRect().right;
      if (box.right > edge + 1) cut.push(`${name}: ends at ${Math.round(box.right)} px, its box at ${Math.round(edge)} px`);
      break;
    }
  }
  return cut;
}"""
PAGE_SCROLL = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
HEADERS = "() => [...document.querySelectorAll('#content-main table thead th')].map(th => th.innerText.trim())"


@pytest.fixture
def lists(sites, platform_admin, settings, tmp_path):  # noqa: F811
    """Site A with an object of everything (tests/security/isolation.py), and who opens which list."""
    settings.MEDIA_ROOT = tmp_path / "media"
    a = isolation.populate(sites.a, platform_admin, "甲")
    # Long names, as real sites have them (the demo's 政策文件解读 columns, titles of notices).
    column = a.columns[0]
    column.name = "甲市人民政府办公室关于政务公开工作的通知公告与政策解读栏目"
    column.save(update_fields=["name"])
    make_article(a.site, a.users["editor"], column=column,
                 title="关于做好2026年度全市政府网站与政务新媒体检查评估及常态化监管工作的通知")  # fmt: skip
    return {
        "library": (platform_admin, admin_url("resources_resource_changelist")),
        "library of an editor": (a.users["editor"], admin_url("resources_resource_changelist")),
        "review queue": (a.users["reviewer"], admin_url("resources_resource_review_queue")),
        "sites": (platform_admin, admin_url("sites_site_changelist")),
        "audit log": (platform_admin, admin_url("auditlog_auditentry_changelist")),
    }


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["library", "library of an editor", "review queue", "sites", "audit log"])
def test_list_headers_are_never_cut(lists, live_server, new_page, name, width):
    user, path = lists[name]
    page = new_page(viewport=WIDTHS[width])
    browser_log_in(page, live_server.url, user)

    page.goto(live_server.url + path)

    headers = page.evaluate(HEADERS)
    assert len(headers) >= 3, f"the {name} shows no table: {headers}"
    assert page.evaluate(CUT_CELLS, False) == [], f"cut headers in the {name} at {width} width"
    if width == "phone":
        assert page.evaluate(CUT_CELLS, True) == [], f"cut cells in the {name} on a phone"
    if width == "office":
        assert page.evaluate(PAGE_SCROLL) <= 0, f"the {name} scrolls sideways at 1366 px"
    assert page.problems == []
