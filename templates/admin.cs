<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<section class="dashboard">
  <h1>Dashboard</h1>
  <p class="whoami">Signed in as <strong class="who"><?cs var:User.Name ?></strong>, role <strong class="role"><?cs var:User.Role ?></strong><?cs if:!Can.Write ?> (read only)<?cs /if ?>. Figures as of <time class="today" datetime="<?cs var:Dash.Today ?>"><?cs var:Dash.Today ?></time>; every amount counts issued invoices minus credit notes, drafts and cancelled ones apart.</p>

  <h2 id="receivables">Receivables</h2>
  <?cs if:subcount(Cur) == 0 ?><p class="empty">No invoices yet.</p><?cs else ?>
  <table class="grid receivables" aria-labelledby="receivables">
    <thead><tr><th scope="col">Currency</th><th scope="col" class="num">Billed</th><th scope="col" class="num">Paid</th><th scope="col" class="num">Outstanding</th><th scope="col" class="num">Overdue</th><th scope="col" class="num">Overdue invoices</th></tr></thead>
    <tbody>
    <?cs each:c = Cur ?><tr data-currency="<?cs var:c.Code ?>">
      <th scope="row"><?cs var:c.Code ?></th>
      <td class="num billed"><?cs var:c.Billed ?></td>
      <td class="num paid"><?cs var:c.Paid ?></td>
      <td class="num outstanding"><a href="<?cs var:c.AllHref ?>"><?cs var:c.Outstanding ?></a></td>
      <td class="num overdue"><a href="<?cs var:c.OverdueHref ?>"><?cs var:c.Overdue ?></a></td>
      <td class="num overdue-n"><?cs var:c.OverdueN ?></td>
    </tr><?cs /each ?>
    </tbody>
  </table>
  <?cs /if ?>

  <h2 id="by-status">Invoices by status</h2>
  <ul class="status-counts" aria-labelledby="by-status">
    <?cs each:s = Counts ?><li data-status="<?cs var:s.Class ?>"><?cs if:s.Href ?><a href="<?cs var:s.Href ?>"><?cs /if ?><span class="badge st-<?cs var:s.Class ?>"><?cs var:s.Label ?></span> <strong class="n"><?cs var:s.N ?></strong><?cs if:s.Href ?></a><?cs /if ?></li>
    <?cs /each ?>
  </ul>

  <h2 id="aging">Aging of open invoices (balance)</h2>
  <p class="hint">Days past the due date; each amount opens the invoices it sums.</p>
  <?cs each:c = Cur ?>
  <table class="grid aging" data-currency="<?cs var:c.Code ?>">
    <caption>Aging, <?cs var:c.Code ?></caption>
    <thead><tr><?cs each:a = c.Aging ?><th scope="col" class="num"><?cs var:a.Label ?></th><?cs /each ?></tr></thead>
    <tbody><tr><?cs each:a = c.Aging ?><td class="num" data-bucket="<?cs var:a.Key ?>" data-n="<?cs var:a.N ?>"><a href="<?cs var:a.Href ?>"><?cs var:a.Amount ?></a></td><?cs /each ?></tr></tbody>
  </table>
  <?cs /each ?>

  <h2 id="months">Billed and paid per month</h2>
  <p class="hint">The last 12 months by invoice date, from <?cs var:Dash.From ?>: billed (credit notes subtracted) and what of it is paid.</p>
  <div class="charts"><!--slot:charts--></div>
  <?cs each:c = Cur ?>
  <table class="grid months" data-currency="<?cs var:c.Code ?>">
    <caption>Billed and paid per month, <?cs var:c.Code ?></caption>
    <thead><tr><th scope="col">Month</th><th scope="col" class="num">Billed</th><th scope="col" class="num">Paid</th></tr></thead>
    <tbody>
    <?cs each:m = c.Months ?><tr data-month="<?cs var:m.Month ?>"><th scope="row"><a href="<?cs var:m.Href ?>"><?cs var:m.Month ?></a></th><td class="num billed"><?cs var:m.Billed ?></td><td class="num paid"><?cs var:m.Paid ?></td></tr>
    <?cs /each ?>
    </tbody>
  </table>
  <?cs /each ?>
</section>
<?cs include!"_foot.cs" ?>
