// Stacked horizontal bars: share of answers per question on the three-point scale.
(function () {
  "use strict";
  var canvas = document.getElementById("evaluation-chart");
  var source = document.getElementById("evaluation-chart-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var box = canvas.parentElement;
  box.style.position = "relative";
  box.style.height = Math.max(180, data.labels.length * 38 + 80) + "px";
  var names = document.documentElement.lang === "en"
    ? ["to a small extent", "to some extent", "to a large extent"]
    : ["i liten grad", "i noen grad", "i stor grad"];
  var colours = ["#b02a37", "#997404", "#146c43"];
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels.map(function (l) { return l.length > 70 ? l.slice(0, 67) + "…" : l; }),
      datasets: [0, 1, 2].map(function (i) {
        return { label: names[i], backgroundColor: colours[i], data: data.series.map(function (s) { return s[i]; }) };
      })
    },
    options: {
      indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
      scales: { x: { stacked: true, max: 100, ticks: { callback: function (v) { return v + " %"; } } },
                y: { stacked: true, ticks: { autoSkip: false } } },
      plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + c.parsed.x + " %"; } } } }
    }
  });
})();
