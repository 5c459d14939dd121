<?cs include!"_head.cs" ?>
<section class="list-page">
<div class="list-head">
  <h1>Invoices<?cs if:List.Heading ?> <span class="heading-customer" id="heading-customer">· <?cs var:List.Heading ?></span><?cs /if ?></h1>
  <form class="search" method="get" action="/invoices" role="search">
    <input type="hidden" name="f" value="1">
    <?cs each:s = List.StatusKeys ?><input type="hidden" name="status" value="<?cs var:s ?>"><?cs /each ?>
    <?cs if:List.Customer ?><input type="hidden" name="customer" value="<?cs var:List.Customer ?>"><input type="hidden" name="customer_name" value="<?cs var:List.CustomerName ?>"><?cs /if ?>
    <?cs if:List.Currency ?><input type="hidden" name="currency" value="<?cs var:List.Currency ?>"><?cs /if ?>
    <?cs if:List.Cols ?><input type="hidden" name="cols" value="<?cs var:List.Cols ?>"><?cs /if ?>
    <input type="search" name="q" id="q" value="<?cs if:List.Err.q ?><?cs var:List.Raw.q ?><?cs else ?><?cs var:List.Q ?><?cs /if ?>" placeholder="Number, customer, email, PO or keyword" aria-label="Search invoices" maxlength="100"<?cs if:List.Err.q ?> aria-invalid="true" aria-describedby="err-q"<?cs /if ?>>
    <button type="submit">Search</button>
    <?cs if:List.Err.q ?><span class="field-error" id="err-q"><?cs var:List.Err.q ?></span><?cs /if ?>
  </form>
  <?cs if:Can.Edit ?><a class="button primary new-invoice" id="new-invoice" href="/admin/invoices/new<?cs if:List.Customer ?>?customer=<?cs var:List.Customer ?><?cs /if ?>">New invoice</a><?cs /if ?>
  <a class="to-chooser" href="#chooser" id="to-chooser">Columns</a>
</div>
<?cs if:List.Errors ?><p class="alert error" role="alert" id="form-errors">Some of the filters could not be used; see the message beside <?cs if:List.Errors == 1 ?>the field<?cs else ?>each field<?cs /if ?>. The other filters apply.<?cs if:List.Err.customer && !Can.Pick ?> <?cs var:List.Err.customer ?><?cs /if ?></p><?cs /if ?>

