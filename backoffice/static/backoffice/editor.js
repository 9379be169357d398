// The resource form's library chooser (backoffice/chooser.py) and the body editor's image button.
// Plain script, no inline code (the back office's CSP). Reference fields (cover image,
// attachments …) get their IDs from the chooser; the body editor (django-prose-editor) gets an
// <img> of the chosen image's rendition under /media/, which the sanitiser keeps and the
// publisher rewrites to the published file.
"use strict";
(function () {
  var target = null;  // {field: element} or {editor: tiptap editor}

  // -- the editor's own words in Chinese ----------------------------------------------------------
  // django-prose-editor writes its menus and dialogs in English: the dialogs through
  // window.gettext (read when its module runs, after this classic script), the menu buttons'
  // titles as they are. Their translations are in the page (<template id="editor-words">,
  // templates/admin/chooser/_editor_words.html, from the project's catalogue).
  var words = null;
  function translated(text) {
    if (words === null) {
      var box = document.getElementById("editor-words");
      words = {};
      if (box) box.content.querySelectorAll("[data-en]").forEach(function (item) {
        words[item.getAttribute("data-en")] = item.textContent;
      });
      if (!box) words = null;  // not parsed yet: ask again later
    }
    return words && Object.prototype.hasOwnProperty.call(words, text) ? words[text] : null;
  }
  var djangoGettext = window.gettext;
  window.gettext = function (text) {
    var own = translated(text);
    if (own !== null) return own;
    return djangoGettext ? djangoGettext(text) : text;
  };

  function translateButtons(container) {
    container.querySelectorAll(".prose-menubar__button[title]").forEach(function (button) {
      var own = translated(button.getAttribute("title"));
      if (own !== null) {
        button.setAttribute("title", own);
        button.setAttribute("aria-label", own);
      }
    });
  }

  function dialog() { return document.getElementById("chooser-dialog"); }

  function open(url, what) {
    var box = dialog();
    if (!box) return;
    target = what;
    box.querySelector("iframe").src = url;
    if (typeof box.showModal === "function") box.showModal(); else box.setAttribute("open", "");
  }

  function close() {
    var box = dialog();
    if (!box) return;
    if (typeof box.close === "function") box.close(); else box.removeAttribute("open");
    box.querySelector("iframe").src = "about:blank";
    var back = target && (target.field ? target.field.querySelector(".chooser-open") : target.button);
    target = null;
    if (back) back.focus();
  }

  // -- reference fields --------------------------------------------------------------------------

  function ids(field) {
    var input = field.querySelector("input.chooser-ids");
    return input.value.split(/[,，;；、\s]+/).filter(function (x) { return /^\d+$/.test(x); });
  }

  function setIds(field, list) {
    var input = field.querySelector("input.chooser-ids");
    input.value = list.join(", ");
    input.dispatchEvent(new Event("input", { bubbles: true }));  // the local copy of the form (local_draft.js)
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function card(choice) {
    var box = dialog();
    var item = document.createElement("li");
    item.className = "chooser-card";
    item.setAttribute("data-id", choice.id);
    if (choice.thumbnail) {
      var img = document.createElement("img");
      img.src = choice.thumbnail; img.alt = ""; img.className = "chooser-thumb";
      item.appendChild(img);
    } else {
      var mark = document.createElement("span");
      mark.className = "chooser-thumb chooser-file"; mark.setAttribute("aria-hidden", "true");
      mark.textContent = (choice.file_type || choice.kind_label || "").slice(0, 12);
      item.appendChild(mark);
    }
    var text = document.createElement("span");
    text.className = "chooser-card-text";
    text.textContent = choice.title + " ";
    var quiet = document.createElement("span");
    quiet.className = "quiet";
    quiet.textContent = choice.kind_label + " · " + choice.status_label;
    text.appendChild(quiet);
    item.appendChild(text);
    var remove = document.createElement("button");
    remove.type = "button"; remove.className = "chooser-remove"; remove.setAttribute("data-id", choice.id);
    remove.textContent = box ? box.getAttribute("data-remove-label") : "×";
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden"; hidden.textContent = " " + choice.title;
    remove.appendChild(hidden);
    item.appendChild(remove);
    return item;
  }

  function chooseForField(field, choice) {
    var list = field.getAttribute("data-multiple") === "1" ? ids(field) : [];
    var id = String(choice.id);
    if (list.indexOf(id) < 0) list.push(id);
    setIds(field, list);
    var cards = field.querySelector(".chooser-cards");
    if (field.getAttribute("data-multiple") !== "1") cards.textContent = "";
    var old = cards.querySelector('[data-id="' + id + '"]');
    if (old) old.remove();
    cards.appendChild(card(choice));
  }

  document.addEventListener("click", function (event) {
    var opener = event.target.closest(".chooser-field .chooser-open");
    if (opener) {
      event.preventDefault();
      var field = opener.closest(".chooser-field");
      open(field.getAttribute("data-chooser-url"), { field: field });
      return;
    }
    var remove = event.target.closest(".chooser-field .chooser-remove");
    if (remove) {
      event.preventDefault();
      var owner = remove.closest(".chooser-field");
      var id = remove.getAttribute("data-id");
      setIds(owner, ids(owner).filter(function (x) { return x !== id; }));
      remove.closest(".chooser-card").remove();
      owner.querySelector(".chooser-open").focus();
      return;
    }
    if (event.target.closest("#chooser-dialog .chooser-close")) { event.preventDefault(); close(); }
  });

  // -- the body editor ---------------------------------------------------------------------------

  function bodyUrl() {
    var box = dialog();
    var params = new URLSearchParams({ site: box.getAttribute("data-site"), target: "body", kinds: "image" });
    return box.getAttribute("data-chooser-url") + "?" + params.toString();
  }

  function addImageButton(editor, textarea) {
    var box = dialog();
    var container = textarea.closest(".prose-editor") || textarea.parentElement;
    if (!box || !container || container.getAttribute("data-library-images")) return;
    container.setAttribute("data-library-images", "1");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "prose-menubar__button library-image-button";
    button.textContent = box.getAttribute("data-insert-label");
    button.title = box.getAttribute("data-insert-label");
    button.addEventListener("click", function (event) {
      event.preventDefault();
      open(bodyUrl(), { editor: editor, button: button });
    });
    var tries = 0;
    (function place() {  // the editor's menu bar may be drawn a moment after the editor is ready
      var menubar = container.querySelector(".prose-menubar");
      if (menubar) {
        var group = document.createElement("div");
        group.className = "prose-menubar__group";
        group.appendChild(button);
        menubar.appendChild(group);
      } else if (++tries < 20) {
        window.setTimeout(place, 50);
      } else {
        container.insertBefore(button, container.firstChild);
      }
    })();
  }

  function nameEditor(editor, textarea) {
    // The editable area is what screen readers enter: it bears the field's label.
    var label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
    var dom = editor && editor.view && editor.view.dom;
    if (label && dom && !dom.getAttribute("aria-label")) {
      dom.setAttribute("aria-label", label.textContent.replace(/[:：]\s*$/, "").trim());
    }
  }

  function markUnusableButtons(textarea) {
    // The editor's menu bar greys out what cannot be used where the cursor is (class "disabled")
    // without telling screen readers; the state is given as aria-disabled too, which also marks
    // them as the inactive controls that contrast minimums exempt (WCAG 1.4.3).
    var container = textarea.closest(".prose-editor");
    if (!container || container.getAttribute("data-disabled-states")) return;
    container.setAttribute("data-disabled-states", "1");
    function sync() {
      translateButtons(container);
      container.querySelectorAll(".prose-menubar__button").forEach(function (button) {
        var off = button.classList.contains("disabled") && !button.classList.contains("active");
        if (off && button.getAttribute("aria-disabled") !== "true") button.setAttribute("aria-disabled", "true");
        else if (!off && button.hasAttribute("aria-disabled")) button.removeAttribute("aria-disabled");
      });
    }
    new MutationObserver(sync).observe(container, { subtree: true, childList: true, attributes: true, attributeFilter: ["class"] });
    sync();
  }

  document.addEventListener("prose-editor:ready", function (event) {
    nameEditor(event.detail.editor, event.detail.textarea);
    addImageButton(event.detail.editor, event.detail.textarea);
    markUnusableButtons(event.detail.textarea);
  });

  function insertImage(editor, choice) {
    if (!choice.src) return;
    editor.chain().focus().setImage({ src: choice.src, alt: choice.alt || choice.title || "" }).run();
  }

  // -- the chooser's answer ------------------------------------------------------------------------

  window.addEventListener("message", function (event) {
    var box = dialog();
    if (!box || event.origin !== window.location.origin) return;
    if (event.source !== box.querySelector("iframe").contentWindow) return;
    var data = event.data || {};
    if (data.type !== "library-chooser:chosen" || !target) return;
    if (target.field) chooseForField(target.field, data.choice);
    else if (target.editor) insertImage(target.editor, data.choice);
    close();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var box = dialog();
    if (box) box.addEventListener("close", function () { box.querySelector("iframe").src = "about:blank"; });
    // Editors that started before this script listened (none normally: it runs first).
    document.querySelectorAll(".prose-editor .ProseMirror").forEach(function (dom) {
      var textarea = dom.closest(".prose-editor").querySelector("textarea");
      if (dom.editor && textarea) {
        nameEditor(dom.editor, textarea);
        addImageButton(dom.editor, textarea);
        markUnusableButtons(textarea);
      }
    });
  });
})();
