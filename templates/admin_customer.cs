<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<?cs include!"form_macros.cs" ?>
<section class="admin customer-page">
  <?cs include!"_customer_tabs.cs" ?>
  <?cs if:Can.Write ?>
  <div class="record-actions">
    <form method="post" action="/admin/customers/<?cs var:Customer.Id ?>/archive" class="inline">
      <?cs call:form_keys() ?>
      <?cs if:Customer.Active ?><input type="hidden" name="active" value="0"><button type="submit">Archive</button>
      <?cs else ?><input type="hidden" name="active" value="1"><button type="submit">Restore</button><?cs /if ?>
    </form>
    <?cs if:!Customer.HasInvoices ?><a class="button danger" href="/admin/customers/<?cs var:Customer.Id ?>/delete">Delete…</a><?cs /if ?>
  </div>
  <?cs /if ?>

  <?cs if:Customer.Tab == "summary" ?>
  <h2>Summary</h2>
  <dl class="facts">
    <dt>Email</dt><dd><?cs var:Customer.Field.email ?></dd>
    <dt>Address</dt><dd><?cs var:Customer.Field.street ?> <?cs var:Customer.Field.address_line2 ?>, <?cs var:Customer.Field.post_code ?> <?cs var:Customer.Field.city ?>, <?cs var:Customer.Field.country ?></dd>
    <dt>VAT id</dt><dd><?cs var:Customer.Field.vat_id ?></dd>
    <dt>Currency</dt><dd><?cs var:Customer.Field.currency ?></dd>
    <dt>Payment terms</dt><dd><?cs var:Customer.Field.payment_days ?> days</dd>
  </dl>
  <table class="grid figures" id="customer-sums">
    <caption>Figures (as of <?cs var:Summary.Today ?>)</caption>
    <thead><tr><th scope="col">Currency</th><th scope="col" class="num">Billed</th><th scope="col" class="num">Paid</th><th scope="col" class="num">Balance</th><th scope="col" class="num">Overdue</th><th scope="col">Other</th></tr></thead>
    <tbody>
    <?cs each:s = Sums ?>
      <tr data-currency="<?cs var:s.Currency ?>"><th scope="row"><?cs var:s.Currency ?></th>
        <td class="num billed"><?cs var:s.Billed ?></td><td class="num paid"><?cs var:s.Paid ?></td>
        <td class="num balance"><?cs var:s.Balance ?></td><td class="num overdue"><?cs var:s.Overdue ?> (<?cs var:s.OverdueN ?>)</td>
        <td><?cs var:s.Issued ?> issued, <?cs var:s.Drafts ?> drafts, <?cs var:s.Voids ?> cancelled</td></tr>
    <?cs /each ?>
    <?cs if:!subcount(Sums) ?><tr><td colspan="6">No invoices yet.</td></tr><?cs /if ?>
    </tbody>
  </table>
  <table class="grid figures" id="customer-months">
    <caption>Billed and paid per month (last 12 months)</caption>
    <thead><tr><th scope="col">Month</th><th scope="col" class="num">Billed</th><th scope="col" class="num">Paid</th></tr></thead>
    <tbody>
    <?cs each:m = Months ?>
      <tr data-month="<?cs var:m.Month ?>"><th scope="row"><?cs var:m.Month ?></th><td class="num billed"><?cs var:m.Billed ?></td><td class="num paid"><?cs var:m.Paid ?></td></tr>
    <?cs /each ?>
    <?cs if:!subcount(Months) ?><tr><td colspan="3">Nothing billed or paid in the last 12 months.</td></tr><?cs /if ?>
    </tbody>
  </table>

  <?cs elif:Customer.Tab == "invoices" ?>
  <h2>Invoices</h2>
  <p><a class="button" id="customer-invoices" href="/invoices?customer=<?cs var:Customer.Id ?>">Open this customer's invoices in the list</a>
  <?cs if:Can.Invoice && Customer.Active ?><a class="button primary" href="/admin/invoices/new?customer=<?cs var:Customer.Id ?>">New invoice</a><?cs /if ?></p>

  <?cs elif:Customer.Tab == "payments" ?>
  <h2>Payments</h2>
  <p><a class="button" id="customer-all-payments" href="/admin/payments?customer=<?cs var:Customer.Id ?>">Search this customer's payments</a>
  <?cs if:Can.Pay ?><a class="button primary" id="customer-record-payment" href="/admin/payments/new?customer=<?cs var:Customer.Id ?>">Record a payment</a><?cs /if ?></p>
  <table class="grid figures" id="customer-credit">
    <caption>Unallocated credit</caption>
    <thead><tr><th scope="col">Currency</th><th scope="col" class="num">Payments not allocated</th><th scope="col" class="num">Unspent credit notes</th><th scope="col" class="num">Refunds not set against credit</th></tr></thead>
    <tbody>
    <?cs each:c = Credit ?>
      <tr data-currency="<?cs var:c.Currency ?>"><th scope="row"><?cs var:c.Currency ?></th><td class="num payments"><?cs var:c.Payments ?></td><td class="num credit-notes"><?cs var:c.CreditNotes ?></td><td class="num refunds"><?cs var:c.Refunds ?></td></tr>
    <?cs /each ?>
    <?cs if:!subcount(Credit) ?><tr><td colspan="4">No payments or credit notes.</td></tr><?cs /if ?>
    </tbody>
  </table>
  <table class="grid" id="customer-payments">
    <caption>Payments, newest first</caption>
    <thead><tr><th scope="col">Received</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Allocated</th><th scope="col">Method</th><th scope="col">Reference</th></tr></thead>
    <tbody>
    <?cs each:p = Payments ?>
      <tr><td><a href="/admin/payments/<?cs var:p.Id ?>"><?cs var:p.Date ?></a></td><td class="num"><?cs var:p.Amount ?></td><td class="num"><?cs var:p.Allocated ?></td><td><?cs var:p.Method ?></td><td><?cs var:p.Reference ?></td></tr>
    <?cs /each ?>
    <?cs if:!subcount(Payments) ?><tr><td colspan="5">No payments.</td></tr><?cs /if ?>
    </tbody>
  </table>

  <?cs elif:Customer.Tab == "users" ?>
  <h2>Users</h2>
  <table class="grid" id="customer-users">
    <thead><tr><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Active</th></tr></thead>
    <tbody>
    <?cs each:u = Users ?>
      <tr><td><?cs var:u.Email ?></td><td><?cs var:u.Name ?></td><td><?cs if:u.Active ?>yes<?cs else ?>no<?cs /if ?></td></tr>
    <?cs /each ?>
    <?cs if:!subcount(Users) ?><tr><td colspan="3">No portal users.</td></tr><?cs /if ?>
    </tbody>
  </table>

  <?cs elif:Customer.Tab == "history" ?>
  <h2>History</h2>
  <?cs include!"_history.cs" ?>
  <?cs /if ?>
</section>
<?cs include!"_foot.cs" ?>
