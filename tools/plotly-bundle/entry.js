// The plotly.js the dashboards load: the core (which carries scatter) and the three other trace types
// reports/charts draws (bar, heatmap, scatterpolar). build.sh turns this into static/vendor/plotly/.
var Plotly = require("plotly.js/lib/core");

Plotly.register([require("plotly.js/lib/bar"), require("plotly.js/lib/heatmap"), require("plotly.js/lib/scatterpolar")]);

module.exports = Plotly;
