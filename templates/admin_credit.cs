<?cs # A credit note from an issued invoice (cgi-bin/admin_credit.c): the form
   (Lines.N with what is left and the inputs q_<pos> / a_<pos>), or, with
   Confirm, the credit note's lines and totals and what it does to the balance. ?>
<?cs include!"_head.cs" ?>
<?cs include!"form_macros.cs" ?>
<link rel="stylesheet" href="/static/invoice_edit.css">
<?cs include!"_admin_nav.cs" ?>
<section class="invoice-confirm credit-note">
  <h1><?cs var:Page.Title ?></h1>
  <dl class="facts">
    <dt>Invoice</dt><dd><a id="c-number" href="/invoices/<?cs var:Inv.Id ?>"><?cs var:Inv.Number ?></a></dd>
    <dt>Total</dt><dd id="c-total"><?cs var:Inv.Total ?></dd>
    <dt>Paid</dt><dd id="c-paid"><?cs var:Inv.Paid ?></dd>
    <dt>Balance due</dt><dd id="c-balance"><?cs var:Inv.Balance ?></dd>
    <dt>Credited so far</dt><dd id="c-credited"><?cs var:Inv.Credited ?></dd>
    <dt>Still uncredited</dt><dd id="c-left"><?cs var:Inv.Left ?></dd>
  </dl>
<?cs if:Confirm ?>
  <table class="grid" id="plan-lines">
    <caption>The credit note's lines <span class="muted">· amounts in <?cs var:Inv.Currency ?></span></caption>
    <thead><tr><th scope="col">Invoice line</th><th scope="col">Description</th><th class="num" scope="col">Quantity</th>
      <th class="num" scope="col">Unit price</th><th class="num" scope="col">Net</th><th class="num" scope="col">Tax</th></tr></thead>
    <tbody>
    <?cs each:l = Plan.Lines ?><tr><td><?cs var:l.Pos ?></td><td><?cs var:l.Desc ?></td><td class="num"><?cs var:l.Qty ?></td>
      <td class="num"><?cs var:l.Price ?></td><td class="num"><?cs var:l.Net ?></td><td class="num"><?cs var:l.Tax ?></td></tr><?cs /each ?>
    </tbody>
  </table>
  <dl class="facts" id="plan">
    <dt>Net</dt><dd id="p-net"><?cs var:Plan.Net ?></dd>
    <dt>Tax</dt><dd id="p-tax"><?cs var:Plan.Tax ?></dd>
    <dt>Credit note total</dt><dd id="p-total"><?cs var:Plan.Total ?></dd>
  </dl>
  <div class="what" id="what-happens">
    <p>The credit note gets the next number of the credit note series when you confirm, and it cannot be changed afterwards (only voided while nothing of it is applied).
    <span id="p-applied"><?cs var:Plan.Applied ?></span> of it settles the invoice's balance, which becomes <strong id="p-balance-after"><?cs var:Plan.BalanceAfter ?></strong>.
    <?cs if:Plan.Rest ?><span id="p-unallocated"><?cs var:Plan.Unallocated ?></span> stays with the customer as unallocated credit (to refund, or to settle other invoices).<?cs /if ?>
    Still uncredited of the invoice afterwards: <span id="p-left-after"><?cs var:Plan.LeftAfter ?></span>.</p>
    <?cs if:Form.reason.Value ?><p>Reason: <?cs var:Form.reason.Value ?></p><?cs /if ?>
  </div>
  <form method="post" action="/admin/invoices/<?cs var:Inv.Id ?>/credit" id="credit-confirm">
    <?cs call:form_keys() ?>
    <input type="hidden" name="confirm" value="1">
    <?cs if:Form.full.Value == "1" ?><input type="hidden" name="full" value="1"><?cs /if ?>
    <?cs if:Form.notify.Value == "1" ?><input type="hidden" name="notify" value="1"><?cs /if ?>
    <input type="hidden" name="reason" value="<?cs var:Form.reason.Value ?>">
    <?cs each:l = Lines ?><?cs if:l.Q ?><input type="hidden" name="q_<?cs var:l.Pos ?>" value="<?cs var:l.Q ?>"><?cs /if ?><?cs if:l.A ?><input type="hidden" name="a_<?cs var:l.Pos ?>" value="<?cs var:l.A ?>"><?cs /if ?><?cs /each ?>
    <div class="form-actions">
      <button type="submit" class="primary" id="confirm">Issue the credit note</button>
      <a href="/admin/invoices/<?cs var:Inv.Id ?>/credit">Start again</a>
      <a href="/invoices/<?cs var:Inv.Id ?>">Cancel</a>
    </div>
  </form>
