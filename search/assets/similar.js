/* Answers that may already exist (INT-5): while a citizen types a letter into a textarea marked
   data-suggest="qa", entries of the site's knowledge base like the text are listed beside it
   (templates/site/_knowledge_suggestions.html). Links in a plain list: reached with Tab, followed
   with Enter; the count is announced through an aria-live region. The form works without it. */
(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-knowledge-suggestions]");
  function setup(box) {
    var kind = box.getAttribute("data-knowledge-suggestions");
    var field = document.querySelector('textarea[data-suggest="' + kind + '"]');
    var list = box.querySelector("ul");
    var status = document.querySelector('[data-knowledge-status="' + kind + '"]');
    if (!field || !list || !status) { return; }
    var timer = null, last = "";
    function show(entries) {
      list.textContent = "";
      entries.forEach(function (entry) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = entry.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = entry.title;
        li.appendChild(link);
        if (entry.snippet) {
          var p = document.createElement("p");
          p.textContent = entry.snippet;
          li.appendChild(p);
        }
        list.appendChild(li);
      });
      box.hidden = !entries.length;
      status.textContent = entries.length ? "找到" + entries.length + "条可能解答您问题的答复，可在提交前查看。" : "";
    }
    function lookUp() {
      var text = field.value.trim();
      if (text.length < 4) { last = ""; show([]); return; }
      if (text === last) { return; }
      last = text;
      fetch("/search/similar?kind=" + encodeURIComponent(kind) + "&q=" + encodeURIComponent(text.slice(0, 300)),
            { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { entries: [] }; })
        .then(function (data) { if (field.value.trim() === text) { show(data.entries || []); } })
        .catch(function () { show([]); });
    }
    field.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookUp, 400); });
    if (field.value.trim()) { lookUp(); }
  }
  for (var i = 0; i < boxes.length; i++) { setup(boxes[i]); }
})();
