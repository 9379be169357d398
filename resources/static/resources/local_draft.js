/* A copy of the resource form in this browser until it is saved (TPL-11).
 *
 * The back office's resource form (templates/admin/resources/resource/change_form.html) carries
 * data-local-draft="<user>:<resource or new kind and site>". What the editor types is kept in
 * localStorage under that key, a moment after each change and when the page is left. When the
 * page is opened again and the kept text differs from the server's, it is put back into the form
 * with a notice ("已恢复未保存的内容。", in the page's language) and a button that discards it. So a
 * save that fails (the database away: a 503 page; an edit conflict; a lost connection) never
 * loses the text. A successful save (its message carries the class "local-draft-saved") drops
 * the copy; copies older than two weeks are dropped too.
 *
 * The copy is taken before the rich-text editor starts (this script is deferred and comes before
 * the editor's module scripts, which run in document order after it), so the editor opens with
 * the restored text. Only visible fields are restored, and the id of the version the text was
 * based on: saving restored text over a newer version goes through the edit-conflict check.
 * A static file: the back office's Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";

  var PREFIX = "govplatform.local-draft:";
  var SUBMITTED = "govplatform.local-draft.submitted";
  var MAX_AGE_MS = 14 * 24 * 3600 * 1000;
  var DELAY_MS = 400;
  var BASE = "base_revision_id";
  var SKIPPED_TYPES = ["file", "submit", "button", "reset", "image"];

  function store(kind) {
    try {
      var storage = window[kind];
      storage.getItem(PREFIX);
      return storage;
    } catch (error) {
      return null; // storage disabled: the form works as before
    }
  }

  var local = store("localStorage");
  var session = store("sessionStorage");
  if (!local) return;

  function load(key) {
    try {
      return JSON.parse(local.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function forgetOld() {
    var now = Date.now();
    for (var i = local.length - 1; i >= 0; i--) {
      var key = local.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        var kept = load(key);
        if (!kept || !(now - kept.time < MAX_AGE_MS)) local.removeItem(key);
      }
    }
  }

  function savedJustNow() {
    if (!document.querySelector(".messagelist .local-draft-saved")) return;
    var submitted = session && session.getItem(SUBMITTED);
    if (submitted) local.removeItem(submitted);
    if (session) session.removeItem(SUBMITTED);
  }

  function fields(form, withHidden) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return (
        field.name &&
        field.name !== "csrfmiddlewaretoken" &&
        SKIPPED_TYPES.indexOf(field.type) < 0 &&
        (withHidden ? field.type === "hidden" && field.name === BASE : field.type !== "hidden")
      );
    });
  }

  function read(form) {
    var values = {};
    fields(form, false).forEach(function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        values[field.name] = values[field.name] || [];
        if (field.checked) values[field.name].push(field.value);
      } else if (field.type === "select-multiple") {
        values[field.name] = Array.prototype.map.call(field.selectedOptions, function (option) {
          return option.value;
        });
      } else {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  function write(form, values) {
    fields(form, false).forEach(function (field) {
      if (!(field.name in values)) return;
      var value = values[field.name];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = value.indexOf(field.value) >= 0;
      } else if (field.type === "select-multiple") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = value.indexOf(option.value) >= 0;
        });
      } else {
        field.value = value;
      }
    });
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function differing(kept, server) {
    var names = Object.keys(kept).filter(function (name) {
      return name in server && !same(kept[name], server[name]);
    });
    return names;
  }

  function baseOf(form) {
    var field = fields(form, true)[0];
    return field ? field.value : "";
  }

  function setBase(form, value) {
    var field = fields(form, true)[0];
    if (field) field.value = value;
  }

  function start(form) {
    var key = PREFIX + form.getAttribute("data-local-draft");
    var server = read(form);
    var serverBase = baseOf(form);
    var editors = new Map();
    var restored = false;
    var timer = null;

    function keep() {
      timer = null;
      var values = read(form);
      try {
        if (same(values, server) && baseOf(form) === serverBase) local.removeItem(key);
        else local.setItem(key, JSON.stringify({ time: Date.now(), base: baseOf(form), values: values }));
      } catch (error) {
        /* storage full: nothing more can be done here */
      }
    }

    function keepSoon() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(keep, DELAY_MS);
    }

    function keepNow() {
      if (timer) {
        clearTimeout(timer);
        keep();
      }
    }

    var kept = load(key);
    if (kept && kept.values && differing(kept.values, server).length) {
      write(form, kept.values);
      if (kept.base && kept.base !== serverBase) setBase(form, kept.base);
      restored = true;
    }

    var notice = form.querySelector(".local-draft-notice");
    if (restored && notice) {
      notice.hidden = false;
      var discard = notice.querySelector(".local-draft-discard");
      if (discard) {
        discard.addEventListener("click", function () {
          write(form, server);
          setBase(form, serverBase);
          editors.forEach(function (editor, textarea) {
            editor.commands.setContent(textarea.value);
            textarea.value = server[textarea.name];
          });
          local.removeItem(key);
          notice.hidden = true;
        });
      }
    }

    form.addEventListener("prose-editor:ready", function (event) {
      var textarea = event.detail.textarea;
      var editor = event.detail.editor;
      editors.set(textarea, editor);
      if (restored && editor.getHTML() !== textarea.value && textarea.value) {
        editor.commands.setContent(textarea.value); // the editor started before the copy was restored
      }
    });
    form.addEventListener("input", keepSoon);
    form.addEventListener("change", keepSoon);
    form.addEventListener("submit", function () {
      if (timer) clearTimeout(timer);
      keep();
      if (session) session.setItem(SUBMITTED, key);
    });
    window.addEventListener("pagehide", keepNow);
  }

  forgetOld();
  savedJustNow();
  var form = document.querySelector("form[data-local-draft]");
  if (form) start(form);
})();
