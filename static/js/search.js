// User search: results while typing, without reloading; the form still works without JavaScript.
(function () {
  "use strict";
  var form = document.querySelector("form[data-user-search]");
  if (!form) { return; }
  var input = form.querySelector("input[name=q]");
  var target = document.getElementById("user-search-results");
  var url = form.getAttribute("data-suggest-url");
  var timer = null;
  var latest = 0;

  function fetchResults() {
    var query = input.value;
    var ticket = ++latest;
    fetch(url + "?q=" + encodeURIComponent(query), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) {
      if (ticket !== latest) { return; }  // an older answer arriving late
      target.innerHTML = data.html;       // rendered and escaped on the server
      var address = form.getAttribute("action") + (query ? "?q=" + encodeURIComponent(query) : "");
      window.history.replaceState(null, "", address);
    }).catch(function () { /* keep the last results; submitting the form still works */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchResults, 150);
  });

  // Arrow keys move between the search box and the result links.
  form.parentNode.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") { return; }
    var links = Array.prototype.slice.call(target.querySelectorAll("a.search-result-link"));
    if (!links.length) { return; }
    var index = links.indexOf(document.activeElement);
    if (event.target === input && event.key === "ArrowDown") {
      links[0].focus();
    } else if (index >= 0) {
      var next = index + (event.key === "ArrowDown" ? 1 : -1);
      if (next < 0) { input.focus(); } else if (next < links.length) { links[next].focus(); }
    } else {
      return;
    }
    event.preventDefault();
  });
})();
