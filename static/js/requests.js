// "Request authorisation": htmx loads the form into a <dialog>; without JS the link opens a page.
(function () {
  "use strict";
  if (window.__requestsDialog) return;
  window.__requestsDialog = true;

  document.addEventListener("htmx:afterSwap", function (event) {
    var dialog = event.detail.target.closest("dialog");
    if (dialog && !dialog.open) {
      dialog.showModal();
      var first = dialog.querySelector("textarea, input:not([type=hidden]), button");
      if (first) first.focus();
    }
  });

  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-close-dialog]");
    if (!close) return;
    var dialog = close.closest("dialog");
    if (dialog) {
      event.preventDefault();
      dialog.close();
    }
  });
})();
