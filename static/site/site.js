/* The little script of the public pages (TPL-7): font size, high contrast, print, share,
   the external-link notice, and search suggestions in the header box. Pages work without it. */
(function () {
  "use strict";
  var root = document.documentElement;
  function store(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  function load(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function setFont(step) {
    root.classList.remove("fs-1", "fs--1");
    if (step !== "0") { root.classList.add("fs-" + step); }
    store("gov-font", step);
  }
  function setContrast(on) {
    root.classList.toggle("contrast", on);
    store("gov-contrast", on ? "1" : "0");
    var button = document.querySelector("[data-contrast]");
    if (button) { button.setAttribute("aria-pressed", on ? "true" : "false"); }
  }
  var font = load("gov-font");
  if (font === "1" || font === "-1") { setFont(font); }
  if (load("gov-contrast") === "1") { setContrast(true); }
  var tools = document.getElementById("a11y-tools");
  if (tools) { tools.hidden = false; }
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("button") : null;
    if (!target) { return; }
    if (target.hasAttribute("data-font")) { setFont(target.getAttribute("data-font")); }
    else if (target.hasAttribute("data-contrast")) { setContrast(!root.classList.contains("contrast")); }
    else if (target.hasAttribute("data-print")) { window.print(); }
    else if (target.hasAttribute("data-share") && navigator.clipboard) {
      navigator.clipboard.writeText(location.href).then(function () { target.textContent = "链接已复制"; });
    }
  });
  var buttons = document.querySelectorAll("[data-print],[data-share]");
  for (var i = 0; i < buttons.length; i++) {
    if (!buttons[i].hasAttribute("data-share") || navigator.clipboard) { buttons[i].hidden = false; }
  }
  /* the external-link notice (LINK-3): show the address, continue only for http(s) */
  var notice = document.getElementById("external-notice");
  if (notice) {
    var raw = new URLSearchParams(location.search).get("url") || "";
    var url = null;
    try { url = new URL(raw); } catch (e) { url = null; }
    if (url && (url.protocol === "http:" || url.protocol === "https:")) {
      document.getElementById("external-url").textContent = url.href;
      document.getElementById("external-target").hidden = false;
      var go = document.getElementById("external-continue");
      go.href = url.href;
      go.rel = "noopener noreferrer";
      go.hidden = false;
    } else {
      document.getElementById("external-invalid").hidden = false;
    }
  }
  /* search suggestions (SRCH-2): the search page's small script, fetched when the box is first used */
  var box = document.getElementById("search-q");
  if (box) {
    box.setAttribute("autocomplete", "off");
    box.addEventListener("focus", function fetchSuggest() {
      box.removeEventListener("focus", fetchSuggest);
      if (document.querySelector('script[src^="/search/suggest.js"]')) { return; }
      var script = document.createElement("script");
      script.src = "/search/suggest.js";
      document.head.appendChild(script);
    });
  }
})();
