"""Real Chromium for browser tests (Playwright's Python package, the system's chromium).

One browser per test process (session scope); every test gets fresh browser contexts (no shared
cookies or localStorage). Public sites are reached by their own host name: `<domain>.localhost`
is mapped to the live server's address, so the Host header selects the site as in production.
Without chromium or Playwright the tests skip, unless REQUIRE_SERVICES=1 (CI), where they fail.

With `pytest -n 2` each worker has its own Chromium, live server, database and folders, so browser
tests run side by side in both workers.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import require_service

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--host-resolver-rules=MAP *.localhost 127.0.0.1",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}


class ParkedLoop:
    """Playwright's sync API keeps its asyncio loop marked as running in this thread between
    calls. Between browser tests the mark is taken away (and put back before the next call), so
    that other tests of this process see no running loop: Django's ORM refuses to run inside
    one, and code that starts a loop of its own (asyncio.run) would fail."""

    def __init__(self):
        self.loop = asyncio.events._get_running_loop()

    def park(self):
        asyncio.events._set_running_loop(None)

    def resume(self):
        asyncio.events._set_running_loop(self.loop)


@pytest.fixture(scope="session")
def chromium_browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the machine
        require_service("Playwright", False, "pip install playwright (the Python package)")
    require_service("Chromium", bool(shutil.which(CHROMIUM)), f"{CHROMIUM} not found (apt-get install chromium)")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    except BaseException:
        playwright.stop()
        raise
    loop = ParkedLoop()
    loop.park()
    browser.parked_loop = loop
    try:
        yield browser
    finally:
        loop.resume()
        browser.close()
        playwright.stop()


@pytest.fixture
def new_page(chromium_browser, live_server):
    """new_page(viewport=DESKTOP, **context options) -> a page in a fresh browser context.

    Each page records console errors and uncaught script errors in `page.problems`.
    """
    loop = chromium_browser.parked_loop
    async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # While the loop is marked running, this thread's ORM calls (the test's own) are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    loop.resume()
    contexts = []

    def make(viewport=None, **options):
        options.setdefault("locale", "zh-CN")
        options.setdefault("service_workers", "block")
        context = chromium_browser.new_context(viewport=viewport or DESKTOP, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.problems = []

        def on_console(message):
            # The status of the page itself (a 404 page) is the test's to check; failed loads of
            # anything else it needs are problems.
            if message.type == "error" and not (
                message.text.startswith("Failed to load resource") and message.location.get("url") == page.url
            ):
                page.problems.append(f"console: {message.text} ({message.location.get('url')})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
        return page

    try:
        yield make
    finally:
        for context in contexts:
            context.close()
        loop.park()
        if async_unsafe is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = async_unsafe


@pytest.fixture
def browser_page(new_page):
    """A desktop page (1280×800) in a fresh context."""
    return new_page()


def site_url(live_server, domain: str, path: str = "/") -> str:
    port = live_server.url.rsplit(":", 1)[1]
    return f"http://{domain}.localhost:{port}{path}"


@pytest.fixture
def sample_platform(settings, tmp_path, transactional_db):
    """The published sample platform (tests/browser/sample_sites.py) in this test's folders."""
    from tests.browser.sample_sites import build_sample_platform

    settings.PUBLISH_ROOT = tmp_path / "publish"
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_sample_platform(Path(settings.PUBLISH_ROOT))
