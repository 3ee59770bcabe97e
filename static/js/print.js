/* The report's print button: shown when JavaScript runs, it opens the browser's print
   dialog (where "Save as PDF" is). Without JavaScript the hint beside it says Ctrl+P. */
(function () {
  'use strict';
  var button = document.querySelector('.print-button');
  if (!button) return;
  button.hidden = false;
  button.addEventListener('click', function () { window.print(); });
})();
