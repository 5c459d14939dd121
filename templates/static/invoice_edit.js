// The draft editor's conveniences; the page works without them (the server
// fills a package's values into blank fields when the form is saved).
(function () {
  'use strict';
  // A package chosen: fill the row's blank fields at once.
  document.addEventListener('change', function (ev) {
    var sel = ev.target;
    if (!sel.classList || !sel.classList.contains('pkg')) return;
    var opt = sel.options[sel.selectedIndex];
    if (!opt || !opt.value) return;
    var row = sel.closest('fieldset');
    var fill = { description: 'name', quantity: 'qty', unit_price: 'price', tax_rate: 'rate',
                 tax_description: 'taxdesc', unit_code: 'unit' };
    Object.keys(fill).forEach(function (f) {
      var input = row.querySelector('input[name$="_' + f + '"]');
      if (input && !input.value) input.value = opt.getAttribute('data-' + fill[f]) || '';
    });
  });
  // The customer picker: a filter field over the select's options.
  var filter = document.getElementById('customer-filter');
  var select = document.getElementById('f-customer');
  if (filter && select) {
    filter.closest('.field').hidden = false;
    filter.addEventListener('input', function () {
      var q = filter.value.toLowerCase();
      Array.prototype.forEach.call(select.options, function (o) {
        o.hidden = !!o.value && q !== '' && o.text.toLowerCase().indexOf(q) < 0;
      });
    });
  }
})();
