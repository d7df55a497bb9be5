// Inside the embedded form: tell the host page our height so its iframe can fit us.
(function () {
  if (window.parent === window) return;
  function report() {
    window.parent.postMessage({ loopdeskForm: true, height: document.documentElement.scrollHeight }, "*");
  }
  window.addEventListener("load", report);
  document.addEventListener("htmx:afterSettle", report);
  if (window.ResizeObserver) new ResizeObserver(report).observe(document.body);
})();
