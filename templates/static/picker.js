// Progressive enhancement for the list's customer filter (staff): as a name
// is typed, /invoices/customers suggests matching customers in the field's
// datalist; choosing one applies the filter. Without JavaScript the field
// still works: the server picks the one customer that matches or lists them.
(function () {
  var input = document.getElementById('customer_name');
  var list = document.getElementById('customer-names');
  if (!input || !list || !window.fetch) return;
  var timer = null, last = '', names = [];
  function fill(customers) {
    while (list.firstChild) list.removeChild(list.firstChild);
    names = [];
    customers.forEach(function (c) {
      var o = document.createElement('option');
      o.value = c.name;
      list.appendChild(o);
      names.push(c.name);
    });
  }
  function suggest() {
    var text = input.value.trim();
    if (text === last) return;
    last = text;
    if (text.length < 2) { fill([]); return; }
    fetch('/invoices/customers?q=' + encodeURIComponent(text), { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : { customers: [] }; })
      .then(function (j) { if (input.value.trim() === text) fill(j.customers || []); })
      .catch(function () { fill([]); });
  }
  input.addEventListener('input', function (e) {
    // a suggestion chosen from the list: apply it
    if ((!e.inputType || e.inputType === 'insertReplacementText') && names.indexOf(input.value) >= 0) {
      input.form.submit();
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });
})();
