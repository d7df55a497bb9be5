/* Knowledge panel on the ticket page: insert an article's link or text into the reply.
   Event delegation, so it keeps working after htmx swaps the results. */
(function () {
  "use strict";
  if (window.loopdeskKbPanel) { return; }  // loaded once, even if the panel is swapped again
  window.loopdeskKbPanel = true;
  function insertIntoReply(text) {
    var box = document.getElementById("reply-body");
    if (!box) { return; }
    var tab = document.getElementById("reply-tab");
    if (tab && tab.getAttribute("aria-selected") !== "true") { tab.click(); }
    var start = box.selectionStart || box.value.length;
    var end = box.selectionEnd || box.value.length;
    var before = box.value.slice(0, start);
    var after = box.value.slice(end);
    var sep = before && !/\n$/.test(before) ? "\n" : "";
    box.value = before + sep + text + after;
    var caret = (before + sep + text).length;
    box.focus();
    box.setSelectionRange(caret, caret);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-kb-insert]");
    if (!button) { return; }
    event.preventDefault();
    if (button.dataset.kbInsert === "link") {
      insertIntoReply(button.dataset.kbTitle + ": " + button.dataset.kbUrl);
    } else {
      var tpl = button.parentElement.querySelector("template[data-kb-text]");
      if (tpl) { insertIntoReply(tpl.content.textContent); }
    }
  });
}());
