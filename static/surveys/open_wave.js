// The "open a new wave" page: bring the error summary into view so a keyboard or screen reader user lands on it.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
}());
