// Survey form: saves answers as people go (with the response version, so a stale tab is told and never
// overwrites), shows and hides routed questions, and keeps the progress count current. Without this
// script the form still works: every step has "Save and continue".
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var form = document.getElementById("survey-form");
  if (!form) { return; }
  var url = form.getAttribute("data-autosave-url");
  var step = form.getAttribute("data-step");
  var versionInput = form.querySelector('input[name="version"]');
  var csrfInput = form.querySelector('input[name="csrfmiddlewaretoken"]');
  var statusBox = document.getElementById("autosave-status");
  var alertBox = document.getElementById("autosave-alert");
  var STALE = "This survey was changed in another tab or window; reload to see the latest answers.";

  var stale = false;
  var stopped = false;
  var inFlight = null;
  var again = false;
  var timer = null;

  function wrappers() { return Array.prototype.slice.call(form.querySelectorAll("[data-question]")); }

  function wrapperFor(key) {
    var found = null;
    wrappers().forEach(function (wrapper) { if (wrapper.getAttribute("data-question") === key) { found = wrapper; } });
    return found;
  }

  function fieldsOf(wrapper) {
    var key = wrapper.getAttribute("data-question");
    return Array.prototype.slice.call(wrapper.querySelectorAll("input, select, textarea")).filter(function (el) {
      return el.name === key;
    });
  }

  function valueOf(wrapper) {
    var fields = fieldsOf(wrapper);
    if (!fields.length) { return null; }
    if (fields[0].type === "checkbox") {
      return fields.filter(function (el) { return el.checked; }).map(function (el) { return el.value; });
    }
    if (fields[0].type === "radio") {
      var checked = fields.filter(function (el) { return el.checked; });
      return checked.length ? checked[0].value : null;
    }
    return fields[0].value === "" ? null : fields[0].value;
  }

  function asList(value) {
    if (value === null) { return []; }
    return Array.isArray(value) ? value : [value];
  }

  function applyRouting() {
    wrappers().forEach(function (wrapper) {
      var controllerKey = wrapper.getAttribute("data-show-if");
      if (!controllerKey) { return; }
      var wanted = JSON.parse(wrapper.getAttribute("data-show-if-values") || "[]");
      var controller = wrapperFor(controllerKey);
      var shown = !!controller && !controller.hidden && asList(valueOf(controller)).some(function (value) {
        return wanted.indexOf(value) !== -1;
      });
      wrapper.hidden = !shown;
      fieldsOf(wrapper).forEach(function (el) { el.disabled = !shown; });
    });
  }

  function collect() {
    var answers = {};
    wrappers().forEach(function (wrapper) {
      if (!wrapper.hidden) { answers[wrapper.getAttribute("data-question")] = valueOf(wrapper); }
    });
    return answers;
  }

  function say(message) { if (statusBox) { statusBox.textContent = message; } }
  function warn(message) { if (alertBox) { alertBox.textContent = message; } }

  function showStale(message) {
    stale = true;
    if (!alertBox) { return; }
    alertBox.textContent = "";
    alertBox.appendChild(document.createTextNode((message || STALE) + " "));
    var link = document.createElement("a");
    link.href = window.location.pathname;
    link.textContent = "Reload this step";
    alertBox.appendChild(link);
    say("");
  }

  function updateCounts(data) {
    var answered = document.querySelector("[data-answered]");
    var total = document.querySelector("[data-total]");
    if (answered && typeof data.answered === "number") { answered.textContent = String(data.answered); }
    if (total && typeof data.total === "number") { total.textContent = String(data.total); }
  }

  function clearFieldErrors() {
    form.querySelectorAll(".js-error").forEach(function (el) { el.parentNode.removeChild(el); });
  }

  function markFieldErrors(errors) {
    Object.keys(errors || {}).forEach(function (key) {
      var wrapper = key ? wrapperFor(key) : null;
      if (!wrapper) { return; }
      var note = document.createElement("p");
      note.className = "field-error js-error";
      note.textContent = errors[key];
      wrapper.insertBefore(note, wrapper.firstChild);
    });
  }

  // Errors have the API's body: {"error": {"code", "message", "details"}}.
  function handle(status, data) {
    var error = (data && data.error) || {};
    if (status === 200 && data.ok) {
      versionInput.value = String(data.version);
      updateCounts(data);
      clearFieldErrors();
      warn("");
      var time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      say("Saved at " + time + ".");
    } else if (status === 409) {
      // A stale version or a wave that is no longer open: saving stops until the page is reloaded.
      showStale(error.message);
    } else {
      clearFieldErrors();
      if (error.code === "invalid_answers") { markFieldErrors(error.details); }
      warn(error.message || "Your last change could not be saved. Check the answers on this page.");
      say("");
    }
  }

  function save() {
    if (stale || stopped) { return Promise.resolve(); }
    if (inFlight) { again = true; return inFlight; }
    var body = JSON.stringify({ version: parseInt(versionInput.value, 10), step: step, answers: collect() });
    say("Saving…");
    inFlight = fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfInput ? csrfInput.value : "" },
      body: body
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) { handle(response.status, data); });
    }).catch(function () {
      say("");
      warn("Could not reach the server to save. Your answers on this page are saved when you continue.");
    }).then(function () {
      inFlight = null;
      if (again) { again = false; return save(); }
      return undefined;
    });
    return inFlight;
  }

  function later(delay) {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(function () { timer = null; save(); }, delay);
  }

  form.addEventListener("change", function () { applyRouting(); later(250); });
  form.addEventListener("input", function (event) {
    var target = event.target;
    if (target && (target.tagName === "TEXTAREA" || target.type === "text")) { later(1200); }
  });

  // A step's buttons post the whole step; wait for a save under way so the version sent is the current one.
  form.addEventListener("submit", function (event) {
    if (stopped) { return; }
    if (timer) { window.clearTimeout(timer); timer = null; }
    if (!inFlight) { stopped = true; return; }
    event.preventDefault();
    again = false;
    var submitter = event.submitter;
    inFlight.then(function () {
      stopped = true;
      if (submitter && submitter.name) {
        var action = document.createElement("input");
        action.type = "hidden";
        action.name = submitter.name;
        action.value = submitter.value;
        form.appendChild(action);
      }
      form.submit();
    });
  });

  // An error-summary link puts the keyboard in the first input of its question, with the question in view.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[href^='#']") : null;
      var input = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
      if (!input) { return; }
      event.preventDefault();
      var question = input.closest("[data-question]") || input;
      question.scrollIntoView({ block: "start" });
      input.focus({ preventScroll: true });
    });
    summary.focus();
  }
  applyRouting();
}());
