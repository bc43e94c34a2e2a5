// The collect page follows queued and running collection jobs: it asks the status endpoint every few seconds and
// replaces the rows that changed in place, so the page never reloads and focus stays where the reader left it.
(function () {
  "use strict";
  var root = document.getElementById("collect-progress");
  if (!root || !window.fetch) {
    return;
  }
  var url = root.dataset.statusUrl;
  var summary = document.getElementById("collect-summary");
  var noWorker = document.getElementById("collect-no-worker");
  var FOCUSABLE = "a[href], button, summary, input, select, textarea";
  var delay = 1000;
  var failures = 0;

  function comparable(html) {
    // Each render masks the CSRF token differently; that alone is no change.
    return html.replace(/name="csrfmiddlewaretoken" value="[^"]*"/g, "");
  }

  function keepOpenDetails(old, fresh) {
    var was = old.querySelectorAll("details");
    var now = fresh.querySelectorAll("details");
    for (var i = 0; i < was.length && i < now.length; i += 1) {
      now[i].open = was[i].open;
    }
  }

  function replaceRow(old, fresh) {
    var active = document.activeElement;
    var index = active && old.contains(active) ? Array.prototype.indexOf.call(old.querySelectorAll(FOCUSABLE), active) : -1;
    old.replaceWith(fresh);
    if (index >= 0) {
      var again = fresh.querySelectorAll(FOCUSABLE)[index];
      if (again) {
        again.focus({ preventScroll: true });
      }
    }
  }

  function patchRows(body, html) {
    if (!body || typeof html !== "string") {
      return;
    }
    var template = document.createElement("template");
    template.innerHTML = html;
    var fresh = Array.prototype.slice.call(template.content.querySelectorAll("tr[data-row]"));
    var wanted = {};
    fresh.forEach(function (row) { wanted[row.dataset.row] = true; });
    var existing = {};
    Array.prototype.slice.call(body.children).forEach(function (row) {
      if (wanted[row.dataset.row]) {
        existing[row.dataset.row] = row;
      } else {
        row.remove();
      }
    });
    var cursor = body.firstElementChild;
    fresh.forEach(function (row) {
      var old = existing[row.dataset.row];
      if (!old) {
        body.insertBefore(row, cursor);
        return;
      }
      if (old !== cursor) {
        body.insertBefore(old, cursor);
      }
      keepOpenDetails(old, row);
      if (comparable(old.outerHTML) === comparable(row.outerHTML)) {
        cursor = old.nextElementSibling;
      } else {
        replaceRow(old, row);
        cursor = row.nextElementSibling;
      }
    });
  }

  function show(data) {
    patchRows(document.getElementById("run-rows"), data.html && data.html.runs);
    patchRows(document.getElementById("source-rows"), data.html && data.html.sources);
    if (summary.textContent !== data.summary) {
      summary.textContent = data.summary;
    }
    summary.classList.toggle("visually-hidden", !data.active);
    if (noWorker) {
      noWorker.hidden = !data.no_worker;
      var wait = noWorker.querySelector("[data-wait]");
      if (wait && data.no_worker) {
        wait.textContent = String(data.longest_wait_seconds);
      }
    }
    root.dataset.active = data.active ? "true" : "false";
  }

  function later() {
    window.setTimeout(poll, delay);
    delay = Math.min(delay + 500, 5000);  // quick at first, then every few seconds while jobs wait
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 403 || response.status === 404) {
          throw new Error("stop");
        }
        if (!response.ok) {
          throw new Error("retry");
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (data.active) {
          later();
        }
      })
      .catch(function (error) {
        if (error.message === "stop") {
          summary.textContent = "Progress can no longer be read: sign in again and reload the page.";
          summary.classList.remove("visually-hidden");
          return;
        }
        failures += 1;
        delay = Math.min(delay * 2, 30000);
        if (failures === 3) {
          summary.textContent = "Progress could not be read just now; still trying.";
          summary.classList.remove("visually-hidden");
        }
        later();
      });
  }

  if (root.dataset.active === "true") {
    later();
  }
}());
