// Check-in on a phone: search the list as you type, and mark people present in place (no page reload per
// tap); the count of who is here follows. Without JavaScript the forms still work, one reload per tap.
(function () {
  "use strict";
  var table = document.getElementById("checkin-table");
  if (!table) { return; }
  var search = document.getElementById("checkin-search");
  var shown = document.getElementById("checkin-shown");
  var count = document.getElementById("checkin-count");

  function filter() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var n = 0;
    table.querySelectorAll("tbody tr[data-search]").forEach(function (row) {
      var hit = words.every(function (w) { return row.dataset.search.indexOf(w) !== -1; });
      row.hidden = !hit;
      if (hit) { n += 1; }
    });
    shown.textContent = words.length ? shown.dataset.template.replace("%(n)s", n) : "";
  }
  search.addEventListener("input", filter);

  table.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-checkin]");
    if (!form) { return; }
    event.preventDefault();
    var row = form.closest("tr");
    var button = form.querySelector("button");
    button.disabled = true;
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin", headers: { "Accept": "application/json" },
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (body) {
      var holder = document.createElement("tbody");
      holder.innerHTML = body.row.trim();
      var fresh = holder.firstElementChild;
      row.replaceWith(fresh);
      count.textContent = count.dataset.template.replace("%(present)s", body.present).replace("%(total)s", body.total);
      filter();
      var next = fresh.querySelector("button");
      if (next) { next.focus(); }
    }).catch(function () {
      form.submit();  // fall back to the plain form (one reload)
    });
  });
})();
