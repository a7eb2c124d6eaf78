// Guichet: small progressive enhancements; everything works without JavaScript.

// Forms that guide (GOV.UK's error summary): the summary of a page in error takes the focus, so a
// screen reader reads it first; its links move the focus to their field (and show its label).
(function () {
  var summary = document.getElementById("error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    var label = document.querySelector("label[for='" + target.id + "']") || target;
    label.scrollIntoView();
    target.focus({preventScroll: true});
  });
})();
