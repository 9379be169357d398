"""Real Chromium for browser tests (Playwright's Python package, the system's chromium).

Public sites are reached by their own host name: `<domain>.localhost` is mapped to the live
server's address, so the Host header selects the site as in production. Without chromium or
Playwright the tests skip, unless REQUIRE_SERVICES=1 (CI), where they fail.
"""

import os
import shutil

import pytest

from tests.conftest import require_service

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture
def browser_page(live_server):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the machine
        require_service("Playwright", False, "pip install playwright (the Python package)")
    require_service("Chromium", bool(shutil.which(CHROMIUM)), f"{CHROMIUM} not found")
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--host-resolver-rules=MAP *.localhost 127.0.0.1",
            ],
        )
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def site_url(live_server, domain: str, path: str = "/") -> str:
    port = live_server.url.rsplit(":", 1)[1]
    return f"http://{domain}.localhost:{port}{path}"
