/* The browser station's offline journal in IndexedDB, the same model as wms-station's SQLite one:
 * every scan is stored before it is sent, in order (seq); an event id makes a replay apply once;
 * LPNs for offline receipt come from blocks reserved while online. One database per station, so
 * two stations used in one browser never share a queue. No inline scripts (CSP). */
(function () {
  "use strict";

  var LPN_DIGITS = 10;

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function done(tx) {
    return new Promise(function (resolve, reject) {
      tx.oncomplete = function () { resolve(); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error); };
    });
  }

  function formatLpn(number) {
    var digits = String(number);
    while (digits.length < LPN_DIGITS) { digits = "0" + digits; }
    return "LPN" + digits;
  }

  function Journal(db) { this.db = db; }

  /** Store a scan before anything else happens to it; resolves to the stored entry. */
  Journal.prototype.record = function (entry) {
    var tx = this.db.transaction("events", "readwrite");
    var stored = {
      event_id: entry.event_id, code: entry.code, scanned_at: entry.scanned_at,
      status: "pending", lpn: null, offline: false, attempts: 0
    };
    var request = tx.objectStore("events").add(stored);
    return Promise.all([promised(request), done(tx)]).then(function (results) {
      stored.seq = results[0];
      return stored;
    });
  };

  /** The oldest scan not yet answered by the server, or null. */
  Journal.prototype.firstPending = function () {
    var tx = this.db.transaction("events", "readonly");
    var index = tx.objectStore("events").index("status");
    var request = index.openCursor(IDBKeyRange.only("pending"));
    return promised(request).then(function (cursor) { return cursor ? cursor.value : null; });
  };

  Journal.prototype.backlog = function () {
    var tx = this.db.transaction("events", "readonly");
    return promised(tx.objectStore("events").index("status").count(IDBKeyRange.only("pending")));
  };

  Journal.prototype.update = function (seq, changes) {
    var tx = this.db.transaction("events", "readwrite");
    var store = tx.objectStore("events");
    return promised(store.get(seq)).then(function (entry) {
      Object.keys(changes).forEach(function (key) { entry[key] = changes[key]; });
      store.put(entry);
      return done(tx).then(function () { return entry; });
    });
  };

  /** Entries in replay order (tests and support read this). */
  Journal.prototype.entries = function () {
    var tx = this.db.transaction("events", "readonly");
    return promised(tx.objectStore("events").getAll());
  };

  /** Take the next reserved LPN for an offline unit and note it on the entry (one transaction). */
  Journal.prototype.assignLpn = function (seq) {
    var tx = this.db.transaction(["blocks", "events"], "readwrite");
    var blocks = tx.objectStore("blocks");
    var events = tx.objectStore("events");
    var lpn = null;
    promised(blocks.getAll()).then(function (all) {
      var block = all.filter(function (b) { return b.next <= b.last; })[0];
      if (!block) { return null; }
      lpn = formatLpn(block.next);
      block.next += 1;
      blocks.put(block);
      return promised(events.get(seq)).then(function (entry) {
        entry.lpn = lpn;
        events.put(entry);
      });
    });
    return done(tx).then(function () { return lpn; });
  };

  Journal.prototype.addBlock = function (first, last) {
    var tx = this.db.transaction("blocks", "readwrite");
    var start = parseInt(first.slice(3), 10);
    tx.objectStore("blocks").add({ first: start, last: parseInt(last.slice(3), 10), next: start });
    return done(tx);
  };

  Journal.prototype.lpnsLeft = function () {
    var tx = this.db.transaction("blocks", "readonly");
    return promised(tx.objectStore("blocks").getAll()).then(function (blocks) {
      return blocks.reduce(function (sum, b) { return sum + Math.max(0, b.last - b.next + 1); }, 0);
    });
  };

  function open(name) {
    var request = indexedDB.open(name, 1);
    request.onupgradeneeded = function () {
      var db = request.result;
      var events = db.createObjectStore("events", { keyPath: "seq", autoIncrement: true });
      events.createIndex("status", "status");
      events.createIndex("event_id", "event_id", { unique: true });
      db.createObjectStore("blocks", { keyPath: "id", autoIncrement: true });
    };
    return promised(request).then(function (db) { return new Journal(db); });
  }

  window.StationJournal = { open: open, formatLpn: formatLpn };
}());
