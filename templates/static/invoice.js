// Progressive enhancement for the invoice page: a Copy button beside the
// read-only download link (the button stays hidden without JavaScript; the
// link can still be selected and copied by hand).
(function () {
  var buttons = document.querySelectorAll('button[data-copy]');
  Array.prototype.forEach.call(buttons, function (btn) {
    var input = document.getElementById(btn.getAttribute('data-copy'));
    if (!input) return;
    btn.hidden = false;
    input.addEventListener('focus', function () { input.select(); });
    btn.addEventListener('click', function () {
      function done(ok) {
        btn.textContent = ok ? 'Copied' : 'Press Ctrl+C';
        btn.classList.toggle('copied', ok);
        setTimeout(function () { btn.textContent = 'Copy'; btn.classList.remove('copied'); }, 2000);
      }
      input.focus();
      input.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () { done(true); }, function () {
          done(document.execCommand && document.execCommand('copy'));
        });
      } else {
        var ok = false;
        try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
        done(ok);
      }
    });
  });
})();
