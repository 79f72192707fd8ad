/* Service worker of the browser station: the page and its scripts open without the network, so a
 * reload during an outage brings back the scan page and its IndexedDB journal. Scans themselves
 * are never answered here: the page's journal keeps them and replays them (event ids). */
"use strict";

var CACHE = "wms-station-v1";
var SHELL = ["station.js", "journal.js", "station.css", "camera.js"];

function staticUrl(name) {
  return new URL("../static/station/" + name, self.registration.scope + "/").href;
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      // The page itself too: the first visit happened before this worker existed.
      var urls = SHELL.map(staticUrl).concat([self.registration.scope]);
      return Promise.all(urls.map(function (url) {
        return cache.add(url).catch(function () { return null; });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreSearch: true }).then(function (hit) {
      return hit || Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }  // scans go through the page's journal
  var url = new URL(request.url);
  var page = new URL(self.registration.scope);
  var isPage = request.mode === "navigate" && url.pathname === page.pathname;
  var isShell = url.pathname.indexOf("/static/station/") >= 0 ||
    url.pathname.indexOf("/static/vendor/") >= 0;
  if (isPage || isShell) { event.respondWith(networkFirst(request)); }
});
