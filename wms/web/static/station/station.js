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
  var queue = [];
  var sending = false;
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
    fillList("labels", labels, function (label) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = label.url;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = label.title;
      li.appendChild(a);
      return li;
    });
    beep(answer.sound);
  }

  // --- sending, in order ---
  function refused(message) {
    show({ result: "error", sound: "error", prompt: message, warnings: [], labels: [] });
  }

  function sendNext() {
    if (sending || queue.length === 0) { return; }
    sending = true;
    var scan = queue[0];
    fetch(scanUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ event_id: scan.event_id, code: scan.code })
    }).then(function (response) {
      if (response.status >= 500) { throw new Error("HTTP " + response.status); }
      return response.text().then(function (text) {
        var data = null;
        try { data = JSON.parse(text); } catch (e) { data = null; }
        return { status: response.status, data: data };
      });
    }).then(function (reply) {
      // A verdict: the scan leaves the queue whatever it was.
      queue.shift();
      if (reply.status === 401) { window.location.assign(loginUrl); return; }
      if (reply.status === 200 && reply.data) { show(reply.data); return; }
      var error = reply.data && reply.data.error;
      refused((error && error.message) || "HTTP " + reply.status);
    }).catch(function () {
      // No answer: keep the scan at the head of the queue and send it again with the same
      // event id; the server answers a repeat from its store instead of applying it twice.
      scan.tries = (scan.tries || 0) + 1;
      setResult("offline");
      document.getElementById("prompt").textContent = body.dataset.offline;
      return new Promise(function (resolve) { setTimeout(resolve, Math.min(5000, 500 * scan.tries)); });
    }).then(function () {
      sending = false;
      sendNext();
    });
  }

  function submit(code) {
    document.getElementById("last").textContent = code.split(GS).join("<GS>");
    queue.push({ event_id: uuid4(), code: code });
    sendNext();
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
}());
