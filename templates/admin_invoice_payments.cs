<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<?cs include!"form_macros.cs" ?>
<section class="admin invoice-payments">
  <div class="page-head">
    <h1>Payments of <a href="/invoices/<?cs var:Doc.Id ?>"><?cs var:Doc.Number ?></a></h1>
  </div>
  <dl class="facts" id="doc-facts">
    <dt>Customer</dt><dd><a href="/admin/customers/<?cs var:Doc.CustomerId ?>?tab=payments"><?cs var:Doc.Customer ?></a></dd>
    <dt>Status</dt><dd><span class="badge st-<?cs var:Doc.StatusKey ?>" id="doc-status"><?cs var:Doc.Status ?></span><?cs if:!Doc.Credit ?> <span class="badge st-<?cs var:Doc.PaidState ?>" id="doc-paid-state"><?cs var:Doc.PaidState ?></span><?cs /if ?></dd>
    <dt>Due</dt><dd><?cs var:Doc.Due ?></dd>
    <dt>Total</dt><dd class="total"><?cs var:Doc.Total ?></dd>
    <dt><?cs if:Doc.Credit ?>Spent<?cs else ?>Paid<?cs /if ?></dt><dd class="paid"><?cs var:Doc.Paid ?></dd>
    <dt><?cs if:Doc.Credit ?>Unspent credit<?cs else ?>Balance<?cs /if ?></dt><dd class="balance"><?cs var:Doc.Balance ?></dd>
  </dl>

  <h2 id="alloc-h">Allocations</h2>
  <?cs include!"_allocs.cs" ?>

  <?cs if:Can.Pay && Add.Once ?>
  <div class="two-forms">
  <section aria-labelledby="add-h">
    <h2 id="add-h">Add from a payment or credit</h2>
    <?cs if:subcount(Sources) ?>
    <?cs if:Add.Error ?><div class="form-errors" role="alert"><p><?cs var:Add.Error ?> Nothing was saved.</p></div><?cs /if ?>
    <form method="post" action="/admin/invoices/<?cs var:Doc.Id ?>/payments/add" class="admin-form" id="add-form" novalidate>
      <input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="once" value="<?cs var:Add.Once ?>">
      <div class="field"><label for="add-source">Payment or credit note</label>
        <select id="add-source" name="source"><?cs each:s = Sources ?><option value="<?cs var:s.Value ?>"><?cs var:s.Text ?></option><?cs /each ?></select></div>
      <div class="field"><label for="add-amount">Amount (<?cs var:Doc.Currency ?>)</label>
        <input type="text" inputmode="decimal" id="add-amount" name="amount" value="<?cs var:Add.Amount ?>"></div>
      <p><button type="submit">Allocate</button></p>
    </form>
    <?cs else ?><p class="empty">No payment or credit note of this customer has anything left to allocate.</p><?cs /if ?>
  </section>
  <section aria-labelledby="record-h" id="record">
    <h2 id="record-h">Record payment</h2>
    <p class="hint">Records a payment from <?cs var:Doc.Customer ?> and allocates it to this invoice in one step.</p>
    <?cs call:form_errors(Form) ?>
    <form method="post" action="/admin/invoices/<?cs var:Doc.Id ?>/payments/record" class="admin-form" id="record-form" novalidate>
      <?cs call:form_keys() ?>
      <?cs call:field(Form.amount) ?>
      <?cs call:field(Form.received_on) ?>
      <?cs call:field(Form.method) ?>
      <?cs call:field(Form.reference) ?>
      <?cs call:field(Form.notes) ?>
      <p><button type="submit" class="primary">Record payment</button></p>
    </form>
  </section>
  </div>
  <?cs /if ?>

  <?cs if:Spread.Free ?>
  <section aria-labelledby="apply-h">
    <h2 id="apply-h">Apply the unspent credit (<?cs var:Doc.Balance ?>) to invoices</h2>
    <?cs include!"_spread.cs" ?>
  </section>
  <?cs /if ?>

  <?cs include!"_history_box.cs" ?>
</section>
<?cs include!"_foot.cs" ?>
