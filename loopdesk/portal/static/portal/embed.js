// Loopdesk web form for other sites. Usage:
//   <div id="loopdesk-form"></div>
//   <script src="https://support.example.com/static/portal/embed.js"
//           data-target="loopdesk-form" data-lang="zh-hans" async></script>
// The form runs in an iframe served by Loopdesk (its own origin and CSP); this script
// only creates the iframe and follows its height.
(function () {
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src).origin;
  var target = document.getElementById(script.getAttribute("data-target") || "loopdesk-form");
  if (!target) return;
  var lang = script.getAttribute("data-lang");
  var frame = document.createElement("iframe");
  frame.src = origin + "/portal/embed/" + (lang ? "?lang=" + encodeURIComponent(lang) : "");
  frame.title = script.getAttribute("data-title") || "Support request";
  frame.style.cssText = "width:100%;border:0;min-height:560px";
  frame.setAttribute("loading", "lazy");
  target.appendChild(frame);
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || !event.data || !event.data.loopdeskForm) return;
    frame.style.height = Math.max(200, Number(event.data.height) || 0) + 20 + "px";
  });
})();
