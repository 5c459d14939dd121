<?cs include!"_head.cs" ?>
<?cs set:Portal.Section = "home" ?>
<section class="portal">
  <h1><?cs var:Account.Name ?></h1>
  <p class="whoami">Signed in as <strong class="who"><?cs var:User.Name ?></strong> (<span class="email"><?cs var:User.Email ?></span>).</p>
  <?cs include!"_portal_nav.cs" ?>

  <h2 id="balance-h">Balance</h2>
  <table class="grid figures" id="portal-balance" aria-labelledby="balance-h">
    <thead><tr><th scope="col">Currency</th><th scope="col" class="num">Open balance</th><th scope="col" class="num">Overdue</th><th scope="col" class="num">Overdue invoices</th></tr></thead>
    <tbody>
    <?cs each:s = Sums ?>
      <tr data-currency="<?cs var:s.Currency ?>"><th scope="row"><?cs var:s.Currency ?></th>
        <td class="num balance" data-label="Open"><?cs var:s.Balance ?></td>
        <td class="num overdue" data-label="Overdue"><?cs var:s.Overdue ?></td>
        <td class="num overdue-n" data-label="Overdue invoices"><?cs if:s.OverdueN > 0 ?><a href="/invoices?status=overdue&amp;currency=<?cs var:s.Currency ?>"><?cs var:s.OverdueN ?></a><?cs else ?>0<?cs /if ?></td></tr>
    <?cs /each ?>
    <?cs if:!subcount(Sums) ?><tr><td colspan="4">No invoices yet.</td></tr><?cs /if ?>
    </tbody>
  </table>
  <p class="hint">As of <?cs var:Portal.Today ?>.</p>

  <h2>Next due</h2>
  <?cs if:Next.0.Id ?>
  <p id="next-due"><a href="/invoices/<?cs var:Next.0.Id ?>" class="number"><?cs var:Next.0.Number ?></a>,
    due on <strong class="due"><?cs var:Next.0.Due ?></strong>: <strong class="balance"><?cs var:Next.0.Balance ?></strong>
    <span class="badge st-<?cs var:Next.0.StatusClass ?>"><?cs var:Next.0.Status ?></span>
    · <a href="/invoices/<?cs var:Next.0.Id ?>.pdf">PDF<span class="visually-hidden"> of <?cs var:Next.0.Number ?></span></a></p>
  <?cs else ?>
  <p id="next-due" class="none">Nothing is coming due.</p>
  <?cs /if ?>

  <h2 id="latest-h">Latest invoices</h2>
  <table class="grid" id="portal-latest" aria-labelledby="latest-h">
    <thead><tr><th scope="col">Number</th><th scope="col">Date</th><th scope="col">Due</th><th scope="col" class="num">Total</th><th scope="col" class="num">Balance</th><th scope="col">Status</th><th scope="col">PDF</th></tr></thead>
    <tbody>
    <?cs each:i = Latest ?>
      <tr data-id="<?cs var:i.Id ?>"><th scope="row"><a href="/invoices/<?cs var:i.Id ?>"><?cs var:i.Number ?></a></th>
        <td data-label="Date"><?cs var:i.Date ?></td><td data-label="Due"><?cs var:i.Due ?></td><td class="num total" data-label="Total"><?cs var:i.Total ?></td><td class="num balance" data-label="Balance"><?cs var:i.Balance ?></td>
        <td><span class="badge st-<?cs var:i.StatusClass ?>"><?cs var:i.Status ?></span></td>
        <td><a href="/invoices/<?cs var:i.Id ?>.pdf">PDF<span class="visually-hidden"> of <?cs var:i.Number ?></span></a></td></tr>
    <?cs /each ?>
    <?cs if:!subcount(Latest) ?><tr><td colspan="7">No invoices yet.</td></tr><?cs /if ?>
    </tbody>
  </table>
  <p><a href="/invoices">All invoices</a></p>

  <h2 id="payments-h">Recent payments</h2>
  <table class="grid" id="portal-recent-payments" aria-labelledby="payments-h">
    <thead><tr><th scope="col">Received</th><th scope="col" class="num">Amount</th><th scope="col">Method</th><th scope="col">Reference</th></tr></thead>
    <tbody>
    <?cs each:p = Payments ?>
      <tr><td><?cs var:p.Date ?></td><td class="num amount"><?cs var:p.Amount ?></td><td><?cs var:p.Method ?></td><td data-label="Reference"><?cs var:p.Reference ?></td></tr>
    <?cs /each ?>
    <?cs if:!subcount(Payments) ?><tr><td colspan="4">No payments yet.</td></tr><?cs /if ?>
    </tbody>
  </table>
  <p><a href="/portal/payments">All payments</a></p>

  <h2 id="months">Billed and paid per month</h2>
  <p class="hint">The last 12 months: billed by invoice date (credit notes subtracted), paid by the day the money came.</p>
  <div class="charts"><!--slot:charts--></div>
  <?cs each:c = Chart ?>
  <details class="chart-table">
    <summary>The chart as a table, <?cs var:c.Currency ?></summary>
    <table class="grid months" data-currency="<?cs var:c.Currency ?>">
      <thead><tr><th scope="col">Month</th><th scope="col" class="num">Billed</th><th scope="col" class="num">Paid</th></tr></thead>
      <tbody>
      <?cs each:m = c.Months ?><tr data-month="<?cs var:m.Month ?>"><th scope="row"><?cs var:m.Month ?></th><td class="num billed"><?cs var:m.Billed ?></td><td class="num paid"><?cs var:m.Paid ?></td></tr>
      <?cs /each ?>
      </tbody>
    </table>
  </details>
  <?cs /each ?>
</section>
<?cs include!"_foot.cs" ?>
