"""The detector of the script-injection test (SEC-7, tests/browser/test_injection.py): payloads
marked by where they are, a plain file server, and Chromium tabs that load pages and watch them.

Each payload runs `__hit(<context × 1000 + payload number>)` if it runs at all. Before any script
of a page, an init script (every frame) defines `__hit` and replaces alert/confirm/prompt/print;
hits reach the test through the console and `window.__xss`; dialogs are counted; requests to
the canary address (payloads that load an external script, style sheet, object or image) are
routed and counted, and any other request that leaves the site is counted too. Each page is then
swept: every element with an attribute (an inline handler is one) gets the mouse, focus,
keyboard, input, load, error, toggle and animation events, every link and button is clicked
(ordinary navigation is cancelled by the hook, script addresses are let through), and timers get
a moment. The DOM is checked too for what must never be in a page: event-handler and style
attributes, script addresses, scripts other than the site's own, frames, objects, <base>, <meta
http-equiv>, SVG, MathML.
"""

from __future__ import annotations

import http.server
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connections
from django.test import Client

from tests.rendering.conftest import DOMAIN
from tests.security.payloads import DEFAULT_MEDIA, TEMPLATES, fill

CONTEXTS = {
    # odd payloads are in an article, even ones in a policy document (an article with document
    # fields, shown by a template that extends the article's): one item page for each payload
    1: "body of an article or policy",
    2: "title of an article or policy",
    3: "subtitle of an article or policy",
    4: "summary of an article or policy",
    5: "source (来源) of an article or policy",
    6: "author of an article or policy",
    7: "keywords of an article or policy",
    8: "description of an article or policy",
    9: "attachment file name",
    10: "attachment title",
    11: "attachment description",
    14: "policy 文号 (document number; even payloads)",
    15: "policy issuing body (odd payloads, on the policy after them)",
    16: "search query",
    17: "search query with a typo (corrected)",
    18: "search suggestion (another citizen's popular query)",
    19: "external-link notice address",
    20: 'search query with a typo ("did you mean")',
    99: "positive control (written to disk by hand)",
}
CANARY_HOST = "xss.invalid"
FRAMES_PER_LOAD = 30  # pages checked side by side as frames of one page (no policy pass)
SETTLE_SECONDS = 0.2  # for timers, refreshes and handlers that fire a moment after load

# Before any script of the page, in every frame: the marker, the dialog functions, and a guard
# that cancels ordinary navigation while the sweep clicks everything (script addresses run).
HOOK = """
(() => {
  const report = (kind, id) => {
    try { (window.__xss = window.__xss || []).push(kind + ":" + id); } catch (e) {}
    try { console.log("__xss_hit " + kind + ":" + id); } catch (e) {}
  };
  window.__xss = [];
  Object.defineProperty(window, "__hit", { value: (id) => report("hit", id), configurable: false, writable: false });
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    Object.defineProperty(window, name, { value: (m) => report(name, m), configurable: false, writable: false });
  }
  const scripted = (url) => /^\\s*(javascript|vbscript|data):/i.test(String(url || ""));
  window.addEventListener("click", (event) => {
    const link = event.target && event.target.closest ? event.target.closest("a[href], area[href]") : null;
    if (link && !scripted(link.href)) event.preventDefault();
  }, true);
  window.addEventListener("submit", (event) => {
    const submitter = event.submitter;
    const url = submitter && submitter.hasAttribute("formaction") ? submitter.formAction : event.target.action;
    if (!scripted(url)) event.preventDefault();
  }, true);
  const submit = HTMLFormElement.prototype.submit;
  HTMLFormElement.prototype.submit = function () { if (scripted(this.action)) submit.call(this); };
})();
"""

