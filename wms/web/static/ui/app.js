/* Returns WMS pages: charts from data attributes, auto-submitting selects. No inline scripts (CSP). */
(function () {
  "use strict";

  var PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777",
                 "#65a30d", "#475569", "#ea580c"];

  function drawChart(canvas) {
    if (!window.Chart || canvas.dataset.drawn) { return; }
    var spec;
    try { spec = JSON.parse(canvas.dataset.chart); } catch (e) { return; }
    canvas.dataset.drawn = "1";
    var stacked = !!spec.stacked;
    var datasets = (spec.series || []).map(function (s, i) {
      var colour = (spec.series.length === 2 && stacked && i === 1) ? "#dc2626" : PALETTE[i % PALETTE.length];
      return { label: s.name, data: s.data, backgroundColor: colour, borderColor: colour, borderWidth: 1 };
    });
    new window.Chart(canvas, {
      type: spec.type || "bar",
      data: { labels: spec.labels || [], datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: true, title: { display: !!spec.unit, text: spec.unit || "" } }
        }
      }
    });
  }

  function drawAll(root) {
    var canvases = (root || document).querySelectorAll("canvas.chart");
    for (var i = 0; i < canvases.length; i++) { drawChart(canvases[i]); }
  }

  function wireAutosubmit(root) {
    var selects = (root || document).querySelectorAll("select[data-autosubmit]");
    for (var i = 0; i < selects.length; i++) {
      selects[i].addEventListener("change", function (event) { event.target.form.submit(); });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawAll(document);
    wireAutosubmit(document);
  });
  // htmx swapped in a fresh fragment (the live floor): draw its charts.
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
}());
