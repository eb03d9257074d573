// Frontdesk admin: live inbox over Server-Sent Events, replies without reloading, an in-page alert with sound.
// Every page works without this file (plain forms and links); this only makes it live.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!meta) return; // the sign-in page
  var csrf = meta.content;
  var listPane = document.querySelector("[data-live-list]");
  var threadBox = document.querySelector("[data-live-thread]");
  var conversation = document.getElementById("conversation");
  var conversationId = conversation ? conversation.dataset.id : null;
  var notice = document.getElementById("notice");
  var soundButton = document.getElementById("sound-toggle");
  var audio = null;

  // --- sound: browsers only allow it after a click, so the agent turns it on once (remembered) ---
  function soundOn() { return localStorage.getItem("frontdesk-sound") === "on"; }
  function showSound() {
    soundButton.textContent = soundOn() ? "Sound on" : "Sound off";
    soundButton.setAttribute("aria-pressed", soundOn() ? "true" : "false");
  }
  function beep() {
    if (!soundOn()) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
      [0, 0.18].forEach(function (at, i) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.frequency.value = i ? 1175 : 880;
        gain.gain.setValueAtTime(0.15, audio.currentTime + at);
        gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + at + 0.16);
        osc.connect(gain); gain.connect(audio.destination);
        osc.start(audio.currentTime + at); osc.stop(audio.currentTime + at + 0.17);
      });
    } catch (e) { /* no audio device: the banner still shows */ }
  }
  if (soundButton) {
    showSound();
    soundButton.addEventListener("click", function () {
      localStorage.setItem("frontdesk-sound", soundOn() ? "off" : "on");
      showSound();
      beep();
    });
  }

  function notify(text, id) {
    if (!notice) return;
    notice.textContent = text + " ";
    if (id) {
      var link = document.createElement("a");
      link.href = "/admin/conversations/" + encodeURIComponent(id);
      link.textContent = "Open";
      notice.appendChild(link);
    }
    notice.hidden = false;
    document.title = "• " + document.title.replace(/^• /, "");
    beep();
  }
  window.addEventListener("focus", function () { document.title = document.title.replace(/^• /, ""); });

  // --- partial refreshes, debounced ---
  var timers = {};
  function later(key, fn) { clearTimeout(timers[key]); timers[key] = setTimeout(fn, 120); }
  var fresh = {};
  function refreshList() {
    if (!listPane) return;
    var list = document.getElementById("conversation-list");
    var params = new URLSearchParams({ filter: list.dataset.filter, q: list.dataset.q });
    if (conversationId) params.set("selected", conversationId);
    fetch("/admin/inbox/list?" + params, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        listPane.innerHTML = html;
        Object.keys(fresh).forEach(function (id) {
          var row = listPane.querySelector('li[data-id="' + id + '"]');
          if (row) row.classList.add("fresh");
        });
        fresh = {};
      }).catch(function (status) { if (status === 401) location.reload(); });
  }
  function refreshThread() {
    if (!threadBox) return;
    fetch("/admin/conversations/" + encodeURIComponent(conversationId) + "/thread",
          { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { threadBox.innerHTML = html; scrollDown(); })
      .catch(function (status) { if (status === 401) location.reload(); });
  }
  function scrollDown() {
    var messages = document.getElementById("messages");
    if (messages) messages.scrollTop = messages.scrollHeight;
  }
  scrollDown();

  // --- live events ---
  var source = new EventSource("/admin/events");
  var connectedBefore = false;
  source.addEventListener("open", function () {
    if (connectedBefore) { later("list", refreshList); later("thread", refreshThread); } // catch up after a drop
    connectedBefore = true;
  });
  source.addEventListener("message", function (e) {
    var ev = JSON.parse(e.data);
    fresh[ev.conversation_id] = true;
    later("list", refreshList);
    if (ev.conversation_id === conversationId) {
      later("thread", refreshThread);
      var bar = document.getElementById("status-bar");
      if (ev.role === "customer" && bar && bar.dataset.status === "handoff" && !document.hasFocus()) notify("The customer replied.", null);
    }
  });
  source.addEventListener("status", function (e) {
    var ev = JSON.parse(e.data);
    fresh[ev.conversation_id] = true;
    later("list", refreshList);
    if (ev.conversation_id === conversationId) later("thread", refreshThread);
    if (ev.status === "handoff" && !ev.agent) notify("A customer needs a person.", ev.conversation_id);
  });

  // --- acting without reloading ---
  function post(form) {
    return fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (r) {
      return r.json().then(function (body) { if (!r.ok) throw new Error(body.error || r.status); return body; });
    });
  }
  var replyForm = document.getElementById("reply-form");
  if (replyForm) {
    var box = replyForm.querySelector("textarea");
    replyForm.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!box.value.trim()) return;
      var button = replyForm.querySelector("button");
      button.disabled = true;
      post(replyForm).then(function () { box.value = ""; refreshThread(); refreshList(); })
        .catch(function (err) { notify("Not sent: " + err.message, null); })
        .then(function () { button.disabled = false; box.focus(); });
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); replyForm.requestSubmit(); }
    });
  }
  document.querySelectorAll("form[data-action]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      post(form).then(function () { refreshThread(); refreshList(); })
        .catch(function (err) { notify("Could not do that: " + err.message, null); });
    });
  });
})();
