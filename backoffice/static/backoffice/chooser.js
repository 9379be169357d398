// The library chooser's page (backoffice/chooser.py), shown in a dialog of the resource form.
// Choosing a resource sends it to the form (editor.js) by postMessage, to this origin only.
"use strict";
(function () {
  function send(choice) {
    var body = document.querySelector(".chooser");
    if (body && body.getAttribute("data-body") === "1") {
      var size = document.getElementById("chooser-size");
      choice.src = (choice.sources || {})[size ? size.value : "medium"] || (choice.sources || {}).original || "";
    }
    if (window.parent && window.parent !== window) {
      window.parent.postMessage({ type: "library-chooser:chosen", choice: choice }, window.location.origin);
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".chooser-choose");
    if (!button) return;
    event.preventDefault();
    send(JSON.parse(button.getAttribute("data-choice")));
  });

  document.addEventListener("DOMContentLoaded", function () {
    var uploaded = document.querySelector(".chooser-uploaded");
    if (uploaded) send(JSON.parse(uploaded.getAttribute("data-choice")));  // stored first, then used
  });
})();