# The sweep of one window (a page, or a frame of the frames page): what must never be in a
# published page, then every event on every element, a click on every link and button.
SWEEP = """
(win) => {
  const doc = win.document;
  const findings = [];
  const urlAttributes = ["href", "src", "action", "formaction", "data", "xlink:href", "background", "poster",
                         "srcset", "lowsrc", "dynsrc", "codebase", "cite", "ping"];
  const forbidden = ["IFRAME", "FRAME", "FRAMESET", "OBJECT", "EMBED", "APPLET", "BASE", "TEMPLATE", "svg", "math",
                     "STYLE", "XMP", "ISINDEX", "BGSOUND", "MARQUEE", "TEXTAREA", "SELECT", "VIDEO", "AUDIO"];
  const scriptAddress = /^(javascript|vbscript|livescript|data):/i;
  const ownScript = /^\\/(-\\/site\\.js\\?v=[\\w.-]+|search\\/suggest\\.js)$/;
  for (const el of doc.querySelectorAll("*")) {
    const tag = el.tagName;
    if (forbidden.includes(tag)) findings.push("element <" + tag.toLowerCase() + ">");
    if (tag === "NOSCRIPT" && !el.closest("#external-notice")) findings.push("element <noscript>");
    if (tag === "SCRIPT" && !(ownScript.test(el.getAttribute("src") || "") && !el.textContent.trim())) {
      findings.push("script " + el.outerHTML.slice(0, 120));
    }
    if (tag === "META" && el.hasAttribute("http-equiv")) findings.push("meta " + el.outerHTML.slice(0, 120));
    if (tag === "LINK" && !["stylesheet", "icon", "alternate"].includes(el.getAttribute("rel"))) {
      findings.push("link " + el.outerHTML.slice(0, 120));
    }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\x00-\\x20\\u200b]/g, "");
      if (name.startsWith("on") || name === "style" || name === "srcdoc" || name === "formaction") {
        findings.push("attribute " + name + " on <" + tag.toLowerCase() + ">");
      } else if (urlAttributes.includes(name) && scriptAddress.test(value)
                 && !(tag === "LINK" && el.rel === "icon" && value === "data:,")) {
        findings.push("address " + name + "=" + attr.value.slice(0, 80) + " on <" + tag.toLowerCase() + ">");
      }
    }
  }
  // What a visitor does to an element: pointing, focusing, typing, clicking; and what the page
  // does to it: loading, failing, toggling, animating. An inline handler is an attribute, so
  // each element also gets exactly the events its on… attributes name (onbegin, ontoggle …).
  const events = ["pointerover", "mouseover", "mouseenter", "mousemove", "mousedown", "focus", "focusin", "mouseup",
                  "click", "dblclick", "contextmenu", "keydown", "input", "change", "scroll", "load", "error",
                  "toggle", "animationstart", "mouseout", "mouseleave", "blur", "focusout"];
  const activated = "a, area, button, input, summary, label";
  for (const el of doc.querySelectorAll("body *")) {
    // elements without attributes have no handler to fire; suggestions submit on mousedown; print()
    if (!el.attributes.length || el.closest("[role=listbox]") || el.hasAttribute("data-print")) continue;
    const named = Array.from(el.attributes, attr => attr.name.toLowerCase())
      .filter(name => name.startsWith("on")).map(name => name.slice(2));
    for (const type of events.concat(named)) {
      try { el.dispatchEvent(new win.Event(type, { bubbles: true, cancelable: true })); } catch (e) {}
    }
    if (el.matches(activated)) {
      try { el.click(); } catch (e) {}  // a script address runs; ordinary navigation is cancelled by the hook
    }
  }
  for (const target of [win, doc]) {
    for (const type of ["load", "pageshow", "hashchange", "message", "resize", "focus", "error"]) {
      try { target.dispatchEvent(new win.Event(type)); } catch (e) {}
    }
  }
  return findings;
}
"""
SWEEP_PAGE = f"() => ({SWEEP})(window)"
# The frames page: load the paths into its frames, sweep each, give timers a moment, then say
# where each frame is and what it recorded.
LOAD_AND_SWEEP = f"""
async ([paths, settle]) => {{
  const frames = Array.from(document.querySelectorAll("iframe"));
  await Promise.all(frames.map((frame, i) => new Promise((resolve, reject) => {{
    const timer = setTimeout(() => reject(new Error("not loaded: " + paths[i])), 30000);
    frame.addEventListener("load", () => {{ clearTimeout(timer); resolve(); }}, {{ once: true }});
    frame.src = i < paths.length ? paths[i] : "about:blank";
  }})));
  const pages = paths.map((path, i) => {{
    const win = frames[i].contentWindow;
    return {{ url: win.location.href, title: win.document.title, findings: ({SWEEP})(win) }};
  }});
  await new Promise(resolve => setTimeout(resolve, settle));
  paths.forEach((path, i) => {{
    const win = frames[i].contentWindow;
    pages[i].after = win.location.href;
    pages[i].hits = win.__xss || [];
  }});
  return pages;
}}
"""

START = f"([paths, settle]) => {{ window.__checked = ({LOAD_AND_SWEEP})([paths, settle]); }}"