<details class="filters" id="filters" <?cs if:Filters.0.Label || List.Errors || List.PickCount ?>open<?cs /if ?>>
  <summary>Filters</summary>
  <form method="get" action="/invoices" id="filter-form" class="filter-grid">
    <input type="hidden" name="f" value="1">
    <input type="hidden" name="q" value="<?cs var:List.Q ?>">
    <?cs if:List.Cols ?><input type="hidden" name="cols" value="<?cs var:List.Cols ?>"><?cs /if ?>
    <input type="hidden" name="sort" value="<?cs var:List.Sort ?>">
    <input type="hidden" name="dir" value="<?cs var:List.Dir ?>">
    <fieldset class="statuses"><legend>Status</legend>
      <?cs if:Can.Drafts ?><label><input type="checkbox" name="status" value="draft"<?cs if:List.Status.draft ?> checked<?cs /if ?>> Draft</label><?cs /if ?>
      <label><input type="checkbox" name="status" value="due"<?cs if:List.Status.due ?> checked<?cs /if ?>> Due</label>
      <label><input type="checkbox" name="status" value="partial"<?cs if:List.Status.partial ?> checked<?cs /if ?>> Partly paid</label>
      <label><input type="checkbox" name="status" value="overdue"<?cs if:List.Status.overdue ?> checked<?cs /if ?>> Overdue</label>
      <label><input type="checkbox" name="status" value="paid"<?cs if:List.Status.paid ?> checked<?cs /if ?>> Paid</label>
      <label><input type="checkbox" name="status" value="void"<?cs if:List.Status.void ?> checked<?cs /if ?>> Cancelled</label>
    </fieldset>
    <?cs if:Can.Pick ?><div class="field customer-field">
      <label for="customer_name">Customer</label>
      <?cs if:List.Customer ?><input type="hidden" name="customer" value="<?cs var:List.Customer ?>"><?cs /if ?>
      <input type="text" name="customer_name" id="customer_name" maxlength="100" autocomplete="off" list="customer-names" value="<?cs if:List.Err.customer_name ?><?cs var:List.Raw.customer_name ?><?cs else ?><?cs var:List.CustomerName ?><?cs /if ?>" placeholder="Name or email"<?cs if:List.Err.customer_name ?> aria-invalid="true" aria-describedby="err-customer_name"<?cs /if ?>>
      <datalist id="customer-names"></datalist>
      <?cs if:List.Err.customer_name ?><span class="field-error" id="err-customer_name"><?cs var:List.Err.customer_name ?></span><?cs /if ?>
      <?cs if:List.Err.customer ?><span class="field-error" id="err-customer"><?cs var:List.Err.customer ?></span><?cs /if ?>
      <?cs if:List.PickCount ?><div class="pick" id="customer-pick"><span><?cs if:List.PickMore ?>More than <?cs var:List.PickCount ?><?cs else ?><?cs var:List.PickCount ?><?cs /if ?> customers match. Choose one:</span>
        <ul><?cs each:c = List.Pick ?><li><a href="<?cs var:c.URL ?>"><?cs var:c.Name ?></a></li><?cs /each ?></ul></div><?cs /if ?>
    </div><?cs elif:List.Customer ?><input type="hidden" name="customer" value="<?cs var:List.Customer ?>"><?cs /if ?>
    <div class="field">
      <label for="f-currency">Currency</label>
      <input type="text" name="currency" id="f-currency" maxlength="3" size="4" value="<?cs if:List.Err.currency ?><?cs var:List.Raw.currency ?><?cs else ?><?cs var:List.Currency ?><?cs /if ?>"<?cs if:List.Err.currency ?> aria-invalid="true" aria-describedby="err-currency"<?cs /if ?>>
      <?cs if:List.Err.currency ?><span class="field-error" id="err-currency"><?cs var:List.Err.currency ?></span><?cs /if ?>
    </div>
    <div class="field"><label for="f-date">Dates</label>
      <select name="date" id="f-date"<?cs if:List.Err.date ?> aria-invalid="true" aria-describedby="err-date"<?cs /if ?>>
        <option value="invoice"<?cs if:List.DateField == "invoice" ?> selected<?cs /if ?>>Invoice date</option>
        <option value="due"<?cs if:List.DateField == "due" ?> selected<?cs /if ?>>Due date</option>
        <option value="period"<?cs if:List.DateField == "period" ?> selected<?cs /if ?>>Billing period</option>
      </select>
      <?cs if:List.Err.date ?><span class="field-error" id="err-date"><?cs var:List.Err.date ?></span><?cs /if ?></div>
    <div class="field"><label for="f-from">From</label> <input type="date" name="from" id="f-from" value="<?cs var:List.From ?>"<?cs if:List.Err.from ?> aria-invalid="true" aria-describedby="err-from"<?cs /if ?>>
      <?cs if:List.Err.from ?><span class="field-error" id="err-from"><?cs var:List.Err.from ?></span><?cs /if ?></div>
    <div class="field"><label for="f-to">To</label> <input type="date" name="to" id="f-to" value="<?cs var:List.To ?>"<?cs if:List.Err.to ?> aria-invalid="true" aria-describedby="err-to"<?cs /if ?>>
      <?cs if:List.Err.to ?><span class="field-error" id="err-to"><?cs var:List.Err.to ?></span><?cs /if ?></div>
    <div class="field"><label for="f-min">Total from</label> <input type="text" inputmode="decimal" name="min" id="f-min" size="8" value="<?cs if:List.Err.min ?><?cs var:List.Raw.min ?><?cs else ?><?cs var:List.Min ?><?cs /if ?>"<?cs if:List.Err.min ?> aria-invalid="true" aria-describedby="err-min"<?cs /if ?>>
      <?cs if:List.Err.min ?><span class="field-error" id="err-min"><?cs var:List.Err.min ?></span><?cs /if ?></div>
    <div class="field"><label for="f-max">to</label> <input type="text" inputmode="decimal" name="max" id="f-max" size="8" value="<?cs if:List.Err.max ?><?cs var:List.Raw.max ?><?cs else ?><?cs var:List.Max ?><?cs /if ?>"<?cs if:List.Err.max ?> aria-invalid="true" aria-describedby="err-max"<?cs /if ?>>
      <?cs if:List.Err.max ?><span class="field-error" id="err-max"><?cs var:List.Err.max ?></span><?cs /if ?></div>
    <div class="field"><label for="f-per-page">Rows</label> <select name="per_page" id="f-per-page"<?cs if:List.Err.per_page ?> aria-invalid="true" aria-describedby="err-per_page"<?cs /if ?>>
      <?cs each:n = PerPageChoices ?><option value="<?cs var:n ?>"<?cs if:n == List.PerPage ?> selected<?cs /if ?>><?cs var:n ?></option><?cs /each ?>
    </select>
      <?cs if:List.Err.per_page ?><span class="field-error" id="err-per_page"><?cs var:List.Err.per_page ?></span><?cs /if ?></div>
    <button type="submit" class="primary">Apply</button>
  </form>
