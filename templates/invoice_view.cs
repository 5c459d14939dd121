<?cs # One invoice as a document. Print: the print layout (?print=1), no navigation or actions. ?><?cs
if:Print ?><!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><?cs var:Page.Title ?> · <?cs var:Seller.Name ?></title>
<link rel="stylesheet" href="/static/app.css">
<link rel="stylesheet" href="/static/invoice.css">
</head>
<body class="print-view">
<main class="print-main"><?cs
else ?><?cs include!"_head.cs" ?>
<link rel="stylesheet" href="/static/invoice.css"><?cs
/if ?>
<?cs if:Print ?>
<div class="print-bar no-print" id="print-bar">
  <a class="btn" id="print-back" href="/invoices/<?cs var:Inv.Id ?>">&larr; Back</a>
  <button type="button" class="btn primary" id="print-now" hidden>Print</button>
</div>
<script src="/static/print.js" defer></script>
<?cs /if ?>
<?cs if:!Print ?>
<div class="inv-toolbar no-print">
  <a class="back" href="/invoices">&larr; Invoices</a>
  <div class="inv-actions" role="group" aria-label="Invoice actions">
    <a class="btn primary" id="act-pdf" href="<?cs var:Act.PDF ?>" download>Download PDF</a>
    <a class="btn" id="act-print" href="<?cs var:Act.Print ?>">Print view</a>
    <a class="btn" id="act-csv" href="<?cs var:Act.CSV ?>" download>Detailed CSV</a>
    <?cs if:Act.UBL ?><a class="btn" id="act-ubl" href="<?cs var:Act.UBL ?>" download title="EN 16931 e-invoice, UBL (Peppol BIS Billing 3.0)">E-invoice (UBL)<?cs if:Act.EDefault == "peppol" ?> · customer's format<?cs /if ?></a>
    <a class="btn" id="act-cii" href="<?cs var:Act.CII ?>" download title="EN 16931 e-invoice, UN/CEFACT CII">E-invoice (CII)<?cs if:Act.EDefault == "cii" ?> · customer's format<?cs /if ?></a><?cs /if ?>
    <?cs if:Act.XRechnung ?><a class="btn" id="act-xrechnung" href="<?cs var:Act.XRechnung ?>" download title="EN 16931 e-invoice, UBL under XRechnung 3.0">E-invoice (XRechnung) · customer's format</a><?cs /if ?>
    <?cs if:Act.Customer && Staff ?><a class="btn subtle" id="act-customer" href="<?cs var:Act.Customer ?>">Customer's invoices</a><?cs /if ?>
  </div>
</div>
<?cs /if ?>

