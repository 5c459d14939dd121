<?cs include!"_head.cs" ?>
<?cs include!"_admin_nav.cs" ?>
<section class="admin payments">
  <div class="page-head">
    <h1>Payments</h1>
    <?cs if:Can.Pay ?><a class="button primary" href="/admin/payments/new<?cs if:Filter.Customer ?>?customer=<?cs var:Filter.Customer ?><?cs /if ?>" id="record-payment">Record a payment</a><?cs /if ?>
  </div>
  <form method="get" action="/admin/payments" class="search" role="search" id="payment-search">
    <?cs if:Filter.Customer ?><input type="hidden" name="customer" value="<?cs var:Filter.Customer ?>"><?cs /if ?>
    <label for="pq">Reference, note or customer</label>
    <input type="search" id="pq" name="q" value="<?cs var:Filter.Q ?>">
    <label for="pamount">Amount</label>
    <input type="text" inputmode="decimal" id="pamount" name="amount" value="<?cs var:Filter.Amount ?>" size="10">
    <label for="pfrom">Received from</label>
    <input type="date" id="pfrom" name="from" value="<?cs var:Filter.From ?>">
    <label for="pto">to</label>
    <input type="date" id="pto" name="to" value="<?cs var:Filter.To ?>">
    <label><input type="checkbox" name="open" value="1"<?cs if:Filter.Open ?> checked<?cs /if ?>> Only with something left to allocate</label>
    <button type="submit">Search</button>
  </form>
  <p class="count" id="payment-count"><?cs if:List.More ?>More than <?cs var:List.Total ?> payments (the pages go as far as that; narrow the search for the rest)<?cs else ?><?cs var:List.Total ?> payment<?cs if:List.Total != 1 ?>s<?cs /if ?><?cs /if ?></p>
  <table class="grid" id="payments">
    <thead><tr><th scope="col">Received</th><th scope="col">Customer</th><th scope="col">Method</th><th scope="col">Reference</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Allocated</th><th scope="col" class="num">Unallocated</th></tr></thead>
    <tbody>
    <?cs each:p = Payments ?>
      <tr data-id="<?cs var:p.Id ?>"><td><a href="/admin/payments/<?cs var:p.Id ?>"><?cs var:p.Date ?></a><?cs if:p.Refund ?> <span class="badge">Refund</span><?cs /if ?></td>
        <td><a href="/admin/customers/<?cs var:p.CustomerId ?>?tab=payments"><?cs var:p.Customer ?></a></td>
        <td><?cs var:p.Method ?></td><td><?cs var:p.Reference ?></td>
        <td class="num amount"><?cs var:p.Amount ?></td><td class="num allocated"><?cs var:p.Allocated ?></td><td class="num free"><?cs var:p.Free ?></td></tr>
    <?cs /each ?>
    <?cs if:!subcount(Payments) ?><tr><td colspan="7">No payments match.</td></tr><?cs /if ?>
    </tbody>
  </table>
  <?cs def:pay_query(page) ?>/admin/payments?q=<?cs var:url_escape(Filter.Q) ?>&amp;amount=<?cs var:url_escape(Filter.Amount) ?>&amp;from=<?cs var:Filter.From ?>&amp;to=<?cs var:Filter.To ?><?cs if:Filter.Customer ?>&amp;customer=<?cs var:Filter.Customer ?><?cs /if ?><?cs if:Filter.Open ?>&amp;open=1<?cs /if ?>&amp;page=<?cs var:page ?><?cs /def ?>
  <?cs if:List.Pages > 1 ?>
  <nav class="pager" aria-label="Pages">
    <?cs if:List.Prev ?><a rel="prev" href="<?cs call:pay_query(List.Prev) ?>">Previous</a><?cs /if ?>
    <span>Page <?cs var:List.Page ?> of <?cs var:List.Pages ?><?cs if:List.More ?>+<?cs /if ?></span>
    <?cs if:List.Next ?><a rel="next" href="<?cs call:pay_query(List.Next) ?>">Next</a><?cs /if ?>
  </nav>
  <?cs /if ?>
</section>
<?cs include!"_foot.cs" ?>
