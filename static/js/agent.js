// Agent workspace: polls for assistance notices and chat lines (no reload), sends chat lines,
// saves the sound/pop-up switches, and mirrors field conditions. Pages work without it.
(function () {
  "use strict";
  var live = document.getElementById("agent-live");
  if (!live) { return; }
  var POLL_EVERY_MS = 5000;
  var pollUrl = live.getAttribute("data-poll-url");
  var ticketId = live.getAttribute("data-ticket-id");
  var after = parseInt(live.getAttribute("data-after") || "0", 10);
  var prefs = { sound: live.getAttribute("data-sound") === "1", popup: live.getAttribute("data-popup") === "1" };
  var noticesBox = document.getElementById("assist-notices");
  var chat = document.getElementById("assist-chat");
  var seenNotices = null;  // the first poll fills it silently
  var mine = {};  // ids of the lines this page sent: no sound for them

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function beep() {
    if (!prefs.sound) { return; }
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var ctx = new Ctx();
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.1;
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.2);
    } catch (e) { /* no audio: the notice is still shown */ }
  }

  function popUp(title, text, href) {
    if (!prefs.popup) { return; }
    var box = document.getElementById("assist-toasts");
    if (!box || !window.bootstrap) { return; }
    var toast = el("div", "toast");
    toast.setAttribute("role", "status");
    toast.setAttribute("aria-live", "polite");
    var header = el("div", "toast-header");
    header.appendChild(el("strong", "me-auto", title));
    var body = el("div", "toast-body", text);
    if (href) {
      var link = el("a", "d-block", live.getAttribute("data-open-label"));
      link.href = href;
      body.appendChild(link);
    }
    toast.appendChild(header);
    toast.appendChild(body);
    box.appendChild(toast);
    new window.bootstrap.Toast(toast, { delay: 8000 }).show();
  }

  function showNotices(notices) {
    var fresh = [];
    noticesBox.textContent = "";
    notices.forEach(function (n) {
      var alert = el("div", "alert alert-warning d-flex justify-content-between align-items-center py-2");
      alert.setAttribute("data-request-id", n.request_id);
      var text = live.getAttribute("data-notice-title") + " — " + n.agent + " · #" + n.ticket_id + " " +
        n.subject + " — " + n.reason;
      alert.appendChild(el("span", "", text));
      var link = el("a", "btn btn-sm btn-warning", live.getAttribute("data-open-label"));
      link.href = n.url;
      alert.appendChild(link);
      noticesBox.appendChild(alert);
      if (seenNotices !== null && seenNotices.indexOf(n.request_id) === -1) { fresh.push(n); }
    });
    var ids = notices.map(function (n) { return n.request_id; });
    if (fresh.length) {
      beep();
      popUp(live.getAttribute("data-notice-title"), fresh[0].agent + " — " + fresh[0].subject, fresh[0].url);
    }
    seenNotices = ids;
  }

  function inView(node) {
    var box = node.getBoundingClientRect();
    return !document.hidden && box.bottom > 0 && box.top < window.innerHeight;
  }

  function lineText(m) {
    var template = chat && chat.getAttribute("data-text-" + m.kind);
    if (template) { return template.replace("{name}", m.author || ""); }
    return (m.author ? m.author + ": " : "") + (m.body || "");
  }

  function showMessages(messages) {
    var changed = false;
    messages.forEach(function (m) {
      after = Math.max(after, m.id);
      if (!chat || String(m.request_id) !== chat.getAttribute("data-request-id")) { return; }
      if (chat.querySelector('[data-message-id="' + m.id + '"]')) { return; }
      var li = el("li", "list-group-item small", lineText(m));
      li.setAttribute("data-message-id", m.id);
      li.setAttribute("data-kind", m.kind);
      chat.appendChild(li);
      if (m.kind !== "message") { changed = true; }
      if (!mine[m.id]) {
        beep();
        // A pop-up only when the chat is out of sight: never over the chat box it announces.
        if (!inView(chat)) { popUp(live.getAttribute("data-message-title"), lineText(m), null); }
      }
    });
    if (changed) { refreshAssistance(); }
  }

  // The request changed state (accepted, done, cancelled, expired): the ticket page's assistance
  // section is fetched again and swapped in, so its buttons ("Mark done"…) match without a reload.
  function refreshAssistance() {
    var section = document.getElementById("assistance");
    if (!section) { return; }
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        var fresh = html && new DOMParser().parseFromString(html, "text/html").getElementById("assistance");
        if (!fresh) { throw new Error("no assistance section"); }
        section.replaceWith(document.importNode(fresh, true));
        bindAssistance();
      })
      .catch(function () {
        var status = document.getElementById("assist-status");
        if (status && chat) { status.textContent = chat.getAttribute("data-text-changed"); }
      });
  }

  function checkExpiry() {
    var status = document.getElementById("assist-status");
    if (!status || status.getAttribute("data-status") !== "waiting") { return; }
    if (Date.now() >= Date.parse(status.getAttribute("data-expires-at"))) {
      status.textContent = status.getAttribute("data-expired-text");
      status.setAttribute("data-status", "expired");
    }
  }

  function poll() {
    var url = pollUrl + "?after=" + after + (ticketId ? "&ticket_id=" + ticketId : "");
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        showNotices(data.notices);
        showMessages(data.messages);
        checkExpiry();
      })
      .catch(function () { /* try again at the next tick */ });
  }

  function postForm(form) {
    return fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); });
  }

  function bindAssistance() {
    chat = document.getElementById("assist-chat");
    var messageForm = document.getElementById("assist-message-form");
    if (!messageForm) { return; }
    messageForm.addEventListener("submit", function (event) {
      event.preventDefault();
      postForm(messageForm).then(function (result) {
        if (result.ok) {
          mine[result.data.message_id] = true;
          messageForm.querySelector("[name=body]").value = "";
          poll();
        } else {
          window.alert(result.data.error);
        }
      });
    });
  }
  bindAssistance();

  var prefsForm = document.getElementById("agent-prefs");
  if (prefsForm) {
    prefsForm.querySelectorAll(".js-hide").forEach(function (b) { b.classList.add("d-none"); });
    prefsForm.addEventListener("change", function () {
      postForm(prefsForm).then(function (result) {
        if (result.ok) { prefs.sound = result.data.play_sound; prefs.popup = result.data.pop_up; }
      });
    });
  }

  // Field conditions (agent audience), mirrored from the server, which stays the authority.
  document.querySelectorAll("form.js-conditions").forEach(function (form) {
    var conditional = form.querySelectorAll("[data-shown-when]");
    if (!conditional.length) { return; }
    function valuesOf(name) {
      var values = [];
      form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
        if (input.type === "checkbox") { values.push(input.checked ? "true" : "false"); }
        else if (input.multiple) {
          Array.prototype.forEach.call(input.selectedOptions, function (o) { values.push(o.value); });
        } else { values.push(input.value); }
      });
      return values;
    }
    function refresh() {
      conditional.forEach(function (wrapper) {
        var rules = JSON.parse(wrapper.getAttribute("data-shown-when"));
        var shown = rules.some(function (rule) { return valuesOf(rule[0]).indexOf(rule[1]) !== -1; });
        wrapper.classList.toggle("d-none", !shown);
      });
    }
    form.addEventListener("change", refresh);
    refresh();
  });

  // Only agents of the chosen group can be assigned (the server refuses the others too): their
  // options are disabled, and changing the group drops an assignee who is not in it. The choice
  // the page opened with is never touched, so loading it changes nothing.
  document.querySelectorAll("select[data-limits-assignees]").forEach(function (groupSelect) {
    var assigneeSelect = document.getElementById(groupSelect.getAttribute("data-limits-assignees"));
    if (!assigneeSelect || groupSelect.disabled) { return; }
    function limit(changed) {
      var group = groupSelect.value;
      Array.prototype.forEach.call(assigneeSelect.options, function (option) {
        var groups = option.getAttribute("data-groups");
        if (groups === null) { return; }  // "nobody"
        var allowed = !group || groups.split(" ").indexOf(group) !== -1;
        if (!allowed && option.selected) {
          if (!changed) { return; }
          assigneeSelect.value = "";
        }
        option.disabled = !allowed;
      });
    }
    groupSelect.addEventListener("change", function () { limit(true); });
    limit(false);
  });

  poll();
  window.setInterval(poll, POLL_EVERY_MS);
})();