</details>

<details class="chooser" id="chooser">
  <summary>Columns</summary>
  <form method="post" action="/invoices/columns" id="chooser-form">
    <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
    <input type="hidden" name="back" value="<?cs var:BackURL ?>">
    <ol class="col-list">
    <?cs each:c = Chooser ?><li draggable="true" data-key="<?cs var:c.Key ?>">
      <label><input type="checkbox" name="show_<?cs var:c.Key ?>" value="1"<?cs if:c.Shown ?> checked<?cs /if ?>> <?cs var:c.Label ?></label>
      <label class="pos">position <input type="number" name="pos_<?cs var:c.Key ?>" min="0" max="99" value="<?cs var:c.Pos ?>"></label>
    </li><?cs /each ?>
    </ol>
    <button type="submit" class="primary">Save columns</button>
  </form>
</details>

<?cs if:Filters.0.Label ?>
<ul class="chips" aria-label="Active filters">
  <?cs each:f = Filters ?><li class="chip"><?cs var:f.Label ?>: <strong><?cs var:f.Value ?></strong>
    <a href="<?cs var:f.ClearURL ?>" class="clear" aria-label="Remove filter <?cs var:f.Label ?>">×</a></li><?cs /each ?>
  <li><a href="<?cs var:ClearAllURL ?>" class="clear-all">Clear all</a></li>
</ul>
<?cs /if ?>

<p class="summary" id="summary"><?cs if:List.Capped ?>More than <span id="count-cap"><?cs var:List.Capped ?></span> invoices match<?cs if:List.Last > 0 ?>, showing <?cs var:List.First ?>–<?cs var:List.Last ?><?cs /if ?>. Narrow the filter to see the exact count and totals.
<?cs else ?><span id="count"><?cs var:List.Count ?></span> invoice<?cs if:List.Count != 1 ?>s<?cs /if ?><?cs if:List.Last > 0 ?>, showing <?cs var:List.First ?>–<?cs var:List.Last ?><?cs /if ?>.
<?cs if:Sums.0.Currency ?><input type="checkbox" id="sums-toggle" class="sums-toggle"><label for="sums-toggle" class="sums-toggle-label">Totals by currency</label>
<span class="sums-list" id="sums-list"><?cs /if ?><?cs each:s = Sums ?><?cs if:s.Issued > 0 ?><span class="sum" data-currency="<?cs var:s.Currency ?>" data-kind="issued"><?cs var:s.Currency ?>: <span class="n"><?cs var:s.Issued ?></span> issued · <abbr title="Issued invoices minus credit notes">billed</abbr> <span class="billed"><?cs var:s.Billed ?></span> · <abbr title="Received: allocations to these invoices, less what credit notes covered">paid</abbr> <span class="paid"><?cs var:s.Paid ?></span> · <abbr title="Still owed: billed minus paid">balance</abbr> <span class="balance"><?cs var:s.Balance ?></span></span> <?cs /if ?><?cs
 if:s.Drafts > 0 ?><span class="sum" data-currency="<?cs var:s.Currency ?>" data-kind="drafts"><span class="n"><?cs var:s.Drafts ?></span> draft<?cs if:s.Drafts != 1 ?>s<?cs /if ?>, <span class="total"><?cs var:s.DraftsTotal ?></span></span> <?cs /if ?><?cs
 if:s.Voids > 0 ?><span class="sum" data-currency="<?cs var:s.Currency ?>" data-kind="void"><span class="n"><?cs var:s.Voids ?></span> cancelled, <span class="total"><?cs var:s.VoidsTotal ?></span></span> <?cs /if ?><?cs /each ?><?cs if:Sums.0.Currency ?></span><?cs /if ?><?cs /if ?></p>