# Centres of the visible links, buttons and fields of the content, for the real mouse.
TARGETS = """
() => Array.from(document.querySelectorAll("main a, main button, main input, main [tabindex], main img"))
  .map(el => el.getBoundingClientRect())
  .filter(r => r.width > 0 && r.height > 0)
  .map(r => [r.x + r.width / 2, r.y + r.height / 2])
"""


def marker(context: int, number: int) -> int:
    return context * 1000 + number


def payload(number: int, context: int, media: str = DEFAULT_MEDIA) -> str:
    """Payload `number` (1-based) of the corpus, running __hit(<context, number>) if it runs."""
    ident = marker(context, number)
    canary = f"http://{CANARY_HOST}/xss-canary?{ident}"
    return fill(TEMPLATES[number - 1], js=f"__hit({ident})", canary=canary, media=media)


def describe(ident: str) -> str:
    try:
        context, number = divmod(int(ident), 1000)
    except ValueError:
        return ident
    if context not in CONTEXTS or not 1 <= number <= len(TEMPLATES):
        return ident
    return f"payload {number} in the {CONTEXTS[context]}: {TEMPLATES[number - 1]!r}"


# -- serving ------------------------------------------------------------------------------------


class FileServer:
    """The published files as a plain web server serves them: no Content-Security-Policy, no
    framing rule. /-/frames is a page of FRAMES_PER_LOAD empty frames that the test loads pages into."""

    def __init__(self, root: Path):
        server_root = root

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(server_root), **kwargs)

            def log_message(self, *args):
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                if parts.path == "/-/frames":
                    frame = '<iframe src="about:blank" width="640" height="360"></iframe>'
                    body = f'<!DOCTYPE html><meta charset="utf-8"><title>frames</title>{frame * FRAMES_PER_LOAD}'
                    body = body.encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                super().do_GET()

            def end_headers(self):
                if "?v=" in self.path:  # the versioned style sheets and script, as nginx sends them
                    self.send_header("Cache-Control", "public, max-age=31536000, immutable")
                super().end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://{DOMAIN}.localhost:{self.port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# -- watching -----------------------------------------------------------------------------------


@dataclass
class Watch:
    origin: str
    hits: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    canary: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # what the DOM must not hold
    violations: list[str] = field(default_factory=list)  # Content-Security-Policy reports
    navigations: list[str] = field(default_factory=list)
    pages: int = 0

    def hit(self, kind: str, ident: str, where: str) -> None:
        entry = f"{kind} {describe(ident)}"
        if not any(known.startswith(entry + " @") for known in self.hits):
            self.hits.append(f"{entry} @ {where}")

    def problems(self) -> list[str]:
        return (
            [f"script ran: {hit}" for hit in self.hits]
            + [f"dialog: {d}" for d in self.dialogs]
            + [f"canary requested: {c}" for c in self.canary]
            + [f"request left the site: {f}" for f in self.foreign]
            + [f"in the page: {f}" for f in self.findings]
            + [f"policy violation: {v}" for v in self.violations]
            + [f"navigated away: {n}" for n in self.navigations]
        )


