// The preview page (backoffice/preview.py): switch the page between desktop and phone width. The
// desktop page keeps its 1280 px layout and is scaled down when the window is narrower.
"use strict";
(function () {
  function fit() {
    var stage = document.querySelector(".preview-stage");
    if (!stage) return;
    var frame = stage.querySelector(".preview-frame");
    var width = stage.getAttribute("data-mode") === "phone" ? 390 : 1280;
    var room = stage.clientWidth - 22;  // the stage's padding and borders
    var scale = Math.min(1, room / width);
    frame.style.transform = scale < 1 ? "scale(" + scale + ")" : "";
    frame.style.marginBottom = scale < 1 ? -(frame.offsetHeight * (1 - scale)) + "px" : "";
    stage.setAttribute("data-scale", scale.toFixed(2));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".preview-widths button[data-mode]");
    if (!button) return;
    var stage = document.querySelector(".preview-stage");
    stage.setAttribute("data-mode", button.getAttribute("data-mode"));
    document.querySelectorAll(".preview-widths button").forEach(function (other) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    });
    var url = new URL(window.location.href);
    url.searchParams.set("width", button.getAttribute("data-mode"));
    window.history.replaceState(null, "", url.toString());
    fit();
  });
  window.addEventListener("resize", fit);
  document.addEventListener("DOMContentLoaded", fit);
})();
