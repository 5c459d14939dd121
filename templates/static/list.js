// Progressive enhancement for the column chooser: drag rows to reorder;
// the positions are written back into the plain form's number fields.
(function () {
  var list = document.querySelector('#chooser-form .col-list');
  if (!list) return;
  var dragged = null;
  function renumber() {
    Array.prototype.forEach.call(list.children, function (li, i) {
      var pos = li.querySelector('input[type=number]');
      if (pos) pos.value = i + 1;
    });
  }
  list.addEventListener('dragstart', function (e) { dragged = e.target.closest('li'); });
  list.addEventListener('dragover', function (e) {
    e.preventDefault();
    var over = e.target.closest('li');
    if (!dragged || !over || over === dragged) return;
    var r = over.getBoundingClientRect();
    list.insertBefore(dragged, (e.clientY - r.top) > r.height / 2 ? over.nextSibling : over);
  });
  list.addEventListener('drop', function (e) { e.preventDefault(); renumber(); dragged = null; });
})();
/* batch selection (the form works without this): a box that ticks every row of the page */
(function () {
  var all = document.getElementById('sel-page');
  if (!all) return;
  var boxes = document.querySelectorAll('#invoices td.sel input[type=checkbox]');
  all.hidden = false;
  all.addEventListener('change', function () {
    Array.prototype.forEach.call(boxes, function (b) { b.checked = all.checked; });
  });
})();
