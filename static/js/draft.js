// The mellomarbeid editor: one form for text, contributors and files that never loses what was typed.
// - Autosave a few seconds after typing stops (and every minute), showing its state ("Lagret 10:42",
//   "Ikke lagret – prøv igjen" with a retry button).
// - Choosing a file uploads it at once through the same form: the text is saved first, the page stays.
// - Removing a file works in place too.
// - A conflict (a colleague saved, or the work was delivered) shows both texts side by side, keeps the typed
//   text in the editor and stops autosaving until the person saves on purpose.
// - "Save draft" and "Deliver" submit the whole form; they wait for a save in flight, so one's own autosave
//   never looks like somebody else's change.
// - Leaving with unsaved changes warns.
(function () {
  "use strict";
  var form = document.getElementById("draft-form");
  if (!form) { return; }
  var status = document.getElementById("draft-status");
  var retry = document.getElementById("draft-retry");
  var text = form.querySelector("textarea[name=text]");
  var revision = form.querySelector("input[name=base_revision]");
  var fileInput = form.querySelector("input[type=file][name=file]");
  var filesBox = form.querySelector("[data-role=files]");
  var live = document.getElementById("draft-live-conflict");
  var AUTOSAVE_DELAY = 3000;
  var dirty = false;       // changes not yet saved
  var inFlight = null;     // the promise of the save being sent
  var paused = false;      // after a conflict: no autosave until the person saves on purpose
  var submitting = false;  // a normal form submission is leaving the page
  var timer = null;

  function say(message, failed) {
    status.textContent = message;
    status.classList.toggle("text-danger", !!failed);
    retry.hidden = !failed;
  }

  function showConflict(body) {
    paused = true;
    live.querySelector("[data-role=message]").textContent = body.message || "";
    live.querySelector("[data-role=mine]").value = text.value;
    live.querySelector("[data-role=theirs]").value = body.stored_text || "";
    live.hidden = false;
    if (!body.locked && typeof body.revision === "number") {
      // Saving again on purpose (after merging) replaces the stored text with the one in the editor.
      revision.value = body.revision;
    }
    say(status.dataset.conflict, true);
    retry.hidden = true;
    live.focus();
  }

  function send(extra) {
    var data = new FormData(form);
    if (extra) { Object.keys(extra).forEach(function (k) { data.append(k, extra[k]); }); }
    var sentText = text.value;
    var hadFiles = fileInput && fileInput.files.length > 0;
    window.clearTimeout(timer);
    say(status.dataset.saving, false);
    var request = fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json" },
    }).then(function (response) {
      return response.json().then(function (body) { return { code: response.status, body: body }; });
    }).then(function (result) {
      var body = result.body;
      if (result.code === 200) {
        revision.value = body.revision;
        if (text.value === sentText) { dirty = false; }
        if (hadFiles) { fileInput.value = ""; }
        if (body.files_html !== undefined) { filesBox.innerHTML = body.files_html; }
        var saved = status.dataset.saved.replace("%(time)s", body.saved_at);
        if (body.problems && body.problems.length) {
          say(saved + ". " + body.problems.join(" "), true);
          retry.hidden = true;
        } else {
          say(saved, false);
        }
        return true;
      }
      if (result.code === 409) { showConflict(body); return false; }
      say(status.dataset.failed, true);
      return false;
    }).catch(function () {
      say(status.dataset.failed, true);
      return false;
    }).then(function (ok) {
      inFlight = null;
      if (ok && dirty && !paused) { schedule(); }
      return ok;
    });
    inFlight = request;
    return request;
  }

  function save(extra) {
    if (inFlight) {
      return inFlight.then(function () { return paused ? false : send(extra); });
    }
    return send(extra);
  }

  function schedule() {
    window.clearTimeout(timer);
    if (!paused) { timer = window.setTimeout(function () { if (dirty) { save(); } }, AUTOSAVE_DELAY); }
  }

  form.addEventListener("input", function (event) {
    if (event.target === fileInput) { return; }
    dirty = true;
    schedule();
  });
  form.addEventListener("change", function (event) {
    if (event.target === fileInput) {
      if (fileInput.files.length) { save(); }
      return;
    }
    dirty = true;
    schedule();
  });
  // Remove a file in place (the text is saved with it).
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=remove_file]");
    if (!button) { return; }
    event.preventDefault();
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) { return; }
    save({ remove_file: button.value });
  });
  retry.addEventListener("click", function () { save(); });

  // Save or deliver on purpose: wait for a save in flight first, then submit the whole form normally.
  form.addEventListener("submit", function (event) {
    if (inFlight) {
      event.preventDefault();
      var submitter = event.submitter;
      // Only after a save that went through: after a conflict the person first sees both texts.
      inFlight.then(function (ok) { if (ok) { form.requestSubmit(submitter); } });
      return;
    }
    window.clearTimeout(timer);
    submitting = true;
  });
  window.addEventListener("pageshow", function () { submitting = false; });
  window.addEventListener("beforeunload", function (event) {
    if ((dirty || inFlight) && !submitting) { event.preventDefault(); event.returnValue = ""; }
  });
  window.setInterval(function () { if (dirty && !paused && !inFlight) { save(); } }, 60000);
})();
