// Draws every report chart: each figure's JSON sits in a <script type="application/json" id="fig-..."> data
// block, and its container names it in data-figure. No inline scripts, so a strict Content-Security-Policy holds.
// Charts have no toolbar: its buttons would be Tab stops inside a picture; each chart's table holds its data.
(function () {
  "use strict";
  var CONFIG = { responsive: true, displaylogo: false, displayModeBar: false };

  // A figure whose layout.meta has team_links ({row label: address}) opens a team's page when one of its
  // cells or its name is clicked. Keyboard users have the same links in the table below the chart.
  function linkTeams(container, links) {
    container.classList.add("chart-links");
    container.on("plotly_click", function (event) {
      var point = event && event.points && event.points[0];
      if (point && links[point.y]) { window.location.assign(links[point.y]); }
    });
    container.addEventListener("click", function (event) {
      var tick = event.target.closest && event.target.closest(".ytick");
      var label = tick ? tick.textContent : "";
      if (label && links[label]) { window.location.assign(links[label]); }
    });
  }

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-figure"));
    if (!source || container.getAttribute("data-drawn") === "yes") {
      return;
    }
    var figure = JSON.parse(source.textContent);
    var layout = figure.layout || {};
    container.setAttribute("data-drawn", "yes");
    window.Plotly.newPlot(container, figure.data || [], layout, CONFIG).then(function () {
      if (layout.meta && layout.meta.team_links) { linkTeams(container, layout.meta.team_links); }
    });
  }

  function drawAll() {
    if (!window.Plotly) {
      document.querySelectorAll("[data-figure]").forEach(function (container) {
        container.textContent = "The chart could not be drawn; the table below has the same data.";
        container.classList.add("chart-missing");
      });
      return;
    }
    document.querySelectorAll("[data-figure]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
