// Mellomarbeid drafts: warn before leaving with unsaved changes, and save quietly every minute.
(function () {
  "use strict";
  var form = document.getElementById("draft-form");
  if (!form) { return; }
  var status = document.getElementById("draft-status");
  var dirty = false;
  var submitting = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { submitting = true; });
  document.querySelectorAll("form").forEach(function (f) {
    if (f !== form) { f.addEventListener("submit", function () { if (!dirty) { submitting = true; } }); }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) { event.preventDefault(); event.returnValue = ""; }
  });
  function autosave() {
    if (!dirty || submitting) { return; }
    var data = new FormData(form);
    fetch(form.action, { method: "POST", body: data, headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json().then(function (body) { return [response.status, body]; }); })
      .then(function (result) {
        var code = result[0], body = result[1];
        if (code === 200) {
          form.querySelector("input[name=base_revision]").value = body.revision;
          dirty = false;
          if (status) { status.textContent = (document.documentElement.lang === "en" ? "Saved " : "Lagret ") + body.saved_at; }
        } else if (status && body.message) {
          status.textContent = body.message;
        }
      })
      .catch(function () { /* offline: the warning on leaving still protects the text */ });
  }
  window.setInterval(autosave, 60000);
})();
