/* Browser station: the scanner types into a hidden input; each Enter posts one scan.
 * Scans are sent one at a time and in order (the server's workflow depends on it); a scan whose
 * answer did not arrive is sent again with the same event id, which the server answers from
 * its store instead of applying twice. No inline scripts (CSP). */
(function () {
  "use strict";

  var body = document.body;
  var input = document.getElementById("scan");
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var scanUrl = body.dataset.scanUrl;
  var loginUrl = body.dataset.loginUrl;
  var reportUrl = body.dataset.reportUrl;
  var blockUrl = body.dataset.blockUrl;
  var audio = null;
  var RESULTS = ["idle", "ok", "error", "action_required", "offline"];
  var GS = String.fromCharCode(29);

  function keepFocus() {
    if (document.activeElement !== input) { input.focus({ preventScroll: true }); }
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    // Plain-HTTP pages are not a secure context: build the UUID from getRandomValues.
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  // --- sound: WebAudio beeps (the audio context starts on the first key, a user gesture) ---
  function tone(freq, start, length) {
    var osc = audio.createOscillator();
    var gain = audio.createGain();
    osc.frequency.value = freq;
    osc.type = "square";
    gain.gain.value = 0.15;
    osc.connect(gain);
    gain.connect(audio.destination);
    osc.start(audio.currentTime + start);
    osc.stop(audio.currentTime + start + length);
  }

  function beep(sound) {
    // What was played last, and whether audio runs (support and tests can see both).
    body.dataset.sound = sound || "";
    body.dataset.audio = audio ? audio.state : "off";
    if (!audio) { return; }
    if (sound === "ok") { tone(1320, 0, 0.08); }
    else if (sound === "attention") { tone(880, 0, 0.1); tone(880, 0.16, 0.1); }
    else if (sound === "error") { tone(220, 0, 0.35); tone(180, 0.45, 0.35); }
  }

  function startAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) { audio = new Context(); }
    if (audio && audio.state === "suspended") { audio.resume(); }
  }

  // --- showing an answer ---
  function setText(id, text) { document.getElementById(id).textContent = text || "—"; }

  function setResult(result) {
    RESULTS.forEach(function (r) { body.classList.remove("result-" + r); });
    body.classList.add("result-" + (RESULTS.indexOf(result) >= 0 ? result : "idle"));
  }

  function fillList(id, items, makeItem) {
    var list = document.getElementById(id);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    items.forEach(function (item) { list.appendChild(makeItem(item)); });
  }

  function labelItem(label) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = label.url;
    a.target = "_blank";
    a.rel = "noopener";
    a.textContent = label.title;
    li.appendChild(a);
    return li;
  }

  function show(answer) {
    setResult(answer.result);
    document.getElementById("prompt").textContent = answer.prompt;
    setText("operator", answer.operator);
    setText("work", answer.work);
    if (answer.printer) { setText("printer", answer.printer); }
    fillList("warnings", answer.warnings || [], function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      return li;
    });
    var labels = answer.labels || [];
    document.getElementById("labels-box").hidden = labels.length === 0;
    fillList("labels", labels, labelItem);
    if (answer.commands) { showCommands(answer.commands); }
    beep(answer.sound);
  }

  // Buttons for the commands valid at the next step; a tap is the same as scanning CMD:….
  function showCommands(commands) {
    var nav = document.getElementById("commands");
    nav.hidden = commands.length === 0;
    fillList("commands-grid", commands, function (command) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cmd " + (command.group || "");
      button.dataset.code = command.code;
      button.textContent = command.label;
      return button;
    });
  }

  document.getElementById("commands").addEventListener("click", function (event) {
    var button = event.target.closest("button.cmd");
    if (!button) { return; }
    startAudio();
    submit(button.dataset.code);
  });

  // --- the journal: stored first, sent in order, replayed exactly once (event ids) ---
  var journal = null;
  var online = true;
  var sending = false;
  var retryTimer = null;
  var retryDelay = 500;
  var replayed = [];  // labels of scans answered on replay: all of them wait to be printed
  var texts = JSON.parse(body.dataset.texts || "{}");
  var receiptRole = body.dataset.role === "receipt" || body.dataset.role === "universal";
  var LPN_LOW_WATER = 50;

  function say(key, params) {
    return (texts[key] || key).replace(/\{(\w+)\}/g, function (_m, name) {
      return params && params[name] !== undefined ? params[name] : "";
    });
  }

  function setQueued(count) {
    body.dataset.queued = String(count);
    var banner = document.getElementById("queue-banner");
    banner.hidden = count === 0 && online;
    banner.textContent = online ? say("syncing", { queued: count }) :
      say("offline", { queued: count });
  }

  function refreshQueued() {
    return journal.backlog().then(setQueued);
  }

  function gtinOk(digits) {
    if (!/^\d+$/.test(digits) || [8, 12, 13, 14].indexOf(digits.length) < 0) { return false; }
    var total = 0;
    for (var i = digits.length - 2, w = 3; i >= 0; i--, w = 4 - w) { total += w * +digits[i]; }
    return (10 - total % 10) % 10 === +digits[digits.length - 1];
  }

  function isProductCode(code) {
    var marking = code.length > 18 && code.slice(0, 2) === "01" && gtinOk(code.slice(2, 16)) &&
      code.slice(16, 18) === "21" && code[18] !== GS;
    return marking || gtinOk(code);
  }

  function post(url, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(payload)
    }).then(function (response) {
      // 5xx and a dropped connection are the same for us: the server did not answer.
      if (response.status >= 500) { throw new Error("HTTP " + response.status); }
      return response.text().then(function (text) {
        var data = null;
        try { data = JSON.parse(text); } catch (e) { data = null; }
        return { status: response.status, data: data };
      });
    });
  }

  function offlineAnswer(prompt, sound) {
    setResult("offline");
    document.getElementById("prompt").textContent = prompt;
    beep(sound);
  }

  /** What the operator is told when a scan cannot reach the server (receipt keeps going). */
  function handleOffline(entry) {
    if (entry.offline) { return Promise.resolve(); }
    entry.offline = true;
    var take = receiptRole && isProductCode(entry.code) ?
      journal.assignLpn(entry.seq) : Promise.resolve(null);
    return take.then(function (lpn) {
      entry.lpn = lpn;
      return journal.update(entry.seq, { offline: true, lpn: lpn });
    }).then(function () { return journal.backlog(); }).then(function (queued) {
      setQueued(queued);
      if (entry.lpn) {
        offlineAnswer(say("offline_unit", { lpn: entry.lpn, queued: queued }), "ok");
      } else if (receiptRole && isProductCode(entry.code)) {
        offlineAnswer(say("offline_no_lpn", { queued: queued }), "error");
      } else {
        offlineAnswer(say("offline", { queued: queued }), "attention");
      }
    });
  }

  function wentOffline() {
    online = false;
    body.dataset.online = "false";
    // Every scan still waiting gets its offline answer (in order: LPNs follow the scans).
    return journal.entries().then(function (all) {
      var waiting = all.filter(function (e) { return e.status === "pending" && !e.offline; });
      return waiting.reduce(function (chain, e) {
        return chain.then(function () { return handleOffline(e); });
      }, Promise.resolve());
    }).then(function () {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(kick, retryDelay);
      retryDelay = Math.min(5000, retryDelay * 2);
    });
  }

  function labelsOf(answer) { return answer.labels || []; }

  function settle(entry, reply) {
    if (reply.status === 401) { window.location.assign(loginUrl); return Promise.resolve(false); }
    var wasOffline = entry.offline;
    if (reply.status === 200 && reply.data) {
      var answer = reply.data;
      var failed = answer.result === "error" && wasOffline;
      var mismatch = wasOffline && entry.lpn && answer.lpn && answer.lpn !== entry.lpn;
      return journal.update(entry.seq, {
        status: failed || mismatch ? "failed" : "sent", answer: answer
      }).then(function () {
        if (!wasOffline) { replayed = []; show(answer); return true; }
        replayed = replayed.concat(labelsOf(answer));
        if (failed || mismatch) {
          var error = mismatch ? "lpn_mismatch " + entry.lpn + " → " + answer.lpn : answer.prompt;
          show({ result: "error", sound: "error", warnings: [], labels: replayed,
                 prompt: say("replay_failed", { code: entry.code, error: error }) });
          return report(entry, mismatch ? "lpn_mismatch" : "error", error).then(function () {
            return true;
          });
        }
        return true;
      });
    }
    var problem = reply.data && reply.data.error;
    var message = (problem && problem.message) || "HTTP " + reply.status;
    return journal.update(entry.seq, { status: "failed", error: message }).then(function () {
      show({ result: "error", sound: "error", prompt: message, warnings: [], labels: [] });
      return wasOffline ? report(entry, "rejected", message) : null;
    }).then(function () { return true; });
  }

  function report(entry, error, detail) {
    return post(reportUrl, { event_id: entry.event_id, code: entry.code, error: error,
                             detail: String(detail || "").slice(0, 4000) })
      .catch(function () { return null; });
  }

  /** Send pending scans in order, one at a time, until none is left or the server is away. */
  function kick() {
    if (sending || !journal) { return; }
    sending = true;
    journal.firstPending().then(function (entry) {
      if (!entry) {
        sending = false;
        finishReplay();
        return null;
      }
      var payload = { event_id: entry.event_id, code: entry.code, scanned_at: entry.scanned_at,
                      offline: !!entry.offline };
      if (entry.lpn) { payload.lpn = entry.lpn; }
      return post(scanUrl, payload).then(function (reply) {
        var back = !online;
        online = true;
        body.dataset.online = "true";
        retryDelay = 500;
        if (back) { topUpLpns(); }
        return settle(entry, reply);
      }, function () {
        return wentOffline().then(function () { return false; });
      }).then(function (progressed) {
        sending = false;
        return refreshQueued().then(function () { if (progressed) { kick(); } });
      });
    }).catch(function (error) {
      sending = false;
      body.dataset.journalError = String(error);
    });
  }

  function finishReplay() {
    refreshQueued();
    if (replayed.length === 0) { return; }
    document.getElementById("labels-box").hidden = false;
    fillList("labels", replayed, labelItem);
    body.dataset.replayedLabels = String(replayed.length);
  }

  function topUpLpns() {
    if (!receiptRole || !journal) { return; }
    journal.lpnsLeft().then(function (left) {
      body.dataset.lpnsLeft = String(left);
      if (left >= LPN_LOW_WATER) { return null; }
      return post(blockUrl, {}).then(function (reply) {
        if (reply.status !== 201 || !reply.data) { return null; }
        return journal.addBlock(reply.data.first, reply.data.last).then(function () {
          return journal.lpnsLeft();
        }).then(function (now) { body.dataset.lpnsLeft = String(now); });
      });
    }).catch(function () { return null; });
  }

  // A station login code is a secret: scanned on the page by mistake, it is not stored or sent.
  var LOGIN_CODE = /^(SL|sl|ЫД|ыд)\d{26}$/;

  function submit(code) {
    if (LOGIN_CODE.test(code.trim())) {
      show({ result: "error", sound: "error", prompt: say("login_code_scanned"), warnings: [],
             labels: [] });
      return;
    }
    document.getElementById("last").textContent = code.split(GS).join("<GS>");
    var scan = { event_id: uuid4(), code: code, scanned_at: new Date().toISOString() };
    if (!journal) { body.dataset.journalError = "no journal"; return; }
    journal.record(scan).then(function (entry) {
      // Offline: the station answers now (an LPN for a unit) and the scan waits its turn.
      return online ? null : handleOffline(entry);
    }).then(kick);
  }

  input.addEventListener("keydown", function (event) {
    startAudio();
    if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      var code = input.value;
      input.value = "";
      if (code.replace(/\s/g, "") !== "") { submit(code); }
    } else if (event.ctrlKey && (event.key === "]" || event.code === "BracketRight")) {
      // Scanners in keyboard mode send the GS1 separator as Ctrl+].
      event.preventDefault();
      input.value += GS;
    }
  });

  // Focus stays on the input whatever the operator touches (labels open in a new tab).
  input.addEventListener("blur", function () { setTimeout(keepFocus, 0); });
  document.addEventListener("click", function () { setTimeout(keepFocus, 0); });
  document.addEventListener("visibilitychange", keepFocus);
  window.addEventListener("focus", keepFocus);
  keepFocus();

  window.addEventListener("online", function () { retryDelay = 500; kick(); });
  window.StationScan = { submit: submit, startAudio: startAudio };
  if ("serviceWorker" in navigator && body.dataset.swUrl) {
    navigator.serviceWorker.register(body.dataset.swUrl, { scope: body.dataset.swScope })
      .then(function () { body.dataset.sw = "registered"; })
      .catch(function (error) { body.dataset.sw = "failed: " + error; });
  }
  window.StationJournal.open("wms-station-" + body.dataset.stationId).then(function (opened) {
    journal = opened;
    body.dataset.journal = "open";
    topUpLpns();
    kick();  // scans left from before a reload go first
  }).catch(function (error) { body.dataset.journalError = String(error); });
}());