<article class="invoice-doc st-<?cs var:Inv.StatusKey ?><?cs if:Inv.Draft ?> is-draft<?cs /if ?><?cs if:Inv.Void ?> is-void<?cs /if ?>" id="invoice" data-id="<?cs var:Inv.Id ?>"<?cs if:Inv.Draft ?> data-watermark="DRAFT"<?cs elif:Inv.Void ?> data-watermark="CANCELLED"<?cs /if ?>>
  <header class="doc-head">
    <div class="seller" id="seller">
      <?cs if:Seller.Logo ?><img class="logo" src="<?cs var:Seller.Logo ?>" alt="<?cs var:Seller.Name ?>"><?cs /if ?>
      <div class="seller-name"><?cs var:Seller.Name ?></div>
      <address><?cs each:a = Seller.Address ?><span><?cs var:a ?></span><?cs /each ?></address>
      <dl class="kv compact">
        <?cs if:Seller.TaxId ?><dt>VAT ID</dt><dd><?cs var:Seller.TaxId ?></dd><?cs /if ?>
        <?cs if:Seller.Email ?><dt>Email</dt><dd><?cs var:Seller.Email ?></dd><?cs /if ?>
        <?cs if:Seller.Phone ?><dt>Phone</dt><dd><?cs var:Seller.Phone ?></dd><?cs /if ?>
        <?cs if:Seller.Website ?><dt>Web</dt><dd><?cs var:Seller.Website ?></dd><?cs /if ?>
      </dl>
    </div>
    <div class="doc-title">
      <div class="doc-kind"><?cs var:Inv.Doc ?></div>
      <h1 class="inv-number" id="inv-number"><?cs var:Inv.Number ?></h1>
      <span class="badge status st-<?cs var:Inv.StatusKey ?>" id="inv-status"><?cs var:Inv.Status ?></span>
      <dl class="kv meta" id="inv-meta">
        <dt>Invoice date</dt><dd id="inv-date"><?cs var:Inv.Date ?></dd>
        <?cs if:!Inv.Credit ?><dt>Due date</dt><dd id="inv-due"><?cs var:Inv.Due ?></dd><?cs /if ?>
        <?cs if:Inv.Period ?><dt>Billing period</dt><dd id="inv-period"><?cs var:Inv.Period ?></dd><?cs /if ?>
        <dt>Currency</dt><dd id="inv-currency"><?cs var:Inv.Currency ?></dd>
        <?cs if:Inv.Credit ?><dt>Credits invoice</dt><dd id="inv-credited"><?cs if:Inv.CreditedId && !Print ?><a href="/invoices/<?cs var:Inv.CreditedId ?>"><?cs var:Inv.Credited ?></a><?cs else ?><?cs var:Inv.Credited ?><?cs /if ?></dd><?cs /if ?>
        <?cs if:Inv.BuyerRef ?><dt>Your reference</dt><dd><?cs var:Inv.BuyerRef ?></dd><?cs /if ?>
      </dl>
    </div>
  </header>

  <?cs if:Inv.Void ?><p class="notice void" role="note">This <?cs if:Inv.Credit ?>credit note<?cs else ?>invoice<?cs /if ?> was cancelled on <?cs var:string.slice(Inv.VoidedOn, 0, 10) ?>. It stays in the books with its number; nothing is due.</p><?cs /if ?>
  <?cs if:Inv.Draft ?><p class="notice draft" role="note">Draft: not issued yet. It has no number, and its lines and totals may still change.</p><?cs /if ?>

  <section class="parties">
    <div class="bill-to" id="buyer">
      <h2>Bill to</h2>
      <div class="buyer-name"><?cs var:Buyer.Name ?></div>
      <?cs if:Buyer.TradeName ?><div class="trade-name"><?cs var:Buyer.TradeName ?></div><?cs /if ?>
      <address>
        <?cs if:Buyer.Street ?><span><?cs var:Buyer.Street ?></span><?cs /if ?>
        <?cs if:Buyer.Line2 ?><span><?cs var:Buyer.Line2 ?></span><?cs /if ?>
        <?cs if:Buyer.City ?><span><?cs var:Buyer.City ?></span><?cs /if ?>
        <?cs if:Buyer.Country ?><span><?cs var:Buyer.Country ?></span><?cs /if ?>
      </address>
      <dl class="kv compact">
        <?cs if:Buyer.VatId ?><dt>VAT ID</dt><dd><?cs var:Buyer.VatId ?></dd><?cs /if ?>
        <?cs if:Buyer.Email ?><dt>Email</dt><dd><?cs var:Buyer.Email ?></dd><?cs /if ?>
      </dl>
    </div>
    <?cs if:Fields.0.Label ?>
    <div class="custom-fields" id="fields">
      <h2>References</h2>
      <dl class="kv">
        <?cs each:f = Fields ?><dt><?cs var:f.Label ?></dt><dd><?cs var:f.Value ?></dd><?cs /each ?>
      </dl>
    </div>
    <?cs /if ?>
  </section>

  <div class="lines-wrap">
  <table class="lines" id="lines">
    <caption>Lines <span class="muted">· amounts in <?cs var:Inv.Currency ?></span></caption>
    <thead><tr>
      <th class="pos" scope="col">#</th>
      <th class="desc" scope="col">Description</th>
      <?cs if:Inv.LinePeriods ?><th class="period" scope="col">Period</th><?cs /if ?>
      <th class="num" scope="col">Quantity</th>
      <th class="num" scope="col">Unit price</th>
      <th class="taxr" scope="col">Tax</th>
      <th class="num" scope="col">Net</th>
      <th class="num" scope="col">Tax</th>
      <th class="num" scope="col">Gross</th>
    </tr></thead>
    <tbody>
    <?cs each:l = Lines ?><tr>
      <td class="pos"><?cs var:l.Pos ?></td>
      <td class="desc"><?cs var:l.Desc ?></td>
      <?cs if:Inv.LinePeriods ?><td class="period"><?cs var:l.Period ?></td><?cs /if ?>
      <td class="num qty" data-label="Quantity"><?cs var:l.Qty ?><?cs if:l.Unit ?> <span class="unit"><?cs var:l.Unit ?></span><?cs /if ?></td>
      <td class="num price" data-label="Unit price"><?cs var:l.Price ?></td>
      <td class="taxr" data-label="Tax rate"><?cs var:l.Rate ?><?cs if:l.TaxDesc && l.TaxDesc != l.Rate ?><span class="tax-desc"><?cs var:l.TaxDesc ?></span><?cs /if ?></td>
      <td class="num net" data-label="Net"><?cs var:l.Net ?></td>
      <td class="num tax" data-label="Tax"><?cs var:l.Tax ?></td>
      <td class="num gross" data-label="Gross"><?cs var:l.Gross ?></td>
    </tr><?cs /each ?>
    <?cs if:!Lines.0.Pos ?><tr class="empty"><td colspan="<?cs if:Inv.LinePeriods ?>9<?cs else ?>8<?cs /if ?>">No lines yet.</td></tr><?cs /if ?>
    </tbody>
  </table>
  </div>

  <section class="summary">
    <table class="tax-summary" id="tax-summary">
      <caption>Tax summary</caption>
      <thead><tr><th scope="col">Rate</th><th scope="col">Category</th><th class="num" scope="col">Net</th><th class="num" scope="col">Tax</th></tr></thead>
      <tbody>
      <?cs each:t = Taxes ?><tr>
        <td><?cs var:t.Rate ?></td>
        <td><?cs var:t.CategoryName ?><?cs if:t.Reason ?><span class="tax-desc"><?cs var:t.Reason ?></span><?cs /if ?></td>
        <td class="num"><?cs var:t.Net ?></td>
        <td class="num"><?cs var:t.Tax ?></td>
      </tr><?cs /each ?>
      </tbody>
    </table>
    <table class="totals" id="totals">
      <tbody>
        <tr class="t-net"><th scope="row">Net total</th><td class="num"><?cs var:Totals.Net ?></td></tr>
        <tr class="t-tax"><th scope="row">Tax</th><td class="num"><?cs var:Totals.Tax ?></td></tr>
        <tr class="t-total"><th scope="row">Total</th><td class="num" id="total"><?cs var:Totals.Total ?></td></tr>
        <?cs if:!Inv.Draft ?>
        <tr class="t-paid"><th scope="row"><?cs if:Inv.Credit ?>Applied<?cs else ?>Paid<?cs /if ?></th><td class="num" id="paid"><?cs var:Totals.Paid ?></td></tr>
        <?cs if:!Inv.Void ?><tr class="t-balance"><th scope="row"><?cs if:Inv.Credit ?>Remaining credit<?cs else ?>Balance due<?cs /if ?></th><td class="num" id="balance"><?cs var:Totals.Balance ?></td></tr><?cs /if ?>
        <?cs /if ?>
      </tbody>
    </table>
  </section>

  <?cs if:Inv.Open && !Inv.Credit ?>
  <section class="pay-to" id="pay-to">
    <h2>How to pay</h2>
    <p><?cs if:Inv.Overdue ?><strong class="overdue">This invoice is overdue</strong> (due <?cs var:Inv.Due ?>). Please pay <strong><?cs var:Totals.Balance ?></strong> now<?cs else ?>Please pay <strong><?cs var:Totals.Balance ?></strong> by <strong><?cs var:Inv.Due ?></strong><?cs /if ?><?cs if:Seller.IBAN ?> to <?cs var:Seller.Name ?><?cs /if ?>, quoting <strong><?cs var:Inv.Number ?></strong> as the reference.</p>
    <?cs if:Seller.IBAN ?><dl class="kv bank">
      <?cs if:Inv.Means ?><dt>Payment means</dt><dd><?cs var:Inv.Means ?></dd><?cs /if ?>
      <dt>Account holder</dt><dd><?cs var:Seller.Name ?></dd>
      <dt>IBAN</dt><dd class="mono"><?cs var:Seller.IBAN ?></dd>
      <?cs if:Seller.BIC ?><dt>BIC</dt><dd class="mono"><?cs var:Seller.BIC ?></dd><?cs /if ?>
    </dl><?cs /if ?>
  </section>
  <?cs /if ?>

  <?cs if:!Inv.Draft && (!Inv.Credit || Payments.0.Date) ?>
  <section class="payments" id="payments">
    <h2>Payment history</h2>
    <?cs if:Payments.0.Date ?>
    <table class="history">
      <thead><tr><th scope="col">Date</th><th scope="col">Method</th><th scope="col">Reference</th><th class="num" scope="col">Amount</th></tr></thead>
      <tbody>
      <?cs each:p = Payments ?><tr><td><?cs var:p.Date ?></td><td><?cs var:p.Method ?></td><td><?cs var:p.Reference ?></td><td class="num"><?cs var:p.Amount ?></td></tr><?cs /each ?>
      </tbody>
    </table>
    <?cs else ?><p class="muted">No payments recorded.</p><?cs /if ?>
  </section>
  <?cs /if ?>

  <?cs if:CreditNotes.0.Id ?>
  <section class="payments credit-notes" id="credit-notes">
    <h2>Credit notes</h2>
    <table class="history">
      <thead><tr><th scope="col">Number</th><th scope="col">Date</th><th scope="col">Status</th><th class="num" scope="col">Total</th><th class="num" scope="col">Applied here</th></tr></thead>
      <tbody>
      <?cs each:c = CreditNotes ?><tr><td><?cs if:Print ?><?cs var:c.Number ?><?cs else ?><a href="/invoices/<?cs var:c.Id ?>"><?cs var:c.Number ?></a><?cs /if ?></td><td><?cs var:c.Date ?></td><td><?cs var:c.Status ?></td><td class="num"><?cs var:c.Total ?></td><td class="num"><?cs var:c.Applied ?></td></tr><?cs /each ?>
      </tbody>
    </table>
  </section>
  <?cs /if ?>

  <?cs if:Inv.Notes ?><section class="notes" id="notes"><h2>Notes</h2><p><?cs var:Inv.Notes ?></p></section><?cs /if ?>

  <footer class="doc-foot">
    <span><?cs var:Seller.Name ?></span>
    <?cs if:Seller.TaxId ?><span>VAT ID <?cs var:Seller.TaxId ?></span><?cs /if ?>
    <?cs if:Seller.IBAN && !Inv.Draft ?><span>IBAN <?cs var:Seller.IBAN ?><?cs if:Seller.BIC ?> · BIC <?cs var:Seller.BIC ?><?cs /if ?></span><?cs /if ?>
    <?cs if:Inv.IssuedAt ?><span>Issued <?cs var:string.slice(Inv.IssuedAt, 0, 10) ?></span><?cs /if ?>
  </footer>