<?cs else ?>
  <form method="post" action="/admin/invoices/<?cs var:Inv.Id ?>/credit" id="credit-form">
    <?cs call:form_keys() ?>
    <?cs call:form_errors(Form) ?>
    <?cs if:Form.Problem ?><p class="field-error" role="alert" id="form-problem"><?cs var:Form.Problem ?></p><?cs /if ?>
    <?cs call:field(Form.full) ?>
    <p class="hint">Or enter, per line, a quantity or a net amount to credit (the line's tax rate applies).</p>
    <div class="scroll">
    <table class="grid" id="credit-lines">
      <caption>Lines of <?cs var:Inv.Number ?> <span class="muted">· amounts in <?cs var:Inv.Currency ?></span></caption>
      <thead><tr><th scope="col">#</th><th scope="col">Description</th><th class="num" scope="col">Quantity</th>
        <th class="num" scope="col">Unit price</th><th scope="col">Tax</th><th class="num" scope="col">Net</th>
        <th class="num" scope="col">Uncredited quantity</th><th class="num" scope="col">Uncredited net</th>
        <th scope="col">Credit quantity</th><th scope="col">or net amount</th></tr></thead>
      <tbody>
      <?cs each:l = Lines ?><tr id="line-<?cs var:l.Pos ?>">
        <td><?cs var:l.Pos ?></td><td><?cs var:l.Desc ?></td>
        <td class="num"><?cs var:l.Qty ?><?cs if:l.Unit ?> <?cs var:l.Unit ?><?cs /if ?></td><td class="num"><?cs var:l.Price ?></td>
        <td><?cs var:l.Rate ?></td><td class="num"><?cs var:l.Net ?></td>
        <td class="num left-qty"><?cs var:l.LeftQty ?></td><td class="num left-net"><?cs var:l.LeftNet ?></td>
        <td class="pick<?cs if:l.QError ?> invalid<?cs /if ?>">
          <label class="vh" for="f-q_<?cs var:l.Pos ?>">Quantity to credit, line <?cs var:l.Pos ?></label>
          <input type="text" inputmode="decimal" size="8" id="f-q_<?cs var:l.Pos ?>" name="q_<?cs var:l.Pos ?>" value="<?cs var:l.Q ?>"<?cs if:l.QError ?> aria-invalid="true" aria-describedby="e-q_<?cs var:l.Pos ?>"<?cs /if ?>>
          <?cs if:l.QError ?><p class="field-error" id="e-q_<?cs var:l.Pos ?>"><?cs var:l.QError ?></p><?cs /if ?>
        </td>
        <td class="pick<?cs if:l.AError ?> invalid<?cs /if ?>">
          <label class="vh" for="f-a_<?cs var:l.Pos ?>">Net amount to credit, line <?cs var:l.Pos ?></label>
          <input type="text" inputmode="decimal" size="8" id="f-a_<?cs var:l.Pos ?>" name="a_<?cs var:l.Pos ?>" value="<?cs var:l.A ?>"<?cs if:l.AError ?> aria-invalid="true" aria-describedby="e-a_<?cs var:l.Pos ?>"<?cs /if ?>>
          <?cs if:l.AError ?><p class="field-error" id="e-a_<?cs var:l.Pos ?>"><?cs var:l.AError ?></p><?cs /if ?>
        </td>
      </tr><?cs /each ?>
      </tbody>
    </table>
    </div>
    <?cs call:field(Form.reason) ?>
    <?cs call:field(Form.notify) ?>
    <div class="form-actions">
      <button type="submit" class="primary" id="review">Review the credit note</button>
      <a href="/invoices/<?cs var:Inv.Id ?>">Cancel</a>
    </div>
  </form>
<?cs /if ?>
</section>
<?cs include!"_foot.cs" ?>
