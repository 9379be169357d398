/* Search suggestions as the user types (SRCH-2): an ARIA combobox on the search fields.
   The page works without it; it only adds a list under the field. */
(function () {
  "use strict";
  var fields = document.querySelectorAll("input[name=q]");
  var counter = 0;
  function setup(input) {
    var id = "search-suggest-" + (++counter);
    var list = document.createElement("ul");
    list.id = id;
    list.className = "search-suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "搜索建议");
    list.hidden = true;
    input.parentNode.insertBefore(list, input.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", id);
    input.setAttribute("aria-expanded", "false");
    var timer = null, active = -1, items = [], last = "";
    function close() {
      list.hidden = true; list.innerHTML = ""; items = []; active = -1;
      input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant");
    }
    function choose(text) {
      input.value = text; close();
      if (input.form) { input.form.submit(); }
    }
    function mark(index) {
      for (var i = 0; i < items.length; i++) { items[i].setAttribute("aria-selected", i === index ? "true" : "false"); }
      active = index;
      if (index >= 0) { input.setAttribute("aria-activedescendant", items[index].id); }
      else { input.removeAttribute("aria-activedescendant"); }
    }
    function show(suggestions) {
      close();
      if (!suggestions.length) { return; }
      suggestions.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = s.text;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(s.text); });
        list.appendChild(li);
        items.push(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function fetchSuggestions() {
      var text = input.value.trim();
      if (!text || text === last) { if (!text) { close(); } return; }
      last = text;
      var scope = input.form && input.form.querySelector("input[name=scope]:checked");
      var url = "/search/suggest?q=" + encodeURIComponent(text) + (scope ? "&scope=" + scope.value : "");
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (input.value.trim() === text) { show(data.suggestions || []); } })
        .catch(function () { close(); });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(fetchSuggestions, 150); });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); mark((active + 1) % items.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(active <= 0 ? items.length - 1 : active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(items[active].textContent); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }
  for (var i = 0; i < fields.length; i++) { setup(fields[i]); }
})();
