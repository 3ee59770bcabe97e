/* sipas kiosk: progressive enhancement of the server-rendered questionnaire (form#kiosk-form).
   Without this file the form is one long page that posts normally. With it:
   - one question per screen, progress, Back/Next, auto-advance after a tap;
   - reset to a fresh form after inactivity;
   - submission with fetch; if the network or the server is down, the response is kept in
     IndexedDB (idb-keyval, or localStorage as a fallback) and sent again later, idempotently by
     its response_id;
   - a service worker (/sw.js) keeps the page and its assets for an offline reload;
   - at a kiosk (data-mode="kiosk"), every request and a report each minute (data-ping-url) tell
     the server the script's version and how many answers wait in the queue: no personal data.
   On a citizen's phone (data-mode="phone") the form never resets itself and no service worker is
   registered; in the designer's preview (data-mode="preview") nothing is posted or queued.
   Plain ES2017, no build step. Load after /static/vendor/idb-keyval/idb-keyval.umd.js (both defer). */
(function () {
  'use strict';

  var QUEUE_PREFIX = 'sipas-queue:';
  var SUBMIT_TIMEOUT_MS = 15000;
  var FLUSH_TIMEOUT_MS = 20000;
  var FLUSH_EVERY_MS = 30000;
  var AUTO_ADVANCE_MS = 250;
  var PING_EVERY_MS = 60000;
  // Outcomes of a queued POST after which retrying cannot help: drop the entry.
  var PERMANENT = [400, 404, 409, 410, 413, 422];
  // A queued answer refused for another reason (a device to register again) is kept this long.
  var KEEP_REFUSED_MS = 7 * 24 * 3600 * 1000;

  var form = document.getElementById('kiosk-form');
  var mode = (form && form.dataset.mode) || 'kiosk';
  var pingUrl = form && form.dataset.pingUrl;
  var appVersion = (form && form.dataset.appVersion) || '';
  var queued = 0; // answers in the offline queue, as last counted

  /* ------------------------------------------------------------------ ids */

  function newId() {
    var c = window.crypto || window.msCrypto;
    if (c && typeof c.randomUUID === 'function') {
      try { return c.randomUUID(); } catch (e) { /* insecure context: fall through */ }
    }
    var b = new Uint8Array(16);
    if (c && typeof c.getRandomValues === 'function') {
      c.getRandomValues(b);
    } else {
      for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    }
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    var h = [];
    for (var j = 0; j < 16; j++) h.push((b[j] + 0x100).toString(16).slice(1));
    return h.slice(0, 4).join('') + '-' + h.slice(4, 6).join('') + '-' + h.slice(6, 8).join('') + '-' +
      h.slice(8, 10).join('') + '-' + h.slice(10, 16).join('');
  }

  /* ---------------------------------------------------------------- queue */
  // Entries: key 'sipas-queue:<response_id>' → {url, body, queued_at}. IndexedDB first; if it is
  // missing or refuses (private mode), localStorage. Both are read when flushing.

  var idb = window.idbKeyval && typeof window.idbKeyval.set === 'function' && 'indexedDB' in window ? window.idbKeyval : null;
  var idbUsable = null; // Promise<boolean>, probed once

  // Calls an idb-keyval function; a synchronous throw (indexedDB.open refused) becomes a rejection.
  function idbCall(name, args) {
    return new Promise(function (resolve) { resolve(idb[name].apply(idb, args)); });
  }

  function probeIdb() {
    if (!idbUsable) {
      idbUsable = idb ? idbCall('keys', []).then(function () { return true; }, function (err) {
        console.warn('sipas: IndexedDB unavailable, using localStorage for the offline queue', err);
        return false;
      }) : Promise.resolve(false);
    }
    return idbUsable;
  }

  function lsAvailable() {
    try {
      var k = '__sipas_probe';
      window.localStorage.setItem(k, '1');
      window.localStorage.removeItem(k);
      return true;
    } catch (e) {
      return false;
    }
  }

  function lsPut(key, value) {
    window.localStorage.setItem(key, JSON.stringify(value)); // throws when full or disabled
  }

  function queuePut(key, value) {
    return probeIdb().then(function (ok) {
      if (!ok) { lsPut(key, value); return; }
      return idbCall('set', [key, value]).catch(function (err) {
        console.warn('sipas: IndexedDB write failed, using localStorage', err);
        lsPut(key, value);
      });
    });
  }

  function queueList() {
    return probeIdb().then(function (ok) {
      var fromIdb = ok ? idbCall('entries', []).then(function (rows) {
        return rows.filter(function (r) {
          return typeof r[0] === 'string' && r[0].indexOf(QUEUE_PREFIX) === 0;
        }).map(function (r) { return { key: r[0], value: r[1], where: 'idb' }; });
      }, function () { return []; }) : Promise.resolve([]);
      return fromIdb.then(function (list) {
        if (lsAvailable()) {
          for (var i = 0; i < window.localStorage.length; i++) {
            var k = window.localStorage.key(i);
            if (!k || k.indexOf(QUEUE_PREFIX) !== 0) continue;
            var v = null;
            try { v = JSON.parse(window.localStorage.getItem(k)); } catch (e) { v = null; }
            list.push({ key: k, value: v, where: 'ls' });
          }
        }
        // oldest first
        list.sort(function (a, b) {
          var qa = (a.value && a.value.queued_at) || '', qb = (b.value && b.value.queued_at) || '';
          return qa < qb ? -1 : qa > qb ? 1 : 0;
        });
        return list;
      });
    });
  }

  function queueDelete(item) {
    if (item.where === 'ls') {
      try { window.localStorage.removeItem(item.key); } catch (e) { /* ignore */ }
      return Promise.resolve();
    }
    return idbCall('del', [item.key]);
  }

  /* ----------------------------------------------------------------- HTTP */

  // The kiosk's report to the server: its script version and queue length (kiosk mode only).
  function reportHeaders(h) {
    if (mode === 'kiosk') {
      h['X-Sipas-Kiosk-Version'] = appVersion;
      h['X-Sipas-Queue'] = String(queued);
    }
    return h;
  }

  function post(url, body, timeoutMs) {
    var ctrl = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, timeoutMs) : 0;
    return fetch(url, {
      method: 'POST',
      headers: reportHeaders({
        'Accept': 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8'
      }),
      body: body,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: ctrl ? ctrl.signal : undefined
    }).then(function (res) {
      clearTimeout(timer);
      return res;
    }, function (err) {
      clearTimeout(timer);
      throw err;
    });
  }

  // Transient: worth keeping and retrying later.
  function isTransient(status) {
    return status >= 500 || status === 408 || status === 429;
  }

  var flushing = false;

  // Sends every queued response again, oldest first. One flush at a time; stops at the first
  // network error or transient status (the server or the link is down, the rest would fail too).
  function flush() {
    if (flushing) return Promise.resolve();
    if (navigator.onLine === false) return Promise.resolve();
    flushing = true;
    return Promise.resolve().then(queueList).then(function (items) {
      var i = 0;
      var left = items.length;
      queued = left;
      function drop(item) {
        left--;
        queued = left;
        return queueDelete(item).then(next);
      }
      function next() {
        if (i >= items.length) return undefined;
        var item = items[i++];
        var v = item.value;
        if (!v || typeof v.url !== 'string' || typeof v.body !== 'string') {
          console.warn('sipas: dropping a malformed queue entry', item.key);
          return drop(item);
        }
        return post(v.url, v.body, FLUSH_TIMEOUT_MS).then(function (res) {
          if (res.ok) return drop(item);
          if (PERMANENT.indexOf(res.status) !== -1) {
            console.warn('sipas: queued response ' + item.key + ' refused with ' + res.status + '; dropped');
            return drop(item);
          }
          if (isTransient(res.status)) return undefined; // try again later
          // e.g. 403 for a device to register (again): kept a while, it may go through then;
          // a revoked device's answers are dropped at once, and nothing is kept for ever.
          return res.json().then(function (j) { return j && j.code; }, function () { return ''; }).then(function (code) {
            var age = Date.now() - Date.parse(v.queued_at || '');
            if (code === 'device_revoked' || !(age < KEEP_REFUSED_MS)) {
              console.warn('sipas: queued response ' + item.key + ' refused (' + (code || res.status) + '); dropped');
              return drop(item);
            }
            return next();
          });
        }, function () {
          return undefined; // offline
        });
      }
      return next();
    }).catch(function (err) {
      console.warn('sipas: flushing the offline queue failed', err);
    }).then(function () {
      flushing = false;
    });
  }

  /* ---------------------------------------------------------------- setup */

  function registerServiceWorker() {
    if (!('serviceWorker' in navigator)) return;
    var go = function () {
      navigator.serviceWorker.register('/sw.js', { scope: '/' }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function (reg) {
        if (!reg.active) return;
        var urls = [location.href];
        var add = function (u) {
          try {
            var x = new URL(u, location.href);
            if (x.origin === location.origin && x.pathname.indexOf('/static/') === 0 && urls.indexOf(x.href) === -1) urls.push(x.href);
          } catch (e) { /* ignore */ }
        };
        Array.prototype.forEach.call(document.querySelectorAll('script[src]'), function (s) { add(s.src); });
        Array.prototype.forEach.call(document.querySelectorAll('link[rel~="stylesheet"][href], link[rel~="icon"][href], link[rel="manifest"][href]'), function (l) { add(l.href); });
        if (window.performance && typeof performance.getEntriesByType === 'function') {
          performance.getEntriesByType('resource').forEach(function (e) { add(e.name); });
        }
        reg.active.postMessage({ type: 'sipas-precache', urls: urls });
      }).catch(function (err) {
        console.warn('sipas: service worker not registered', err);
      });
    };
    if (document.readyState === 'complete') go(); else window.addEventListener('load', go);
  }

  function startQueue() {
    setTimeout(flush, 1000);
    window.addEventListener('online', function () { flush(); });
    setInterval(flush, FLUSH_EVERY_MS);
  }

  // Tells the server, while online, that this kiosk is alive, which version it runs and how
  // many answers wait in its queue (the server writes it at most once a minute).
  function ping() {
    if (!pingUrl || navigator.onLine === false || typeof window.fetch !== 'function') return;
    queueList().then(function (items) {
      queued = items.length;
      return post(pingUrl, '', SUBMIT_TIMEOUT_MS);
    }).catch(function () { /* offline: the next ping will tell */ });
  }

  if (mode !== 'preview') {
    if (mode === 'kiosk') registerServiceWorker();
    startQueue();
  }
  if (mode === 'kiosk' && pingUrl) {
    setTimeout(ping, 3000);
    setInterval(ping, PING_EVERY_MS);
  }

  if (!form || typeof window.fetch !== 'function' || typeof window.FormData !== 'function' || typeof window.URLSearchParams !== 'function') {
    return; // the form keeps working the plain way
  }

  var ds = form.dataset;
  var lang = (form.querySelector('input[name="lang"]') || {}).value || document.documentElement.lang || 'vi';
  var en = lang.indexOf('en') === 0;
  var msg = {
    next: ds.msgNext || (en ? 'Next' : 'Tiếp'),
    back: ds.msgBack || (en ? 'Back' : 'Quay lại'),
    thanks: ds.msgThanks || (en ? 'Thank you!' : 'Cảm ơn Ông/Bà!'),
    offline: ds.msgOffline || (en ? 'Your answers are saved and will be sent when the connection is back.' : 'Ý kiến của Ông/Bà đã được lưu và sẽ được gửi khi có kết nối mạng.'),
    progress: ds.msgProgress || (en ? 'Question {n}/{total}' : 'Câu {n}/{total}'),
    error: ds.msgError || (en ? 'Your answers could not be sent. Please try again.' : 'Chưa gửi được ý kiến. Xin Ông/Bà vui lòng thử lại.')
  };
  var resetMs = Math.max(10, parseInt(ds.resetSeconds, 10) || 90) * 1000;
  var thanksMs = Math.max(1, parseInt(ds.thanksSeconds, 10) || 6) * 1000;

  var idInput = form.querySelector('input[name="response_id"]');
  var errorBox = form.querySelector('.error-box');
  var actions = form.querySelector('.actions');
  var submitBtn = form.querySelector('button[type="submit"], input[type="submit"]');
  var questions = Array.prototype.slice.call(form.querySelectorAll('fieldset.question'));
  var sections = Array.prototype.slice.call(form.querySelectorAll('section.element'));
  var intro = document.querySelector('.intro');

  if (!errorBox) {
    errorBox = document.createElement('div');
    errorBox.className = 'error-box';
    errorBox.setAttribute('role', 'alert');
    errorBox.hidden = true;
    form.insertBefore(errorBox, form.firstChild);
  }

  // A fresh id on every load: the page may come from the service worker's cache, whose id was
  // already used.
  if (idInput) idInput.value = newId();

  var busy = false;
  var onThanks = false;
  var idx = 0;
  var advanceTimer = 0;
  var thanksTimer = 0;
  var idleTimer = 0;
  var lastKeyAt = 0;

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = false;
    if (typeof errorBox.scrollIntoView === 'function') errorBox.scrollIntoView({ block: 'nearest' });
  }

  function hideError() {
    errorBox.hidden = true;
    errorBox.textContent = '';
  }

  function setBusy(on) {
    busy = on;
    form.classList.toggle('is-busy', on);
    form.setAttribute('aria-busy', on ? 'true' : 'false');
    if (submitBtn) submitBtn.disabled = on;
  }

  /* --- one question per screen --- */

  var stepper = questions.length > 1 && !!actions;
  var progress, progressText, progressFill, backBtn, nextBtn;

  function sectionOf(q) {
    for (var i = 0; i < sections.length; i++) if (sections[i].contains(q)) return sections[i];
    return null;
  }

  function show(i, moveFocus) {
    clearTimeout(advanceTimer);
    idx = Math.max(0, Math.min(questions.length - 1, i));
    var current = questions[idx];
    var currentSection = sectionOf(current);
    questions.forEach(function (q, k) { q.hidden = k !== idx; });
    sections.forEach(function (s) {
      if (s.querySelector('fieldset.question')) s.hidden = s !== currentSection;
    });
    var n = idx + 1, total = questions.length;
    progressText.textContent = msg.progress.replace('{n}', n).replace('{total}', total);
    progressFill.style.width = (100 * n / total).toFixed(1) + '%';
    if (intro) intro.hidden = idx !== 0;
    backBtn.hidden = idx === 0;
    nextBtn.hidden = idx === total - 1;
    if (submitBtn) submitBtn.classList.toggle('secondary', idx < total - 1);
    if (moveFocus) {
      window.scrollTo(0, 0);
      var legend = current.querySelector('legend') || current;
      try { legend.focus({ preventScroll: true }); } catch (e) { legend.focus(); }
    }
  }

  function markScales() {
    Array.prototype.forEach.call(form.querySelectorAll('.scale'), function (scale) {
      var values = Array.prototype.map.call(scale.querySelectorAll('input[type="radio"]'), function (r) { return r.value; });
      if (values.join(',') === '1,2,3,4,5') scale.classList.add('scale-5');
    });
  }

  function button(cls, text) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = cls;
    b.textContent = text;
    return b;
  }

  function buildStepper() {
    form.classList.add('is-stepper');
    questions.forEach(function (q) {
      var legend = q.querySelector('legend');
      if (legend) legend.setAttribute('tabindex', '-1');
    });

    progress = document.createElement('div');
    progress.className = 'progress';
    progressText = document.createElement('span');
    progressText.className = 'progress-text';
    var bar = document.createElement('span');
    bar.className = 'progress-bar';
    bar.setAttribute('aria-hidden', 'true');
    progressFill = document.createElement('span');
    bar.appendChild(progressFill);
    progress.appendChild(progressText);
    progress.appendChild(bar);
    errorBox.parentNode.insertBefore(progress, errorBox.nextSibling);

    backBtn = button('secondary nav-back', '‹ ' + msg.back);
    nextBtn = button('nav-next', msg.next + ' ›');
    actions.insertBefore(nextBtn, actions.firstChild);
    actions.insertBefore(backBtn, nextBtn);

    backBtn.addEventListener('click', function () { show(idx - 1, true); });
    nextBtn.addEventListener('click', function () { show(idx + 1, true); });

    form.addEventListener('keydown', function (e) {
      lastKeyAt = Date.now();
      var t = e.target;
      // Enter on a choice goes to the next question instead of sending the whole form early.
      if (e.key === 'Enter' && t && t.type === 'radio' && idx < questions.length - 1) {
        e.preventDefault();
        show(idx + 1, true);
      }
    });

    // A tap on a choice (not a keyboard move between radios) advances after a short pause.
    form.addEventListener('click', function (e) {
      var t = e.target;
      if (!t || t.type !== 'radio' || Date.now() - lastKeyAt < 500) return;
      if (!questions[idx].contains(t) || idx >= questions.length - 1) return;
      clearTimeout(advanceTimer);
      advanceTimer = setTimeout(function () { show(idx + 1, true); }, AUTO_ADVANCE_MS);
    });

    // after a server-side error, start at the question it names
    var invalid = form.querySelector('fieldset.question[aria-invalid="true"]');
    show(invalid ? Math.max(0, questions.indexOf(invalid)) : 0, false);
  }

  /* --- thank-you screen (in the page, so it works offline) --- */

  var thanksEl = document.createElement('div');
  thanksEl.className = 'thanks';
  thanksEl.setAttribute('role', 'status');
  thanksEl.setAttribute('tabindex', '-1');
  thanksEl.hidden = true;
  form.parentNode.insertBefore(thanksEl, form.nextSibling);

  function thank(queued) {
    onThanks = true;
    clearTimeout(advanceTimer);
    thanksEl.textContent = '';
    var title = document.createElement('p');
    title.className = 'thanks-title';
    title.textContent = msg.thanks;
    thanksEl.appendChild(title);
    if (queued) {
      var note = document.createElement('p');
      note.className = 'offline-note';
      note.textContent = msg.offline;
      thanksEl.appendChild(note);
    }
    if (mode === 'phone' && ds.msgClose) {
      var close = document.createElement('p');
      close.textContent = ds.msgClose;
      thanksEl.appendChild(close);
    }
    form.hidden = true;
    if (intro) intro.hidden = true;
    thanksEl.hidden = false;
    window.scrollTo(0, 0);
    try { thanksEl.focus({ preventScroll: true }); } catch (e) { thanksEl.focus(); }
    clearTimeout(thanksTimer);
    if (mode !== 'phone') thanksTimer = setTimeout(resetForm, thanksMs); // a phone is the citizen's own: nothing to reset for the next one
  }

  /* --- reset --- */

  function resetForm() {
    clearTimeout(advanceTimer);
    clearTimeout(thanksTimer);
    onThanks = false;
    form.reset();
    // a page re-rendered after an error has the previous answers as defaults: clear them too
    Array.prototype.forEach.call(form.querySelectorAll('input[type="radio"], input[type="checkbox"]'), function (r) {
      r.checked = false;
      r.defaultChecked = false;
    });
    Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid="true"]'), function (el) {
      el.removeAttribute('aria-invalid');
    });
    if (idInput) idInput.value = newId();
    if (intro) intro.hidden = false;
    hideError();
    setBusy(false);
    thanksEl.hidden = true;
    form.hidden = false;
    if (stepper) show(0, false);
    if (document.activeElement && document.activeElement !== document.body && typeof document.activeElement.blur === 'function') {
      document.activeElement.blur();
    }
    window.scrollTo(0, 0);
  }

  function poke() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(function () {
      if (busy || onThanks) { poke(); return; } // those end by themselves; look again later
      resetForm();
    }, resetMs);
  }

  ['pointerdown', 'keydown', 'touchstart', 'input', 'wheel'].forEach(function (type) {
    document.addEventListener(type, poke, { capture: true, passive: true });
  });

  /* --- submit --- */

  function encode() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === 'string') params.append(name, value);
    });
    return params.toString();
  }

  function queueAndThank(url, body, rid) {
    return queuePut(QUEUE_PREFIX + rid, { url: url, body: body, queued_at: new Date().toISOString() }).then(function () {
      queued++;
      thank(true);
    }, function (err) {
      // Nowhere to keep it: do not pretend it was received.
      console.warn('sipas: could not queue the response', err);
      setBusy(false);
      showError(msg.error);
    });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    if (busy) return;
    if (mode === 'preview') { thank(false); return; } // the designer's preview stores nothing
    clearTimeout(advanceTimer);
    setBusy(true);
    hideError();
    if (idInput && !idInput.value) idInput.value = newId();
    var url = form.action;
    var body = encode();
    var rid = idInput ? idInput.value : newId();

    post(url, body, SUBMIT_TIMEOUT_MS).then(function (res) {
      if (res.ok) {
        thank(false);
        flush();
        return undefined;
      }
      if (isTransient(res.status)) return queueAndThank(url, body, rid);
      // 4xx: the answers cannot be stored as they are; say why and keep them.
      return res.json().then(function (j) {
        return j && typeof j.error === 'string' && j.error ? j.error : msg.error;
      }, function () {
        return msg.error;
      }).then(function (text) {
        setBusy(false);
        showError(text);
      });
    }, function () {
      return queueAndThank(url, body, rid); // network error or timeout
    });
  });

  markScales();
  if (stepper) buildStepper();
  if (mode !== 'phone') poke(); // a citizen's own phone never wipes their answers
})();
