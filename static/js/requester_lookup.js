// The workspace's new-ticket form: the requester's e-mail suggests members as the agent types
// (the user search's JSON), in a native datalist: the keyboard and screen readers know it, and
// nothing traps the focus. Without JavaScript the field is a plain e-mail field.
(function () {
  "use strict";
  var input = document.getElementById("requester-email");
  var list = document.getElementById("requester-suggestions");
  if (!input || !list || !input.dataset.suggestUrl) { return; }
  var timer = null;
  var latest = 0;

  function suggest() {
    var query = input.value.trim();
    var ticket = ++latest;
    if (query.length < 2) { list.textContent = ""; return; }
    fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(query), {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) {
      if (ticket !== latest) { return; }  // an older answer arriving late
      list.textContent = "";
      data.results.forEach(function (person) {
        if (!person.email) { return; }
        var option = document.createElement("option");
        option.value = person.email;
        option.label = person.name + (person.phone ? " · " + person.phone : "");
        list.appendChild(option);
      });
    }).catch(function () { /* no suggestions; typing the address still works */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(suggest, 150);
  });
})();
