// Forms that explain themselves, on every page:
// - after a refused form the error summary takes focus (screen readers announce it; the page scrolls to it),
//   otherwise the first message (saved, registered, …) does, so focus never falls back to <body>;
// - the summary's links move focus to their field;
// - buttons and forms with data-confirm ask before a destructive action.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  var message = document.querySelector("main .messages .alert");
  if (summary) {
    summary.focus();
  } else if (message) {
    message.setAttribute("tabindex", "-1");
    // After the browser has scrolled to a #fragment (which would take focus away again); the view stays there.
    var focusMessage = function () { message.focus({ preventScroll: !!window.location.hash }); };
    if (document.readyState === "complete") { focusMessage(); } else { window.addEventListener("load", focusMessage); }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[data-field]");
    if (!link) { return; }
    var field = document.getElementById(link.dataset.field);
    if (field) {
      event.preventDefault();
      field.focus();
      var label = field.labels && field.labels[0];
      (label || field).scrollIntoView({ block: "center" });
    }
  });
  document.addEventListener("submit", function (event) {
    var asking = event.submitter && event.submitter.dataset.confirm ? event.submitter
      : (event.target.dataset && event.target.dataset.confirm ? event.target : null);
    if (asking && !window.confirm(asking.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
