<?cs include!"_head.cs" ?>
<?cs set:Portal.Section = "payments" ?>
<section class="portal">
  <h1>Payments</h1>
  <?cs include!"_portal_nav.cs" ?>
  <table class="grid" id="portal-payments">
    <caption>Payments received from <?cs var:Account.Name ?>, newest first</caption>
    <thead><tr><th scope="col">Received</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Applied to invoices</th><th scope="col">Method</th><th scope="col">Reference</th></tr></thead>
    <tbody>
    <?cs each:p = Payments ?>
      <tr><td><?cs var:p.Date ?></td><td class="num amount"><?cs var:p.Amount ?></td><td class="num allocated" data-label="Applied"><?cs var:p.Allocated ?></td><td><?cs var:p.Method ?></td><td data-label="Reference"><?cs var:p.Reference ?></td></tr>
    <?cs /each ?>
    <?cs if:!subcount(Payments) ?><tr><td colspan="5">No payments yet.</td></tr><?cs /if ?>
    </tbody>
  </table>
</section>
<?cs include!"_foot.cs" ?>
