/* sipas thank-you page (after a kiosk submission without JavaScript's fetch path):
   <body data-return-url="/kiosk/demo-31" data-return-seconds="6"> … <span id="countdown">6</span>
   Counts down in #countdown and returns to a fresh form. The page's <meta http-equiv="refresh">
   does the same without JavaScript; this only shows the seconds left and goes back on time. */
(function () {
  'use strict';

  var body = document.body;
  var raw = body && body.getAttribute('data-return-url');
  var seconds = parseInt(body && body.getAttribute('data-return-seconds'), 10);
  if (!raw || !(seconds >= 0)) return;

  var target;
  try { target = new URL(raw, location.href); } catch (e) { return; }
  if (target.origin !== location.origin) return; // only ever back into this app

  var out = document.getElementById('countdown');
  var end = Date.now() + seconds * 1000;
  var shown = -1;

  function tick() {
    var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    if (out && left !== shown) {
      out.textContent = String(left);
      shown = left;
    }
    if (left <= 0) {
      location.replace(target.href);
      return;
    }
    setTimeout(tick, 250);
  }

  tick();
})();
