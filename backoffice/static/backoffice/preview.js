// The preview page (backoffice/preview.py): switch the page's width between desktop and phone.
"use strict";
document.addEventListener("click", function (event) {
  var button = event.target.closest(".preview-widths button[data-width]");
  if (!button) return;
  var frame = document.querySelector(".preview-frame");
  frame.closest(".preview-stage").setAttribute("data-mode", button.getAttribute("data-mode"));
  document.querySelectorAll(".preview-widths button").forEach(function (other) {
    other.setAttribute("aria-pressed", other === button ? "true" : "false");
  });
  var url = new URL(window.location.href);
  url.searchParams.set("width", button.getAttribute("data-mode"));
  window.history.replaceState(null, "", url.toString());
});
