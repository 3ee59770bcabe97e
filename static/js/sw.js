/* sipas service worker, served at /sw.js (scope /), registered by kiosk.js.
   Keeps the kiosk usable when a tablet reloads while offline:
   - /static/…            cache first (asset URLs carry a version), network on a miss;
   - GET pages /kiosk/…   network first (4 s), the last good copy when offline;
   - everything else (dashboard, admin, API, POSTs) is not touched.
   The responses themselves are queued by kiosk.js in IndexedDB, not here. */
'use strict';

var VERSION = 'v1';
var STATIC_CACHE = 'sipas-static-' + VERSION;
var PAGE_CACHE = 'sipas-pages-' + VERSION;
var STATIC_MAX = 80;
var PAGE_MAX = 12;
var NETWORK_TIMEOUT_MS = 4000;

self.addEventListener('install', function () {
  self.skipWaiting();
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf('sipas-') === 0 && n !== STATIC_CACHE && n !== PAGE_CACHE;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function isStatic(url) {
  return url.origin === self.location.origin && url.pathname.indexOf('/static/') === 0;
}

function isKioskPage(url) {
  return url.origin === self.location.origin && url.pathname.indexOf('/kiosk/') === 0;
}

function cacheable(res) {
  return res && res.ok && res.type === 'basic' && !res.redirected;
}

// Drops the oldest entries beyond max (Cache keys come back in insertion order).
function trim(cacheName, max) {
  return caches.open(cacheName).then(function (cache) {
    return cache.keys().then(function (keys) {
      return Promise.all(keys.slice(0, Math.max(0, keys.length - max)).map(function (k) { return cache.delete(k); }));
    });
  });
}

function put(cacheName, max, request, res) {
  return caches.open(cacheName).then(function (cache) {
    return cache.put(request, res);
  }).then(function () { return trim(cacheName, max); });
}

function cacheFirst(event) {
  var req = event.request;
  return caches.match(req, { cacheName: STATIC_CACHE }).then(function (hit) {
    if (hit) return hit;
    return fetch(req).then(function (res) {
      if (cacheable(res)) event.waitUntil(put(STATIC_CACHE, STATIC_MAX, req, res.clone()));
      return res;
    }, function (err) {
      // offline and never seen at this version: an older version of the same file is better than nothing
      return caches.match(req, { cacheName: STATIC_CACHE, ignoreSearch: true }).then(function (old) {
        if (old) return old;
        throw err;
      });
    });
  });
}

function networkFirst(event) {
  var req = event.request;
  var network = fetch(req).then(function (res) {
    if (cacheable(res)) {
      return put(PAGE_CACHE, PAGE_MAX, req, res.clone()).then(function () { return res; }, function () { return res; });
    }
    return res;
  });
  event.waitUntil(network.catch(function () {}));

  var fromCache = function () {
    return caches.match(req, { cacheName: PAGE_CACHE }).then(function (hit) {
      return hit || caches.match(req, { cacheName: PAGE_CACHE, ignoreSearch: true });
    });
  };

  return new Promise(function (resolve, reject) {
    var settled = false;
    var fallback = function (err) {
      fromCache().then(function (hit) {
        if (settled) return;
        if (hit) { settled = true; resolve(hit); return; }
        if (err) { settled = true; reject(err); }
        // on a timeout with nothing cached, keep waiting for the network
      });
    };
    var timer = setTimeout(function () { fallback(null); }, NETWORK_TIMEOUT_MS);
    network.then(function (res) {
      clearTimeout(timer);
      if (settled) return;
      if (res.status >= 500) {
        fromCache().then(function (hit) { settled = true; resolve(hit || res); });
        return;
      }
      settled = true;
      resolve(res);
    }, function (err) {
      clearTimeout(timer);
      fallback(err || new Error('offline'));
    });
  }).catch(function () {
    return new Response('<!doctype html><meta charset="utf-8"><title>Offline</title>' +
      '<p style="font:1.5rem system-ui,sans-serif;padding:2rem">Mất kết nối mạng. / No connection.</p>', {
      status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' }
    });
  });
}

self.addEventListener('fetch', function (event) {
  var req = event.request;
  if (req.method !== 'GET') return;
  var url = new URL(req.url);
  if (isStatic(url)) {
    event.respondWith(cacheFirst(event));
  } else if (isKioskPage(url) && (req.mode === 'navigate' || (req.headers.get('Accept') || '').indexOf('text/html') !== -1)) {
    event.respondWith(networkFirst(event));
  }
});

// kiosk.js sends the page's own URL and the assets it loaded before this worker controlled it.
self.addEventListener('message', function (event) {
  var d = event.data;
  if (!d || d.type !== 'sipas-precache' || !Array.isArray(d.urls)) return;
  var urls = d.urls.slice(0, 60);
  event.waitUntil(Promise.all(urls.map(function (u) {
    var url;
    try { url = new URL(u, self.location.href); } catch (e) { return null; }
    if (isStatic(url)) {
      return caches.match(url.href, { cacheName: STATIC_CACHE }).then(function (hit) {
        if (hit) return null;
        return fetch(url.href, { credentials: 'same-origin' }).then(function (res) {
          if (cacheable(res)) return put(STATIC_CACHE, STATIC_MAX, url.href, res);
          return null;
        });
      }).catch(function () { return null; });
    }
    if (isKioskPage(url)) {
      return fetch(url.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } }).then(function (res) {
        if (cacheable(res)) return put(PAGE_CACHE, PAGE_MAX, url.href, res);
        return null;
      }).catch(function () { return null; });
    }
    return null;
  })));
});
