// Mirrors the server's field conditions while the form is filled in; the server stays the
// authority (a hidden field's value is dropped there and never required).
// Every form with conditional fields is wired on its own: the page has other forms too (the
// header's sign-out form comes first), so "the first form on the page" is never the right one.
(function () {
  "use strict";

  function wire(form) {
    var conditional = form.querySelectorAll("[data-shown-when]");

    function valuesOf(name) {
      var values = [];
      form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
        if (input.type === "checkbox") {
          values.push(input.checked ? "true" : "false");
        } else if (input.multiple) {
          Array.prototype.forEach.call(input.selectedOptions, function (o) { values.push(o.value); });
        } else {
          values.push(input.value);
        }
      });
      return values;
    }

    function isShown(wrapper) {
      var rules = JSON.parse(wrapper.getAttribute("data-shown-when"));
      return rules.some(function (rule) {
        var parent = form.querySelector('[data-field="' + rule[0] + '"]');
        if (parent && parent.classList.contains("d-none")) { return false; }
        return valuesOf(rule[0]).indexOf(rule[1]) !== -1;
      });
    }

    function refresh() {
      // Repeat so chained conditions settle.
      for (var pass = 0; pass < conditional.length; pass += 1) {
        conditional.forEach(function (wrapper) { wrapper.classList.toggle("d-none", !isShown(wrapper)); });
      }
    }

    form.addEventListener("change", refresh);
    refresh();
  }

  document.querySelectorAll("form").forEach(function (form) {
    if (form.querySelector("[data-shown-when]")) { wire(form); }
  });
})();
