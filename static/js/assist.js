// Assist banner: running timer and idle countdown, kept honest by polling the server.
// The poll is not activity on the server, so it never keeps an idle assist alive.
(function () {
  "use strict";
  var banner = document.getElementById("assist-banner");
  if (!banner) { return; }
  var elapsedEl = banner.querySelector("[data-assist-elapsed]");
  var idleEl = banner.querySelector("[data-assist-idle]");
  var stateUrl = banner.getAttribute("data-state-url");
  var interaction = banner.getAttribute("data-interaction");
  var paused = banner.getAttribute("data-paused") === "1";
  var elapsed = parseInt(banner.getAttribute("data-elapsed"), 10) || 0;
  var idleAttr = banner.getAttribute("data-idle-left");
  var idleLeft = idleAttr === "" ? null : parseInt(idleAttr, 10);
  var POLL_EVERY = 15;
  var sincePoll = 0;
  var polling = false;

  function clock(seconds) {
    seconds = Math.max(0, seconds);
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function render() {
    if (elapsedEl) { elapsedEl.textContent = clock(elapsed); }
    if (idleEl && idleLeft !== null) { idleEl.textContent = clock(idleLeft); }
  }

  function poll() {
    if (polling) { return; }
    polling = true;
    fetch(stateUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        polling = false;
        if (!state) { return; }
        // Ended elsewhere (another tab, the idle timeout): show the page as it now is.
        if (!state.active || String(state.interaction_id) !== interaction || state.paused !== paused) {
          window.location.reload();
          return;
        }
        elapsed = state.elapsed_seconds;
        idleLeft = state.idle_seconds_left;
        render();
      })
      .catch(function () { polling = false; });
  }

  window.setInterval(function () {
    if (!paused) {
      elapsed += 1;
      if (idleLeft !== null && idleLeft > 0) { idleLeft -= 1; }
    }
    render();
    sincePoll += 1;
    if (sincePoll >= POLL_EVERY || (idleLeft === 0 && sincePoll >= 2)) {
      sincePoll = 0;
      poll();
    }
  }, 1000);
  render();
}());