class Chromium:
    """Tabs, each in its own browser context (a background tab of a shared window gets no frames
    and the real mouse would wait for them), loading pages with the hook and counting what happens.

    With `strip_policy`, /search/ requests are answered by the public process (Django's test
    client, as the live server would) with its Content-Security-Policy and framing headers taken off.
    """

    def __init__(self, new_page, origin: str, *, tabs: int, strip_policy: bool):
        self.origin, self.strip_policy = origin, strip_policy
        self.watch = Watch(origin)
        self.public_client = Client(HTTP_HOST=DOMAIN)
        # Playwright calls each route handler in a greenlet of its own, which Django would take for
        # a thread of its own, with a database connection of its own: the public process's answers
        # are made in one thread instead, on one connection.
        self.django = ThreadPoolExecutor(max_workers=1)
        self.tabs = [self._tab(new_page()) for _ in range(tabs)]

    def _tab(self, tab):
        context = tab.context
        context.add_init_script(HOOK)
        context.route("**/xss-canary*", self._canary)
        if self.strip_policy:
            context.route("**/search/**", self._search_without_policy)
        watch = self.watch

        def on_dialog(dialog):
            watch.dialogs.append(f"{dialog.type}: {dialog.message} @ {dialog.page.url if dialog.page else ''}")
            dialog.dismiss()

        def on_console(message):
            if message.text.startswith("__xss_hit "):
                kind, _, ident = message.text.removeprefix("__xss_hit ").partition(":")
                watch.hit(kind, ident, tab.url)
            elif "Content Security Policy" in message.text:
                watch.violations.append(f"{message.text} @ {tab.url}")

        def on_request(request):
            parts = urlsplit(request.url)
            if parts.scheme in ("http", "https") and f"{parts.scheme}://{parts.netloc}" != self.origin:
                if CANARY_HOST not in parts.netloc:
                    watch.foreign.append(request.url)

        tab.on("dialog", on_dialog)
        tab.on("console", on_console)
        tab.on("request", on_request)
        tab.on("popup", lambda popup: watch.navigations.append(f"popup {popup.url} from {tab.url}"))
        return tab

    def _canary(self, route):
        self.watch.canary.append(route.request.url)
        route.abort()

    def _search_without_policy(self, route):
        parts = urlsplit(route.request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = self.django.submit(self.public_client.get, path).result()
        stripped = {"content-security-policy", "x-frame-options", "content-length"}
        headers = {name: value for name, value in response.items() if name.lower() not in stripped}
        route.fulfill(status=response.status_code, headers=headers, body=response.content)

    def close(self) -> None:
        self.django.submit(connections.close_all).result()
        self.django.shutdown()

    def load(self, tab, path: str):
        url = self.origin + path
        response = tab.goto(url, wait_until="load")
        assert response is not None and response.ok, (path, response and response.status)
        policy = response.headers.get("content-security-policy")
        if self.strip_policy:
            assert policy is None, path
        else:
            assert "script-src 'self'" in policy, (path, policy)
        return url

    def settle_and_collect(self, loaded) -> None:
        """After the sweeps: give timers a moment, then read where each page is and what it recorded."""
        time.sleep(SETTLE_SECONDS)
        for tab, urls, framed in loaded:
            if framed:
                seen = tab.evaluate(
                    """() => Array.from(document.querySelectorAll("iframe"))
                         .map(frame => [frame.contentWindow.location.href, frame.contentWindow.__xss || []])"""
                )
            else:
                seen = [[tab.url, tab.evaluate("window.__xss || []")]]
            if [url for url, _ in seen] != urls:
                self.watch.navigations.append(f"{urls} -> {[url for url, _ in seen]}")
            for url, entries in seen:
                for entry in entries:
                    kind, _, ident = entry.partition(":")
                    self.watch.hit(kind, ident, url)

    def check_in_frames(self, paths: list[str]) -> None:
        """Load the pages into the frames of one page, FRAMES_PER_LOAD at a time, sweep each, let
        timers run, then read where each frame is and what it recorded. The tabs take turns: one
        works on its batch while the test reads the other's."""
        for tab in self.tabs:
            tab.goto(f"{self.origin}/-/frames")
        batches = [paths[i : i + FRAMES_PER_LOAD] for i in range(0, len(paths), FRAMES_PER_LOAD)]
        running = []
        for batch in batches:
            if len(running) == len(self.tabs):
                self._read(*running.pop(0))
            tab = next(tab for tab in self.tabs if all(tab is not other for other, _ in running))
            tab.evaluate(START, [batch, SETTLE_SECONDS * 1000])
            running.append((tab, batch))
        for tab, batch in running:
            self._read(tab, batch)

    def _read(self, tab, batch: list[str]) -> None:
        urls = [self.origin + path for path in batch]
        for url, page in zip(urls, tab.evaluate("() => window.__checked"), strict=True):
            assert page["url"] == url, (page["url"], url)
            assert page["title"] and "404" not in page["title"], (url, page["title"])
            self.watch.findings.extend(f"{finding} @ {url}" for finding in page["findings"])
            if page["after"] != url:
                self.watch.navigations.append(f"{url} -> {page['after']}")
            for entry in page["hits"]:
                kind, _, ident = entry.partition(":")
                self.watch.hit(kind, ident, url)
            self.watch.pages += 1

    def check_pages(self, paths: list[str], after_load=None) -> None:
        """Open the pages one by one per tab, as citizens do; sweep each, then the real mouse."""
        for start in range(0, len(paths), len(self.tabs)):
            loaded = []
            for tab, path in zip(self.tabs, paths[start : start + len(self.tabs)], strict=False):
                url = self.load(tab, path)
                if after_load is not None:
                    after_load(tab)
                self.watch.findings.extend(f"{finding} @ {path}" for finding in tab.evaluate(SWEEP_PAGE))
                for x, y in tab.evaluate(TARGETS):
                    tab.mouse.move(x, y)
                loaded.append((tab, [url], False))
                self.watch.pages += 1
            self.settle_and_collect(loaded)