<?cs if:Can.Batch ?>
<form method="post" action="<?cs var:Batch.URL ?>" id="batch-form" class="batch">
  <input type="hidden" name="csrf" value="<?cs var:CSRF ?>">
  <fieldset><legend>Ticked rows</legend>
    <label><input type="checkbox" name="all" value="1" id="batch-all"> instead, every invoice this filter matches<?cs if:!List.Capped ?> (<?cs var:List.Count ?>)<?cs /if ?>; at most 500</label>
    <label for="batch-action">Action</label>
    <select name="action" id="batch-action"><?cs if:Can.Edit ?><option value="issue">Issue the drafts…</option><?cs /if ?><option value="zip">Download the PDFs as one zip</option><option value="pdf">One PDF to print</option></select>
    <button type="submit" id="batch-go">Apply</button>
  </fieldset>
</form>
<?cs /if ?>
<table class="grid invoices" id="invoices">
  <thead><tr>
    <?cs if:Can.Batch ?><th class="sel"><span class="vh">Select</span><input type="checkbox" id="sel-page" aria-label="Select every row on this page" hidden></th><?cs /if ?>
    <?cs each:c = Cols ?><th class="c-<?cs var:c.Key ?><?cs if:c.Numeric ?> num<?cs /if ?>"<?cs if:c.Sorted ?> aria-sort="<?cs if:c.Sorted == "asc" ?>ascending<?cs else ?>descending<?cs /if ?>"<?cs /if ?>><a href="<?cs var:c.SortURL ?>" data-col="<?cs var:c.Key ?>"<?cs if:c.Title ?> title="<?cs var:c.Title ?>"<?cs /if ?>><?cs var:c.Label ?><?cs if:c.Sorted == "asc" ?> ▲<?cs elif:c.Sorted == "desc" ?> ▼<?cs /if ?></a></th><?cs /each ?>
    <th class="actions">Actions</th>
  </tr></thead>
  <tbody>
  <!--slot:rows-->
  </tbody>
</table>
<?cs if:List.PastEnd ?><p class="alert" id="past-end"><?cs if:List.Pages ?>No rows on page <?cs var:List.Page ?> — last page is <a href="<?cs var:Pager.LastURL ?>"><?cs var:List.Pages ?></a>.<?cs else ?>No rows on page <?cs var:List.Page ?> — <a href="<?cs var:Pager.LastURL ?>">go to the first page</a>.<?cs /if ?></p>
<?cs elif:List.Count == 0 ?><p class="empty">No invoices match.</p><?cs /if ?>

<nav class="pager" aria-label="Pages">
  <?cs if:Pager.FirstURL ?><a href="<?cs var:Pager.FirstURL ?>" rel="first">« First</a> <a href="<?cs var:Pager.PrevURL ?>" rel="prev">‹ Previous</a><?cs /if ?>
  <span>Page <?cs var:List.Page ?><?cs if:List.Pages ?> of <?cs var:List.Pages ?><?cs /if ?></span>
  <?cs if:Pager.NextURL ?><a href="<?cs var:Pager.NextURL ?>" rel="next">Next ›</a><?cs if:Pager.LastURL ?> <a href="<?cs var:Pager.LastURL ?>" rel="last">Last »</a><?cs /if ?><?cs /if ?>
</nav>

</section>
<script src="/static/list.js" defer></script>
<?cs if:Can.Pick ?><script src="/static/picker.js" defer></script><?cs /if ?>
<?cs include!"_foot.cs" ?>
