// Live job status: poll the API for rows whose job is queued or running and update them in place.
// The pages work without this script; it only saves reloading.
(function () {
  "use strict";
  var ACTIVE = { queued: true, running: true };

  function activeNodes() {
    return Array.prototype.filter.call(document.querySelectorAll("[data-job-id]"), function (el) {
      return ACTIVE[el.getAttribute("data-status")];
    });
  }

  function announce(text) {
    var region = document.getElementById("live-region");
    if (region) { region.textContent = text; }
  }

  function update(el, job) {
    var before = el.getAttribute("data-status");
    var status = el.querySelector('[data-field="status"]');
    if (status) {
      status.textContent = job.status;
      status.className = "status status-" + job.status;
    }
    var stage = el.querySelector('[data-field="stage"]');
    if (stage) {
      var pct = job.progress === null ? "" : " (" + Math.round(job.progress * 100) + "%)";
      stage.textContent = job.status === "running" ? (job.stage || "") + pct : (job.stage || "");
    }
    var score = el.querySelector('[data-field="score"]');
    if (score && job.result && job.result.total !== null) {
      score.textContent = job.result.total + "/" + job.result.max_total + " " + (job.result.tier || "");
    }
    el.setAttribute("data-status", job.status);
    if (before !== job.status) {
      announce((job.result && job.result.repo_name ? job.result.repo_name : job.source) + ": " + job.status);
      if (el.getAttribute("data-reload") === "true" && !ACTIVE[job.status]) { window.location.reload(); }
    }
  }

  function poll() {
    var nodes = activeNodes();
    if (!nodes.length) { return; }
    Promise.all(nodes.map(function (el) {
      return fetch("/api/v1/jobs/" + encodeURIComponent(el.getAttribute("data-job-id")), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (job) { if (job) { update(el, job); } })
        .catch(function () { /* network blip: try again next round */ });
    })).then(function () { window.setTimeout(poll, 1500); });
  }

  document.addEventListener("DOMContentLoaded", function () { window.setTimeout(poll, 1000); });
})();
