// Draws every report chart: each figure's JSON sits in a <script type="application/json" id="fig-..."> data
// block, and its container names it in data-figure. No inline scripts, so a strict Content-Security-Policy holds.
(function () {
  "use strict";
  var CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    toImageButtonOptions: { format: "png", scale: 2 }
  };

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-figure"));
    if (!source || container.getAttribute("data-drawn") === "yes") {
      return;
    }
    var figure = JSON.parse(source.textContent);
    container.setAttribute("data-drawn", "yes");
    window.Plotly.newPlot(container, figure.data || [], figure.layout || {}, CONFIG);
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
