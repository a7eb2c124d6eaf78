// Admin pages: the header colour's contrast, said as the admin picks it (the server's rule is
// portal/brands/colours.py: white text needs 4.5:1 on the colour, else the header uses black).
(function () {
  var input = document.getElementById("setting-colour");
  var out = document.getElementById("setting-colour-contrast");
  if (!input || !out) return;

  function luminance(hex) {
    var channels = [1, 3, 5].map(function (i) {
      var c = parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }

  input.addEventListener("input", function () {
    if (!/^#[0-9a-fA-F]{6}$/.test(input.value)) return;
    var ratio = 1.05 / (luminance(input.value) + 0.05);
    out.textContent = "";
    if (ratio >= 4.5) return;
    var shown = (Math.floor(ratio * 100) / 100).toLocaleString(document.documentElement.lang,
      {minimumFractionDigits: 2, maximumFractionDigits: 2});
    var alert = document.createElement("div");
    alert.className = "alert alert-warning mt-2 mb-0";
    alert.textContent = out.dataset.warning.replace("{ratio}", shown);
    out.appendChild(alert);
  });
})();
