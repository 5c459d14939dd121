<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<?cs include!"form_macros.cs" ?>
<section class="admin payment-page">
  <div class="page-head">
    <h1><?cs if:Payment.Refund ?>Refund<?cs else ?>Payment<?cs /if ?> <?cs var:Payment.Id ?></h1>
  </div>
  <dl class="facts" id="payment-facts">
    <dt>Customer</dt><dd><a href="/admin/customers/<?cs var:Payment.CustomerId ?>?tab=payments"><?cs var:Payment.Customer ?></a></dd>
    <dt>Received</dt><dd><?cs var:Payment.Date ?></dd>
    <dt>Method</dt><dd><?cs var:Payment.Method ?></dd>
    <dt>Reference</dt><dd><?cs var:Payment.Reference ?></dd>
    <?cs if:Payment.Notes ?><dt>Note</dt><dd><?cs var:Payment.Notes ?></dd><?cs /if ?>
    <dt>Amount</dt><dd class="amount"><?cs var:Payment.Amount ?></dd>
    <dt>Allocated</dt><dd class="allocated"><?cs var:Payment.Allocated ?></dd>
    <dt>Unallocated</dt><dd class="free"><?cs var:Payment.Free ?></dd>
  </dl>

  <h2 id="alloc-h">Allocations</h2>
  <?cs include!"_allocs.cs" ?>

  <?cs if:Can.Pay && Form.Once ?>
  <h2 id="spread-h">Allocate <?cs var:Payment.Free ?></h2>
  <?cs if:subcount(Open) ?>
  <p class="hint">The oldest open <?cs if:Payment.Refund ?>credit notes<?cs else ?>invoices<?cs /if ?> come first, filled in order; change the amounts before saving. Everything is saved together, or nothing.</p>
  <form method="post" action="/admin/payments/<?cs var:Payment.Id ?>/allocate" id="allocate-form" novalidate>
    <?cs call:form_keys() ?>
    <table class="grid" id="open-docs">
      <thead><tr><th scope="col"><?cs if:Payment.Refund ?>Credit note<?cs else ?>Invoice<?cs /if ?></th><th scope="col">Date</th><th scope="col">Due</th><th scope="col" class="num">Total</th><th scope="col" class="num">Open</th><th scope="col" class="num">Allocate</th></tr></thead>
      <tbody>
      <?cs each:o = Open ?>
        <tr data-id="<?cs var:o.Id ?>"><td><a href="/invoices/<?cs var:o.Id ?>"><?cs var:o.Number ?></a></td><td><?cs var:o.Date ?></td><td><?cs var:o.Due ?></td>
          <td class="num"><?cs var:o.Total ?></td><td class="num open"><?cs var:o.OpenAmount ?></td>
          <td class="num<?cs if:o.Error ?> invalid<?cs /if ?>"><input type="hidden" name="target" value="<?cs var:o.Id ?>">
            <label class="vh" for="amt-<?cs var:o.Id ?>">Amount for <?cs var:o.Number ?></label>
            <input type="text" inputmode="decimal" size="10" id="amt-<?cs var:o.Id ?>" name="amount" value="<?cs var:o.Plan ?>"<?cs if:o.Error ?> aria-invalid="true" aria-describedby="e-amt-<?cs var:o.Id ?>"<?cs /if ?>>
            <?cs if:o.Error ?><p class="field-error" id="e-amt-<?cs var:o.Id ?>"><?cs var:o.Error ?></p><?cs /if ?></td></tr>
      <?cs /each ?>
      </tbody>
    </table>
    <p><button type="submit" class="primary">Save allocations</button></p>
  </form>
  <?cs else ?><p class="empty">This customer has no open <?cs if:Payment.Refund ?>credit notes<?cs else ?>invoices<?cs /if ?> in <?cs var:Payment.Currency ?>.</p><?cs /if ?>
  <?cs /if ?>

  <?cs include!"_history_box.cs" ?>
</section>
<?cs include!"_foot.cs" ?>
