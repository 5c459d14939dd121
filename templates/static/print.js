// The print layout's Print button: shown only where a script can press it
// (hidden without JavaScript, and on paper through .no-print).
(function () {
  var btn = document.getElementById('print-now');
  if (!btn || !window.print) return;
  btn.hidden = false;
  btn.addEventListener('click', function () { window.print(); });
})();
