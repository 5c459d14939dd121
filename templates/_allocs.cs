<?cs # allocations with their remove buttons: Allocs.N.* (admin_payments.c alloc_row);
   RemoveAction is where each button posts ?>
<table class="grid" id="allocations">
  <thead><tr><th scope="col">Invoice</th><th scope="col">From</th><th scope="col">Allocated on</th><th scope="col" class="num">Amount</th><?cs if:Can.Pay ?><th scope="col"><span class="vh">Remove</span></th><?cs /if ?></tr></thead>
  <tbody>
  <?cs each:a = Allocs ?>
    <tr data-id="<?cs var:a.Id ?>"><td><a href="/invoices/<?cs var:a.InvoiceId ?>"><?cs var:a.Invoice ?></a></td>
      <td><?cs if:a.PaymentId ?><a href="/admin/payments/<?cs var:a.PaymentId ?>"><?cs var:a.Source ?></a><?cs elif:a.CreditId ?><a href="/invoices/<?cs var:a.CreditId ?>"><?cs var:a.Source ?></a><?cs else ?><?cs var:a.Source ?><?cs /if ?></td>
      <td><?cs var:a.When ?></td><td class="num amount"><?cs var:a.Amount ?></td>
      <?cs if:Can.Pay ?><td><?cs if:a.Once ?><form method="post" action="<?cs var:RemoveAction ?>" class="inline remove-alloc">
        <input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="once" value="<?cs var:a.Once ?>">
        <input type="hidden" name="allocation" value="<?cs var:a.Id ?>">
        <button type="submit" aria-label="Remove the allocation of <?cs var:a.Amount ?> to <?cs var:a.Invoice ?>">Remove</button></form><?cs /if ?></td><?cs /if ?></tr>
  <?cs /each ?>
  <?cs if:!subcount(Allocs) ?><tr><td colspan="<?cs if:Can.Pay ?>5<?cs else ?>4<?cs /if ?>">Nothing allocated.</td></tr><?cs /if ?>
  </tbody>
</table>
