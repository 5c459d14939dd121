<?cs include!"_head.cs" ?>
<?cs include!"form_macros.cs" ?>
<link rel="stylesheet" href="/static/invoice_edit.css">
<?cs include!"_admin_nav.cs" ?>
<section class="invoice-confirm">
  <h1><?cs var:Page.Title ?></h1>
  <dl class="facts">
    <dt>Invoice</dt><dd id="c-number"><?cs if:Inv.Number ?><?cs var:Inv.Number ?><?cs else ?>Draft #<?cs var:Inv.Id ?><?cs /if ?></dd>
    <dt>Customer</dt><dd id="c-customer"><?cs var:Inv.Customer ?></dd>
    <dt>Invoice date</dt><dd><?cs var:Inv.Date ?></dd>
    <dt>Due date</dt><dd><?cs var:Inv.Due ?></dd>
    <dt>Lines</dt><dd><?cs var:Inv.Lines ?></dd>
    <dt>Total</dt><dd id="c-total"><?cs var:Inv.Total ?></dd>
  </dl>
  <div class="what" id="what-happens">
  <?cs if:Confirm.Action == "issue" ?>
    <p>Issuing gives the invoice the next number of its year's series (the number is taken when you confirm, so it is not shown here), freezes its lines and totals, and keeps the seller and buyer details as they are now. It cannot be undone: an issued invoice can only be voided.</p>
  <?cs elif:Confirm.Action == "void" ?>
    <p>Voiding cancels the invoice. It keeps its number and stays in the books; nothing is due any more. It cannot be undone.</p>
  <?cs else ?>
    <p>Discarding deletes this draft and its lines. It has no number yet, so no number is lost. It cannot be undone.</p>
  <?cs /if ?>
  </div>
  <form method="post" action="/admin/invoices/<?cs var:Inv.Id ?>/<?cs var:Confirm.Action ?>">
    <?cs call:form_keys() ?>
    <?cs call:form_errors(Form) ?>
    <?cs if:Confirm.Action == "issue" ?>
      <?cs call:field(Form.notify) ?>
      <p class="hint"><?cs if:Inv.Email ?>The e-mail goes to <?cs var:Inv.Email ?>.<?cs else ?>The customer has no e-mail address: nothing will be sent.<?cs /if ?></p>
    <?cs elif:Confirm.Action == "void" ?>
      <?cs call:field(Form.reason) ?>
    <?cs /if ?>
    <div class="form-actions">
      <button type="submit" class="primary" id="confirm"><?cs var:Confirm.Button ?></button>
      <a href="/invoices/<?cs var:Inv.Id ?>">Cancel</a>
    </div>
  </form>
</section>
<?cs include!"_foot.cs" ?>
