// Charts on the national view and its drill-down. Each <canvas class="progress-chart"> names, in
// data-source, a json_script element with {labels, datasets: [{label, data}], stacked, horizontal, unit, max}.
// The same numbers are always in a table next to the chart; the canvas has role="img" and an aria-label.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var lang = document.documentElement.lang || "nb";
  var series = ["#0b3a5d", "#3d8bd9", "#198754", "#b35c00"];
  var scale = ["#b02a37", "#997404", "#146c43"];  // i liten / i noen / i stor grad

  function number(v) {
    return v === null || v === undefined ? "–" : Number(v).toLocaleString(lang, { maximumFractionDigits: 2 });
  }

  function shorten(label) {
    return label.length > 40 ? label.slice(0, 37) + "…" : label;
  }

  document.querySelectorAll("canvas.progress-chart").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-source"));
    if (!source) { return; }
    var d = JSON.parse(source.textContent);
    var box = canvas.parentNode;
    box.style.position = "relative";
    box.style.height = (d.horizontal ? Math.max(180, d.labels.length * 38 + 80) : 320) + "px";
    var colours = d.stacked ? scale : series;
    var unit = d.unit ? " " + d.unit : "";
    var values = {
      beginAtZero: true, stacked: d.stacked, max: d.max === null ? undefined : d.max,
      ticks: { callback: function (v) { return number(v) + unit; } }
    };
    var categories = { stacked: d.stacked, ticks: { autoSkip: false, callback: function (v) { return shorten(this.getLabelForValue(v)); } } };
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: d.datasets.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: colours[i % colours.length] };
        })
      },
      options: {
        indexAxis: d.horizontal ? "y" : "x", responsive: true, maintainAspectRatio: false, animation: false,
        scales: d.horizontal ? { x: values, y: categories } : { x: categories, y: values },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { label: function (c) {
            return c.dataset.label + ": " + number(d.horizontal ? c.parsed.x : c.parsed.y) + unit;
          } } }
        }
      }
    });
  });
})();
