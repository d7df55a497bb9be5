/* Loopdesk workspace behaviour: keyboard shortcuts, tabs, small form helpers.
 * No framework; htmx does the server round trips. Every shortcut is inert while the
 * user types in a field, so "j" in a reply is just a "j". */
(function () {
  "use strict";

  function isTyping(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  /* --- tabs: [role=tablist] > [role=tab][aria-controls] */
  function selectTab(tab) {
    var list = tab.closest("[role=tablist]");
    if (!list) return;
    list.querySelectorAll("[role=tab]").forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      var panel = document.getElementById(t.getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
    });
    var host = list.closest("[data-tab-host]");
    if (host && tab.dataset.hostClass !== undefined) {
      host.classList.toggle("is-note", tab.dataset.hostClass === "is-note");
    }
  }
  document.addEventListener("click", function (event) {
    var tab = event.target.closest("[role=tab][aria-controls]");
    if (tab) { selectTab(tab); }
    if (event.target.closest("[data-shortcuts-help]")) { openHelp(); }
    var pick = event.target.closest("[data-pick-contact]");
    if (pick) { chooseContact(pick.dataset.pickContact, pick.dataset.label); }
    if (event.target.closest("[data-clear-contact]")) { chooseContact("", ""); }
    var all = event.target.closest("[data-select-all]");
    if (all) {
      document.querySelectorAll("input[data-row-select]").forEach(function (box) { box.checked = all.checked; });
      updateSelection();
    }
  });

  /* --- new ticket: the contact picker fills a hidden field */
  function chooseContact(id, label) {
    var input = document.getElementById("id_contact");
    var chosen = document.getElementById("contact-chosen");
    var search = document.getElementById("contact-search-box");
    if (!input || !chosen || !search) return;
    input.value = id;
    document.getElementById("contact-chosen-label").textContent = label || "";
    chosen.hidden = !id;
    search.hidden = !!id;
    var results = document.getElementById("contact-results");
    if (results) results.innerHTML = "";
    if (!id) { var q = document.getElementById("contact-q"); if (q) q.focus(); }
  }

  /* --- select elements that submit their form on change (language switch) */
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("select[data-autosubmit]")) { el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit(); }
    if (el.matches("input[data-row-select]")) { updateSelection(); }
    if (el.matches("input[data-mention-for]")) { insertMention(el); }
  });

  function updateSelection() {
    var n = document.querySelectorAll("input[data-row-select]:checked").length;
    var out = document.getElementById("bulk-count");
    if (out) out.textContent = String(n);
    var bar = document.getElementById("bulk-bar");
    if (bar) bar.hidden = n === 0;
  }
  document.addEventListener("htmx:afterSettle", updateSelection);

  /* --- @mentions: pick a handle from the datalist, insert it at the cursor */
  function insertMention(input) {
    var handle = input.value.trim().replace(/^@/, "");
    var target = document.getElementById(input.dataset.mentionFor);
    if (!handle || !target) return;
    var text = "@" + handle + " ";
    var start = target.selectionStart || target.value.length;
    var before = target.value.slice(0, start);
    if (before && !/\s$/.test(before)) text = " " + text;
    target.value = before + text + target.value.slice(target.selectionEnd || start);
    input.value = "";
    target.focus();
    var pos = before.length + text.length;
    target.setSelectionRange(pos, pos);
  }

  /* --- inbox row cursor */
  var current = -1;
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr[data-ticket-url]")); }
  function moveRow(delta) {
    var list = rows();
    if (!list.length) return;
    current = Math.max(0, Math.min(list.length - 1, current + delta));
    list.forEach(function (row, i) { row.classList.toggle("is-current", i === current); });
    list[current].scrollIntoView({ block: "nearest" });
  }
  function openRow() {
    var list = rows();
    if (current >= 0 && list[current]) { window.location.href = list[current].dataset.ticketUrl; }
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "ticket-list") { current = -1; }
  });

  function openHelp() {
    var dialog = document.getElementById("shortcuts-help");
    if (dialog && !dialog.open) dialog.showModal();
  }

  function focusComposer(which) {
    var tab = document.getElementById(which + "-tab");
    var box = document.getElementById(which + "-body");
    if (!box) return false;
    if (tab) selectTab(tab);
    box.focus();
    box.scrollIntoView({ block: "center" });
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && isTyping(event.target)) { event.target.blur(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    var dialog = document.getElementById("shortcuts-help");
    if (dialog && dialog.open) return;
    var handled = true;
    switch (event.key) {
      case "j": moveRow(1); break;
      case "k": moveRow(-1); break;
      case "o": case "Enter":
        if (current >= 0) { openRow(); } else { handled = false; }
        break;
      case "/": {
        var search = document.getElementById("global-search");
        if (search) { search.focus(); search.select(); } else { handled = false; }
        break;
      }
      case "r": handled = focusComposer("reply"); break;
      case "n": handled = focusComposer("note"); break;
      case "a": {
        var take = document.querySelector("[data-shortcut=assign-me]");
        if (take) { take.click(); } else { handled = false; }
        break;
      }
      case "?": openHelp(); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });
})();
