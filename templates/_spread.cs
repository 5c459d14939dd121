<?cs # the spread form: Open.N.* (the customer's oldest open documents, admin_payments.c
   spread_hdf) with the plan's amounts, posting target/amount pairs to Spread.Action ?>
<?cs if:subcount(Open) ?>
<p class="hint">The oldest open <?cs if:Spread.Credit ?>credit notes<?cs else ?>invoices<?cs /if ?> come first, filled in order; change the amounts before saving. Everything is saved together, or nothing.</p>
<form method="post" action="<?cs var:Spread.Action ?>" id="allocate-form" novalidate>
  <?cs call:form_keys() ?>
  <table class="grid" id="open-docs">
    <thead><tr><th scope="col"><?cs if:Spread.Credit ?>Credit note<?cs else ?>Invoice<?cs /if ?></th><th scope="col">Date</th><th scope="col">Due</th><th scope="col" class="num">Total</th><th scope="col" class="num">Open</th><th scope="col" class="num">Allocate</th></tr></thead>
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
<?cs else ?><p class="empty">This customer has no open <?cs if:Spread.Credit ?>credit notes<?cs else ?>invoices<?cs /if ?> in this currency.</p><?cs /if ?>