</article>

<?cs if:Staff ?>
<aside class="staff-tools no-print" aria-label="Staff tools">
  <?cs if:Share.URL ?>
  <div class="share" id="share-link">
    <label for="share-url">Download link for the customer</label>
    <div class="copy-row">
      <input type="text" id="share-url" class="mono" readonly value="<?cs var:Share.URL ?>">
      <button type="button" class="btn" id="copy-share" data-copy="share-url" hidden>Copy</button>
    </div>
    <p class="hint">Opens the PDF without signing in, until <?cs var:Share.Until ?> (<?cs var:Share.Days ?> days).<?cs if:!Can.Links ?> <code>invoicectl revoke-links <?cs var:Inv.Id ?></code> turns every link of this invoice away.<?cs /if ?></p>
    <?cs if:Can.Links ?>
    <form method="get" action="/invoices/<?cs var:Inv.Id ?>" class="link-days">
      <label for="link-days">Valid for (days)</label>
      <input type="text" inputmode="numeric" id="link-days" name="link_days" value="<?cs var:Share.Days ?>" size="4">
      <button type="submit" class="btn">Make a link</button>
    </form>
    <form method="post" action="/admin/invoices/<?cs var:Inv.Id ?>/revoke-links" class="revoke-links">
      <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
      <button type="submit" class="btn" id="revoke-links">Revoke all links of this invoice</button>
    </form>
    <?cs /if ?>
  </div>
  <?cs /if ?>
  <?cs if:Can.Admin ?>
  <?cs # the allowed next states (invoice-view.c set_admin_actions): AdminActions.N.URL, .Label, .Key ?>
  <?cs if:AdminActions.0.URL ?>
  <div class="admin-actions" data-for="admin" role="group" aria-labelledby="update-status"><span id="update-status">Update status</span><?cs each:a = AdminActions ?> <a class="btn act-<?cs var:a.Key ?>" href="<?cs var:a.URL ?>"><?cs var:a.Label ?></a><?cs /each ?></div>
  <?cs /if ?>
  <?cs if:Can.Credit ?><p class="admin-actions"><a class="btn" id="act-credit" href="/admin/invoices/<?cs var:Inv.Id ?>/credit">Create credit note</a></p><?cs /if ?>
  <?cs /if ?>
  <?cs if:Act.Payments ?>
  <div class="payment-actions" role="group" aria-labelledby="payments-label"><span id="payments-label">Payments</span>
    <a class="btn" id="view-payments" href="<?cs var:Act.Payments ?>">View payments</a>
    <?cs if:Can.RecordPayment ?><a class="btn" id="record-payment" href="<?cs var:Act.Payments ?>#record">Record payment</a><?cs /if ?>
  </div>
  <?cs /if ?>
  <section class="mail-box" aria-labelledby="mail-h" id="notifications">
    <h2 id="mail-h">Notifications</h2>
    <?cs if:Mail.0.Id ?>
    <table class="grid" id="mail-history">
      <thead><tr><th scope="col">Message</th><th scope="col">To</th><th scope="col">Status</th><th scope="col">Queued</th><th scope="col">Sent</th><?cs if:Can.Resend ?><th scope="col"><span class="visually-hidden">Action</span></th><?cs /if ?></tr></thead>
      <tbody>
      <?cs each:m = Mail ?>
        <tr data-outbox="<?cs var:m.Id ?>" data-status="<?cs var:m.Status ?>"><td><?cs var:m.Subject ?> <span class="hint">(<?cs var:m.Kind ?>)</span></td><td><?cs var:m.To ?></td>
          <td><span class="badge mail-<?cs var:m.Status ?>"><?cs var:m.Status ?></span><?cs if:m.Attempts > 0 ?> · <?cs var:m.Attempts ?> attempt<?cs if:m.Attempts != 1 ?>s<?cs /if ?><?cs /if ?><?cs if:m.Error ?><br><span class="mail-error"><?cs var:m.Error ?></span><?cs /if ?></td>
          <td><?cs var:m.Queued ?></td><td><?cs var:m.Sent ?></td>
          <?cs if:Can.Resend ?><td><form method="post" action="/admin/invoices/<?cs var:Inv.Id ?>/resend" class="inline">
            <input type="hidden" name="csrf" value="<?cs var:CSRF ?>"><input type="hidden" name="once" value="<?cs var:Form.Once ?>">
            <input type="hidden" name="outbox" value="<?cs var:m.Id ?>"><button type="submit" class="btn">Send again</button></form></td><?cs /if ?></tr>
      <?cs /each ?>
      </tbody>
    </table>
    <?cs else ?><p class="hint">No mail about this invoice.</p><?cs /if ?>
    <h3 id="views-h">Opened through download links</h3>
    <p id="link-views-total"><?cs var:LinkViewsTotal ?> time<?cs if:LinkViewsTotal != 1 ?>s<?cs /if ?></p>
    <?cs if:LinkViews.0.When ?>
    <table class="grid" id="link-views" aria-labelledby="views-h">
      <thead><tr><th scope="col">When (UTC)</th><th scope="col">Address</th></tr></thead>
      <tbody><?cs each:v = LinkViews ?><tr><td><?cs var:v.When ?></td><td><?cs var:v.Address ?></td></tr><?cs /each ?></tbody>
    </table>
    <?cs /if ?>
  </section>
  <?cs include!"_history_box.cs" ?>
</aside>
<script src="/static/invoice.js" defer></script>
<?cs /if ?>
<?cs if:Print ?>
</main>
</body>
</html>
<?cs else ?><?cs include!"_foot.cs" ?><?cs /if ?>
